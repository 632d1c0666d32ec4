"""The stories step at scale: time windows, batches, bounded memory (docs/scale.md, issue 20).

The stores are generated here (rows written straight into the store's tables, no parsing): one dyad,
happenings month after month over many years, each told by two articles of two sources.
"""
from __future__ import annotations

import random
import tracemalloc
from datetime import date, timedelta

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
