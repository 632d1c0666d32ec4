"""Engines run per-article extraction over a stream of articles.

An engine is anything with ``process(items) -> Iterator[ArticleResult | Skip]`` (see
:class:`Engine`). Items are Articles (``status == "ok"`` ones are parsed and extracted; others
pass through as bare results) or Skips (passed through). Results come back **in input order**,
so a run is reproducible whatever the engine.

* :class:`InProcessEngine` — one process; the fake used by tests and the 1-worker path.
* :class:`PoolEngine` — a local process pool (``--workers N``), bounded in-flight work.
* :mod:`nestor.engine.spark` — Apache Spark (optional extra).
"""
from __future__ import annotations

import itertools
import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from ..config import Settings
from ..models import Article, ArticleResult, Skip

Item = Article | Skip
Out = ArticleResult | Skip


class Engine(Protocol):
    def process(self, items: Iterable[Item]) -> Iterator[Out]: ...


def _safe_extract(article: Article, doc: Any, kb: Any) -> ArticleResult:
    from ..extract import extract

    try:
        return extract(article, doc, kb)
    except Exception as e:  # one article's bug must not stop the batch; record it
        res = ArticleResult(article=article)
        res.article.status = "error"
        res.warnings.append(f"extraction failed: {type(e).__name__}: {e}")
        return res


class Worker:
    """Model + knowledge for one process; turns a chunk of items into results."""

    def __init__(self, settings: Settings) -> None:
        from ..knowledge import Knowledge
        from ..nlp import load_model

        self.settings = settings
        self.nlp = load_model(settings.model)
        self.kb = Knowledge.load(settings)

    def run(self, items: list[Item]) -> list[Out]:
        todo = [(i, it) for i, it in enumerate(items) if isinstance(it, Article) and it.status == "ok"]
        out: list[Out] = [it if isinstance(it, Skip) else ArticleResult(article=it) for it in items]
        docs = self.nlp.pipe((a.text for _, a in todo), batch_size=self.settings.nlp_batch_size)
        for (i, art), doc in zip(todo, docs):
            out[i] = _safe_extract(art, doc, self.kb)
        return out


class InProcessEngine:
    def __init__(self, settings: Settings, chunk: int = 32) -> None:
        self.settings = settings
        self.chunk = chunk
        self._worker: Worker | None = None

    def process(self, items: Iterable[Item]) -> Iterator[Out]:
        if self._worker is None:
            self._worker = Worker(self.settings)
        it = iter(items)
        while batch := list(itertools.islice(it, self.chunk)):
            yield from self._worker.run(batch)


_PROCESS_WORKER: Worker | None = None   # one per pool process, set by the initializer


def _init_worker(settings: Settings) -> None:
    global _PROCESS_WORKER
    _PROCESS_WORKER = Worker(settings)


def _run_chunk(items: list[Item]) -> list[Out]:
    assert _PROCESS_WORKER is not None
    return _PROCESS_WORKER.run(items)


class PoolEngine:
    """A process pool; at most ``2 * workers`` chunks are in flight, so memory stays bounded."""

    def __init__(self, settings: Settings, chunk: int = 8) -> None:
        self.settings = settings
        self.chunk = chunk

    def process(self, items: Iterable[Item]) -> Iterator[Out]:
        n = self.settings.worker_count
        ctx = mp.get_context("spawn")   # fork after loading torch/duckdb is unsafe
        with ctx.Pool(n, initializer=_init_worker, initargs=(self.settings,)) as pool:
            it = iter(items)
            pending: deque[Any] = deque()
            while True:
                while len(pending) < 2 * n and (batch := list(itertools.islice(it, self.chunk))):
                    pending.append(pool.apply_async(_run_chunk, (batch,)))
                if not pending:
                    break
                yield from pending.popleft().get()


def make_engine(settings: Settings) -> Engine:
    if settings.worker_count <= 1:
        return InProcessEngine(settings)
    return PoolEngine(settings)
