"""The stories' places shared with their events in a few statements (nestor.geo.events, issue 20):
the same as one story at a time."""
from __future__ import annotations

import shutil
from types import SimpleNamespace
from typing import Any

import pytest

from nestor.geo import events as ge
from nestor.store import Store

# (id, location, place_name, place_country, place_countries, lat, lon, geo_confidence, place_source)
EVENTS = [
    ("e1", "Velmar", "Velmar", "ARL", ["ARL"], 10.0, 20.0, 0.9, "prep"),     # story 1's own resolved event
    ("e2", None, None, None, None, None, None, None, None),                 # story 1: no place yet
    ("e3", None, None, None, None, None, None, None, None),                 # story 2: no place; Velmar from e1
    ("e4", "Velmar", "Velmar", "BRV", ["BRV"], 11.0, 21.0, 0.8, "prep"),     # another Velmar, in BRV
    ("e5", None, None, None, None, None, None, None, None),                 # story 3: the gazetteer's
    ("e6", None, None, None, None, None, None, None, None),                 # story 4: a name nothing knows
    ("e7", "Ostrand", "Ostrand", "BRV", ["BRV"], 12.0, 22.0, 0.7, "prep"),   # story 5: has its own place
]
STORIES: list[tuple[str | None, list[str], list[str]]] = [
    ("Velmar", ["e1", "e2"], ["ARL", "BRV"]),
    ("Velmar", ["e3"], ["BRV", "CXR"]),         # the store's Velmar in BRV first
    ("Kestrel Bay", ["e5"], ["ARL", "BRV"]),
    ("Nowhere", ["e6"], ["ARL", "BRV"]),
    ("Ostrand", ["e7"], ["ARL", "BRV"]),
    (None, ["e2"], ["ARL", "BRV"]),
]


def _fake_resolve(name: str, known: Any) -> Any:
    if name != "Kestrel Bay":
        return None
    return SimpleNamespace(name="Kestrel Bay", country="ARL", countries=("ARL",), adm1="03", geonameid=42,
                           lat=1.5, lon=2.5, feature="city", precision="city", confidence=0.6)


def _events(db: str) -> list[tuple[Any, ...]]:
    with Store(db).writer() as con:
        return con.execute("""SELECT id, location, place_name, place_country, place_countries, place_adm1,
                                     place_geonameid, lat, lon, feature, geo_precision, geo_confidence, place_source
                              FROM events ORDER BY id""").fetchall()


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(ge, "resolve_place", _fake_resolve)
    db = str(tmp_path / "p.duckdb")
    with Store(db).writer() as con:
        con.execute("""INSERT INTO events (id, article_id, location, place_name, place_country, place_countries, lat,
                                           lon, geo_confidence, place_source)
                       SELECT unnest(?), 'a1', unnest(?), unnest(?), unnest(?), unnest(?::VARCHAR[][]), unnest(?),
                              unnest(?), unnest(?), unnest(?)""",
                    [[e[0] for e in EVENTS]] + [[e[k] for e in EVENTS] for k in range(1, 9)])
    return db


@pytest.mark.parametrize("piece", [0, 1, 2])
def test_places_shared_in_one_batch_equal_one_story_at_a_time(store, tmp_path, piece):
    one = str(tmp_path / "one.duckdb")
    shutil.copy(store, one)
    with Store(one).writer() as con:
        singles = [ge.share_story_place(con, *s) for s in STORIES]
    with Store(store).writer() as con:
        assert ge.share_story_places(con, STORIES, piece) == sum(singles) == 4
    got = _events(store)
    assert got == _events(one)
    by_id = {r[0]: r for r in got}
    w = ge.story_weight()
    # e2 took story 1's own Velmar (ARL), e3 the store's Velmar in BRV, e5 the gazetteer's, e6 none
    assert by_id["e2"][1:4] == ("Velmar", "Velmar", "ARL") and by_id["e2"][11] == round(0.9 * w, 2)
    assert by_id["e3"][3] == "BRV" and by_id["e3"][7] == 11.0 and by_id["e3"][12] == "story"
    assert by_id["e5"][2] == "Kestrel Bay" and by_id["e5"][6] == 42 and by_id["e5"][11] == round(0.6 * w, 2)
    assert by_id["e6"][1] is None and by_id["e6"][12] is None
    assert by_id["e7"][12] == "prep"             # an event with a place keeps it
