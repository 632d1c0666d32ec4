"""Calendar dates written out in text, and date intervals: shared by ingestion, extraction and views.

Ingestion reads timestamp and dateline lines with these patterns (``ingest.clean``); the dates stage
(``extract.when``) reads the same forms inside sentences. Kept here, below both, so that neither
reaches into the other.

Every date nestor keeps is an **interval** ``[lo, hi]`` (both days included) with a **precision**:
``day`` (lo = hi), ``month`` (a whole calendar month), ``year`` (a whole calendar year), ``range``
(anything else) or ``unknown`` (no interval). :func:`precision_of` derives it and
:func:`show_interval` prints it the same way everywhere ("2023-03-21", "2023-03", "2023",
"2023-03-20…22", "≈2013–2026", "?"): never an invented day.
"""
from __future__ import annotations

import calendar
import re
from datetime import date

from .vocab import Precision

MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
          "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
DATE_PATTERNS = [
    re.compile(rf"\b(?P<m>{MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*|\s+)(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{MONTHS})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<mn>\d\d)-(?P<d>\d\d)(?!\d)"),
    # European numeric day.month.year ("14:05 GMT 21.03.2023"); never month-first
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<mn>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?![\d.])"),
    # year/month/day ("2023/03/21")
    re.compile(r"(?<![\d/])(?P<y>(?:19|20)\d\d)/(?P<mn>\d{1,2})/(?P<d>\d{1,2})(?![\d/])"),
]
TIME_WORDS = re.compile(
    rf"\b(?:{MONTHS}|\d{{1,2}}(?:st|nd|rd|th)?|(?:19|20)\d\d|\d{{1,2}}[:.]\d\d(?:\s*[ap]\.?m\.?)?|[ap]m|"
    r"gmt|utc|est|edt|msk|cst|bst|cet|cest|ist|pst|pdt|bjt|updated|published|posted|modified|date|dated|"
    r"last|on|at|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\b|"
    r"[•|,/:\-–—.()+]", re.I)
MONTH_NUM = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")], start=1) for name in names}
# a wire dateline with a day and month but no year: "MOSCOW, 21 Mar (Interfax) --", "BEIJING, March 21 (Xinhua) -"
DATELINE_DM = re.compile(
    rf"^(?P<city>[A-Z][A-Za-z .'-]{{1,30}}),\s*(?:(?P<d>\d{{1,2}})\s+(?P<m>{MONTHS})|(?P<m2>{MONTHS})\.?\s+(?P<d2>\d{{1,2}}))"
    r"\.?\s*(?:\((?P<agency>[^)]{1,30})\))?\s*(?:--|-|–|—|:)", re.I)

# the head of a wire line: "MOSCOW, June 5, 2019 —", "LONDON (Reuters) -" (a city in capitals), or
# "Moscow, 3 Mar (Xinhua) --" (a city as written, then a date): the dash after it is required
_DL_DATE = rf"(?:[A-Za-z]+,\s*)?(?:(?:{MONTHS})\.?\s+\d{{1,2}}|\d{{1,2}}\s+(?:{MONTHS})\.?)(?:,?\s+(?:19|20)\d\d)?"
_DL_END = r"\s*(?:\([^)]{1,30}\)\s*)?(?:--|-|–|—|:)\s+"
DATELINE_HEAD = re.compile(rf"^(?:[A-Z][A-Z .'-]{{1,30}}(?:,\s*(?i:{_DL_DATE}))?"
                           rf"|[A-Z][A-Za-z .'-]{{1,30}},\s*(?i:{_DL_DATE})){_DL_END}")


def strip_dateline(sentence: str) -> str:
    """A sentence without the dateline it starts with ("MOSCOW, June 5, 2019 — Xi held talks ..."
    → "Xi held talks ..."): for headlines, where the dateline repeats the story's place and date."""
    mt = DATELINE_HEAD.match(sentence)
    return sentence[mt.end():] if mt and mt.end() < len(sentence) else sentence


# a leading date field before the title or the first sentence: "date 2023-03-21 Leaders Meet in ..."
DATE_FIELD = re.compile(r"^\s*(?:date|dated|published|posted)\s*:?\s+(?P<y>(?:19|20)\d\d)-(?P<mn>\d\d)-(?P<d>\d\d)\b\s*", re.I)

PRECISIONS = ("day", "month", "year", "range", "unknown")


def find_date(text: str) -> tuple[date, str] | None:
    """First explicit calendar date (month name, ISO or day.month.year) in ``text``: (date, matched text)."""
    best: tuple[int, date, str] | None = None
    for pat in DATE_PATTERNS:
        for mt in pat.finditer(text):
            g = mt.groupdict()
            month = int(g["mn"]) if g.get("mn") else MONTH_NUM.get(g["m"].lower().rstrip("."))
            try:
                d = date(int(g["y"]), int(month or 0), int(g["d"]))
            except ValueError:
                continue
            if best is None or mt.start() < best[0]:
                best = (mt.start(), d, mt.group(0))
            break
    return (best[1], best[2]) if best else None


def find_dateline(line: str) -> tuple[int, int, str] | None:
    """(month, day, matched text) of a wire dateline without a year at the start of ``line``."""
    mt = DATELINE_DM.match(line)
    if not mt:
        return None
    m = MONTH_NUM.get((mt.group("m") or mt.group("m2")).lower().rstrip("."))
    d = int(mt.group("d") or mt.group("d2"))
    if not m or not 1 <= d <= 31:
        return None
    return m, d, mt.group(0)


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def precision_of(lo: date | None, hi: date | None) -> Precision:
    """day | month | year | range | unknown of the interval [lo, hi]."""
    if lo is None or hi is None:
        return "unknown"
    if lo == hi:
        return "day"
    if lo.day == 1 and lo.year == hi.year and lo.month == hi.month and hi == month_end(hi.year, hi.month):
        return "month"
    if (lo.month, lo.day, hi.month, hi.day) == (1, 1, 12, 31) and lo.year == hi.year:
        return "year"
    return "range"


def show_interval(lo: date | None, hi: date | None = None, precision: str | None = None,
                  estimated: bool = False) -> str:
    """A date interval as people read it, at its precision: "2023-03-21", "2023-03", "2023",
    "2023-03-20…22", "≈2013–2026" (a wide or estimated range), "?" (unknown)."""
    if lo is None:
        return "?"
    hi = hi or lo
    precision = precision or precision_of(lo, hi)
    mark = "≈" if estimated else ""
    if precision == "day":
        return f"{mark}{lo.isoformat()}"
    if precision == "month":
        return f"{mark}{lo.year}-{lo.month:02d}"
    if precision == "year":
        return f"{mark}{lo.year}"
    if precision == "unknown":
        return "?"
    if (hi - lo).days > 62:
        return f"≈{lo.year}–{hi.year}" if lo.year != hi.year else f"≈{lo.year}"
    if lo.year == hi.year and lo.month == hi.month:
        return f"{mark}{lo.isoformat()}…{hi.day:02d}"
    return f"{mark}{lo.isoformat()}…{hi.isoformat()}"


Interval = tuple[date, date]


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """Intersection of two sets of intervals (each a sorted or unsorted list of [lo, hi])."""
    out = []
    for x in a:
        for y in b:
            lo, hi = max(x[0], y[0]), min(x[1], y[1])
            if lo <= hi:
                out.append((lo, hi))
    return merge(out)


def merge(ivs: list[Interval]) -> list[Interval]:
    """Sorted union of intervals (touching ones joined)."""
    out: list[Interval] = []
    for lo, hi in sorted(ivs):
        if out and lo.toordinal() <= out[-1][1].toordinal() + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def hull(ivs: list[Interval]) -> Interval | None:
    return (min(i[0] for i in ivs), max(i[1] for i in ivs)) if ivs else None


def show_story_date(day: date | None, lo: date | None, hi: date | None, precision: str | None) -> str:
    """A story's date: its day when its reports pin one (with the span when it covers several
    days: "2012-06-05 (2012-06-04…06)"), else its interval at its precision ("2023", "≈2013–2026")."""
    if lo is None:
        return "?"
    hi = hi or lo
    if precision in ("day", "range") and day is not None and (hi - lo).days <= 14:
        return day.isoformat() if lo == hi else f"{day.isoformat()} ({show_interval(lo, hi, 'range')})"
    return show_interval(lo, hi, precision)


def add_shown(rec: dict, kind: str) -> dict:
    """Add the display string of a record's date (``published_shown``, ``date_shown`` or
    ``period_shown``) so that every view prints the same, at the date's precision."""
    if kind == "article":
        lo = rec.get("published_from") or rec.get("published")
        hi = rec.get("published_to") or rec.get("published")
        rec["published_shown"] = show_interval(lo, hi, rec.get("published_precision") if rec.get("published_from")
                                               else None)
    elif kind == "event":
        rec["date_shown"] = show_interval(rec.get("date"), rec.get("date_end"), rec.get("date_precision"))
    elif kind == "story":
        rec["date_shown"] = show_story_date(rec.get("date"), rec.get("date_start"), rec.get("date_end"),
                                            rec.get("date_precision"))
    elif kind == "claim":
        rec["period_shown"] = show_interval(rec.get("period_start"), rec.get("period_end"),
                                            rec.get("period_precision"))
    return rec
