"""Maps as inline SVG drawn on the server: where a dyad's or a story's events happened, offline.

* The countries are Natural Earth's 1:110m outlines shipped with the package
  (:mod:`nestor.geo.world`); no tile server, no script, nothing fetched.
* Projection: equirectangular with the standard parallel at the middle of the view (longitudes are
  shortened by cos(latitude) so that shapes keep their proportions there), zoomed to the bounding
  box of the points with padding, never narrower than a few degrees.
* One marker per place: its area grows with the number of distinct events there, its colour is the
  quad class of most of them (the Okabe–Ito palette of :mod:`nestor.web.charts`). A place known only
  to the country (its point is the capital's) is a hollow ring, not a dot: no false precision.
* Each marker is a link to its story (the story with the most events there) and has a ``<title>``
  with the place, its precision and the counts; a data table under the map lists every place.
* All text is escaped (place names come from articles); presentation attributes only (no ``style=``).
"""
from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

from ..geo.world import world
from .charts import QUAD_COLOURS, QUAD_NAMES

W = 720                  # width of the map in the SVG's own units
H_MIN, H_MAX = 300, 440  # height range; the view widens in latitude or longitude to fill it
MIN_SPAN = (40.0, 16.0)  # the narrowest view in degrees (longitude, latitude): a single city is shown in its region
PAD = 0.25               # padding around the points, as a share of their span
LAND, LAND_HI, BORDER, SEA = "#ececec", "#d9d2c3", "#9a9a9a", "#f4f8fb"


def view(points: list[dict[str, Any]]) -> tuple[float, float, float, float, float]:
    """(lon0, lat0, lon1, lat1, height): the view's bounding box and the map's height."""
    lons = [p["lon"] for p in points]
    lats = [p["lat"] for p in points]
    x0, x1, y0, y1 = min(lons), max(lons), min(lats), max(lats)
    dx = max((x1 - x0) * (1 + 2 * PAD), MIN_SPAN[0])
    dy = max((y1 - y0) * (1 + 2 * PAD), MIN_SPAN[1])
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    k = math.cos(math.radians(max(-70.0, min(70.0, cy))))
    h = W * dy / (dx * k)
    if h < H_MIN:          # too wide: show more latitude
        dy = H_MIN * dx * k / W
        h = H_MIN
    elif h > H_MAX:        # too tall: show more longitude
        dx = W * dy / (H_MAX * k)
        h = H_MAX
    dx, dy = min(dx, 360.0), min(dy, 170.0)
    lon0 = max(-180.0, min(180.0 - dx, cx - dx / 2))
    lat0 = max(-85.0, min(85.0 - dy, cy - dy / 2))
    return lon0, lat0, lon0 + dx, lat0 + dy, h


def places_map(points: list[dict[str, Any]], title: str, mid: str = "map",
               highlight: set[str] | frozenset[str] = frozenset()) -> Markup:
    """The map of ``points``: dicts with ``name``, ``lat``, ``lon``, ``precision``, ``country``,
    ``events`` (distinct happenings), ``quads`` ({quad class: count}) and ``stories`` ([{id, title,
    events}], most events first). ``highlight`` names countries (ISO alpha-3) drawn a shade darker.
    Empty markup when no point has coordinates."""
    pts = [p for p in points if p.get("lat") is not None and p.get("lon") is not None]
    if not pts:
        return Markup("")
    lon0, lat0, lon1, lat1, h = view(pts)
    sx = W / (lon1 - lon0)
    sy = h / (lat1 - lat0)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - lon0) * sx, (lat1 - lat) * sy

    e = escape
    out = [f'<svg class="map" viewBox="0 0 {W} {h:.0f}" width="{W}" height="{h:.0f}" role="group" '
           f'aria-labelledby="{mid}-t {mid}-d" xmlns="http://www.w3.org/2000/svg" '
           f'font-family="system-ui, sans-serif" font-size="12">',
           f'<title id="{mid}-t">{e(title)}</title>',
           f'<desc id="{mid}-d">Map of {len(pts)} place(s), {lat0:.1f}° to {lat1:.1f}° latitude, {lon0:.1f}° to '
           f'{lon1:.1f}° longitude. Circles: places, larger with more events, coloured by the quad class of most '
           f'of them; a hollow ring is a place known only to the country (drawn at its capital). Each links to '
           f'its story. The same places are in the table below the map.</desc>',
           f'<rect class="sea" x="0" y="0" width="{W}" height="{h:.0f}" fill="{SEA}"/>']
    margin = 2.0
    for c in world():
        # a ring made continuous across the antimeridian (longitudes past 180) is also drawn a turn west
        rings = [r if shift == 0 else tuple((lon + shift, lat) for lon, lat in r)
                 for r in c.rings for shift in ((0.0, -360.0) if max(p[0] for p in r) > 180 else (0.0,))
                 if _ring_in_view(r, lon0 - margin - shift, lat0 - margin, lon1 + margin - shift, lat1 + margin)]
        if not rings:
            continue
        d = " ".join("M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(lon, lat) for lon, lat in r)) + "Z"
                     for r in rings)
        fill = LAND_HI if c.code and c.code in highlight else LAND
        out.append(f'<path class="country" d="{d}" fill="{fill}" stroke="{BORDER}" stroke-width="0.6" '
                   f'stroke-linejoin="round"><title>{e(c.name)}</title></path>')
    # markers: places closer than a few pixels are one marker (Moscow and the Kremlin; China, known
    # only to the country, drawn at Beijing); the biggest first, so that smaller ones stay on top
    groups = _merge([(p, *xy(p["lon"], p["lat"])) for p in pts])
    top = max(g["events"] for g in groups) or 1
    for g in sorted(groups, key=lambda g: (-g["events"], g["label"])):
        x, y = g["x"], g["y"]
        r = 5 + 11 * math.sqrt(g["events"] / top)
        quads = g["quads"]
        q = max(quads, key=lambda k: (quads[k], -k)) if quads else 1
        colour = QUAD_COLOURS.get(q, "#555")
        counts = ", ".join(f"{n} {QUAD_NAMES[k]}" for k, n in sorted(quads.items()) if n)
        stories = g["stories"]
        where = "; ".join(f"{m['name']}" + (f" ({m['country']}, {m.get('precision') or '?'})" if m.get("country")
                                             else f" ({m.get('precision') or '?'})") + f": {m['events']} event(s)"
                          for m in g["members"])
        tip = (where + (f" — {counts}" if counts else "")
               + ("; stories: " + "; ".join(f"{s.get('title') or s['id']} ({s['events']})" for s in stories[:5])
                  + (f"; and {len(stories) - 5} more" if len(stories) > 5 else "") if stories else ""))
        if g["precision"] == "country":
            shape = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="none" stroke="{colour}" stroke-width="3" '
                     f'stroke-dasharray="4 2"/>')
        else:
            shape = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" fill-opacity="0.8" '
                     f'stroke="#000" stroke-width="1"/>')
        anchor = "end" if x + r + 3 + 6.6 * len(g["label"]) > W else "start"
        lx = x - r - 3 if anchor == "end" else x + r + 3
        label = (f'<text x="{lx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" fill="#000" stroke="#fff" '
                 f'stroke-width="3" paint-order="stroke">{e(g["label"])}</text>')
        if stories:
            out.append(f'<a class="place" href="/story/{e(stories[0]["id"])}" aria-label="{e(tip)}">'
                       f'<title>{e(tip)}</title>{shape}{label}</a>')
        else:
            out.append(f'<g class="place"><title>{e(tip)}</title>{shape}{label}</g>')
    out.append(f'<text x="{W - 4}" y="{h - 5:.0f}" text-anchor="end" font-size="10" fill="#555">'
               f'Boundaries: Natural Earth 1:110m</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _ring_in_view(ring: tuple[tuple[float, float], ...], x0: float, y0: float, x1: float, y1: float) -> bool:
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return min(lons) <= x1 and max(lons) >= x0 and min(lats) <= y1 and max(lats) >= y0


FINER = {"country": 0, "region": 1, "city": 2, "landmark": 3}
MERGE_PX = 8.0


def _merge(projected: list[tuple[dict[str, Any], float, float]]) -> list[dict[str, Any]]:
    """Places whose markers would fall within :data:`MERGE_PX` of each other become one marker:
    events, quad counts and stories added up, the finest precision kept, the names listed."""
    groups: list[dict[str, Any]] = []
    for p, x, y in sorted(projected, key=lambda t: (-t[0]["events"], t[0]["name"] or "")):
        g = next((g for g in groups if math.hypot(g["x"] - x, g["y"] - y) <= MERGE_PX), None)
        if g is None:
            g = {"x": x, "y": y, "members": [], "events": 0, "quads": {}, "stories": {}, "precision": None}
            groups.append(g)
        g["members"].append(p)
        g["events"] += p["events"]
        for k, n in (p.get("quads") or {}).items():
            g["quads"][int(k)] = g["quads"].get(int(k), 0) + n
        for s in p.get("stories") or []:
            old = g["stories"].get(s["id"])
            g["stories"][s["id"]] = {**s, "events": s["events"] + (old["events"] if old else 0)}
        if g["precision"] is None or FINER.get(p.get("precision") or "", -1) > FINER.get(g["precision"], -1):
            g["precision"] = p.get("precision")
    for g in groups:
        g["stories"] = sorted(g["stories"].values(), key=lambda s: (-s["events"], s["id"]))
        # the finest places name the marker ("the Kremlin", not "Russia")
        names = [m["name"] or "?" for m in sorted(g["members"], key=lambda m: -FINER.get(m.get("precision") or "", -1))]
        g["label"] = " / ".join(dict.fromkeys(names[:2])) + (" …" if len(names) > 2 else "")
    return groups
