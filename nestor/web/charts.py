"""Charts as inline SVG drawn on the server: accessible, linkable, no script and no CDN.

Why not matplotlib's SVG here: its output has no per-element ``<title>`` (hover counts) or links
(click a story, zoom into a period), and as an ``<img>`` it cannot link at all. These charts are
small enough to lay out directly; the CLI keeps matplotlib for its PNG files (:mod:`nestor.plots`).

* Bins choose themselves from the span (year, quarter, or month when zoomed in).
* Bars count distinct happenings per quad class, stacked, in the Okabe–Ito colourblind-safe palette.
* The mean-intensity line breaks over empty bins instead of joining distant periods.
* Story markers are numbered links; their labels run horizontally in lanes that never overlap.
* Every bar, point and marker has a ``<title>`` (hover) and each chart comes with a data table.
* Only presentation attributes are used (no ``style=``), so the strict CSP holds.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
# Okabe & Ito (2008): distinguishable under the common colour-vision deficiencies
QUAD_COLOURS = {1: "#56B4E9", 2: "#0072B2", 3: "#E69F00", 4: "#D55E00"}
STATUS_COLOURS = {"achieved": "#0072B2", "record": "#0072B2", "target": "#D55E00", "forecast": "#CC79A7",
                  "pace": "#CC79A7"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

W, H = 720, 250          # plot area size in the SVG's own units
ML, MR, MT, MB = 44, 44, 34, 30
LANE_H, CHAR_W = 18, 6.6


def fmt_day(d: date | None, precision: str | None = "day") -> str:
    """5 Jun 2012 / Jun 2012 / 2012, as the precision allows."""
    if d is None:
        return "date unknown"
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


@dataclass
class Bin:
    start: date
    end: date          # inclusive
    label: str


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def choose_bins(lo: date, hi: date) -> tuple[str, list[Bin]]:
    """Year bins over more than 8 years, quarters over more than 18 months, else months."""
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    if months > 96:
        unit, step, start = "year", 12, date(lo.year, 1, 1)
    elif months > 18:
        unit, step, start = "quarter", 3, date(lo.year, 3 * ((lo.month - 1) // 3) + 1, 1)
    else:
        unit, step, start = "month", 1, date(lo.year, lo.month, 1)
    out = []
    while start <= hi:
        nxt = _add_months(start, step)
        label = (str(start.year) if unit == "year" else
                 f"{start.year} Q{(start.month - 1) // 3 + 1}" if unit == "quarter" else
                 f"{MONTHS[start.month - 1]} {start.year}")
        out.append(Bin(start, nxt - timedelta(days=1), label))
        start = nxt
    return unit, out


def nice_step(top: float, ticks: int = 5) -> int:
    """An integer tick step of 1, 2 or 5 × 10^k giving at most ``ticks`` intervals."""
    raw = max(1.0, top / ticks)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return int(m * mag)
    return int(10 * mag)


def _lanes(items: list[tuple[float, float]]) -> list[int]:
    """Greedy lane per (x_start, x_end) label so that labels in one lane never overlap."""
    ends: list[float] = []
    out = []
    for x0, x1 in items:
        for i, e in enumerate(ends):
            if x0 > e + 8:
                ends[i] = x1
                out.append(i)
                break
        else:
            ends.append(x1)
            out.append(len(ends) - 1)
    return out


def timeline(series: list[dict[str, Any]], stories: list[dict[str, Any]], title: str, zoom_url: str,
             since: date | None = None, until: date | None = None, events_url: str = "/events?") -> dict[str, Any]:
    """The dyad's chart: returns {"svg": Markup, "bins": [...rows of the data table], "unit": ...}.

    A bar of a year or quarter links to ``zoom_url?since=…&until=…`` (the chart of that period);
    a month's bar links to ``events_url&since=…&until=…`` (its events)."""
    days = [r["month"] for r in series] + [s["date"] for s in stories if s.get("date")]
    if since:
        days.append(since)
    if until:
        days.append(until)
    if not days:
        return {"svg": Markup(""), "bins": [], "unit": None}
    lo, hi = since or min(days), until or max(days)
    unit, bins = choose_bins(lo, hi)
    rows = []
    for b in bins:
        counts = {q: sum(r["n"] for r in series if r["quad_class"] == q and b.start <= r["month"] <= b.end)
                  for q in QUAD_NAMES}
        n = sum(counts.values())
        inten = (sum(r["mean_intensity"] * r["n"] for r in series if b.start <= r["month"] <= b.end) / n
                 if n else None)
        period = urlencode({"since": b.start.isoformat(), "until": b.end.isoformat()})
        rows.append({"bin": b, "counts": counts, "n": n, "intensity": inten,
                     "zoom": (events_url + "&" if unit == "month" else zoom_url + "?") + period})
    top = max([r["n"] for r in rows] + [1])
    step = nice_step(top)
    ymax = step * math.ceil(top / step)
    x0, span = bins[0].start, (bins[-1].end - bins[0].start).days + 1
    bw = W / len(bins)

    def x(d: date) -> float:
        return ML + W * ((d - x0).days + 0.5) / span

    def y(v: float) -> float:
        return MT + H - H * v / ymax

    def yi(v: float) -> float:   # intensity, −10..10 on the right axis
        return MT + H / 2 - H / 2 * v / 10

    # story labels in lanes under the axis
    marks = [s for s in stories if s.get("date") and bins[0].start <= s["date"] <= bins[-1].end]
    marks.sort(key=lambda s: s["date"])
    labels = [f"{i + 1} {s.get('short') or s.get('kind') or ''}" for i, s in enumerate(marks)]
    extents = [(x(s["date"]) - 6, x(s["date"]) - 6 + 14 + CHAR_W * len(lab)) for s, lab in zip(marks, labels, strict=True)]
    # a label that would run off the right edge is right-aligned to its marker instead
    extents = [(a, b) if b <= ML + W + MR else (a - (b - a) + 12, a + 12) for a, b in extents]
    lanes = _lanes(extents)
    n_lanes = max(lanes) + 1 if lanes else 0
    total_h = MT + H + MB + n_lanes * LANE_H + (8 if n_lanes else 0)
    total_w = ML + W + MR
    e = escape
    out = [f'<svg class="chart" viewBox="0 0 {total_w} {total_h}" width="{total_w}" height="{total_h}" '
           f'role="group" aria-labelledby="tl-title tl-desc" xmlns="http://www.w3.org/2000/svg" '
           f'font-family="system-ui, sans-serif" font-size="12">',
           f'<title id="tl-title">{e(title)}</title>',
           f'<desc id="tl-desc">Stacked bars: distinct events per {unit} by quad class. Line: mean intensity '
           f'(−10 conflict to +10 cooperation), broken where a {unit} has no events. Numbered markers: stories. '
           f'The same figures are in the table below the chart.</desc>']
    # legend
    lx: float = ML
    for q, name in QUAD_NAMES.items():
        out.append(f'<rect x="{lx}" y="8" width="12" height="12" fill="{QUAD_COLOURS[q]}"/>'
                   f'<text x="{lx + 16}" y="18">{name}</text>')
        lx += 22 + CHAR_W * len(name)
    out.append(f'<line x1="{lx}" y1="14" x2="{lx + 18}" y2="14" stroke="#000" stroke-width="2"/>'
               f'<text x="{lx + 22}" y="18">mean intensity</text>')
    # grid and left axis (integer ticks)
    for v in range(0, ymax + 1, step):
        out.append(f'<line x1="{ML}" x2="{ML + W}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
                   f'<text x="{ML - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>')
    out.append(f'<text x="12" y="{MT + H / 2}" transform="rotate(-90 12 {MT + H / 2})" text-anchor="middle">'
               f'events per {unit}</text>')
    for v in (-10, 0, 10):
        out.append(f'<text x="{ML + W + 6}" y="{yi(v) + 4:.1f}">{v:+d}</text>')
    # bars: each bin links to the zoomed chart of that period
    for i, r in enumerate(rows):
        b = r["bin"]
        bx = ML + i * bw + bw * 0.1
        if not r["n"]:      # an empty period has nothing to zoom into
            continue
        # a year or quarter zooms in; a month (the finest bin) lists its events
        action = "list its events" if unit == "month" else "zoom in"
        out.append(f'<a href="{e(r["zoom"])}" aria-label="{e(b.label)}: {r["n"]} events; {action}">')
        out.append(f'<rect x="{ML + i * bw:.1f}" y="{MT}" width="{bw:.1f}" height="{H}" fill="#fff" '
                   f'fill-opacity="0"><title>{e(b.label)}: {r["n"]} events — click to {action}</title></rect>')
        base = 0
        for q in QUAD_NAMES:
            c = r["counts"][q]
            if c:
                out.append(f'<rect x="{bx:.1f}" y="{y(base + c):.1f}" width="{bw * 0.8:.1f}" '
                           f'height="{y(base) - y(base + c):.1f}" fill="{QUAD_COLOURS[q]}">'
                           f'<title>{e(b.label)}: {c} {QUAD_NAMES[q]}</title></rect>')
                base += c
        out.append("</a>")
    # intensity line, broken over empty bins
    seg: list[str] = []
    segs = []
    for i, r in enumerate(rows):
        if r["intensity"] is None:
            if seg:
                segs.append(seg)
            seg = []
            continue
        seg.append(f"{ML + (i + 0.5) * bw:.1f},{yi(r['intensity']):.1f}")
    if seg:
        segs.append(seg)
    for sg in segs:
        if len(sg) > 1:
            out.append(f'<polyline points="{" ".join(sg)}" fill="none" stroke="#000" stroke-width="2"/>')
    for i, r in enumerate(rows):
        if r["intensity"] is not None:
            out.append(f'<circle cx="{ML + (i + 0.5) * bw:.1f}" cy="{yi(r["intensity"]):.1f}" r="3.5" fill="#000">'
                       f'<title>{e(r["bin"].label)}: mean intensity {r["intensity"]:+.1f}</title></circle>')
    # x axis: a tick label per bin, thinned to fit
    every = max(1, math.ceil(len(bins) * 62 / W))
    out.append(f'<line x1="{ML}" x2="{ML + W}" y1="{MT + H}" y2="{MT + H}" stroke="#333"/>')
    for i, b in enumerate(bins):
        if i % every == 0:
            out.append(f'<text x="{ML + (i + 0.5) * bw:.1f}" y="{MT + H + 16}" text-anchor="middle">{e(b.label)}</text>')
    # story markers and their labels
    for i, (s, lab, lane, ext) in enumerate(zip(marks, labels, lanes, extents, strict=True)):
        sx = x(s["date"])
        ly = MT + H + MB + 6 + lane * LANE_H
        out.append(f'<a href="/story/{e(s["id"])}" class="marker">'
                   f'<title>{e(s.get("title") or s["date"])}: {s.get("n_events", "?")} events, '
                   f'{s.get("n_articles", "?")} article(s)</title>'
                   f'<line x1="{sx:.1f}" x2="{sx:.1f}" y1="{MT}" y2="{ly - 4}" stroke="#555" stroke-dasharray="3 3"/>'
                   f'<circle cx="{sx:.1f}" cy="{MT + 2}" r="8" fill="#fff" stroke="#000"/>'
                   f'<text x="{sx:.1f}" y="{MT + 6}" text-anchor="middle" font-size="10">{i + 1}</text>'
                   f'<text x="{ext[0] + 6:.1f}" y="{ly + 8}" fill="#0b5cad" text-decoration="underline">{e(lab)}</text></a>')
    out.append("</svg>")
    return {"svg": Markup("".join(out)), "bins": rows, "unit": unit, "markers": marks}


def claims(points: list[dict[str, Any]], title: str, cid: str) -> Markup:
    """One measure in one unit: achieved figures (filled circles, joined) against targets and
    forecasts (hollow diamonds); a horizontal bar shows the period a figure refers to. Each point
    links to its evidence sentence."""
    pts = [p for p in points if p.get("value") is not None
           and (p.get("period_start") or p.get("published") or p.get("published_from"))]   # placeable in time
    if not pts:
        return Markup("")
    scale, unit = 1.0, pts[0].get("unit") or ""
    vmax = max(p["value"] for p in pts)
    if unit in ("USD", "EUR", "CNY", "RUB", "GBP", "JPY", "INR") and vmax >= 1e9:
        scale, unit = 1e9, f"{unit} billion"
    elif unit in ("USD", "EUR", "CNY", "RUB", "GBP", "JPY", "INR") and vmax >= 1e6:
        scale, unit = 1e6, f"{unit} million"

    def when(p: dict[str, Any]) -> tuple[date, date]:
        a = p.get("period_start") or p.get("published") or p["published_from"]
        b = p.get("period_end") or a
        return a, b

    lo = min(when(p)[0] for p in pts)
    hi = max(when(p)[1] for p in pts)
    lo, hi = date(lo.year, 1, 1), date(hi.year, 12, 31)
    span = (hi - lo).days + 1
    top = max(p["value"] / scale for p in pts) * 1.1 or 1
    h = 200

    def x(d: date) -> float:
        return ML + W * (d - lo).days / span

    def y(v: float) -> float:
        return MT + h - h * v / top

    e = escape
    out = [f'<svg class="chart" viewBox="0 0 {ML + W + MR} {MT + h + MB}" width="{ML + W + MR}" '
           f'height="{MT + h + MB}" role="group" aria-labelledby="{cid}-t" xmlns="http://www.w3.org/2000/svg" '
           f'font-family="system-ui, sans-serif" font-size="12"><title id="{cid}-t">{e(title)}</title>',
           f'<circle cx="{ML + 6}" cy="14" r="5" fill="{STATUS_COLOURS["achieved"]}"/><text x="{ML + 16}" y="18">achieved</text>'
           f'<path d="M{ML + 106},8 l6,6 l-6,6 l-6,-6 z" fill="#fff" stroke="{STATUS_COLOURS["target"]}" stroke-width="2"/>'
           f'<text x="{ML + 116}" y="18">target / goal</text>'
           f'<path d="M{ML + 226},8 l6,6 l-6,6 l-6,-6 z" fill="#fff" stroke="{STATUS_COLOURS["forecast"]}" stroke-width="2"/>'
           f'<text x="{ML + 236}" y="18">forecast / pace</text>'
           f'<text x="{ML + 356}" y="18">— bar: the period a figure refers to</text>']
    step = _nice_float(top)
    v = 0.0
    while v <= top:
        out.append(f'<line x1="{ML}" x2="{ML + W}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
                   f'<text x="{ML - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
        v += step
    out.append(f'<text x="12" y="{MT + h / 2}" transform="rotate(-90 12 {MT + h / 2})" text-anchor="middle">{e(unit)}</text>')
    out.append(f'<line x1="{ML}" x2="{ML + W}" y1="{MT + h}" y2="{MT + h}" stroke="#333"/>')
    years = list(range(lo.year, hi.year + 1))
    every = max(1, math.ceil(len(years) * 40 / W))
    for yr in years[::every]:
        out.append(f'<text x="{x(date(yr, 7, 1)):.1f}" y="{MT + h + 16}" text-anchor="middle">{yr}</text>')
    achieved = sorted((p for p in pts if p["status"] in ("achieved", "record")), key=lambda p: when(p)[0])
    if len(achieved) > 1:
        line = " ".join(f"{x(when(p)[0] + (when(p)[1] - when(p)[0]) / 2):.1f},{y(p['value'] / scale):.1f}"
                        for p in achieved)
        out.append(f'<polyline points="{line}" fill="none" stroke="{STATUS_COLOURS["achieved"]}" stroke-width="1.5"/>')
    for p in pts:
        a, b = when(p)
        cx, cy = x(a + (b - a) / 2), y(p["value"] / scale)
        colour = STATUS_COLOURS.get(p["status"], "#000")
        tip = f"{p['text']} ({p['status']}, {p.get('period_text') or a.isoformat()}): {p.get('evidence', '')[:160]}"
        out.append(f'<a href="/article/{e(p["article_id"])}#s{p["sent_idx"]}"><title>{e(tip)}</title>'
                   f'<line x1="{x(a):.1f}" x2="{x(b) + 1:.1f}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="{colour}" '
                   f'stroke-width="3" stroke-opacity="0.5"/>')
        if p["status"] in ("achieved", "record"):
            out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{colour}"/>')
        else:
            out.append(f'<path d="M{cx:.1f},{cy - 7:.1f} l7,7 l-7,7 l-7,-7 z" fill="#fff" stroke="{colour}" stroke-width="2"/>')
        out.append("</a>")
    out.append("</svg>")
    return Markup("".join(out))


def _nice_float(top: float) -> float:
    raw = top / 5
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag
