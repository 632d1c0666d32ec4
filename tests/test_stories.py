"""Stories from articles written for the tests: merging, separation, incremental = from scratch."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb

import nestor
from nestor.config import Settings
from nestor.pipeline import Pipeline

A1 = ("Norway and Chile Sign Fisheries Pact\nMarch 3, 2021\n\n"
      "Norwegian Prime Minister Erna Solberg met Chilean President Sebastian Pinera in Oslo on Wednesday. "
      "Norway and Chile signed a fisheries agreement and agreed to expand scientific cooperation.")
A2 = ("Oslo Talks End With Ocean Deal\nMarch 4, 2021\n\n"
      "Chile and Norway concluded an accord on fishing quotas after talks in Oslo, officials said. "
      "Chilean President Sebastian Pinera held talks with Norwegian Prime Minister Erna Solberg.")
A3 = ("Norway and Chile Sign Second Fisheries Pact\nMarch 10, 2022\n\n"
      "Norwegian Prime Minister Erna Solberg met Chilean President Sebastian Pinera in Oslo on Thursday. "
      "Norway and Chile signed a fisheries agreement and agreed to expand scientific cooperation.")


def write(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, t in texts.items():
        (folder / name).write_text(t, "utf-8")
    return folder


def story_sets(db: str) -> set[tuple]:
    con = duckdb.connect(db, read_only=True)
    try:
        rows = con.execute("""SELECT s.dyad, s.date_start, s.date_end, list(DISTINCT se.article_id ORDER BY se.article_id)
                              FROM stories s JOIN story_events se ON se.story_id = s.id
                              GROUP BY s.id, s.dyad, s.date_start, s.date_end""").fetchall()
    finally:
        con.close()
    return {(d, a, b, tuple(ids)) for d, a, b, ids in rows}


def test_two_reports_merge_and_a_year_apart_stay_separate(tmp_path):
    db = str(tmp_path / "s.duckdb")
    Pipeline(Settings(db=db)).run([str(write(tmp_path / "in", {"a1.txt": A1, "a2.txt": A2, "a3.txt": A3}))])
    st = nestor.open(db).stories(dyad="NOR-CHL")
    assert len(st) == 2, st
    first, second = st
    assert first["n_articles"] == 2 and str(first["date_start"]).startswith("2021-03")
    assert second["n_articles"] == 1 and str(second["date_start"]).startswith("2022-03")
    assert first["kind"] == "summit" and first["place"] and "Oslo" in first["place"]
    full = nestor.open(db).story(first["id"])
    assert {a["title"] for a in full["articles"]} == {"Norway and Chile Sign Fisheries Pact", "Oslo Talks End With Ocean Deal"}
    assert all(e["evidence"] for e in full["events"])
    assert any("fisheries agreement" in a["title"] for a in full["accords"])


def test_incremental_equals_from_scratch_in_both_orders(tmp_path):
    texts = {"a1.txt": A1, "a2.txt": A2, "a3.txt": A3}
    scratch = str(tmp_path / "scratch.duckdb")
    Pipeline(Settings(db=scratch)).run([str(write(tmp_path / "all", texts))])
    expected = story_sets(scratch)
    for order in (["a1.txt", "a3.txt", "a2.txt"], ["a2.txt", "a1.txt", "a3.txt"]):
        db = str(tmp_path / f"inc-{order[0]}.duckdb")
        for i, name in enumerate(order):
            Pipeline(Settings(db=db)).run([str(write(tmp_path / f"{order[0]}-{i}", {name: texts[name]}))])
        assert story_sets(db) == expected


def test_timeline_plot_and_selection(tmp_path):
    from typer.testing import CliRunner

    from nestor.cli import app

    db = str(tmp_path / "s.duckdb")
    Pipeline(Settings(db=db)).run([str(write(tmp_path / "in", {"a1.txt": A1, "a2.txt": A2, "a3.txt": A3}))])
    png = tmp_path / "tl.png"
    r = CliRunner().invoke(app, ["timeline", "NOR", "CHL", "--db", db, "--plot", str(png), "--top", "1"])
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    top = nestor.open(db).timeline("NOR", "CHL", top=1)
    assert len(top) == 1 and top[0]["n_articles"] == 2 and "score" in top[0]["why"]
    r = CliRunner().invoke(app, ["dyads", "--db", db, "--json"])
    assert '"CHL-NOR"' in r.stdout


def test_timeline_figure_has_labels_and_legend(tmp_path):
    from datetime import date

    from nestor.plots import timeline_plot

    series = [{"month": date(2021, 3, 1), "quad_class": 1, "n": 3, "mean_intensity": 3.0},
              {"month": date(2021, 4, 1), "quad_class": 4, "n": 1, "mean_intensity": -9.0}]
    fig = timeline_plot(series, [{"date": date(2021, 3, 3), "kind": "summit"}], tmp_path / "t.svg", "X–Y")
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
    assert (tmp_path / "t.svg").read_text("utf-8").startswith("<?xml")


def test_seeds_make_four_summits(seeds, tmp_path):
    db = str(tmp_path / "s.duckdb")
    Pipeline(Settings(db=db)).run([str(seeds)])
    st = nestor.open(db).stories(dyad="RUS-CHN")
    summits = [s for s in st if s["n_events"] >= 3]
    assert len(summits) == 4, [(s["date"], s["n_articles"]) for s in st]
    dates = [s["date"] for s in sorted(summits, key=lambda s: s["date"])]
    assert dates[0] == date(2012, 6, 5) and dates[1] == date(2019, 6, 5) and dates[3] == date(2024, 5, 16)
    assert dates[2].year == 2023                     # the 2023 report gives no month or day to go by
    y2023 = next(s for s in summits if s["date"].year == 2023)
    assert y2023["date_precision"] == "year"
    assert (y2023["date_start"], y2023["date_end"]) == (date(2023, 1, 1), date(2023, 12, 31))
    first = min(summits, key=lambda s: s["date"])
    assert len(first["articles"]) == 2              # the undated AP report joined the dated one
    places = [s["place"] for s in sorted(summits, key=lambda s: s["date"])]
    assert places[0] == "Beijing" and places[2] == "Moscow" and places[3] == "Beijing", places
    assert summits[0]["n_articles"] == 2 and all(s["kind"] in ("summit", "agree") for s in summits)
    full = nestor.open(db).story(next(s["id"] for s in summits if s["date"].year == 2019))
    assert any("strategic stability" in a["title"].lower() for a in full["accords"])
    assert any(c["text"] == "$108 billion" for c in full["claims"])


def test_place_in_a_quotation_is_not_the_story_place(tmp_path):
    text = ("Kenya and Ghana Agree on Trade\nApril 6, 2021\n\n"
            "Kenyan President Uhuru Kenyatta arrived in Accra on Monday for a two-day visit. "
            "Kenya and Ghana agreed to expand trade, saying the deal \u201ccould be copied one day in Lagos and in Cairo.\u201d")
    db = str(tmp_path / "q.duckdb")
    Pipeline(Settings(db=db)).run([str(write(tmp_path / "q", {"q.txt": text}))])
    st = nestor.open(db).stories(dyad="KEN-GHA")
    assert [s["place"] for s in st] == ["Accra"], st     # not Lagos or Cairo: they are only quoted


# an undated report of the A1 meeting: only the leaders' terms date it (2018-03-11 … 2021-10-14)
UNDATED = ("Pacific Partners Meet in Oslo\n\n"
           "Chilean President Sebastian Pinera held talks with Norwegian Prime Minister Erna Solberg in Oslo, "
           "where the two leaders discussed fishing quotas. Chile and Norway agreed to expand ocean research.")
CALL = ("Solberg and Pinera Speak by Phone\nMarch 3, 2021\n\n"
        "Norwegian Prime Minister Erna Solberg telephoned Chilean President Sebastian Pinera on Wednesday "
        "to discuss vaccine supplies for the coming winter months.")


def test_undated_report_takes_the_story_date(tmp_path):
    db = str(tmp_path / "u.duckdb")
    Pipeline(Settings(db=db)).run([str(write(tmp_path / "u", {"a1.txt": A1, "u.txt": UNDATED, "a3.txt": A3}))])
    n = nestor.open(db)
    und = next(a for a in n.articles() if a["title"] == "Pacific Partners Meet in Oslo")
    assert und["published"] is None and und["published_precision"] == "range"     # only an interval
    st = n.stories(dyad="NOR-CHL")
    first = next(s for s in st if und["id"] in s["articles"])
    assert str(first["date"]) == "2021-03-03" and len(first["articles"]) == 2
    assert all(und["id"] not in s["articles"] for s in st if s["id"] != first["id"])   # not the 2022 pact
    evs = [e for e in n.events(dyad="NOR-CHL", limit=None) if e["article_id"] == und["id"]]
    assert evs and all(e["date_source"] == "story" and str(e["date"]) == "2021-03-03" for e in evs)
    a1 = next(a for a in n.articles() if a["title"] == "Norway and Chile Sign Fisheries Pact")
    assert {e["date_article"] for e in evs} == {a1["id"]}
    # a rebuild gives the same (events that took the story's date are reset first)
    from nestor import stories
    from nestor.store import Store

    with Store(db).writer() as con:
        stories.rebuild(con, ["NOR-CHL"])
    assert [s["articles"] for s in nestor.open(db).stories(dyad="NOR-CHL")] == [s["articles"] for s in st]


def test_phone_call_and_visit_are_separate(tmp_path):
    db = str(tmp_path / "c.duckdb")
    Pipeline(Settings(db=db)).run([str(write(tmp_path / "c", {"a1.txt": A1, "call.txt": CALL}))])
    st = nestor.open(db).stories(dyad="NOR-CHL")
    kinds = sorted(s["kind"] for s in st)
    assert len(st) == 2 and "call" in kinds and "summit" in kinds, [(s["kind"], s["articles"]) for s in st]


def test_one_sentence_two_dyads_is_one_story(tmp_path):
    text = ("Sanctions Rejected\nMay 4, 2022\n\n"
            "The regional trade council met in Lima. Norway and Chile both rejected sanctions against Peru on "
            "Tuesday. The council ended without a joint text after two days of debate in a hall near the harbour.")
    db = str(tmp_path / "d.duckdb")
    Pipeline(Settings(db=db)).run([str(write(tmp_path / "d", {"d.txt": text}))])
    n = nestor.open(db)
    st = n.stories(dyad="NOR-PER")
    assert len(st) == 1 and set(st[0]["dyads"]) >= {"NOR-PER", "CHL-PER"}, st
    assert [s["id"] for s in n.stories(dyad="CHL-PER")] == [st[0]["id"]]


YEAR_ONLY = ("Trade Figures\n\nTrade between Norway and Chile reached a record in 2021, and this year Norway "
             "signed a new fisheries agreement with Chile in Oslo on Monday.")


def test_year_precision_is_shown_as_a_year_everywhere(tmp_path):
    from fastapi.testclient import TestClient

    from nestor.web import create_app

    db = str(tmp_path / "y.duckdb")
    Pipeline(Settings(db=db)).run([str(write(tmp_path / "y", {"y.txt": YEAR_ONLY}))])
    n = nestor.open(db)
    art = n.articles()[0]
    assert art["published_precision"] == "year" and art["published_shown"] == "2022" and art["published"] is None
    st = n.stories(dyad="NOR-CHL")
    assert st and st[0]["date_precision"] == "year" and st[0]["date_shown"] == "2022"
    assert all(e["date_shown"] in ("2022", "2021") for e in n.events(dyad="NOR-CHL"))
    web = TestClient(create_app(db))
    for page in (f"/story/{st[0]['id']}", f"/article/{art['id']}", "/articles", "/"):
        html = web.get(page).text
        shown = re.sub(r"<[^>]*>", " ", html)      # what a reader sees: links may carry the interval's bounds
        assert "2022-01-01" not in shown and "2022" in shown, page     # never an invented day


def test_story_takes_the_day_its_events_name_not_the_publication_day(tmp_path):
    # published on a Friday about a signing "on Wednesday": the happening is the Wednesday
    text = ("Fisheries Accord Signed\nMarch 5, 2021\n\n"
            "Norway signed a fisheries agreement with Chile in Oslo on Wednesday, officials said on Friday "
            "after the texts were published by both governments.")
    db = str(tmp_path / "w.duckdb")
    Pipeline(Settings(db=db)).run([str(write(tmp_path / "w", {"w.txt": text}))])
    st = nestor.open(db).stories(dyad="NOR-CHL")
    assert [str(s["date"]) for s in st] == ["2021-03-03"], st


def test_a_story_date_reanchors_relative_claim_periods(tmp_path):
    """An undated report's "last year" follows the story's date once the story dates the report;
    an absolute year ("in 2015") stays as written, and a rebuild gives the same."""
    undated = UNDATED + (" Trade between Norway and Chile reached $1.2 billion last year, Pinera said, and the two "
                         "countries set a target of $2 billion in 2025.")
    db = str(tmp_path / "r.duckdb")
    Pipeline(Settings(db=db)).run([str(write(tmp_path / "r", {"a1.txt": A1, "u.txt": undated}))])
    n = nestor.open(db)
    und = next(a for a in n.articles() if a["title"] == "Pacific Partners Meet in Oslo")
    assert und["published"] is None                       # the article itself is still only an interval
    figures = {c["text"]: c for c in n.claims() if c["article_id"] == und["id"]}
    assert str(figures["$1.2 billion"]["period_start"]) == "2020-01-01", figures["$1.2 billion"]
    assert str(figures["$2 billion"]["period_start"]).startswith("2025")
    from nestor import stories
    from nestor.store import Store

    with Store(db).writer() as con:
        stories.rebuild(con, ["NOR-CHL"])
    again = {c["text"]: c for c in nestor.open(db).claims() if c["article_id"] == und["id"]}
    assert again["$1.2 billion"]["period_start"] == figures["$1.2 billion"]["period_start"]
    # the stories step runs in the parent of a pool run, which never imports spaCy (about 1 CPU s
    # and 70 MB): in a fresh process, marking the articles pending and completing the stories (the
    # claims' periods re-read included) loads neither spaCy nor thinc, and gives the same periods
    import subprocess
    import sys

    code = ("import sys\nfrom nestor.pipeline import complete_stories\nfrom nestor.store import Store\n"
            f"st = Store({db!r})\nwith st.writer() as con:\n"
            "    con.execute('INSERT INTO story_dirty SELECT id FROM articles ON CONFLICT DO NOTHING')\n"
            "print(complete_stories(st), sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    n_stories, loaded = out.stdout.split(" ", 1)
    assert int(n_stories) >= 1 and loaded.strip() == "[]", out.stdout
    fresh = {c["text"]: c for c in nestor.open(db).claims() if c["article_id"] == und["id"]}
    assert fresh["$1.2 billion"]["period_start"] == figures["$1.2 billion"]["period_start"]


def test_wide_report_joins_no_story_when_the_same_leaders_met_twice_in_its_interval():
    from nestor.stories import STRONG_SIM, Report, cluster, cosine, tfidf

    meet = [{"event_type": "CONSULT", "mode": "meeting"}]
    people, oslo = frozenset({"person:a", "person:b"}), ("Oslo",)
    march = Report("m", ("CHL", "NOR"), date(2021, 3, 3), date(2021, 3, 3), "s1", meet,
                   "leaders met in Oslo and signed a fisheries agreement on scientific cooperation", people, oslo,
                   day=date(2021, 3, 3))
    sept = Report("s", ("CHL", "NOR"), date(2021, 9, 8), date(2021, 9, 8), "s2", meet,
                  "leaders met in Oslo and agreed to build a solar power research centre", people, oslo,
                  day=date(2021, 9, 8))
    wide = Report("w", ("CHL", "NOR"), date(2018, 3, 11), date(2021, 10, 14), "s3", meet,
                  "the president held talks in Oslo about the fisheries agreement while aides praised the warm mood",
                  people, oslo)
    v = tfidf([r.text for r in (wide, march, sept)])       # the order cluster() uses: by interval start
    # the premise: the text leans to March, but not strongly enough to tell the two meetings apart
    cos_m, cos_s = cosine(v[0], v[1]), cosine(v[0], v[2])
    assert cos_m - cos_s >= 0.1 and cos_m < STRONG_SIM, (cos_m, cos_s)
    groups = cluster([march, sept, wide])
    assert sorted(sorted(r.article_id for r in g) for g in groups) == [["m"], ["s"], ["w"]]
    # with one meeting of those leaders in its interval, the same report joins it
    assert sorted(sorted(r.article_id for r in g) for g in cluster([march, wide])) == [["m", "w"]]


# two reports of the same kind of act, somewhere unnamed, a day apart: each sentence names no country
C1 = ("Crowd Dispersed Near Square\nJune 2, 2020\n\n"
      "Police fired tear gas at protesters near the central square on Monday, witnesses said. "
      "Rebels ambushed an army convoy on the highway, killing four soldiers.")
C2 = ("Clashes After Rally\nJune 3, 2020\n\n"
      "Police fired tear gas and water cannon at protesters outside parliament on Tuesday. "
      "Gunmen killed five villagers in an overnight raid, residents said.")


def test_actors_known_by_sector_alone_code_events_but_name_no_dyad(tmp_path):
    """Generic actors with no country ("police", "rebels") are coded (REB, COP...), but two such
    events from unrelated places are no pair: no dyad listing, story or main dyad is made of them."""
    db = str(tmp_path / "s.duckdb")
    Pipeline(Settings(db=db)).run([str(write(tmp_path / "in", {"c1.txt": C1, "c2.txt": C2, "a1.txt": A1}))])
    n = nestor.open(db)
    ev = n.events(limit=None)
    sector_only = [e for e in ev if str(e.get("source_id") or "").startswith("sector:")]
    assert len(sector_only) >= 2, [(e["source_id"], e["event_type"]) for e in ev]
    assert {e["source_code"] for e in sector_only} & {"COP", "REB", "UAF"}
    dyads = {d["dyad"] for d in n.dyads(limit=None)}
    assert "CHL-NOR" in dyads and not any(x in d for d in dyads for x in ("COP", "REB", "UAF", "CVL", "MIL"))
    assert n.dyad_count() == len(dyads)
    assert all(d == "CHL-NOR" for d, *_ in story_sets(db)), story_sets(db)


def test_two_stories_of_one_article_and_dyad_get_two_ids():
    """One article can have a narrow report (a meeting on a day) and a wide one (a span of years)
    that end in two stories of the same dyad; a story is named by its dyad and first event, so the
    two stories get two ids (named by their first article, they got one, and a 10,000-article run
    failed on the stories' key)."""
    from nestor.stories import Ev, Report, cluster, story_row

    def ev(eid: str, aid: str) -> Ev:
        return Ev(eid, aid, 0, "CONSULT", "meeting", 0.8, 1.0, 1, "text", "the leaders met")

    people, oslo = frozenset({"person:a", "person:b"}), ("Oslo",)
    march = Report("a1", ("CHL", "NOR"), date(2021, 3, 3), date(2021, 3, 3), "s1", [ev("e1", "a1")],
                   "leaders met in Oslo and signed a fisheries agreement on scientific cooperation", people, oslo,
                   day=date(2021, 3, 3))
    sept = Report("a2", ("CHL", "NOR"), date(2021, 9, 8), date(2021, 9, 8), "s2", [ev("e2", "a2")],
                  "leaders met in Oslo and agreed to build a solar power research centre", people, oslo,
                  day=date(2021, 9, 8))
    wide = Report("a1", ("CHL", "NOR"), date(2018, 3, 11), date(2021, 10, 14), "s1", [ev("e3", "a1")],
                  "the president held talks in Oslo about the fisheries agreement while aides praised the warm mood",
                  people, oslo)
    groups = cluster([march, sept, wide])
    assert len(groups) == 3                      # the wide report joins neither meeting (test above)
    rows = [story_row(("CHL", "NOR"), g) for g in groups]
    assert sorted(len(r["articles"]) for r in rows) == [1, 1, 1]
    assert sum(r["articles"] == ["a1"] for r in rows) == 2          # two stories name article a1 first
    assert len({r["id"] for r in rows}) == 3
