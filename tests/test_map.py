"""The offline map of where events happened: the shipped outlines, the SVG, the pages and /api/places."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from nestor.geo.world import WORLD_FILE, world
from nestor.models import Article, ArticleResult, Event, Mention, Sentence, content_id
from nestor.store import Store
from nestor.web import maps

EVIL = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_the_shipped_outlines_are_small_and_complete():
    path = Path(__file__).resolve().parents[1] / "nestor" / "geo" / "data" / WORLD_FILE
    assert path.stat().st_size < 400_000
    w = world()
    codes = {c.code for c in w}
    assert len(w) > 170 and {"RUS", "CHN", "IND", "PAK", "USA", "BRA", "AUS", "NOR", "CHL"} <= codes
    rus = next(c for c in w if c.code == "RUS")
    # Moscow lies inside Russia's box, and every ring is a closed list of points in degrees
    assert rus.bbox[0] < 37.6 < rus.bbox[2] and rus.bbox[1] < 55.7 < rus.bbox[3]
    assert all(-180 <= lon <= 360 and -90 <= lat <= 90 for c in w for r in c.rings for lon, lat in r)
    # no ring jumps across the map at the antimeridian (Chukotka, Fiji): each is continuous
    assert all(abs(r[i][0] - r[i - 1][0]) < 180 for c in w for r in c.rings for i in range(1, len(r)))


def _pt(name, lat, lon, n=1, precision="city", country="RUS", quads=None, stories=None):
    return {"name": name, "lat": lat, "lon": lon, "events": n, "precision": precision, "country": country,
            "quads": quads or {1: n}, "stories": stories if stories is not None else [{"id": "s1", "title": "T", "events": n}]}


def test_view_zooms_to_the_points_with_padding():
    pts = [_pt("Beijing", 39.9, 116.4), _pt("Moscow", 55.75, 37.6)]
    lon0, lat0, lon1, lat1, h = maps.view(pts)
    assert lon0 < 37.6 and lon1 > 116.4 and lat0 < 39.9 and lat1 > 55.75
    assert lon1 - lon0 < 180 and maps.H_MIN <= h <= maps.H_MAX
    # a single place is shown in its region, not as a speck of the world nor as a blank square
    lon0, lat0, lon1, lat1, _ = maps.view([_pt("Srinagar", 34.08, 74.8)])
    assert maps.MIN_SPAN[0] <= lon1 - lon0 < 120 and lon0 < 74.8 < lon1 and lat0 < 34.08 < lat1


def test_map_draws_countries_and_linked_markers():
    pts = [_pt("Beijing", 39.9, 116.4, 3, country="CHN", stories=[{"id": "abc", "title": "Summit", "events": 3}]),
           _pt("Moscow", 55.75, 37.6, 1, quads={4: 1}, stories=[{"id": "def", "title": "Clash", "events": 1}])]
    svg = str(maps.places_map(pts, "t", highlight={"CHN"}))
    assert svg.count('class="country"') > 10 and "<title>China</title>" in svg and "<title>Russia</title>" in svg
    assert "<title>Brazil</title>" not in svg                         # only what the view shows
    assert 'href="/story/abc"' in svg and 'href="/story/def"' in svg
    assert f'fill="{maps.QUAD_COLOURS[4]}"' in svg                     # coloured by quad class
    assert "style=" not in svg and "<script" not in svg                # the CSP holds
    radii = [float(r) for r in re.findall(r'<circle cx="[\d.]+" cy="[\d.]+" r="([\d.]+)"', svg)]
    assert radii[0] > radii[1]                                         # more events, bigger marker
    assert str(maps.places_map([], "t")) == ""


def test_a_country_level_place_is_a_ring_and_close_places_merge():
    pts = [_pt("Russia", 55.75, 37.62, 2, precision="country"),
           _pt("the Kremlin", 55.752, 37.6175, 1, precision="landmark", stories=[{"id": "k", "events": 1}]),
           _pt("Georgia", 41.7, 44.8, 1, precision="country", country="GEO")]
    svg = str(maps.places_map(pts, "t"))
    markers = re.findall(r'<(?:a|g) class="place".*?</(?:a|g)>', svg)
    assert len(markers) == 2                                           # Russia and the Kremlin are one marker
    kremlin = next(m for m in markers if "Kremlin" in m)
    assert 'fill="none"' not in kremlin and "the Kremlin / Russia" in kremlin   # finest precision wins
    assert "3 event" not in kremlin and "Russia (RUS, country): 2 event(s)" in kremlin
    georgia = next(m for m in markers if "Georgia" in m)
    assert 'fill="none"' in georgia and "stroke-dasharray" in georgia  # known only to the country


def test_hostile_place_names_are_escaped():
    pts = [_pt(EVIL, 10.0, 10.0, stories=[{"id": 'x"><script>', "title": EVIL, "events": 1}])]
    svg = str(maps.places_map(pts, EVIL))
    assert "<script>" not in svg and "<img" not in svg and 'x">' not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def build_place_store(db: str) -> tuple[str, str]:
    """One article: an accord in Oslo (stored in both directions), a clash at a place with a hostile
    name, and a statement with no place of its own, which takes the story's place (Oslo)."""
    from nestor.geo import resolve_place

    oslo = resolve_place("Oslo", ["NOR"])
    assert oslo is not None
    text = ("Norway signed an accord with Chile in Oslo. Chile attacked Norway near the village. "
            "Norway praised Chile.")
    aid = content_id(text)
    art = Article(id=aid, text=text, title="Oslo accord", published=date(2021, 3, 3), date_source="metadata",
                  source="example", n_chars=len(text))
    sents = [(0, 44), (45, 84), (85, len(text))]
    base = dict(article_id=aid, event_type="AGREE", mode="sign", cameo="057", quad_class=1, intensity=5.0,
                source_id="NOR", source_code="NOR", source_text="Norway", target_id="CHL", target_code="CHL",
                target_text="Chile", date=date(2021, 3, 3), date_precision="day", date_source="publication",
                confidence=0.8)
    evs = [Event(id="e1", sent_idx=0, sent_start=0, sent_end=44, trigger_start=7, trigger_end=13, trigger="signed",
                 evidence=text[0:44], location="Oslo", place_name="Oslo", place_country="NOR", lat=oslo.lat, lon=oslo.lon,
                 feature="city", geo_precision="city", geo_confidence=0.9, place_source="prep", **base),
           Event(id="e2", sent_idx=1, sent_start=45, sent_end=84, trigger_start=51, trigger_end=59, trigger="attacked",
                 evidence=text[45:84], location=EVIL, place_name=EVIL, place_country="NOR", lat=60.5, lon=8.0,
                 feature="city", geo_precision="city", geo_confidence=0.5, place_source="prep",
                 **{**base, "event_type": "ASSAULT", "quad_class": 4, "source_id": "CHL", "source_code": "CHL",
                    "target_id": "NOR", "target_code": "NOR"}),
           Event(id="e3", sent_idx=2, sent_start=85, sent_end=len(text), trigger_start=92, trigger_end=99,
                 trigger="praised", evidence=text[85:], **{**base, "event_type": "SUPPORT"})]
    evs.insert(1, Event(**{**evs[0].__dict__, "id": "e1b", "source_id": "CHL", "source_code": "CHL",
                           "target_id": "NOR", "target_code": "NOR"}))   # the other direction of the accord
    res = ArticleResult(article=art, sentences=[Sentence(aid, i, a, b) for i, (a, b) in enumerate(sents)],
                        mentions=[Mention(aid, 0, 0, 6, "Norway", "NOR", "Norway", "state", "NOR", None, "NOR", "kb")],
                        events=evs)
    store = Store(db)
    with store.writer() as con:
        Store.write_results(con, [res], "test-run")
        from nestor import stories

        stories.update(con, None)
    return aid, db


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from nestor.web import create_app

    _, db = build_place_store(str(tmp_path_factory.mktemp("map") / "m.duckdb"))
    return TestClient(create_app(db))


def test_dyad_and_story_pages_show_the_map(client):
    html = client.get("/dyad/CHL-NOR").text
    svg = re.search(r'<svg class="map".*?</svg>', html, re.S)
    assert svg, "the dyad page has a map"
    assert svg.group(0).count('class="country"') > 5 and "<title>Norway</title>" in svg.group(0)
    links = re.findall(r'<a class="place" href="(/story/[0-9a-f]+)"', svg.group(0))
    assert links and client.get(links[0]).status_code == 200
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "&lt;script&gt;" in html
    story = client.get(links[0]).text
    assert '<svg class="map"' in story and "Oslo" in story
    data = client.get("/dyad/CHL-NOR.json").json()
    assert {p["name"] for p in data["places"]} == {"Oslo", EVIL}


def test_api_places(client):
    j = client.get("/api/places?dyad=NOR-CHL").json()
    assert j["total"] == 2 and {"items", "next", "previous", "limit", "offset"} <= set(j)
    oslo = next(p for p in j["items"] if p["name"] == "Oslo")
    assert (round(oslo["lat"], 1), round(oslo["lon"], 1), oslo["precision"], oslo["country"]) == \
        (59.9, 10.7, "city", "NOR")
    # the accord counts once (both directions are one happening); the statement took the story's place
    assert oslo["events"] == 2 and oslo["quads"] == {"1": 2}
    assert oslo["stories"] and oslo["stories"][0]["url"].startswith("/story/")
    sid = oslo["stories"][0]["id"]
    assert {p["name"] for p in client.get(f"/api/places?story={sid}").json()["items"]} >= {"Oslo"}
    assert client.get("/api/places?dyad=NOR-USA").json()["total"] == 0
    assert client.get("/api/places?since=2030-01-01").json()["total"] == 0
