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

import base64
import gc
import importlib.util
import itertools
import multiprocessing as mp
import os
import pickle
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from ..config import Settings
from ..errors import KnowledgeBaseError, NestorError, WorkerError
from ..models import Article, ArticleResult, Skip

Item = Article | Skip
Out = ArticleResult | Skip


class Engine(Protocol):
    def process(self, items: Iterable[Item]) -> Iterator[Out]: ...


def _safe_extract(article: Article, doc: Any, kb: Any) -> ArticleResult:
    """Extraction that never raises: a failure gives the article status ``error`` and a warning
    with the exception's type and message (the pipeline also records it as an ``extract_error``
    skip). ``article`` itself is not changed."""
    from ..extract import extract

    try:
        return extract(article, doc, kb)
    except Exception as e:  # one article's bug must not stop the batch; record it
        return _failed(article, e)


def _failed(article: Article, e: BaseException) -> ArticleResult:
    res = ArticleResult(article=replace(article, status="error"))
    res.warnings.append(f"extraction failed: {type(e).__name__}: {str(e)[:300]}")
    return res


def preflight(settings: Settings) -> None:
    """Check in the parent what every worker needs, before any starts: the spaCy pipeline is
    installed and the knowledge base loads. Raises ModelNotFound / KnowledgeBaseError.

    Kept cheap, because it runs before the workers start and so adds to every run's wall time: the
    model is looked up, not loaded, and the knowledge base's CSV files (the shipped ones and a
    user's ``--kb`` folder) are read and validated without importing spaCy or building the event
    lexicon, which ship with the package and are checked by its tests.
    """
    from ..config import installed_models
    from ..kb import KnowledgeBase

    name = settings.model
    try:
        found = bool(installed_models()) if name == "auto" else (
            Path(name).is_dir() or importlib.util.find_spec(name) is not None)
    except (ImportError, ValueError):
        found = False
    if not found:
        from ..nlp import load_model

        load_model(name)            # raises ModelNotFound with what to install
    try:
        KnowledgeBase.load(settings.kb_extra)
    except NestorError:
        raise
    except Exception as e:
        raise KnowledgeBaseError(str(settings.kb_extra or "nestor/kb/data"), None, None,
                                 f"cannot be loaded: {type(e).__name__}: {e}") from e


class Worker:
    """Model + knowledge for one process; turns a chunk of items into results."""

    def __init__(self, settings: Settings) -> None:
        from ..knowledge import Knowledge
        from ..nlp import load_model

        self.settings = settings
        self.nlp = load_model(settings.model)
        self.kb = Knowledge.load(settings)
        if settings.worker_count > 1:
            from ..geo import default_gazetteer

            default_gazetteer()     # in a pool worker, at start-up (the where stage would load it on first use)

    def rebind(self, settings: Settings) -> Worker:
        """This worker's model and knowledge for other settings of the same model and knowledge base
        (the fork server loads them before it knows the run's limits and batch sizes)."""
        w = object.__new__(Worker)
        w.settings, w.nlp, w.kb = settings, self.nlp, replace(self.kb, settings=settings)
        return w

    def run(self, items: list[Item]) -> list[Out]:
        """Never raises for a document: a text the NLP pass fails on is retried alone and, if it
        fails again, becomes an ``error`` result like any extraction failure."""
        todo = [(i, it) for i, it in enumerate(items) if isinstance(it, Article) and it.status == "ok"]
        out: list[Out] = [it if isinstance(it, Skip) else ArticleResult(article=it) for it in items]
        docs: list[Any]
        try:
            docs = list(self.nlp.pipe((a.text for _, a in todo), batch_size=self.settings.nlp_batch_size))
        except Exception:
            docs = []
            for _, a in todo:
                try:
                    docs.append(self.nlp(a.text))
                except Exception as e:  # recorded on the article, with the exception
                    docs.append(e)
        for (i, art), doc in zip(todo, docs, strict=True):
            out[i] = _failed(art, doc) if isinstance(doc, BaseException) else _safe_extract(art, doc, self.kb)
        return out


class InProcessEngine:
    def __init__(self, settings: Settings, chunk: int = 32) -> None:
        self.settings = settings
        self.chunk = chunk
        self._worker: Worker | None = None

    def process(self, items: Iterable[Item]) -> Iterator[Out]:
        if self._worker is None:
            self._worker = Worker(self.settings)
        # the model, the knowledge base and the gazetteer (a million long-lived objects) are kept out
        # of the garbage collector's walks while the run lasts: 7% of the parse and extraction's CPU
        # went to collecting them (measured with gc.callbacks); unfrozen after, for the caller's sake
        gc.collect()
        gc.freeze()
        try:
            it = iter(items)
            while batch := list(itertools.islice(it, self.chunk)):
                yield from self._worker.run(batch)
        finally:
            gc.unfreeze()


_PROCESS_WORKER: Worker | None = None   # one per pool process, made on its first chunk
# made by the fork server before it forks any worker (see preload()): (settings, worker, error)
_PRELOADED: tuple[tuple, Worker | None, str | None] | None = None
PRELOAD_ENV = "NESTOR_POOL_PRELOAD"     # the pool's settings, for the fork server (pickled, base64)


def preload() -> None:
    """Run in the pool's fork server (imported through ``nestor.engine.forkserver``): build the
    :class:`Worker` for the settings in ``$NESTOR_POOL_PRELOAD`` once, so that every worker forked from
    the server starts with the model, the knowledge base and the gazetteer loaded, instead of each
    spawned process loading them. A failure is kept and raised as :class:`WorkerError` by each
    worker's first chunk, as when a spawned worker fails to start."""
    global _PRELOADED
    blob = os.environ.get(PRELOAD_ENV)
    if not blob:
        return
    settings = pickle.loads(base64.b64decode(blob))
    key = _preload_key(settings)
    try:
        _PRELOADED = (key, Worker(settings), None)
    except BaseException as e:  # kept for the workers: the server itself must keep running
        _PRELOADED = (key, None, f"{type(e).__name__}: {e}")
    gc.collect()
    gc.freeze()     # the loaded objects are never collected: no collection walks them, nor copies their pages


def preloaded_settings() -> Settings | None:
    """The settings this process's worker was loaded for by the fork server; None when nothing was."""
    return _PRELOADED[1].settings if _PRELOADED is not None and _PRELOADED[1] is not None else None


def _preload_key(settings: Settings) -> tuple:
    """What a preloaded worker must match: the settings it was loaded from (model, knowledge-base
    folder, whether the gazetteer is loaded at start-up), and the files of a user's knowledge-base
    folder as they are now (a fork server outlives a run: a later run in the same process, after
    the folder was edited, must not get the old knowledge). The other settings are rebound."""
    stamp: tuple = ()
    if settings.kb_extra:
        try:
            stamp = tuple(sorted((f.name, f.stat().st_size, f.stat().st_mtime_ns)
                                 for f in Path(settings.kb_extra).iterdir() if f.is_file()))
        except OSError:
            stamp = ("unreadable",)
    return settings.model, settings.kb_extra, settings.worker_count > 1, stamp


def _run_chunk(settings: Settings, items: list[Item]) -> list[Out]:
    global _PROCESS_WORKER
    if _PROCESS_WORKER is None or _PROCESS_WORKER.settings != settings:
        key, loaded, error = _PRELOADED or (None, None, None)
        same = key == _preload_key(settings)
        if same and loaded is not None:
            _PROCESS_WORKER = loaded.rebind(settings)
        else:
            try:
                if same and error is not None:
                    raise WorkerError(error)
                _PROCESS_WORKER = Worker(settings)
                gc.freeze()     # a pool process of its own: its loaded objects are never collected
            except BaseException as e:  # sent back as one picklable error that names the cause
                cause = str(e) if isinstance(e, WorkerError) else f"{type(e).__name__}: {e}"
                raise WorkerError(f"a worker process could not start: {cause}") from None
    return _PROCESS_WORKER.run(items)


def start_pool_server(settings: Settings) -> Any:
    """Start the pool's fork server now, loading the worker for ``settings``, and return the pool's
    context. Called by :class:`PoolEngine` and, earlier, by ``nestor run`` before it imports the
    pipeline, so that the server loads the model while the parent imports DuckDB and reads. Does
    nothing more when the server runs already, or where the platform has no fork server."""
    ctx = pool_context()
    if ctx.get_start_method() != "forkserver":
        return ctx
    from multiprocessing import forkserver

    before = os.environ.get(PRELOAD_ENV)
    os.environ[PRELOAD_ENV] = base64.b64encode(pickle.dumps(settings)).decode("ascii")
    try:
        forkserver.ensure_running()   # the server takes the environment of this moment
    finally:
        if before is None:
            os.environ.pop(PRELOAD_ENV, None)
        else:
            os.environ[PRELOAD_ENV] = before
    return ctx


def pool_context() -> Any:
    """The multiprocessing context of the pool: a fork server where the platform has one, else spawn.

    The fork server is a fresh interpreter started by this process (not a fork of it), and it imports
    only what :func:`preload` needs (spaCy, the model, nestor's knowledge; never DuckDB, Arrow or torch,
    which are unsafe to fork once loaded: ``tests/test_engine.py`` checks it), so forking the workers
    from it is safe. Each worker then starts in milliseconds with the model already loaded, and the
    loaded pages are shared until written, instead of every spawned worker loading the model, the
    knowledge base and the gazetteer itself (about 2 CPU s each)."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["nestor.engine.forkserver"])
    return ctx


def tail_chunk(remaining: int, chunk: int, workers: int, smallest: int = 8) -> int:
    """The size of the next chunk once the end of the input is in sight and ``remaining`` items are
    left to send (guided self-scheduling): a share of what is left, ``remaining / (2 * workers)``,
    between ``smallest`` and ``chunk``. The chunks shrink toward the end, so the workers run out of
    work at about the same time instead of one coding a last full chunk while the others wait;
    ``smallest`` (a spaCy batch of 8) keeps the parser's batches from getting so small that the
    per-batch cost outweighs the gain."""
    if remaining <= 0:
        return 0
    share = -(-remaining // (2 * max(1, workers)))
    return min(remaining, chunk, max(share, min(smallest, chunk)))


class PoolEngine:
    """A process pool; at most ``2 * workers`` chunks are being coded or queued at once, so memory
    stays bounded.

    Scheduling (docs/scale.md, "Fifth pass"): while the pool's processes start (the fork server
    still loading the model), this process reads and deduplicates ahead, up to ``4 * workers``
    chunks, so that the workers find work waiting and the reading does not compete with them for
    the cores later. The input is read ``2 * workers`` chunks ahead of what was sent, so its end is
    seen early enough to send the last articles in shrinking chunks (:func:`tail_chunk`). A chunk
    is sent whenever fewer than ``2 * workers`` are unfinished, whichever finished (a slow chunk at
    the head holds its successors' results, at most ``4 * workers`` chunks, never a worker).
    Results are yielded in input order.

    The model and the knowledge base are checked in the parent first (:func:`preflight`). A worker
    that fails to start, or dies (killed for memory, a crash in native code), stops the run with
    one :class:`~nestor.errors.WorkerError` instead of respawning forever.
    """

    def __init__(self, settings: Settings, chunk: int | None = None) -> None:
        self.settings = settings
        # a chunk is one ``nlp.pipe`` call in a worker: as many articles as the spaCy batch, so that
        # the batch the setting asks for is the batch the parser gets (smaller at the very end)
        self.chunk = chunk or max(1, settings.nlp_batch_size)
        #: the sizes of the chunks sent by the last :meth:`process` (for tests and the benchmark)
        self.sent: list[int] = []

    def process(self, items: Iterable[Item]) -> Iterator[Out]:
        preflight(self.settings)
        n = self.settings.worker_count
        # the fork server (started here unless `nestor run` started it already) loads the model, the
        # knowledge base and the gazetteer once. A fork server left from an earlier run of this
        # process with another model or knowledge base: the workers load their own.
        ctx = start_pool_server(self.settings)
        pool = ProcessPoolExecutor(n, mp_context=ctx)
        self.sent = []
        it = iter(items)
        buf: deque[Item] = deque()
        ended = False

        def pull(upto: int) -> None:
            nonlocal ended
            while not ended and len(buf) < upto:
                try:
                    buf.append(next(it))
                except StopIteration:
                    ended = True

        # start every worker now (the pool starts a process per submitted task, and each start waits
        # for the fork server to have loaded the model); in a thread, so that this one reads and
        # deduplicates meanwhile. A worker that fails to start fails these and the chunks alike.
        warm: list[Future[list[Out]]] = []
        failed: list[BaseException] = []

        def start() -> None:
            try:
                warm.extend(pool.submit(_run_chunk, self.settings, []) for _ in range(n))
            except BaseException as e:  # raised in this process's thread below
                failed.append(e)

        starter = threading.Thread(target=start, name="nestor-pool-start", daemon=True)
        try:
            starter.start()
            while starter.is_alive() and not ended and len(buf) < 4 * n * self.chunk:
                pull(len(buf) + 1)
            starter.join()
            if failed:
                raise failed[0]
            ahead = 2 * n * self.chunk
            pending: deque[tuple[Future[list[Out]], list[Item]]] = deque()
            while True:
                while len(pending) < 4 * n and sum(not f.done() for f, _ in pending) < 2 * n:
                    pull(ahead + self.chunk)
                    size = self.chunk if not ended else tail_chunk(len(buf), self.chunk, n)
                    if not size:
                        break
                    batch = [buf.popleft() for _ in range(size)]
                    self.sent.append(size)
                    pending.append((pool.submit(_run_chunk, self.settings, batch), batch))
                if not pending:
                    break
                fut, batch = pending[0]
                if not fut.done():
                    # wait for any chunk: a worker that finished one gets the next at once
                    wait([f for f, _ in pending if not f.done()], return_when=FIRST_COMPLETED)
                    continue
                pending.popleft()
                try:
                    got = fut.result()
                except BrokenProcessPool as e:
                    where = ", ".join(sorted({x.path for x in batch})[:3])
                    raise WorkerError(f"a worker process died (killed for memory, or a crash in native code) "
                                      f"while coding {where}: {e}") from None
                yield from got
            for w in warm:
                w.result()
        finally:
            if starter.is_alive():
                starter.join()      # an error while reading ahead: the pool is shut down once started
            pool.shutdown(wait=True, cancel_futures=True)


def make_engine(settings: Settings) -> Engine:
    if settings.worker_count <= 1:
        return InProcessEngine(settings)
    return PoolEngine(settings)
