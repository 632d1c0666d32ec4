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


def share_story_place(con: Any, place: str | None, event_ids: list[str], countries: list[str]) -> int:
    """Give ``place`` (the story's, as written), resolved with the story's ``countries`` as context,
    to those of ``event_ids`` that have no place. Returns 1 when a place was shared, else 0."""
    if not place or not event_ids:
        return 0
    # the place as one of the story's own events has it (the same point: "their border" is the
    # border of the event's two countries, which the name alone does not say), else the gazetteer's
    own = con.execute("""SELECT place_name, place_country, place_countries, place_adm1, place_geonameid, lat, lon,
                                feature, geo_precision, geo_confidence FROM events
                         WHERE id IN (SELECT unnest(?)) AND location = ? AND lat IS NOT NULL AND place_source <> 'story'
                         ORDER BY geo_confidence DESC, id LIMIT 1""", [event_ids, place]).fetchone()
    if own is not None:
        con.execute("""UPDATE events SET location = ?, place_name = ?, place_country = ?, place_countries = ?,
                           place_adm1 = ?, place_geonameid = ?, lat = ?, lon = ?, feature = ?, geo_precision = ?,
                           geo_confidence = ?, place_source = 'story'
                       WHERE id IN (SELECT unnest(?)) AND place_name IS NULL AND lat IS NULL""",
                    [place, *own[:9], round(own[9] * story_weight(), 2), event_ids])
        return 1
    p = resolve_place(place, [c for c in countries if c and len(c) == 3])
    if p is None or p.lat is None:
        return 0
    cur = con.execute("""UPDATE events SET location = ?, place_name = ?, place_country = ?, place_countries = ?,
                             place_adm1 = ?, place_geonameid = ?, lat = ?, lon = ?, feature = ?, geo_precision = ?,
                             geo_confidence = ?, place_source = 'story'
                         WHERE id IN (SELECT unnest(?)) AND place_name IS NULL AND lat IS NULL""",
                      [place, p.name, p.country, list(p.countries) or ([p.country] if p.country else []), p.adm1,
                       p.geonameid, p.lat, p.lon, p.feature, p.precision, round(p.confidence * story_weight(), 2),
                       event_ids])
    return 1 if cur is not None else 0
