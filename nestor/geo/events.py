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


def _give(con: Any, place: str, values: list[Any], confidence: float, event_ids: list[str]) -> int:
    """Set the story's place (``values``: the place columns but the confidence) on the events without one."""
    con.execute(f"""UPDATE events SET location = ?, ({_PLACE_COLUMNS}) = ({', '.join('?' * 10)}),
                        place_source = 'story'
                    WHERE id IN (SELECT unnest(?)) AND place_name IS NULL AND lat IS NULL""",
                [place, *values, round(confidence * story_weight(), 2), event_ids])
    return 1


def share_story_place(con: Any, place: str | None, event_ids: list[str], countries: list[str]) -> int:
    """Give ``place`` (the story's, as written), resolved with the story's ``countries`` as context,
    to those of ``event_ids`` that have no place. Returns 1 when a place was shared, else 0.

    The place is taken, in order, as one of the story's own events resolved it (the same point:
    "their border" is the border of the event's two countries, which the name alone does not say);
    as another event of the store resolved the same name, in one of the story's countries first (the
    store as a cache, so that the parent of a run seldom builds the gazetteer: 2 s and 120 MB); else
    from the gazetteer."""
    if not place or not event_ids:
        return 0
    known = [c for c in countries if c and len(c) == 3]
    pick = f"""SELECT {_PLACE_COLUMNS} FROM events
               WHERE (location = ? OR place_name = ?) AND lat IS NOT NULL AND place_source <> 'story' AND {{scope}}
               ORDER BY list_contains(?, place_country) DESC, location = ? DESC, geo_confidence DESC, id LIMIT 1"""
    own = con.execute(pick.format(scope="id IN (SELECT unnest(?))"), [place, place, event_ids, known, place]).fetchone()
    if own is None:
        own = con.execute(pick.format(scope="true"), [place, place, known, place]).fetchone()
    if own is not None:
        return _give(con, place, list(own[:9]), own[9], event_ids)
    p = resolve_place(place, known)
    if p is None or p.lat is None:
        return 0
    return _give(con, place, [p.name, p.country, list(p.countries) or ([p.country] if p.country else []), p.adm1,
                              p.geonameid, p.lat, p.lon, p.feature, p.precision], p.confidence, event_ids)
