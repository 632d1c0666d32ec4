"""Time expressions read against an anchor day or interval: "last year", "March 20-22", "Tuesday".

Pure text rules, no spaCy: the dates stage (:mod:`nestor.extract.when`, which finds the expressions
in parsed sentences and documents the rules) and the stories step (:mod:`nestor.stories`, which
re-reads claims' relative periods against a story's day in the parent process of a run, where
spaCy is never imported) share them.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from .dates import find_date, month_end, precision_of
from .vocab import Precision

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_NAMES = "|".join(WEEKDAYS)
DAY_MONTH = re.compile(r"\b(?P<m>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s*\d{4})|"
                       r"\b(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>[A-Za-z]{3,9})\b(?!,?\s*\d{4})")
# day ranges, within a month or across two, with or without a year: "March 20-22, 2023",
# "Dec. 30-31", "March 30 to April 2", "between May 3 and 5", "20 to 22 March", "20-22 March 2023",
# "from 30 March to 2 April", "30 December 2023 – 2 January 2024"
_TH = r"(?:st|nd|rd|th)?"
_TO = r"\s*(?:-|–|—|to|through|thru|until|till|and)\s*"
_YR = r"(?:,?\s*(?P<y{n}>(?:19|20)\d\d))?"
_RANGES = (
    re.compile(rf"\b(?P<m1>{MONTH_NAMES})\.?\s+(?P<d1>\d{{1,2}}){_TH}{_YR.format(n=1)}{_TO}"
               rf"(?:(?P<m2>{MONTH_NAMES})\.?\s+)?(?P<d2>\d{{1,2}}){_TH}\b{_YR.format(n=2)}", re.I),
    re.compile(rf"\b(?P<d1>\d{{1,2}}){_TH}(?:\s+(?:of\s+)?(?P<m1>{MONTH_NAMES})\b\.?{_YR.format(n=1)})?{_TO}"
               rf"(?P<d2>\d{{1,2}}){_TH}\s+(?:of\s+)?(?P<m2>{MONTH_NAMES})\b\.?{_YR.format(n=2)}", re.I),
)
_MONTH_YEAR = re.compile(r"\b(?P<m>[A-Za-z]{3,9})\.?\s+(?P<y>(?:19|20)\d\d)\b")
YEAR = re.compile(r"\b(?P<y>(?:19|20)\d\d)\b")
_REL = re.compile(r"\b(?P<w>today|tonight|yesterday|tomorrow|(?:(?:earlier|later)\s+)?(?:this|last|next|past|previous|coming)\s+"
                  r"(?P<unit>week|month|year))\b", re.I)


Anchor = date | tuple[date, date] | None


def as_interval(anchor: Anchor) -> tuple[date, date] | None:
    if anchor is None:
        return None
    if isinstance(anchor, tuple):
        return anchor
    return anchor, anchor


def _nearest_year(month: int, day: int, anchor: date) -> date | None:
    best = None
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if best is None or abs((d - anchor).days) < abs((best - anchor).days):
            best = d
    return best


def day_month_in(month: int, day: int, lo: date, hi: date) -> tuple[date, date] | None:
    """The reading of a day-month without a year against the interval [lo, hi]: the candidate
    nearest lo and the one nearest hi (equal when one year fits)."""
    a, b = _nearest_year(month, day, lo), _nearest_year(month, day, hi)
    if a is None or b is None:
        return None
    inside = []
    y = lo.year
    while y <= hi.year:
        try:
            d = date(y, month, day)
            if lo <= d <= hi:
                inside.append(d)
        except ValueError:
            pass
        y += 1
    if inside:
        return min(inside), max(inside)
    return min(a, b), max(a, b)


def normalise(text: str, anchor: Anchor, future: bool = False) -> tuple[date | None, date | None, Precision, str]:
    """(value, end_value, precision, kind) of one expression against an anchor day or interval;
    value None when it cannot be resolved."""
    iv = as_interval(anchor)
    if iv is None or iv[0] == iv[1]:
        return _normalise_at(text, iv[0] if iv else None, future)
    lo, hi = iv
    a = _normalise_at(text, lo, future)
    if a[0] is None or a[3] == "absolute":
        return a
    if a[3] == "weekday":
        # a weekday against a wide interval says no more than the interval (the days around publication)
        return lo, hi, precision_of(lo, hi), "weekday"
    if a[3] == "range" and a[1] is not None:
        # a range of days without a year: its start read like a day-month (the candidates in the interval)
        got = day_month_in(a[0].month, a[0].day, lo, hi)
        if got is None:
            return None, None, "unknown", "relative"
        end = got[1] + (a[1] - a[0])
        return got[0], end, precision_of(got[0], end), "relative"
    if a[3] == "daymonth":
        md = DAY_MONTH.search(text)
        mname = (md.group("m") or md.group("m2") or "").lower() if md else ""
        got = day_month_in(MONTHS[mname], int(md.group("d") or md.group("d2")), lo, hi) if md and mname in MONTHS else None
        if got is None:
            return None, None, "unknown", "relative"
        return got[0], got[1], precision_of(*got), "relative"
    b = _normalise_at(text, hi, future)
    if b[0] is None:
        return a
    v, e = min(a[0], b[0]), max(a[1] or a[0], b[1] or b[0])
    return v, e, precision_of(v, e), a[3]


def _day_range(text: str, anchor: date | None) -> tuple[date | None, date | None, Precision, str] | None:
    """A range of days (:data:`_RANGES`): "absolute" when a year is written (a range that crosses
    the new year takes the earlier year for its start), else "range" read near ``anchor``; None when
    the text is no such range; no value (unknown) when the days it names do not exist."""
    for rx in _RANGES:
        m = rx.search(text)
        if not m:
            continue
        m1 = MONTHS.get((m.group("m1") or m.group("m2") or "").lower())
        m2 = MONTHS.get((m.group("m2") or m.group("m1") or "").lower())
        d1, d2 = int(m.group("d1")), int(m.group("d2"))
        year = m.group("y2") or m.group("y1")
        if not m1 or not m2:
            continue
        try:
            if year:
                y2 = int(year)
                y1 = int(m.group("y1")) if m.group("y1") else y2
                lo, hi = date(y1, m1, d1), date(y2, m2, d2)
                if lo > hi and not m.group("y1"):
                    lo = date(y2 - 1, m1, d1)
                kind = "absolute"
            else:
                if anchor is None:
                    return None
                got = _nearest_year(m1, d1, anchor)
                if got is None:
                    return None
                lo, hi = got, date(got.year, m2, d2)
                if hi < lo:
                    hi = date(got.year + 1, m2, d2)
                kind = "range"
        except ValueError:      # "June 31 to July 2": a range was written, but not one that exists
            return None, None, "unknown", "absolute"
        if lo > hi or (hi - lo).days > 92:     # "5 to 10 May" yes; "1 to 12 of the month"-like noise no
            return None
        return lo, hi, precision_of(lo, hi), kind
    return None


def _normalise_at(text: str, anchor: date | None, future: bool = False) -> tuple[date | None, date | None, Precision, str]:
    low = text.lower().strip()
    rng = _day_range(text, anchor)
    if rng:
        return rng
    full = find_date(text)
    if full:
        return full[0], full[0], "day", "absolute"
    my = _MONTH_YEAR.search(text)
    if my and my.group("m").lower() in MONTHS:
        y, mo = int(my.group("y")), MONTHS[my.group("m").lower()]
        return date(y, mo, 1), month_end(y, mo), "month", "absolute"
    md = DAY_MONTH.search(text)
    if md:
        mname = (md.group("m") or md.group("m2") or "").lower()
        dd = int(md.group("d") or md.group("d2"))
        if mname in MONTHS and anchor and 1 <= dd <= 31:
            d = _nearest_year(MONTHS[mname], dd, anchor)
            if d:
                return d, d, "day", "daymonth"
    for w, wd in WEEKDAYS.items():
        if re.search(rf"\b{w}\b", low) and anchor:
            if future:
                delta = (wd - anchor.weekday()) % 7 or 7
                d = anchor + timedelta(days=delta)
            else:
                d = anchor - timedelta(days=(anchor.weekday() - wd) % 7)
            return d, d, "day", "weekday"
    rel = _REL.search(low)
    if rel and anchor:
        w = rel.group("w")
        if w in ("today", "tonight"):
            return anchor, anchor, "day", "relative"
        if w == "yesterday":
            d = anchor - timedelta(days=1)
            return d, d, "day", "relative"
        if w == "tomorrow":
            d = anchor + timedelta(days=1)
            return d, d, "day", "relative"
        unit = rel.group("unit")
        shift = -1 if any(x in w for x in ("last", "past", "previous")) else 1 if any(
            x in w for x in ("next", "coming")) else 0
        if unit == "year":
            y = anchor.year + shift
            return date(y, 1, 1), date(y, 12, 31), "year", "relative"
        if unit == "month":
            y, mo = anchor.year, anchor.month + shift
            if mo == 0:
                y, mo = y - 1, 12
            elif mo == 13:
                y, mo = y + 1, 1
            return date(y, mo, 1), month_end(y, mo), "month", "relative"
        start = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=shift)
        return start, start + timedelta(days=6), "range", "relative"
    for mname, mo in MONTHS.items():
        if len(mname) > 3 and re.fullmatch(rf"(?:in\s+|early\s+|late\s+|mid-?)?{mname}", low) and anchor:
            y = anchor.year if mo <= anchor.month or future else anchor.year - 1
            return date(y, mo, 1), month_end(y, mo), "month", "relative"
    ym = YEAR.fullmatch(low.replace("in ", "").strip())
    if ym:
        y = int(ym.group("y"))
        return date(y, 1, 1), date(y, 12, 31), "year", "absolute"
    return None, None, "unknown", "absolute"
