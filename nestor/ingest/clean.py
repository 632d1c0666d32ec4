"""Cleaning of scraped article text, line by line.

The method is general, not a list of strings from particular articles:

* **cues** (``boilerplate.yaml``): features of web chrome (navigation, media widgets, prompts,
  error pages). A cue only removes a *short* line (≤ ``SHORT_WORDS`` words) so that prose that
  happens to mention "newsletter" survives;
* **error blocks**: an error cue ("Page not found") drops its line and every line after it that
  is not long prose, and everything after it when it sits in the last part of the page;
* **metadata lines**: a line that is only a date/time (a timestamp such as "June 6, 2012 • 7:37AM",
  "14:05 GMT 21.03.2023", "date 2023-03-21", "Published: 21 Mar 2023 Updated: 22 Mar 2023": the first
  date is the publication) or a byline ("By Jane Doe", also with its date: "By Jane Doe | 21 March
  2023") near the top is moved to metadata, not kept as body text. A wire dateline without a year
  ("MOSCOW, 21 Mar (Agency) --") stays in the text: the dates stage reads it as a clue;
* **repetition**: a short line seen earlier in the same document (a headline repeated by the
  template) is dropped;
* **prefix labels** ("Free to read:", "Exclusive:") are stripped and kept as a label;
* a plain-text file's first line is its title when it looks like one (short, no final period).

Every dropped line is reported with its reason so that ``nestor show --dropped`` can explain.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

import yaml

from ..dates import DATE_FIELD, TIME_WORDS, find_date

SHORT_WORDS = 12
_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣∙*\-–—]|\d{1,2}[.)])\s+")
_BYLINE = re.compile(r"^(?:by|written by|author:|reporting by)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,4}"
                     r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*\s*$", re.I)
_WIRE = re.compile(r"^(?:[A-Z][A-Z .'-]{1,30},?\s*)?"
                   r"(?:\(?(AP|AFP|Reuters|Xinhua|TASS|Tass|RIA|Bloomberg|UPI|dpa)\)?)\s*[-–—:]\s+")
@lru_cache(maxsize=1)
def _cues() -> dict[str, list[re.Pattern[str]]]:
    data = yaml.safe_load(resources.files("nestor.ingest").joinpath("boilerplate.yaml").read_text("utf-8"))
    return {k: [re.compile(p, re.I) for p in v] for k, v in data.items()}


@dataclass
class Cleaned:
    text: str
    title: str | None = None
    date: date | None = None
    date_evidence: str | None = None
    byline: str | None = None
    label: str | None = None
    dropped: list[tuple[str, str]] = field(default_factory=list)   # (line, reason)


def normalize_line(line: str) -> str:
    """NFC, control and format characters dropped (tab and zero-width joiner kept), spaces collapsed."""
    line = unicodedata.normalize("NFC", line)
    if not line.isprintable():
        # only a line with a character outside the printable classes (which include neither Cc nor
        # Cf) can hold one to drop: the per-character test is skipped for nearly every line
        line = "".join(ch for ch in line if ch in "\t" or unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\u200d")
    return _WS.sub(" ", line).strip()


def _is_timestamp_line(line: str) -> tuple[date, str] | None:
    found = find_date(line)
    if not found:
        return None
    rest = TIME_WORDS.sub(" ", line)
    return found if len(rest.split()) <= 1 else None


_GLUED = re.compile(r"^(?P<name>(?:[A-Z][\w.'’-]+\s+){0,3}[A-Z][a-z'’-]+?)(?=(?:Monday|Tuesday|Wednesday|Thursday|"
                    r"Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|"
                    r"November|December)\b|\d)")


def _glued_byline(line: str) -> tuple[str, date] | None:
    """("Jane Roe", day) of an author's name glued to a timestamp: "Jane RoeTuesday, 21 March 2023, 16:58"."""
    mt = _GLUED.match(line)
    if not mt or _words(line) > 10:
        return None
    ts = _is_timestamp_line(line[mt.end():])
    return (mt.group("name").strip(), ts[0]) if ts else None


_BY_SEP = re.compile(r"\s*(?:[|•·,–—-]|\bon\b|\bpublished\b|\bupdated\b)\s*", re.I)


def _byline_with_date(line: str) -> tuple[str, date] | None:
    """("Jane Roe", day) of a byline that carries the date: "By Jane Roe | 21 March 2023, 10:05"."""
    if not re.match(r"^(?:by|written by|reporting by)\s+[A-Z]", line, re.I):
        return None
    found = find_date(line)
    if not found:
        return None
    head = line[: line.find(found[1])]
    name = _BY_SEP.split(re.sub(r"^(?:by|written by|reporting by)\s+", "", head, flags=re.I).strip(" |•,"))[0]
    if not name or not _BYLINE.match("By " + name):
        return None
    rest = TIME_WORDS.sub(" ", line[line.find(found[1]):])
    return (name, found[0]) if len(rest.split()) <= 1 else None


def _words(line: str) -> int:
    return len(line.split())


def _looks_like_title(line: str) -> bool:
    n = _words(line)
    return 2 <= n <= 30 and not line.endswith((".", ":", ";", ",")) and not line.startswith(("“", '"'))


def clean_text(raw: str, title_hint: str | None = None, max_line_chars: int = 100_000,
               take_title: bool = True) -> Cleaned:
    """Clean scraped text. ``title_hint`` is a title from metadata (HTML/JSON), if any."""
    cues = _cues()
    lines = [normalize_line(x[:max_line_chars]) for x in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out = Cleaned(text="")
    kept: list[str] = []
    seen_short: set[str] = set()
    nonempty = [i for i, x in enumerate(lines) if x]
    tail_from = nonempty[int(len(nonempty) * 0.6)] if nonempty else 0
    in_error = False
    for i, line in enumerate(lines):
        if not line:
            continue
        words = _words(line)
        low = line.lower()
        if in_error:
            if words <= 40 or i >= tail_from:
                out.dropped.append((line, "error_block"))
                continue
            in_error = False
        if words <= SHORT_WORDS and any(p.search(low) for p in cues["error"]):
            out.dropped.append((line, "error_block"))
            in_error = True
            continue
        if words <= SHORT_WORDS and any(p.search(low) for p in cues["line"]):
            out.dropped.append((line, "navigation"))
            continue
        for p in cues["prefix"]:
            mt = p.match(line)
            if mt and words > 3:
                out.label = out.label or mt.group(0).strip(" :|")
                line = line[mt.end():].strip()
                break
        field_mt = DATE_FIELD.match(line) if len(kept) < 6 else None
        if field_mt and words > 2:
            # a date field glued to the line that follows it ("date 2023-03-21 Leaders Meet")
            try:
                day = date(int(field_mt.group("y")), int(field_mt.group("mn")), int(field_mt.group("d")))
            except ValueError:
                day = None
            if day is not None:
                if out.date is None:
                    out.date, out.date_evidence = day, field_mt.group(0).strip()
                line = line[field_mt.end():].strip()
                words = _words(line)
        if len(kept) < 6 and words <= 20:
            ts = _is_timestamp_line(line)
            if ts:
                if out.date is None:
                    out.date, out.date_evidence = ts[0], line
                out.dropped.append((line, "timestamp"))
                continue
            by_date = _byline_with_date(line) or _glued_byline(line)
            if by_date:
                out.byline = out.byline or by_date[0]
                if out.date is None:
                    out.date, out.date_evidence = by_date[1], line
                out.dropped.append((line, "byline"))
                continue
            if _BYLINE.match(line):
                out.byline = out.byline or re.sub(r"^(?:by|written by|author:|reporting by)\s+", "", line, flags=re.I)
                out.dropped.append((line, "byline"))
                continue
        if out.date is None and len(kept) < 4 and words > 12:
            # a dateline: "WASHINGTON, March 3, 2021 — ..." or "MOSCOW, June 5, 2019 (Reuters) - ..."
            head = line[:90]
            found = find_date(head)
            if found and re.search(re.escape(found[1]) + r"\s*(?:\([^)]{1,30}\)\s*)?[-–—:]", head):
                out.date, out.date_evidence = found[0], head[: head.find(found[1]) + len(found[1])]
        mt = _WIRE.match(line)
        if mt and len(kept) < 8:
            out.byline = out.byline or mt.group(1)
            line = line[mt.end():]
        line = _BULLET.sub("", line)
        key = line.lower()
        if words <= 30 and key in seen_short:
            out.dropped.append((line, "repeated"))
            continue
        if words <= 30:
            seen_short.add(key)
        kept.append(line)
    if title_hint:
        out.title = normalize_line(title_hint)
        for p in cues["prefix"]:
            mt = p.match(out.title)
            if mt:
                out.label = out.label or mt.group(0).strip(" :|")
                out.title = out.title[mt.end():].strip()
        # a body that starts with the title again: keep one copy, as the first paragraph
        if kept and kept[0].lower() == out.title.lower():
            kept = kept[1:]
        kept.insert(0, out.title) if out.title else None
    elif take_title and kept and _looks_like_title(kept[0]):
        out.title = kept[0]
    out.text = "\n\n".join(kept)
    return out
