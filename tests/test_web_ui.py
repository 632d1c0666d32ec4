"""The web UI a researcher trusts: evidence anchors, happenings not rows, charts, paging, search, /docs,
and a crawl of every internal link (no 404, no missing anchor)."""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from test_web import build_store  # noqa: E402  (the small hand-written store)
from webcrawl import crawl

from nestor.web import charts, views

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "seeds"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from nestor.web import create_app

    db = str(tmp_path_factory.mktemp("webui") / "w.duckdb")
    info = build_store(db)
    c = TestClient(create_app(db))
    c.info = info
    return c


# ---- 1. every record links to its evidence --------------------------------------------------
def test_every_sentence_has_an_anchor_even_when_it_starts_with_a_mark():
    text = "Oslo hosted talks. Norway signed a deal. 2020 was calm."
    art = {"text": text,
           "sentences": [{"idx": 0, "start": 0, "end": 18}, {"idx": 1, "start": 19, "end": 40},
                         {"idx": 2, "start": 41, "end": len(text)}],
           "mentions": [{"start": 19, "end": 25, "actor_id": "NOR", "code": "NOR"}],
           "timexes": [{"start": 41, "end": 45, "value": date(2020, 1, 1)}],
           "events": [{"trigger_start": 26, "trigger_end": 32, "event_type": "AGREE", "cameo": "057"}]}
    html = str(views.mark_article(art))
    for i in range(3):
        assert f'id="s{i}"' in html
    # the anchor wraps the sentence, so the marked first word is inside it
    assert re.search(r'<span class="sent" id="s1"><mark class="actor"[^>]*>Norway</mark>', html)
    assert re.search(r'<span class="sent" id="s2"><mark class="date"[^>]*>2020</mark>', html)


def test_evidence_links_land_on_existing_anchors(client):
    aid = client.info["article"]
    ev = client.get("/events").text
    links = set(re.findall(r'href="(/article/[0-9a-f]+#s\d+)"', ev))
    assert links, "the events page links to the evidence sentence"
    art = client.get(f"/article/{aid}").text
    for link in links:
        assert f'id="{link.split("#")[1]}"' in art
    assert f'href="/article/{aid}#s1"' in art          # the article's own event table links too
    css = client.get("/static/style.css").text
    assert ".sent:target" in css and "scroll-margin-top" in css


def test_dyad_page_links_to_its_events_actors_and_stories(client):
    r = client.get("/dyad/CHL-NOR").text
    for href in ('href="/events?dyad=CHL-NOR', 'href="/actor/CHL"', 'href="/actor/NOR"', 'href="/story/'):
        assert href in r, href


# ---- 2. happenings, not rows ----------------------------------------------------------------
def test_a_reciprocal_event_counts_once_but_exports_keep_both_rows(client):
    d = client.get("/api/dyads").json()["items"][0]
    assert (d["dyad"], d["events"], d["rows"]) == ("CHL-NOR", 1, 2)
    distinct = client.get("/events.json?dyad=NOR-CHL").json()
    assert distinct["total"] == 1 and distinct["items"][0]["n_rows"] == 2 and distinct["items"][0]["reciprocal"]
    assert client.get("/api/events?dyad=NOR-CHL").json()["total"] == 2       # the API's default: stored rows
    assert "↔" in client.get("/events?dyad=NOR-CHL").text
    series = client.get("/dyad/CHL-NOR.json").json()["series"]
    assert sum(r["n"] for r in series) == 1


def test_story_items_are_deduplicated():
    items = [{"title": "Treaty", "x": 1}, {"title": "treaty", "x": 2}, {"title": "Other", "x": 3}]
    out = views.dedupe(items, lambda i: i["title"].lower())
    assert [(o["title"], o["n_reports"]) for o in out] == [("Treaty", 2), ("Other", 1)]


# ---- 3. charts ------------------------------------------------------------------------------
def test_bins_choose_themselves_from_the_span():
    assert charts.choose_bins(date(2008, 1, 1), date(2024, 5, 1))[0] == "year"
    unit, bins = charts.choose_bins(date(2012, 2, 1), date(2014, 6, 1))
    assert unit == "quarter" and bins[0].label == "2012 Q1" and bins[-1].label == "2014 Q2"
    assert charts.choose_bins(date(2012, 2, 1), date(2012, 9, 1))[0] == "month"
    assert all(charts.nice_step(t) in (1, 2, 5, 10, 20, 50, 100) for t in (1, 3, 7, 12, 40, 99, 230))


def test_intensity_line_breaks_over_empty_periods_and_ticks_are_integers():
    series = [{"month": date(2010, 3, 1), "quad_class": 1, "n": 3, "mean_intensity": 2.0},
              {"month": date(2011, 3, 1), "quad_class": 4, "n": 1, "mean_intensity": -9.0},
              {"month": date(2019, 3, 1), "quad_class": 1, "n": 2, "mean_intensity": 4.0}]
    stories = [{"id": "a", "date": date(2010, 3, 2), "short": "A–B summit in X"},
               {"id": "b", "date": date(2010, 4, 2), "short": "A–B agreement in Y"}]
    out = charts.timeline(series, stories, "t", "/dyad/A-B")
    svg = str(out["svg"])
    assert out["unit"] == "year" and svg.count("<polyline") == 1      # 2010–2011 joined, 2019 alone
    ticks = re.findall(r'text-anchor="end">([^<]+)</text>', svg)
    assert ticks and all(t.lstrip("-").isdigit() for t in ticks)
    assert 'href="/story/a"' in svg and 'href="/dyad/A-B?since=2010-01-01&amp;until=2010-12-31"' in svg
    assert "<title>2010: 3 verbal cooperation</title>" in svg
    assert "style=" not in svg                                          # the CSP forbids inline styles
    # the two story labels sit in different lanes (their y differ) since they would overlap
    lanes = charts._lanes([(10, 120), (20, 130), (200, 250)])
    assert lanes == [0, 1, 0]


def test_dyad_page_zooms_to_a_period(client):
    whole = client.get("/dyad/CHL-NOR.json").json()
    assert whole["bins"] and whole["bins"][0]["events"] == 1
    empty = client.get("/dyad/CHL-NOR.json?since=2022-01-01&until=2022-12-31").json()
    assert empty["events"] == 0 and empty["timeline"] == []
    assert 'name="since"' in client.get("/dyad/CHL-NOR").text


# ---- 4. lists: filters, paging, downloads ---------------------------------------------------
def test_every_list_pages_the_same_way(client):
    for url in ("/api/events", "/api/stories", "/api/claims", "/api/accords", "/api/dyads", "/api/actors",
                "/api/articles", "/events.json", "/stories.json", "/articles.json"):
        j = client.get(url).json()
        assert {"items", "total", "limit", "offset", "next", "previous"} <= set(j), url
    j = client.get("/api/events?dyad=NOR-CHL&type=AGREE&limit=1").json()
    assert j["total"] == 2 and len(j["items"]) == 1 and j["previous"] is None
    nxt = client.get(j["next"]).json()
    assert "type=AGREE" in j["next"] and "dyad=NOR-CHL" in j["next"] and nxt["next"] is None
    assert nxt["previous"] and nxt["items"][0]["id"] != j["items"][0]["id"]


def test_actor_by_name_and_literal_text_search(client):
    assert client.get("/events.json?actor=Norway").json()["total"] == 1
    assert client.get("/events.json?actor=Norwegian").json()["total"] == 1
    assert client.get("/events.json?actor=CHL").json()["total"] == 1
    assert client.get("/events.json?q=signed").json()["total"] == 1
    assert client.get("/events.json?q=%25").json()["total"] == 0        # "%" is a literal, not a wildcard
    assert client.get("/events.json?q=_").json()["total"] == 0
    assert client.get("/stories.json?q=signed").json()["total"] == 1
    assert client.get("/stories.json?actor=Chile&quad_class=1").json()["total"] == 1
    assert client.get("/stories.json?quad_class=4").json()["total"] == 0
    assert client.get("/stories.json?source=example").json()["total"] == 1
    assert client.get("/stories.json?source=elsewhere").json()["total"] == 0


def test_csv_and_json_downloads_are_exactly_what_is_shown(client):
    page = client.get("/events?dyad=NOR-CHL&distinct=false&limit=1")
    assert 'href="/events.csv?dyad=NOR-CHL&amp;distinct=false&amp;limit=1"' in page.text
    rows = list(csv.DictReader(io.StringIO(client.get("/events.csv?dyad=NOR-CHL&distinct=false&limit=1").text)))
    j = client.get("/events.json?dyad=NOR-CHL&distinct=false&limit=1").json()
    assert [r["id"] for r in rows] == [e["id"] for e in j["items"]] and len(rows) == 1
    assert rows[0]["evidence_url"].startswith("/article/")
    assert client.get("/stories.csv").headers["content-type"].startswith("text/csv")


# ---- 5. a home page that explains itself ------------------------------------------------------
def test_home_explains_and_titles_say_who_what_where_when(client):
    home = client.get("/").text
    assert "PLOVER" in home and 'href="/codebook"' in home and "1 articles" in home and "example" in home
    cb = client.get("/codebook").text
    assert cb.count('<tr id="') == 16 and "quad class" in cb.lower()
    s = {"dyads": ["CHN-RUS"], "kind": "summit", "place": "Beijing", "date": date(2012, 6, 5), "date_precision": "day"}
    people = [{"kind": "person", "code": "RUS", "short": "Putin"}, {"kind": "person", "code": "CHN", "short": "Hu"}]
    assert views.story_title(s, people) == "Hu–Putin summit in Beijing, 5 Jun 2012"
    assert views.story_title({**s, "place": None, "date_precision": "month"}, []) == "China–Russia summit, Jun 2012"


# ---- 6. API ---------------------------------------------------------------------------------
def test_docs_work_offline_and_the_schema_documents_itself(client):
    r = client.get("/docs")
    assert r.status_code == 200 and "/api/events" in r.text
    assert not re.search(r'(src|href)="(https?:)?//', r.text), "nothing may load from another host"
    assert "<script" not in r.text and "script-src" not in r.headers["content-security-policy"]
    spec = client.get("/openapi.json").json()
    params = spec["paths"]["/api/events"]["get"]["parameters"]
    assert all(p.get("description") for p in params)
    ok = spec["paths"]["/api/events"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "$ref" in ok and "Page" in ok["$ref"]


def test_one_field_vocabulary(client):
    art = client.get("/api/articles").json()["items"][0]
    assert "published_source" in art and "date_source" not in art
    d = client.get("/api/dyads").json()["items"][0]
    assert "date_start" in d and "first" not in d
    ev = client.get("/api/events").json()["items"][0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", ev["date"])


# ---- 7. crawl -------------------------------------------------------------------------------
def test_crawl_finds_no_broken_link_or_anchor(client):
    got = crawl(client, skip_twins=True)      # the twins are checked by the tests above
    assert got["pages"] > 20
    assert got["broken"] == [] and got["anchors"] == []


@pytest.mark.slow
def test_seeds_crawl_and_counts(tmp_path):
    if not SEEDS.is_dir():
        pytest.skip("the seed corpus (../shared/corpus/seeds) is not beside this repository")
    from fastapi.testclient import TestClient

    import nestor
    from nestor.config import Settings
    from nestor.pipeline import Pipeline
    from nestor.web import create_app

    db = str(tmp_path / "seeds.duckdb")
    Pipeline(Settings(db=db)).run([str(SEEDS)])
    c = TestClient(create_app(db))
    got = crawl(c, skip_twins=True)
    assert got["broken"] == [] and got["anchors"] == [], (got["broken"][:5], got["anchors"][:5])
    # counts are distinct happenings: the dyad's count equals distinct (sentence, type, pair) keys
    n = nestor.open(db)
    evs = n.events(dyad="RUS-CHN", include_negated=False, limit=None)
    keys = {(e["article_id"], e["sent_idx"], e["event_type"], frozenset((e["source_code"], e["target_code"])))
            for e in evs}
    d = next(x for x in c.get("/api/dyads").json()["items"] if x["dyad"] == "CHN-RUS")
    assert d["events"] == len(keys) < d["rows"] == len(evs)
