"""The stories step at scale: time windows, batches, bounded memory (docs/scale.md, issue 20).

The stores are generated here (rows written straight into the store's tables, no parsing): one dyad,
happenings month after month over many years, each told by two articles of two sources.
"""
from __future__ import annotations

import random
import tracemalloc
from datetime import date, timedelta
from typing import Any

import pytest

from nestor import stories
from nestor.store import Store

# invented words: each happening's evidence takes a few of them, so months share vocabulary
WORDS = [f"{a}{b}" for a in ("bal", "cor", "dun", "fel", "gar", "hol", "kim", "lor") for b in ("ax", "en", "is", "ot",
                                                                                              "um", "yr")]


def _happenings(n: int, start: date = date(1990, 1, 1)) -> list[tuple[date, str]]:
    """n happenings, one a month from ``start``, each with its own evidence sentence."""
    rnd = random.Random(n)
    out = []
    for k in range(n):
        day = date(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 10)
        out.append((day, "The envoys of Arland and Borvia met and signed the " + " ".join(rnd.sample(WORDS, 6))
                    + " accord."))
    return out


def _store(db: str, reports: list[tuple[str, str, date | None, date | None, date | None, str]]) -> None:
    """Write articles, each with one meeting of ARL and BRV: (article id, source, published day, or
    published_from and _to for an interval, evidence)."""
    arts, evs = [], []
    for aid, src, day, lo, hi, text in reports:
        prec = "day" if day else "year" if lo and hi and (hi - lo).days < 366 else "range"
        arts.append((aid, src, day, day or lo, day or hi, prec, "metadata" if day else "text", text))
        evs.append((f"{aid}-e1", aid, 0, 0, "CONSULT", "meeting", 1, 4.0, "ARL", "BRV", "text" if day else "publication",
                    "day" if day else prec, day, text))
    with Store(db).writer() as con:
        con.execute("""INSERT INTO articles (id, source, published, published_from, published_to, published_precision,
                                             date_source, text)
                       SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)""",
                    [list(x) for x in zip(*arts, strict=True)])
        con.execute("""INSERT INTO events (id, article_id, sent_idx, trigger_start, event_type, mode, quad_class,
                                           intensity, source_code, target_code, date_source, date_precision, date,
                                           evidence, negated, modality, confidence)
                       SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?),
                              unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), false, 'asserted', 0.8""",
                    [list(x) for x in zip(*evs, strict=True)])


def _monthly(n: int) -> list[tuple[str, str, date | None, date | None, date | None, str]]:
    """Two reports of each of n monthly happenings, published on its day and the next."""
    out = []
    for k, (day, text) in enumerate(_happenings(n)):
        out.append((f"h{k:05d}a", "wire-a", day, None, None, text))
        out.append((f"h{k:05d}b", "wire-b", day + timedelta(days=1), None, None, text.replace("The envoys", "Envoys")))
    return out


def _stories(db: str) -> list[tuple[date, date, tuple[str, ...]]]:
    with Store(db).writer() as con:
        rows = con.execute("SELECT date_start, date_end, articles FROM stories ORDER BY date_start").fetchall()
    return [(a, b, tuple(ids)) for a, b, ids in rows]


def _rebuild(db: str) -> int:
    with Store(db).writer() as con:
        return stories.rebuild(con, None)


def test_batches_of_windows_give_the_stories_of_the_whole_dyad(tmp_path, monkeypatch):
    db = str(tmp_path / "m.duckdb")
    _store(db, _monthly(150))
    monkeypatch.setattr(stories, "BATCH_ARTICLES", 100_000)      # the whole dyad at once, as before
    assert _rebuild(db) == 150
    whole = _stories(db)
    monkeypatch.setattr(stories, "BATCH_ARTICLES", 16)           # a few windows at a time
    assert _rebuild(db) == 150
    assert _stories(db) == whole
    # each happening is one story of its two reports, dated inside its own month
    assert [ids for _a, _b, ids in whole] == [(f"h{k:05d}a", f"h{k:05d}b") for k in range(150)]
    assert all(a.month == b.month and a.year == b.year for a, b, _ids in whole)


def test_peak_memory_of_the_step_does_not_grow_with_the_years(tmp_path, monkeypatch):
    monkeypatch.setattr(stories, "BATCH_ARTICLES", 40)
    peaks = []
    for n in (60, 300):                     # 5 times the reports, over 5 times the years
        db = str(tmp_path / f"p{n}.duckdb")
        _store(db, _monthly(n))
        with Store(db).writer() as con:
            stories.rebuild(con, None)      # once before measuring: the modules it imports, the store's caches
            tracemalloc.start()
            got = stories.rebuild(con, None)
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        assert got == n
    assert peaks[1] < 1.5 * peaks[0], peaks


def test_windows_split_a_dyad_where_no_interval_overlaps():
    def rep(aid: str, lo: date, hi: date) -> stories.Report:
        return stories.Report(aid, ("ARL", "BRV"), lo, hi, "s", [], "envoys met")

    a = rep("a", date(2001, 3, 1), date(2001, 3, 4))
    b = rep("b", date(2001, 3, 3), date(2001, 3, 6))       # overlaps a
    c = rep("c", date(2001, 3, 7), date(2001, 3, 9))       # starts after a and b end
    wide = rep("w", date(2001, 1, 1), date(2001, 12, 31))  # a year: it joins the three
    assert [[r.article_id for r in w] for w in stories.windows([c, b, a])] == [["a", "b"], ["c"]]
    assert [[r.article_id for r in w] for w in stories.windows([c, b, a, wide])] == [["w", "a", "b", "c"]]


@pytest.mark.parametrize("batch", [3, 100_000])
def test_a_yearly_meeting_never_makes_a_story_across_years(tmp_path, monkeypatch, batch):
    """The same envoys meet in the same words every March for ten years (with reports dated only to
    the year, and one dated only to the decade): no story holds articles of two years."""
    monkeypatch.setattr(stories, "BATCH_ARTICLES", batch)
    text = "The envoys of Arland and Borvia met in Velmar for their yearly fisheries talks."
    reps: list[tuple[str, str, date | None, date | None, date | None, str]] = []
    for y in range(2001, 2011):
        reps += [(f"y{y}a", "wire-a", date(y, 3, 12), None, None, text),
                 (f"y{y}b", "wire-b", date(y, 3, 13), None, None, text),
                 (f"y{y}w", "monthly", None, date(y, 1, 1), date(y, 12, 31), text)]
    reps.append(("decade", "review", None, date(2001, 1, 1), date(2010, 12, 31), text))
    db = str(tmp_path / "y.duckdb")
    _store(db, reps)
    _rebuild(db)
    got = _stories(db)
    for a, b, ids in got:
        if ids != ("decade",):          # alone, the decade report keeps its own interval
            assert len({int(i[1:5]) for i in ids}) == 1 and a.year == b.year, (a, b, ids)
    # the two dated reports of each year are one story; with no participants or place named (none
    # in this store), a report dated only to its year or decade is not strong enough to join one
    assert sorted(ids for _a, _b, ids in got) == sorted([(f"y{y}a", f"y{y}b") for y in range(2001, 2011)]
                                                        + [(f"y{y}w",) for y in range(2001, 2011)] + [("decade",)])


def _rows(db: str) -> tuple[list[Any], list[Any], list[Any]]:
    """Every column of the stories, their events and the events' story dates: to compare builds."""
    with Store(db).writer() as con:
        return (con.execute("SELECT * FROM stories ORDER BY id").fetchall(),
                con.execute("SELECT * FROM story_events ORDER BY ALL").fetchall(),
                con.execute("SELECT id, date, date_source, date_article FROM events ORDER BY id").fetchall())


def _write_dies_on_third_call(monkeypatch: Any, error: BaseException) -> Any:
    """Make the stories' chunk writer raise ``error`` on its third chunk; returns the real writer."""
    real, calls = stories._write, []

    def dies(con: Any, chunk: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise error
        real(con, chunk)

    monkeypatch.setattr(stories, "_write", dies)
    return real


def _with_wide(n: int) -> list[tuple[str, str, date | None, date | None, date | None, str]]:
    """Monthly happenings, and for each a report dated only to its year (a wide report)."""
    out = _monthly(n)
    out += [(f"h{k:05d}w", "monthly", None, date(day.year, 1, 1), date(day.year, 12, 31), text)
            for k, (day, text) in enumerate(_happenings(n))]
    return out


def test_stories_committed_a_chunk_at_a_time_equal_one_transaction(tmp_path, monkeypatch):
    from nestor.store import transaction

    db = str(tmp_path / "c.duckdb")
    _store(db, _with_wide(40))
    with Store(db).writer() as con, transaction(con):       # inside a caller's transaction: all of it at once
        n_one = stories.rebuild(con, None)
    one = _rows(db)
    commits = []
    real = stories.transaction

    def counting(con):
        commits.append(1)
        return real(con)

    monkeypatch.setattr(stories, "transaction", counting)
    monkeypatch.setattr(stories, "CHUNK_EVENTS", 3)             # a few stories per transaction
    monkeypatch.setattr(stories, "BATCH_ARTICLES", 16)
    assert _rebuild(db) == n_one
    assert _rows(db) == one
    assert len(commits) > n_one // 3            # the stories were written in many transactions
    with Store(db).writer() as con:
        assert stories.unfinished(con) is False


def test_a_stories_step_killed_between_chunks_is_finished_by_the_next_run(tmp_path, monkeypatch):
    from nestor import pipeline

    db = str(tmp_path / "k.duckdb")
    _store(db, _with_wide(30))
    _rebuild(db)
    whole = _rows(db)
    with Store(db).writer() as con:        # every article pending, as after a run's batches
        con.execute("INSERT INTO story_dirty SELECT id FROM articles")
    monkeypatch.setattr(stories, "CHUNK_EVENTS", 4)
    real = _write_dies_on_third_call(monkeypatch, KeyboardInterrupt("killed"))
    with pytest.raises(KeyboardInterrupt):
        pipeline.complete_stories(Store(db))
    with Store(db).writer() as con:
        # two chunks committed, the rest not written; the work is still marked
        assert 0 < con.execute("SELECT count(*) FROM stories").fetchone()[0] < len(whole[0])
        assert stories.unfinished(con) == {("ARL", "BRV")}
        assert con.execute("SELECT count(*) FROM story_dirty").fetchone()[0] == 90
    monkeypatch.setattr(stories, "_write", real)
    assert pipeline.complete_stories(Store(db)) == len(whole[0])
    assert _rows(db) == whole
    with Store(db).writer() as con:
        assert stories.unfinished(con) is False
        assert con.execute("SELECT count(*) FROM story_dirty").fetchone()[0] == 0


def test_a_full_rebuild_killed_midway_is_finished_with_nothing_marked(tmp_path, monkeypatch):
    """`nestor stories --rebuild` killed: no article is marked, the note alone makes the next run finish."""
    from nestor import pipeline

    db = str(tmp_path / "f.duckdb")
    _store(db, _monthly(20))
    _rebuild(db)
    whole = _rows(db)
    monkeypatch.setattr(stories, "_reanchor_claims", lambda *a: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        _rebuild(db)
    monkeypatch.undo()
    with Store(db).writer() as con:
        assert stories.unfinished(con) is None          # all dyads
        assert con.execute("SELECT count(*) FROM story_dirty").fetchone()[0] == 0
    assert pipeline.complete_stories(Store(db)) == 20
    assert _rows(db) == whole
    assert pipeline.complete_stories(Store(db)) == 0      # nothing left to do


def test_inside_a_callers_transaction_a_failed_rebuild_leaves_the_old_stories(tmp_path, monkeypatch):
    """commit_point does nothing inside a caller's transaction: a failure rolls all of it back."""
    from nestor.store import transaction

    db = str(tmp_path / "t.duckdb")
    _store(db, _with_wide(20))
    _rebuild(db)
    before = _rows(db)
    monkeypatch.setattr(stories, "CHUNK_EVENTS", 2)
    _write_dies_on_third_call(monkeypatch, RuntimeError("failed"))
    with Store(db).writer() as con:
        with pytest.raises(RuntimeError), transaction(con):
            stories.rebuild(con, None)
        assert stories.unfinished(con) is False
    assert _rows(db) == before


def test_commit_point_commits_only_the_transaction_it_is_in(tmp_path):
    from nestor.store import commit_point, transaction

    db = str(tmp_path / "c.duckdb")
    with Store(db).writer() as con:
        with pytest.raises(RuntimeError), transaction(con):
            con.execute("INSERT INTO meta VALUES ('probe-a', '1')")
            commit_point(con)                   # its own transaction: committed
            con.execute("INSERT INTO meta VALUES ('probe-b', '1')")
            raise RuntimeError("after the commit point")
        with pytest.raises(RuntimeError), transaction(con):
            with transaction(con):              # nested: the outer transaction is the caller's
                con.execute("INSERT INTO meta VALUES ('probe-c', '1')")
                commit_point(con)
            raise RuntimeError("rolls back all")
        got = [r[0] for r in con.execute("SELECT key FROM meta WHERE key LIKE 'probe%' ORDER BY 1").fetchall()]
    assert got == ["probe-a"]
