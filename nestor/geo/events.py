"""The story's place as the last fallback of an event's place (issue 21; rules in docs/geo.md).

An event whose article gives it no place (no prepositional phrase, no dateline) takes the place
of its story, the place its reports name most (:func:`nestor.stories.rebuild` computes it), with
``place_source = 'story'`` and a confidence lowered by the ``story`` weight of
``nestor/data/where.yaml``. A rebuild of the story first takes such places back (a story may
change), as it does for dates taken from a story.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..store import commit_point
from . import resolve_place


@lru_cache(maxsize=1)
def story_weight() -> float:
    d = yaml.safe_load(resources.files("nestor").joinpath("data/where.yaml").read_text("utf-8"))
    return float(d["source_weight"]["story"])


def clear_story_places(con: Any, article_ids: list[str]) -> None:
    """Events of these articles that took a story's place have none again, until a story gives one."""
    if article_ids:
        con.execute("""UPDATE events SET location = NULL, place_name = NULL, place_country = NULL,
                           place_countries = NULL, place_adm1 = NULL, place_geonameid = NULL, lat = NULL,
                           lon = NULL, feature = NULL, geo_precision = NULL, geo_confidence = NULL,
                           place_source = NULL
                       WHERE place_source = 'story' AND article_id IN (SELECT unnest(?))""", [article_ids])


_PLACE_COLUMNS = ("place_name, place_country, place_countries, place_adm1, place_geonameid, lat, lon, feature, "
                  "geo_precision, geo_confidence")


def share_story_place(con: Any, place: str | None, event_ids: list[str], countries: list[str]) -> int:
    """Give ``place`` (the story's, as written), resolved with the story's ``countries`` as context,
    to those of ``event_ids`` that have no place. Returns 1 when a place was shared, else 0.
    One story's :func:`share_story_places`."""
    return share_story_places(con, [(place, event_ids, countries)])


def share_story_places(con: Any, stories: list[tuple[str | None, list[str], list[str]]], piece: int = 0) -> int:
    """For each story ``(place, event ids, countries)``: give its place (as written), resolved with
    its ``countries`` as context, to those of its events that have no place. Returns the number of
    stories whose place was shared.

    The place is taken, in order, as one of the story's own events resolved it (the same point:
    "their border" is the border of the event's two countries, which the name alone does not say);
    as another event of the store resolved the same name, in one of the story's countries first (the
    store as a cache, so that the parent of a run seldom builds the gazetteer: 2 s and 120 MB); else
    from the gazetteer.

    A few statements for all the stories (one query and one update per story cost a quarter of
    the stories step): the lookups read only events whose place is not a story's, and an event
    belongs to one story, so looking every story up before any update gives what one story at a
    time gave. With ``piece``, the events are updated that many at a time, with a
    :func:`nestor.store.commit_point` after each."""
    todo = [(k, place, ids, [c for c in countries if c and len(c) == 3])
            for k, (place, ids, countries) in enumerate(stories) if place and ids]
    if not todo:
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE story_place_keys (k INTEGER, place VARCHAR, known VARCHAR[])")
    con.execute("CREATE OR REPLACE TEMP TABLE story_place_events (k INTEGER, event_id VARCHAR, n INTEGER)")
    con.execute("INSERT INTO story_place_keys SELECT unnest(?), unnest(?), unnest(?::VARCHAR[][])",
                [[t[0] for t in todo], [t[1] for t in todo], [t[3] for t in todo]])
    ids = [i for t in todo for i in t[2]]
    con.execute("INSERT INTO story_place_events SELECT unnest(?), unnest(?), unnest(range(?))",
                [[t[0] for t in todo for _ in t[2]], ids, len(ids)])
    cols = ", ".join(f"e.{c.strip()}" for c in _PLACE_COLUMNS.split(","))
    order = ("ORDER BY list_contains(p.known, e.place_country) DESC, e.location = p.place DESC, "
             "e.geo_confidence DESC, e.id")
    where = "(e.location = p.place OR e.place_name = p.place) AND e.lat IS NOT NULL AND e.place_source <> 'story'"
    # the story's own events first, then any event of the store that resolved the same name
    found: dict[int, tuple[Any, ...]] = {r[0]: r[1:] for r in con.execute(f"""
        SELECT k, * EXCLUDE (k, rn) FROM (
            SELECT p.k, {cols}, row_number() OVER (PARTITION BY p.k {order}) AS rn
            FROM story_place_events pe JOIN story_place_keys p USING (k) JOIN events e ON e.id = pe.event_id
            WHERE {where}) WHERE rn = 1""").fetchall()}
    missing = [t[0] for t in todo if t[0] not in found]
    if missing:
        found |= {r[0]: r[1:] for r in con.execute(f"""
            SELECT k, * EXCLUDE (k, rn) FROM (
                SELECT p.k, {cols}, row_number() OVER (PARTITION BY p.k {order}) AS rn
                FROM story_place_keys p JOIN events e ON (e.location = p.place OR e.place_name = p.place)
                WHERE p.k IN (SELECT unnest(?)) AND {where}) WHERE rn = 1""", [missing]).fetchall()}
    values: list[tuple[Any, ...]] = []
    for k, place, _ids, known in todo:
        if k in found:
            own = found[k]
            values.append((k, place, *own[:9], round(own[9] * story_weight(), 2)))
            continue
        p = resolve_place(place, known)
        if p is None or p.lat is None:
            continue
        values.append((k, place, p.name, p.country, list(p.countries) or ([p.country] if p.country else []), p.adm1,
                       p.geonameid, p.lat, p.lon, p.feature, p.precision, round(p.confidence * story_weight(), 2)))
    if values:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE story_place_values AS
                        SELECT 0::INTEGER AS k, location, {_PLACE_COLUMNS} FROM events LIMIT 0""")
        con.execute(f"INSERT INTO story_place_values SELECT {', '.join(['unnest(?)'] * 12)}",
                    [list(x) for x in zip(*values, strict=True)])
        sets = ", ".join(f"{c.strip()} = v.{c.strip()}" for c in ("location," + _PLACE_COLUMNS).split(","))
        step = piece or len(ids)
        for n in range(0, len(ids), step):
            con.execute(f"""UPDATE events SET {sets}, place_source = 'story'
                            FROM (SELECT pe.event_id, x.* FROM story_place_events pe JOIN story_place_values x USING (k)
                                  WHERE pe.n >= ? AND pe.n < ?) v
                            WHERE events.id = v.event_id AND events.place_name IS NULL AND events.lat IS NULL""",
                        [n, n + step])
            if piece:
                commit_point(con)
        con.execute("DROP TABLE story_place_values")
    con.execute("DROP TABLE story_place_keys")
    con.execute("DROP TABLE story_place_events")
    return len(values)
