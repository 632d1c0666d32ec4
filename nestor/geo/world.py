"""Country outlines for maps, shipped with the package: ``data/world-110m.json``.

Natural Earth's Admin 0 countries at 1:110m (public domain), decoded from the TopoJSON of the npm
package world-atlas 2.x by ``scripts/make_world.py`` (run once; nothing is fetched at run time).
Coordinates are longitude/latitude in hundredths of a degree, each ring a flat list
``[lon0, lat0, lon1, lat1, ...]``, continuous across the antimeridian (a ring that crosses it, in
Chukotka or Fiji, has longitudes past 180: a map of the Pacific draws it a turn west too); each
country has its ISO alpha-3 code (None for Kosovo, Northern
Cyprus and Somaliland, which have no ISO code), its name and its bounding box.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import KnowledgeBaseError

WORLD_FILE = "world-110m.json"


@dataclass(frozen=True)
class Outline:
    code: str | None
    name: str
    bbox: tuple[float, float, float, float]          # lon_min, lat_min, lon_max, lat_max (degrees)
    rings: tuple[tuple[tuple[float, float], ...], ...]  # each ring: ((lon, lat), ...)


@lru_cache(maxsize=1)
def world() -> tuple[Outline, ...]:
    """The country outlines (loaded once per process)."""
    path = resources.files("nestor.geo").joinpath("data", WORLD_FILE)
    try:
        d = json.loads(path.read_text("utf-8"))
        out = []
        for c in d["countries"]:
            rings = tuple(tuple((r[i] / 100, r[i + 1] / 100) for i in range(0, len(r) - 1, 2)) for r in c["rings"])
            out.append(Outline(c["id"], c["name"], tuple(v / 100 for v in c["bbox"]), rings))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise KnowledgeBaseError(str(path), None, None,
                                 f"unreadable country outlines ({exc}); regenerate with scripts/make_world.py") from exc
    return tuple(out)


@lru_cache(maxsize=512)
def shared_border(a: str, b: str) -> tuple[float, float] | None:
    """A representative point (lat, lon) of the land border of countries ``a`` and ``b`` (ISO
    alpha-3), or None when their outlines share no point. The outlines come from one topology, so a
    common border is a run of identical points; the point is the one of them nearest their mean."""
    ca = [c for c in world() if c.code == a]
    cb = [c for c in world() if c.code == b]
    if not ca or not cb or a == b:
        return None
    pa = {(round(lon, 2), round(lat, 2)) for c in ca for r in c.rings for lon, lat in r}
    common = [p for c in cb for r in c.rings for p in ((round(lon, 2), round(lat, 2)) for lon, lat in r) if p in pa]
    if not common:
        return None
    mx = sum(p[0] for p in common) / len(common)
    my = sum(p[1] for p in common) / len(common)
    lon, lat = min(common, key=lambda p: (p[0] - mx) ** 2 + (p[1] - my) ** 2)
    return lat, lon


def country_name(code: str) -> str | None:
    """The outline's name of a country (Natural Earth's short name), or None."""
    return next((c.name for c in world() if c.code == code), None)
