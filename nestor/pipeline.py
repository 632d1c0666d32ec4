"""``Pipeline.run(paths)``: ingest → dedup → engine (nlp + extract) → store, in batches.

The stream is lazy from end to end: files are read as the engine asks for work, and results are
written ``Settings.store_batch`` articles per transaction, so memory does not grow with the
corpus. See :mod:`nestor.store` for what a crash leaves behind (the last committed batch).
"""
from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from . import stories
from .config import Settings
from .engine import Engine, Item, make_engine
from .ingest import iter_documents
from .ingest.dedup import Deduper
from .models import Article, ArticleResult, Skip
from .store import Store


@dataclass
class RunReport:
    run_id: str
    counts: Counter = field(default_factory=Counter)
    skips: list[Skip] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    status: str = "running"

    @property
    def exit_code(self) -> int:
        """0: everything read; 1: some documents were skipped (the run itself completed)."""
        return 1 if self.counts["skipped"] else 0

    def skip_reasons(self) -> Counter:
        return Counter(s.reason for s in self.skips)


class Pipeline:
    def __init__(self, settings: Settings | None = None, engine: Engine | None = None,
                 progress: Callable[[str, int], None] | None = None) -> None:
        self.settings = settings or Settings()
        self.store = Store(self.settings.db)
        self._engine = engine
        self.progress = progress or (lambda what, n: None)

    def run(self, paths: Iterable[str]) -> RunReport:
        paths = [str(p) for p in paths]
        report = RunReport(run_id=datetime.now().strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:6])
        with self.store.writer() as con:
            self.store.start_run(con, report.run_id, paths, self.settings)
        engine = self._engine or make_engine(self.settings)
        dedup = Deduper(self.settings.dup_threshold, self.settings.minhash_perm)
        bands: dict[str, list[int]] = {}
        sigs: dict[str, list[int]] = {}
        t0 = time.perf_counter()
        try:
            stream = self._prepare(paths, report, dedup, bands, sigs)
            results = engine.process(stream)
            new_ids: list[str] = []
            while batch := list(itertools.islice(results, self.settings.store_batch)):
                self._write(batch, report, dedup, bands, sigs)
                new_ids.extend(r.article.id for r in batch if isinstance(r, ArticleResult) and r.events)
            t = time.perf_counter()
            with self.store.writer() as con:
                report.counts["stories"] = stories.update(con, new_ids)
            report.durations["stories"] = time.perf_counter() - t
            report.status = "completed"
        except KeyboardInterrupt:
            report.status = "interrupted"
            raise
        except BaseException:
            report.status = "failed"
            raise
        finally:
            report.durations["total"] = time.perf_counter() - t0
            try:
                with self.store.writer() as con:
                    self.store.finish_run(con, report.run_id, report.status, dict(report.counts), report.durations)
            except Exception:
                # never mask the original error; the row stays 'running' and the next run marks it
                # 'aborted'
                logging.getLogger("nestor").exception("could not record the end of run %s", report.run_id)
        return report

    # ---- stages -----------------------------------------------------------------------------
    def _prepare(self, paths: list[str], report: RunReport, dedup: Deduper,
                 bands: dict[str, list[int]], sigs: dict[str, list[int]]) -> Iterator[Item]:
        """Read, drop what is stored already, mark near-duplicates. Checks the store per chunk."""
        files_seen: set[str] = set()
        docs = iter_documents(paths, self.settings)
        t_read = 0.0
        seen_ids: set[str] = set()
        while True:
            t = time.perf_counter()
            chunk = list(itertools.islice(docs, 64))
            t_read += time.perf_counter() - t
            report.durations["ingest"] = t_read
            if not chunk:
                return
            for fpath, _ in chunk:
                if fpath not in files_seen:
                    files_seen.add(fpath)
                    report.counts["files"] += 1
            t = time.perf_counter()
            out: list[Item] = []
            with self.store.writer() as con:
                arts = [a for _, a in chunk if isinstance(a, Article)]
                stored = self.store.existing_ids(con, [a.id for a in arts])
                for _, item in chunk:
                    if isinstance(item, Skip):
                        out.append(item)
                        continue
                    report.counts["articles"] += 1
                    if item.id in stored or item.id in seen_ids:
                        report.counts["already_stored"] += 1
                        continue
                    seen_ids.add(item.id)
                    dup_of, sig, bh = dedup.check(con, item.id, item.text)
                    if dup_of is not None:
                        item.status, item.duplicate_of = "duplicate", dup_of
                    else:
                        dedup.add_pending(item.id, sig, bh)
                        bands[item.id], sigs[item.id] = bh, [int(x) for x in sig]
                    out.append(item)
            report.durations["dedup"] = report.durations.get("dedup", 0.0) + time.perf_counter() - t
            yield from out

    def _write(self, batch: list[ArticleResult | Skip], report: RunReport, dedup: Deduper,
               bands: dict[str, list[int]], sigs: dict[str, list[int]]) -> None:
        t = time.perf_counter()
        results = [r for r in batch if isinstance(r, ArticleResult)]
        skips = [s for s in batch if isinstance(s, Skip)]
        ids = [r.article.id for r in results]
        band_rows = [(b, h, aid) for aid in ids for b, h in enumerate(bands.get(aid, ()))]
        sig_rows = [(aid, sigs[aid]) for aid in ids if aid in sigs]
        with self.store.writer() as con:
            self.store.write_results(con, results, report.run_id, skips, band_rows, sig_rows)
        dedup.committed(ids, bands)
        for aid in ids:
            bands.pop(aid, None)
            sigs.pop(aid, None)
        report.skips.extend(skips)
        report.counts["skipped"] += len(skips)
        for r in results:
            st = r.article.status
            report.counts["stored"] += 1
            if st == "duplicate":
                report.counts["duplicates"] += 1
            elif st == "non_english":
                report.counts["non_english"] += 1
            elif st == "error":
                report.counts["errors"] += 1
            report.counts["warnings"] += len(r.warnings)
            report.counts["events"] += len(r.events)
            report.counts["claims"] += len(r.claims)
            report.counts["accords"] += len(r.accords)
        report.durations["store"] = report.durations.get("store", 0.0) + time.perf_counter() - t
        self.progress("articles", len(results))
