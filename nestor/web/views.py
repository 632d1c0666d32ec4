"""Helpers the pages share: marked-up article text, evidence in context, story titles, the codebook.

Everything that returns :class:`Markup` builds it from escaped pieces: article text is untrusted.
"""
from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from markupsafe import Markup, escape

from .. import api
from ..dates import show_interval
from .charts import fmt_day


@lru_cache(maxsize=1)
def labels() -> dict[str, Any]:
    return yaml.safe_load(resources.files("nestor.web").joinpath("data/labels.yaml").read_text("utf-8"))


def mark_article(art: dict[str, Any]) -> Markup:
    """The article text with each sentence in ``<span class="sent" id="sN">`` (the anchor evidence
    links point to; CSS ``:target`` highlights it), and actors, dates and event triggers in
    ``<mark>``. Marks are clipped to their sentence, so every sentence gets its anchor even when
    it starts with a marked word."""
    text = art["text"]
    spans: list[tuple[int, int, str, str]] = []
    for e in art.get("events", []):
        spans.append((e["trigger_start"], e["trigger_end"], "event", f"{e['event_type']} {e['cameo'] or ''}"))
    for m in art.get("mentions", []):
        if m.get("actor_id"):
            spans.append((m["start"], m["end"], "actor", m.get("code") or m["actor_id"]))
    for t in art.get("timexes", []):
        if t.get("value"):
            spans.append((t["start"], t["end"], "date", show_interval(t["value"], t.get("end_value"), t.get("precision"))))
    taken: list[tuple[int, int, str, str]] = []
    for s in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if 0 <= s[0] < s[1] <= len(text) and all(s[1] <= o[0] or s[0] >= o[1] for o in taken):
            taken.append(s)
    taken.sort()
    sents = sorted((s["start"], s["end"], s["idx"]) for s in art.get("sentences", []))
    # the text between sentences (titles, blank lines) is kept as plain segments
    pieces: list[tuple[int, int, int | None]] = []
    pos = 0
    for st, en, idx in sents:
        while en > st and text[en - 1].isspace():   # trailing blank lines stay outside the highlight
            en -= 1
        st, en = max(st, pos), max(en, pos)
        if st > pos:
            pieces.append((pos, st, None))
        if en > st:
            pieces.append((st, en, idx))
        pos = max(pos, en)
    if pos < len(text):
        pieces.append((pos, len(text), None))
    out: list[str] = []
    for st, en, idx in pieces:
        inner, p = [], st
        for ms, me, kind, title in taken:
            ms, me = max(ms, st), min(me, en)
            if ms >= me or ms < p:
                continue
            inner.append(str(escape(text[p:ms])))
            inner.append(f'<mark class="{kind}" title="{escape(title)}">{escape(text[ms:me])}</mark>')
            p = me
        inner.append(str(escape(text[p:en])))
        body = "".join(inner)
        out.append(f'<span class="sent" id="s{idx}">{body}</span>' if idx is not None else body)
    return Markup("".join(out))


def _snap_left(text: str, i: int) -> int:
    """Move a context start forward to a word boundary (no snippet starts mid-word)."""
    if i <= 0:
        return 0
    j = i
    while j < len(text) and not text[j - 1].isspace():
        j += 1
    return j


def _snap_right(text: str, i: int) -> int:
    if i >= len(text):
        return len(text)
    j = i
    while j > 0 and not text[j].isspace():
        j -= 1
    return j


def context(e: dict[str, Any], text: str | None, width: int = 160) -> Markup:
    """The evidence sentence highlighted inside its neighbouring words."""
    if not text:
        return Markup(f'<mark class="evidence">{escape(e["evidence"])}</mark>')
    lo = _snap_left(text, max(0, e["sent_start"] - width))
    hi = _snap_right(text, min(len(text), e["sent_end"] + width))
    lo, hi = min(lo, e["sent_start"]), max(hi, e["sent_end"])
    return Markup(f'{"…" if lo > 0 else ""}{escape(text[lo:e["sent_start"]])}<mark class="evidence">'
                  f'{escape(text[e["sent_start"]:e["sent_end"]])}</mark>{escape(text[e["sent_end"]:hi])}'
                  f'{"…" if hi < len(text) else ""}')


def story_title(s: dict[str, Any], actors: list[dict[str, Any]]) -> str:
    """Who, what, where, when: "Putin–Hu summit in Beijing, 5 Jun 2012".

    Who: for each country of the story's dyads, its busiest person in the story's events, else
    the country's name."""
    codes: list[str] = []
    for d in s.get("dyads") or [s.get("dyad") or ""]:
        for c in d.split("-"):
            if c and c not in codes:
                codes.append(c)
    names = []
    for c in codes:
        person = next((a for a in actors if a["kind"] == "person" and a["code"] == c), None)
        names.append(person["short"] if person else api.actor_label(c)[1])
    kinds = labels()["story_kinds"]
    what = kinds.get(s.get("kind") or "", s.get("kind") or "events")
    if what == "contacts" and s.get("main_type"):
        what = kinds.get(s["main_type"].lower(), s["main_type"].lower())
    title = f"{'–'.join(names)} {what}"
    place = s.get("place")
    if place:
        prep = labels()["place_preposition"]
        title += f" {'at' if place in prep['at'] else prep['default']} {place}"
    return f"{title}, {fmt_day(s.get('date'), s.get('date_precision'))}"


def dedupe(items: list[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
    """Items in order with repeats (same key) merged; ``n_reports`` counts them."""
    seen: dict[Any, dict[str, Any]] = {}
    for it in items:
        k = key(it)
        if k in seen:
            seen[k]["n_reports"] += 1
        else:
            seen[k] = {**it, "n_reports": 1}
    return list(seen.values())


def happenings(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (article, sentence, type, negation, unordered pair): reciprocal rows merged,
    with ``reciprocal`` set when both directions were stored."""
    def key(e: dict[str, Any]) -> tuple[Any, ...]:
        return (e["article_id"], e["sent_idx"], e["event_type"], e.get("negated"),
                frozenset((e.get("source_code") or "", e.get("target_code") or "")))

    directions: dict[tuple[Any, ...], set[tuple[str, str]]] = {}
    for e in events:
        directions.setdefault(key(e), set()).add((e.get("source_code") or "", e.get("target_code") or ""))
    out = dedupe(events, key)
    for e in out:
        e["reciprocal"] = len(directions[key(e)]) > 1
    return out


@lru_cache(maxsize=1)
def codebook() -> dict[str, Any]:
    """The PLOVER categories with quad class, intensity, CAMEO codes and modes, from the ontology."""
    data = yaml.safe_load(resources.files("nestor").joinpath("extract/events/data/ontology.yaml")
                          .read_text("utf-8"))
    return data


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow(["|".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                    for v in (r.get(c) for c in columns)])
    return buf.getvalue()
