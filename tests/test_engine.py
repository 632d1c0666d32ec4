"""Engines: results come back in input order, Skips and non-ok articles pass through, one article's
failure is recorded instead of stopping the run, and the process pool codes exactly what the
in-process engine codes."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nestor.config import Settings
from nestor.engine import (
    InProcessEngine,
    PoolEngine,
    Worker,
    _safe_extract,
    make_engine,
    tail_chunk,
)
from nestor.models import Article, ArticleResult, Skip

TEXTS = [
    "Kenya signed a border agreement with Tanzania on Tuesday.",
    "Peru recalled its ambassador from Chile and accused Chilean officials of spying.",
    "Norway praised Fiji for its climate policy.",
    "Brazil and Argentina agreed to expand trade in grain.",
    "Japan condemned the missile launch by North Korea.",
]


def items() -> list:
    out: list = []
    for i, t in enumerate(TEXTS):
        out.append(Article(id=f"a{i}", text=t, n_chars=len(t), n_words=len(t.split())))
        if i == 1:
            out.append(Skip(path="broken.jsonl:2", reason="bad_json", detail="unterminated string"))
        if i == 2:
            out.append(Article(id="dup", text=t, status="duplicate", duplicate_of="a2"))
    return out


def summary(results: list) -> list[tuple]:
    rows = []
    for r in results:
        if isinstance(r, Skip):
            rows.append(("skip", r.path, r.reason))
        else:
            rows.append((
                r.article.id, r.article.status,
                sorted((e.event_type, e.source_code, e.target_code, e.trigger_start) for e in r.events),
                sorted((m.start, m.end, m.actor_id) for m in r.mentions),
            ))
    return rows


def test_make_engine_picks_by_worker_count():
    assert isinstance(make_engine(Settings(workers=1)), InProcessEngine)
    assert isinstance(make_engine(Settings(workers=2)), PoolEngine)
    assert Settings(workers=0).worker_count >= 1


def test_in_process_keeps_order_and_passes_through(monkeypatch):
    """Chunks of 2 over 7 items: order survives chunk borders, Skips and duplicates are not parsed."""
    seen: list[str] = []

    def fake_extract(article, doc, kb):
        seen.append(article.id)
        assert doc.text == article.text
        return ArticleResult(article=article)

    monkeypatch.setattr("nestor.extract.extract", fake_extract)
    eng = InProcessEngine(Settings(workers=1), chunk=2)
    inp = items()
    out = list(eng.process(inp))
    assert len(out) == len(inp)
    for i, o in zip(inp, out, strict=False):
        if isinstance(i, Skip):
            assert o is i
        else:
            assert o.article.id == i.id
    assert seen == [f"a{i}" for i in range(len(TEXTS))]     # the duplicate was not extracted


def test_one_failing_article_is_recorded_not_raised(monkeypatch):
    def boom(article, doc, kb):
        raise ValueError("bad offsets")

    monkeypatch.setattr("nestor.extract.extract", boom)
    art = Article(id="x", text="Chile protested.")
    res = _safe_extract(art, None, None)
    assert res.article.status == "error"
    assert any("ValueError" in w and "bad offsets" in w for w in res.warnings)


@pytest.mark.slow
def test_pool_equals_in_process():
    """Two spawned workers, chunks of 1, so results arrive from both processes out of order."""
    s = Settings(workers=2)
    local = list(InProcessEngine(s).process(items()))
    pooled = list(PoolEngine(s, chunk=1).process(items()))
    assert summary(pooled) == summary(local)
    assert any(isinstance(r, ArticleResult) and r.events for r in local), "the texts should code events"
    assert [dataclasses.asdict(r.article) for r in pooled if isinstance(r, ArticleResult)] == \
           [dataclasses.asdict(r.article) for r in local if isinstance(r, ArticleResult)]


def test_pool_workers_fork_from_a_server_that_never_loads_duckdb(tmp_path):
    """The pool's workers are forked from a fork server that loaded the model, the knowledge base
    and the gazetteer once; forking is safe only because that server never imports DuckDB, Arrow or
    torch (the parent has them loaded; the server is a fresh interpreter, not a fork of it)."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    from nestor.engine import PRELOAD_ENV, pool_context

    ctx = pool_context()
    if ctx.get_start_method() != "forkserver":
        pytest.skip("this platform has no fork server: the pool spawns its workers")
    s = Settings(workers=2)
    pooled = list(PoolEngine(s, chunk=2).process(items()))   # starts the fork server with these settings
    assert summary(pooled) == summary(list(InProcessEngine(s).process(items())))
    assert PRELOAD_ENV not in os.environ     # the settings went to the server only
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        modules = pool.submit(eval, "sorted(__import__('sys').modules)").result()
        preloaded = pool.submit(eval, "__import__('nestor.engine', fromlist=['x']).preloaded_settings()").result()
    # the server belongs to the process: an earlier test's pool may have started it with its own
    # settings; either way it preloaded one worker before forking
    assert "spacy" in modules and "nestor.geo" in modules and isinstance(preloaded, Settings)
    assert not {"duckdb", "torch", "pyarrow", "pandas"} & set(modules)
    # a later pool of this process reuses the server: with other limits and batch sizes its workers
    # take the preloaded model rebound to them; with another knowledge-base folder they load their own
    for other in (Settings(workers=2, nlp_batch_size=3, max_sentences=500),
                  Settings(workers=2, kb_extra=str(tmp_path))):
        assert summary(list(PoolEngine(other, chunk=2).process(items()))) == summary(pooled)


def test_nestor_run_starts_the_fork_server_with_the_commands_settings(monkeypatch):
    """`nestor run` starts the pool's fork server before importing the pipeline, with the settings
    the command will use (so the preloaded worker is the one the run's pool takes)."""
    import nestor.cli as cli
    import nestor.engine as engine

    started: list[Settings] = []
    monkeypatch.setattr(engine, "start_pool_server", started.append)
    monkeypatch.delenv("NESTOR_WORKERS", raising=False)
    cli.start_pool_early(["run", "corpus/", "--db", "x.duckdb", "--kb=my-kb", "--model", "en_core_web_sm"])
    cli.start_pool_early(["run", "corpus/", "--workers", "1"])
    cli.start_pool_early(["run", "corpus/", "--engine", "spark"])
    cli.start_pool_early(["run", "corpus/", "--workers", "many"])
    if (Settings(workers=0).worker_count) > 1:
        assert [(s.model, s.kb_extra, s.workers) for s in started] == [("en_core_web_sm", "my-kb", 0)]
    else:
        assert started == []


def test_worker_parses_only_ok_articles(nlp, knowledge, monkeypatch):
    """The Worker uses the session model; a non-ok article keeps its status and gets no records."""
    w = Worker.__new__(Worker)
    w.settings, w.nlp, w.kb = Settings(), nlp, knowledge
    out = w.run(items())
    dup = next(r for r in out if isinstance(r, ArticleResult) and r.article.id == "dup")
    assert dup.article.status == "duplicate" and not dup.events and not dup.mentions
    ok = [r for r in out if isinstance(r, ArticleResult) and r.article.status == "ok"]
    assert len(ok) == len(TEXTS) and any(r.mentions for r in ok)


def test_worker_isolates_a_text_the_nlp_pass_fails_on(nlp, knowledge):
    """nlp.pipe raising for one text of a chunk: the others are still coded, that one is an error."""
    class Fussy:
        def __init__(self, real):
            self.real = real

        def pipe(self, texts, batch_size=8):
            for t in texts:
                if "Norway" in t:
                    raise MemoryError("a text the parser cannot hold")
                yield self.real(t)

        def __call__(self, text):
            if "Norway" in text:
                raise MemoryError("a text the parser cannot hold")
            return self.real(text)

    w = Worker.__new__(Worker)
    w.settings, w.nlp, w.kb = Settings(), Fussy(nlp), knowledge
    inp = items()
    out = w.run(inp)
    assert len(out) == len(inp)
    bad = [r for r in out if isinstance(r, ArticleResult) and r.article.status == "error"]
    assert [r.article.id for r in bad] == ["a2"]
    assert "MemoryError: a text the parser cannot hold" in bad[0].warnings[0]
    assert inp[3].status == "ok"                  # the input article was not changed
    assert sum(1 for r in out if isinstance(r, ArticleResult) and r.article.status == "ok") == len(TEXTS) - 1


def test_preflight_names_a_missing_model_and_knowledge_base(tmp_path):
    from nestor.engine import preflight
    from nestor.errors import KnowledgeBaseError, ModelNotFound

    with pytest.raises(ModelNotFound, match="pip install"):
        preflight(Settings(model="en_core_web_nonexistent"))
    with pytest.raises(KnowledgeBaseError, match="not a folder"):
        preflight(Settings(kb_extra=str(tmp_path / "missing")))


@given(st.integers(0, 2000), st.integers(1, 64), st.integers(1, 16))
def test_tail_chunks_send_every_item_once_and_shrink(remaining, chunk, workers):
    """Guided scheduling of the input's end: the sizes add up to what was left, none exceeds the
    spaCy batch, they never grow, and only the last can fall below the smallest batch (8)."""
    sizes = []
    left = remaining
    while size := tail_chunk(left, chunk, workers):
        sizes.append(size)
        left -= size
    assert left == 0 and sum(sizes) == remaining
    assert all(1 <= s <= chunk for s in sizes)
    assert sizes == sorted(sizes, reverse=True)
    assert all(s >= min(8, chunk) for s in sizes[:-1])
    if remaining >= 4 * workers * chunk:
        assert sizes[0] == chunk          # far from the end the chunk is the whole spaCy batch


def test_pool_sends_each_item_once_in_shrinking_chunks_and_yields_in_order():
    """100 articles and a chunk of 16 to two workers: every item reaches exactly one chunk, the last
    chunks are smaller than the first, and the results (coded by whichever worker finished first)
    come back in input order, the same as the in-process engine's."""
    texts = [f"{t} It happened in week {i}." for i in range(20) for t in TEXTS]
    inp = [Article(id=f"b{i}", text=t, n_chars=len(t), n_words=len(t.split())) for i, t in enumerate(texts)]
    s = Settings(workers=2)
    eng = PoolEngine(s, chunk=16)
    pooled = list(eng.process(inp))
    assert sum(eng.sent) == len(inp) and eng.sent[0] == max(eng.sent) == 16 and eng.sent[-1] < 8
    assert [r.article.id for r in pooled] == [a.id for a in inp]
    assert summary(pooled) == summary(list(InProcessEngine(s).process(inp)))


def test_an_error_while_reading_ahead_stops_the_pool_run():
    """The pool reads ahead while its workers start: an input that fails there raises its own
    error from ``process`` (and the pool is shut down), it does not hang or vanish."""
    def failing():
        yield from items()[:3]
        raise ValueError("unreadable input file")

    with pytest.raises(ValueError, match="unreadable input"):
        list(PoolEngine(Settings(workers=2), chunk=2).process(failing()))
