"""Dates: temporal expressions resolved against the article's date, event dates, and an
estimate of a missing publication date from the text.

Expressions are spaCy DATE entities (plus bare weekday/relative words the NER missed),
normalised by nestor's own rules, not by a general date parser (which reads the pronoun "We" as
Wednesday and cannot know tense):

* explicit dates ("June 5, 2019", "21 March 2023") → day; "March 2023" → month; "2008" → year;
* a month and day without a year ("On June 5th") → the year that puts it nearest the anchor;
* weekdays → the nearest one on or before the anchor in the past tense, after it in the future
  tense (``will``, ``going to``);
* relative expressions: today, yesterday, tomorrow, this/last/next week|month|year, earlier this
  month/year;
* ranges ("from May 7 to 10") → value + end_value, precision "range".
A DATE entity made of a modal verb ("may") is never a month.

**Event date** (:func:`event_date`): the expression nearest to the trigger in the same sentence,
preferring one attached to the trigger's verb in the parse; otherwise the publication date
(``date_source`` "publication", or "estimated_publication" when that date was itself estimated).

**Publication date estimate** (:func:`estimate_publication`), used only when metadata and the
text's own date lines gave none; the result is stored with ``date_source = "estimated"``, a
confidence and its evidence, and is shown as estimated everywhere:

1. an interval of possible dates is narrowed by the offices of the people named with a title
   ("Chinese President Hu Jintao" → while he was head of state), by "newly"/"newly minted" office
   holders (within 90 days of taking office), by the latest year the text mentions in the past
   tense (not "by 2030"), and by anniversaries ("2019 marks 70 years" → 2019);
2. inside that interval, a month-and-day expression gives the date (confidence 0.7); otherwise a
   past-tense weekday gives the first such weekday in the interval (0.4); otherwise the start of
   the interval (0.3).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from spacy.tokens import Doc, Span

from ..dates import find_date
from ..models import Article, ArticleResult, TimeExpr

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MD = re.compile(r"\b(?P<m>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s*\d{4})|"
                 r"\b(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>[A-Za-z]{3,9})\b(?!,?\s*\d{4})")
_RANGE = re.compile(r"\b(?P<m>[A-Za-z]{3,9})\s+(?P<d1>\d{1,2})\s*(?:-|–|to|through|until)\s*(?P<d2>\d{1,2})\b")
_MONTH_YEAR = re.compile(r"\b(?P<m>[A-Za-z]{3,9})\.?\s+(?P<y>(?:19|20)\d\d)\b")
_YEAR = re.compile(r"\b(?P<y>(?:19|20)\d\d)\b")
_REL = re.compile(r"\b(?P<w>today|tonight|yesterday|tomorrow|(?:(?:earlier|later)\s+)?(?:this|last|next|past|previous|coming)\s+"
                  r"(?P<unit>week|month|year))\b", re.I)
_FUTURE_AUX = {"will", "shall", "'ll"}
_ANNIV = re.compile(r"\b(?P<y>(?:19|20)\d\d)\s+(?:marks|will mark|is)\s+(?:the\s+)?(?P<n>\d{1,3})(?:th|st|nd|rd)?\s+"
                    r"(?:years|anniversary)", re.I)


@dataclass(frozen=True)
class PubDateEstimate:
    date: date
    confidence: float
    evidence: str


def _future(span: Span) -> bool:
    root = span.root.head
    for t in (root, root.head):
        if any(c.lower_ in _FUTURE_AUX for c in t.children) or t.tag_ == "VB" and any(
                c.lower_ == "to" and c.dep_ == "aux" for c in t.children):
            return True
    return False


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


def normalise(text: str, anchor: date | None, future: bool = False) -> tuple[date | None, date | None, str, str]:
    """(value, end_value, precision, kind) of one expression; value None when it cannot be resolved."""
    low = text.lower().strip()
    full = find_date(text)
    if full:
        return full[0], full[0], "day", "absolute"
    mr = _RANGE.search(text)
    if mr and mr.group("m").lower() in MONTHS and anchor:
        mo = MONTHS[mr.group("m").lower()]
        a, b = _nearest_year(mo, int(mr.group("d1")), anchor), _nearest_year(mo, int(mr.group("d2")), anchor)
        if a and b:
            return a, b, "range", "range"
    my = _MONTH_YEAR.search(text)
    if my and my.group("m").lower() in MONTHS:
        y, mo = int(my.group("y")), MONTHS[my.group("m").lower()]
        return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), "month", "absolute"
    md = _MD.search(text)
    if md:
        mname = (md.group("m") or md.group("m2") or "").lower()
        dd = int(md.group("d") or md.group("d2"))
        if mname in MONTHS and anchor and 1 <= dd <= 31:
            d = _nearest_year(MONTHS[mname], dd, anchor)
            if d:
                return d, d, "day", "relative"
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
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), "month", "relative"
        start = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=shift)
        return start, start + timedelta(days=6), "range", "relative"
    for mname, mo in MONTHS.items():
        if len(mname) > 3 and re.fullmatch(rf"(?:in\s+|early\s+|late\s+|mid-?)?{mname}", low) and anchor:
            y = anchor.year if mo <= anchor.month or future else anchor.year - 1
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), "month", "relative"
    ym = _YEAR.fullmatch(low.replace("in ", "").strip())
    if ym:
        y = int(ym.group("y"))
        return date(y, 1, 1), date(y, 12, 31), "year", "absolute"
    return None, None, "unknown", "absolute"


def _date_spans(doc: Doc) -> list[Span]:
    spans = [e for e in doc.ents if e.label_ == "DATE" and not all(t.tag_ == "MD" for t in e)]
    covered = {t.i for s in spans for t in s}
    for t in doc:  # weekdays the NER missed ("on Thursday" is usually found; bare ones sometimes not)
        if t.i not in covered and t.lower_ in WEEKDAYS and t.pos_ == "PROPN":
            spans.append(doc[t.i:t.i + 1])
    return sorted(spans, key=lambda s: s.start)


def find_timexes(doc: Doc, article: Article, anchor: date | None) -> list[TimeExpr]:
    sent_starts = [s.start for s in doc.sents]
    import bisect

    out = []
    for span in _date_spans(doc):
        value, end, prec, kind = normalise(span.text, anchor, _future(span))
        si = max(0, bisect.bisect_right(sent_starts, span.start) - 1)
        tx = TimeExpr(article.id, si, span.start_char, span.end_char, span.text, value, end,
                      prec if value else "unknown", kind, anchor)
        prev = doc[span.start - 1].lower_ if span.start > 0 else ""
        tx.target = prev in ("by", "until", "till", "through")   # a deadline, not when something happened
        out.append(tx)
    return out


def _interval_intersect(a: tuple[date, date], b: tuple[date, date]) -> tuple[date, date] | None:
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if lo <= hi else None


def estimate_publication(doc: Doc, article: Article, kb: Any) -> PubDateEstimate | None:
    """Estimate a missing publication date from the text (see the module docstring)."""
    text = doc.text
    today = date.today()
    lo, hi = date(1990, 1, 1), today
    evidence: list[str] = []
    an = _ANNIV.search(text)
    if an:
        y = int(an.group("y"))
        lo, hi = max(lo, date(y, 1, 1)), min(hi, date(y, 12, 31))
        evidence.append(an.group(0))
    # latest year mentioned in the past (not a target "by 2030", not in a future clause)
    past_years = []
    for e in doc.ents:
        if e.label_ != "DATE":
            continue
        for m in _YEAR.finditer(e.text):
            prev = doc[e.start - 1].lower_ if e.start > 0 else ""
            if prev in ("by", "until", "till", "before", "through") or _future(e):
                continue
            # only years governed by a past-tense verb ("hit a record in 2022", "has sent since 2023")
            head, hops = e.root, 0
            while head.pos_ not in ("VERB", "AUX") and head.head is not head and hops < 4:
                head, hops = head.head, hops + 1
            if head.tag_ not in ("VBD", "VBN"):
                continue
            past_years.append(int(m.group("y")))
    if past_years and not an:
        y = max(past_years)
        # a text that says "this year" and names a past year by number is written after that
        # year (writers do not name the current year by number when they also say "this year")
        if re.search(r"\bthis year\b", text, re.I) and y < today.year:
            lo = max(lo, date(y + 1, 1, 1))
            evidence.append(f"mentions {y} as past and 'this year'")
        elif y <= today.year:
            lo = max(lo, date(y, 1, 1))
            evidence.append(f"mentions {y}")
    # offices of people named with a title
    people = getattr(getattr(kb, "actors", None), "kb", None)
    if people is not None:
        intervals: list[list[tuple[date, date]]] = []
        for m in _titled_people(doc, people):
            p, newly, span_text = m
            periods = [(o.start or date(1900, 1, 1), o.end or today) for o in p.offices]
            if newly:
                periods = [(o.start, o.start + timedelta(days=90)) for o in p.offices if o.start]
                evidence.append(f"newly in office: {span_text}")
            intervals.append(periods)
        for periods in intervals:
            options = [x for x in (_interval_intersect((lo, hi), per) for per in periods) if x]
            if options:
                lo, hi = max(options, key=lambda iv: iv[0])   # the latest period that fits
    if (lo, hi) == (date(1990, 1, 1), today):
        return None
    # a month and day inside the interval
    for span in _date_spans(doc):
        if _YEAR.search(span.text):
            continue
        md = _MD.search(span.text)
        if not md:
            continue
        mname = (md.group("m") or md.group("m2") or "").lower()
        if mname not in MONTHS:
            continue
        for y in range(hi.year, lo.year - 1, -1):
            try:
                d = date(y, MONTHS[mname], int(md.group("d") or md.group("d2")))
            except ValueError:
                continue
            if lo <= d <= hi:
                return PubDateEstimate(d, 0.7, "; ".join(evidence + [span.text]))
    for span in _date_spans(doc):
        for w, wd in WEEKDAYS.items():
            if re.search(rf"\b{w}\b", span.text.lower()) and not _future(span):
                d = lo + timedelta(days=(wd - lo.weekday()) % 7)
                if d <= hi:
                    return PubDateEstimate(d, 0.4, "; ".join(evidence + [span.text]))
    return PubDateEstimate(lo, 0.3, "; ".join(evidence) or "interval start")


def _titled_people(doc: Doc, people: Any) -> list[tuple[Any, bool, str]]:
    """(person, newly?, text) for KB people named with a title in the text."""
    titles = {"president", "premier", "minister", "chancellor", "secretary", "king", "queen", "prime", "leader"}
    out = []
    for e in doc.ents:
        if e.label_ != "PERSON":
            continue
        left = doc[max(0, e.start - 4):e.start]
        if not any(t.lower_ in titles for t in left):
            continue
        for p in people.people.values():
            if e.text in p.aliases or e.text == p.name:
                newly = any(t.lower_ in ("newly", "new", "minted", "newly-appointed") for t in left)
                out.append((p, newly, f"{left.text} {e.text}".strip()))
                break
    return out


def resolve_dates(doc: Doc, article: Article, kb: Any) -> tuple[list[TimeExpr], PubDateEstimate | None]:
    estimate = None
    anchor = article.published
    if anchor is None:
        estimate = estimate_publication(doc, article, kb)
        anchor = estimate.date if estimate else None
    return find_timexes(doc, article, anchor), estimate


def event_date(article: Article, timexes: list[TimeExpr], sent_idx: int, trigger_start: int,
               trigger_end: int) -> tuple[date | None, date | None, str | None, str]:
    """(date, date_end, precision, source) of an event whose trigger is at these offsets."""
    same = [t for t in timexes if t.sent_idx == sent_idx and t.value is not None and not t.target]
    if same:
        # the most precise expression of the sentence, the nearest one among equals: "on Tuesday"
        # beats "in 2008" in "on Tuesday, his first visit since stepping down in 2008"
        rank = {"day": 0, "range": 1, "month": 2, "year": 3}
        best = min(same, key=lambda t: (rank.get(t.precision, 4),
                                        min(abs(t.start - trigger_end), abs(trigger_start - t.end))))
        return best.value, best.end_value, best.precision, "text"
    if article.published is None:
        return None, None, None, "unknown"
    src = "estimated_publication" if article.date_source == "estimated" else "publication"
    return article.published, None, "day", src


def stage(doc: Doc, res: ArticleResult, kb: Any) -> None:
    """Dates stage: the article's time expressions, and an estimate of a missing publication date."""
    art = res.article
    res.timexes, estimate = resolve_dates(doc, art, kb)
    if estimate is not None and art.published is None:
        art.published = estimate.date
        art.date_source = "estimated"
        art.date_confidence = estimate.confidence
        art.date_evidence = estimate.evidence
