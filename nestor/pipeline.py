"""``Pipeline.run(paths)``: ingest → dedup → engine (nlp + extract) → store, in batches → stories.

The stream is lazy from end to end: files are read as the engine asks for work, and results are
written ``Settings.store_batch`` articles per transaction (:class:`BatchWriter`), so memory does
not grow with the corpus. See :mod:`nestor.store` for what a crash leaves behind (the last
committed batch) and how a rerun completes it, stories included (:func:`complete_stories`).

Before anything is written the run checks what would make every document fail: the input paths
exist, the store is a nestor store, and (in the engine, before workers start) the model and the
knowledge base load.
"""
from __future__ import annotations

import itertools
import logging
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import stories
from .config import Settings
from .engine import Engine, Item, make_engine, start_pool_server
from .errors import InputError
from .ingest import iter_inputs
from .ingest.dedup import Deduper
from .models import Article, ArticleResult, Skip
from .store import Store, transaction

try:
    import resource

    def _peak_rss_mb() -> float:
        """This process's peak RSS (``ru_maxrss``: KB on Linux, bytes on macOS) in MB."""
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
except ImportError:       # Windows
    _peak_rss_mb = None  # type: ignore[assignment]


@dataclass
class RunReport:
    run_id: str
    counts: Counter = field(default_factory=Counter)
    skips: list[Skip] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    #: this process's peak RSS in MB (its high-water mark) when each stage last ended: the stage
    #: where it jumps is the one that set the peak (docs/scale.md); empty where it cannot be read
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    status: str = "running"

    def mark_peak(self, stage: str) -> None:
        if _peak_rss_mb is not None:
            self.peak_rss_mb[stage] = _peak_rss_mb()

    @property
    def exit_code(self) -> int:
        """0: everything read; 1: some documents were skipped (the run itself completed)."""
        return 1 if self.counts["skipped"] else 0

    def skip_reasons(self) -> Counter:
        return Counter(s.reason for s in self.skips)


class BatchWriter:
    """The one path by which extraction results reach the store (local engines and the Spark loader).

    Writes a batch in one transaction with its near-duplicate index rows (held by the
    :class:`Deduper` until then), the ingest warnings of its articles and the skips; counts what
    was stored. An article whose extraction failed is stored with status ``error`` (so a rerun
    does not retry it forever) *and* recorded as an ``extract_error`` skip with the exception.
    """

    def __init__(self, store: Store, dedup: Deduper, report: RunReport,
                 progress: Callable[[str, int], None] = lambda what, n: None) -> None:
        self.store, self.dedup, self.report, self.progress = store, dedup, report, progress
        self.ingest_warnings: dict[str, list[str]] = {}

    def write(self, batch: list[ArticleResult | Skip]) -> None:
        report = self.report
        t = time.perf_counter()
        results = [r for r in batch if isinstance(r, ArticleResult)]
        skips = [s for s in batch if isinstance(s, Skip)]
        for r in results:
            r.warnings[:0] = self.ingest_warnings.pop(r.article.id, [])
            if r.article.status == "error":
                detail = next((w for w in r.warnings if w.startswith("extraction failed")), "extraction failed")
                skips.append(Skip(r.article.path, "extract_error", detail))
        ids = [r.article.id for r in results]
        bands, sigs = self.dedup.index_rows(ids)
        with self.store.writer() as con:
            written, failed = self.store.write_results(con, results, report.run_id, skips, bands, sigs)
        self.dedup.forget(ids)
        skips += failed
        report.skips.extend(skips)
        report.counts["skipped"] += len(skips)
        for r in results:
            if r.article.id not in written:
                if not any(f.path == r.article.path and f.reason == "store_error" for f in failed):
                    report.counts["already_stored"] += 1      # another writer stored it meanwhile
                continue
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
        report.mark_peak("store")
        self.progress("articles", len(results))


def complete_stories(store: Store) -> int:
    """Rebuild the stories of every dyad whose evidence changed since the last completed story build.

    The articles stored since then are marked in ``story_dirty`` (in their batch's transaction);
    their dyads are rebuilt, committing a chunk of stories at a time (:func:`stories.rebuild`:
    bounded memory), and the marks are cleared once the rebuild has finished. So a run killed after
    its last batch, or during this step, leaves the marks (and the rebuild's own note of its dyads),
    and the next run (even one with nothing new to store) completes the stories.
    """
    with store.writer() as con:
        ids = [r[0] for r in con.execute("SELECT article_id FROM story_dirty ORDER BY 1").fetchall()]
        if not ids and stories.unfinished(con) is False:
            return 0
        n = stories.update(con, ids)
        with transaction(con):
            con.execute("DELETE FROM story_dirty WHERE article_id IN (SELECT unnest(?))", [ids])
    return n


class Terminated(KeyboardInterrupt):
    """SIGTERM received during a run (a job scheduler's stop, ``kill PID``)."""


class _SigtermInterrupts:
    """While active, SIGTERM ends the run as Ctrl-C does: it raises :class:`Terminated` (a
    ``KeyboardInterrupt``) in the main thread, so the pool is shut down (its workers do not outlive
    the run), the batches already committed stay, and the run's row says ``interrupted``. Python's
    default for SIGTERM is to die at once, with none of that. A signal that lands inside a DuckDB
    query comes out as DuckDB's own "Query interrupted" error: ``fired`` tells the run it was the
    signal. Only in the main thread (a signal handler cannot be set elsewhere)."""

    def __init__(self) -> None:
        self.fired = False
        self._before: Any = None
        self._set = False
        if threading.current_thread() is threading.main_thread():
            try:
                self._before = signal.signal(signal.SIGTERM, self._handler)
                self._set = True
            except (ValueError, OSError) as e:   # no signals here (an embedding host): Python's default stays
                logging.getLogger("nestor").debug("SIGTERM handler not set: %s", e)

    def _handler(self, signum: int, frame: object) -> None:
        self.fired = True
        raise Terminated(f"signal {signum}")

    def restore(self) -> None:
        if self._set:
            signal.signal(signal.SIGTERM, self._before)
            self._set = False


class Pipeline:
    def __init__(self, settings: Settings | None = None, engine: Engine | None = None,
                 progress: Callable[[str, int], None] | None = None) -> None:
        self.settings = settings or Settings()
        self.store = Store(self.settings.db)
        self._engine = engine
        self.progress = progress or (lambda what, n: None)

    def run(self, paths: Iterable[str]) -> RunReport:
        paths = [str(p) for p in paths]
        if self._engine is None and self.settings.worker_count > 1:
            # the pool's fork server loads the model on another core while this process checks the
            # store and reads the first articles (the engine's start-up, later, finds it running)
            start_pool_server(self.settings)
        missing = [p for p in paths if not Path(p).exists() and not Path(p).is_symlink()]
        if missing:
            raise InputError(f"{missing[0]}: no such file or directory" +
                             (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
        self.store.check()                       # a file of another schema: refused, nothing written
        report = RunReport(run_id=datetime.now().strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:6])
        with self.store.writer() as con:
            self.store.start_run(con, report.run_id, paths, self.settings)
        report.mark_peak("start")
        dedup = Deduper(self.settings.dup_threshold, self.settings.minhash_perm)
        writer = BatchWriter(self.store, dedup, report, self.progress)
        t0 = time.perf_counter()
        sigterm = _SigtermInterrupts()
        try:
            engine = self._engine or make_engine(self.settings)
            results = engine.process(self._prepare(paths, report, dedup, writer.ingest_warnings))
            try:
                while batch := list(itertools.islice(results, self.settings.store_batch)):
                    writer.write(batch)
            finally:
                # an interrupt while a batch is written (not inside the engine's generator): close the
                # generator now, so that the pool is shut down here and not when it is collected
                close = getattr(results, "close", None)
                if close is not None:
                    close()
            t = time.perf_counter()
            report.counts["stories"] = complete_stories(self.store)
            report.durations["stories"] = time.perf_counter() - t
            report.mark_peak("stories")
            report.status = "completed"
        except KeyboardInterrupt:
            report.status = "interrupted"
            raise
        except BaseException as e:
            if sigterm.fired:       # the signal, surfacing as another error (a DuckDB query interrupted)
                report.status = "interrupted"
                raise Terminated("signal 15") from e
            report.status = "failed"
            raise
        finally:
            sigterm.restore()
            report.durations["total"] = time.perf_counter() - t0
            try:
                with self.store.writer() as con:
                    self.store.finish_run(con, report.run_id, report.status, dict(report.counts), report.durations)
                report.mark_peak("runs row")
            except Exception:
                # never mask the original error; the row stays 'running' and the next run marks it
                # 'aborted'
                logging.getLogger("nestor").exception("could not record the end of run %s", report.run_id)
        return report

    # ---- stages -----------------------------------------------------------------------------
    def _prepare(self, paths: list[str], report: RunReport, dedup: Deduper,
                 warnings: dict[str, list[str]]) -> Iterator[Item]:
        """Read, drop what is stored already, mark near-duplicates. Checks the store per chunk."""
        files_seen: set[str] = set()
        docs = iter_inputs(paths, self.settings)
        t_read = 0.0
        seen_ids: set[str] = set()
        while True:
            t = time.perf_counter()
            chunk = list(itertools.islice(docs, 64))
            t_read += time.perf_counter() - t
            report.durations["ingest"] = t_read
            if not chunk:
                return
            for doc in chunk:
                if doc.file not in files_seen:
                    files_seen.add(doc.file)
                    report.counts["files"] += 1
            t = time.perf_counter()
            out: list[Item] = []
            with self.store.writer() as con:
                stored = self.store.existing_ids(con, [d.item.id for d in chunk if isinstance(d.item, Article)])
                todo: list[Article] = []
                for doc in chunk:
                    item = doc.item
                    if isinstance(item, Skip):
                        out.append(item)
                        continue
                    report.counts["articles"] += 1
                    if item.id in stored or item.id in seen_ids:
                        report.counts["already_stored"] += 1
                        continue
                    seen_ids.add(item.id)
                    if doc.warnings:
                        warnings[item.id] = list(doc.warnings)
                    todo.append(item)
                    out.append(item)
                # in order: each article is checked against the store and the ones before it
                for item, (dup_of, _sig, _bh) in zip(todo, dedup.check_batch(con, [(a.id, a.text) for a in todo]),
                                                     strict=True):
                    if dup_of is not None:
                        item.status, item.duplicate_of = "duplicate", dup_of
            report.durations["dedup"] = report.durations.get("dedup", 0.0) + time.perf_counter() - t
            report.mark_peak("ingest, dedup")
            yield from out
