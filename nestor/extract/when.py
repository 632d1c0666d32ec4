"""Dates: time expressions resolved against the article's date interval, event dates by syntax,
and the publication interval combined from the text's clues.

Every date is an interval ``[lo, hi]`` with a precision (see :mod:`nestor.dates`).

**Expressions** are spaCy DATE entities (plus bare weekdays the NER missed), normalised by
nestor's own rules, not by a general date parser (which reads the pronoun "We" as Wednesday and
cannot know tense): explicit dates → day; "March 2023" → month; "2008" → year; a month and day
without a year → the candidate year nearest the anchor interval (a day only when one candidate
is nearest to both ends, never the current year by default); weekdays → the nearest one on or
before the anchor (after it in the future tense) — against a wide anchor interval the weekday
says no more than the interval itself; relative expressions ("last year", "yesterday") → the
hull of their readings at both ends of the anchor interval. A DATE entity made of a modal verb
("may") is never a month.

**Event date** (:func:`event_date`): a time expression dates an event only when it attaches to
the trigger's clause: the trigger's own modifiers (a verb's "on Tuesday", a noun's "the meeting
on Tuesday") or, for a nominal trigger, the verb that governs it ("held talks on Monday").
Expressions inside relative clauses, other nouns' modifiers ("the roadmap proposed last month"),
purpose and complement clauses ("to develop a network in 2020", "invited him to visit later this
year") and deadlines ("by 2030") never date it. Otherwise the event takes the article's interval
(``date_source`` "publication", or "estimated_publication" when that interval is estimated).

**Publication interval** (:func:`estimate_publication`), when neither metadata nor a date line
gave a day. Every clue is a *set of intervals* (:class:`Clue`):

* ``dateline`` — a wire dateline with day and month but no year ("MOSCOW, 21 Mar (Agency) --"):
  that day ± 1 in every year (a dateline's day is the filing day, not always the event's);
* ``anniversary`` — "2019 marks 70 years", or "the 75th anniversary of diplomatic relations
  between China and Russia" against the shipped table of base dates (``nestor/data/base_dates.yaml``);
* ``weekday_daymonth`` — "Wednesday (May 1)": only the years in which that day is that weekday;
* ``office`` — a person named with a title ("Chinese President Hu Jintao") was in that office: one
  interval per term held (a president who served twice gives two);
* ``newly`` — "newly minted", "newly elected", "new" office holders: within 90 days of a term's start;
* ``past_year`` / ``this_year`` — the latest year named in the past tense (published after its
  start; in a text that also says "this year", the year after it), ``past_date`` — an explicit
  past date, ``future_year`` — a year named in the future tense (published before its end).

Clues are intersected strongest first; a clue that would empty the intersection is set aside as a
*conflict*, lowers the confidence and never moves the date. The result says which clues decided
it. Inside the interval a day is pinned only when the text allows one: a weekday read against a
dated anchor (the start of a "newly" held office), and otherwise the latest past day-month event
gives a short range (news reports what happened in the days before: at most ``RECENCY_DAYS``
after it). A day-month with no year never takes the current year.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from spacy.strings import get_string_id
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from ..dates import (
    Interval,
    find_date,
    find_dateline,
    hull,
    intersect,
    merge,
    precision_of,
)
from ..models import Article, ArticleResult, TimeExpr
from ..timex import (
    DAY_MONTH,
    MONTH_NAMES,
    MONTHS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    YEAR,
    Anchor,
    as_interval,
    day_month_in,
    normalise,
)
from ..vocab import Precision
from . import docview

_MNAMES, _WDNAMES, _MD, _YEAR = MONTH_NAMES, WEEKDAY_NAMES, DAY_MONTH, YEAR


@lru_cache(maxsize=1)
def cues() -> dict[str, frozenset[str]]:
    """The word lists of ``nestor/data/date_cues.yaml``."""
    data = yaml.safe_load(resources.files("nestor.data").joinpath("date_cues.yaml").read_text("utf-8"))
    return {k: frozenset(str(w).lower() for w in v) for k, v in data.items()}


_ANNIV = re.compile(r"\b(?P<y>(?:19|20)\d\d)\s+(?:marks|will mark|is|marked)\s+(?:the\s+)?(?P<n>\d{1,3})(?:th|st|nd|rd)?\s+"
                    r"(?:years|anniversary)", re.I)
_ORDINALS = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
_ORDINALS.update({"twenty-fifth": 25, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
                  "seventieth": 70, "seventy-fifth": 75, "eightieth": 80, "ninetieth": 90, "hundredth": 100})
_NTH_ANNIV = re.compile(r"\b(?P<n>\d{1,3}(?:st|nd|rd|th)|" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) +
                        r")\s+anniversary\s+of\b|\b(?P<n2>\d{1,3})\s+years\s+(?:of|since)\b", re.I)
_WD_DM = re.compile(rf"\b(?P<wd>{_WDNAMES})\b[\s,(]*(?:(?P<m>{_MNAMES})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?|"
                    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MNAMES}))\b(?![,.]?\s*(?:19|20)\d\d)", re.I)
# Where a weekday name may stand, and what every match of _NTH_ANNIV and _YEARS_ON ends with (no word
# boundaries: weaker tests), for scans that try those patterns only there (a look-ahead of the
# first letters lets the regex engine skip to them: 3-4 times faster than the bare alternation).
# _NTH_ANNIV_REACH: how many characters the number or ordinal before the tail may take.
_WEEKDAY_WORD = re.compile(r"(?=[mtwfs])(?:" + _WDNAMES + ")", re.I)
_NTH_ANNIV_TAIL = re.compile(r"(?=[ay])(?:anniversary\s+of|years\s+(?:of|since))", re.I)
_NTH_ANNIV_REACH = max(5, *map(len, _ORDINALS))
_YEARS_ON_TAIL = re.compile(r"(?=[yd])(?:years?|decades?)\s+(?:on|after|since|later|have passed since|has passed since)",
                            re.I)


def finditer_by_tail(pattern: re.Pattern[str], text: str, tail: re.Pattern[str], reach: int) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying ``pattern`` only where it can match: for a pattern each of
    whose matches starts at a match of ``tail`` or is a word of at most ``reach`` characters, then
    whitespace, then a match of ``tail``, where no two matches of ``tail`` overlap and no match of
    ``pattern`` is empty. The matches are
    those of ``finditer`` (tried at every candidate start in order, as ``finditer`` tries every
    position; ``match`` at a position sees the characters before it, so ``\b`` reads the same)."""
    starts: set[int] = set()
    for t in tail.finditer(text):
        p = q = t.start()
        while q > 0 and text[q - 1].isspace():      # what ``\s`` matches in a str pattern
            q -= 1
        starts.add(p)
        starts.update(range(max(0, q - reach), q))
    pos = 0
    for s in sorted(starts):
        if s < pos:
            continue
        m = pattern.match(text, s)
        if m is not None:
            yield m
            pos = m.end()
_TITLE_WINDOW = 5
EARLIEST = date(1945, 1, 1)     # no clue reaches before this
RECENCY_DAYS = 7                # a report's latest past day-month event: published within this many days
NEWLY_DAYS = 90
_CLUE_WEIGHT = {"dateline": 0.9, "anniversary": 0.85, "weekday_daymonth": 0.8, "office": 0.75, "newly": 0.7,
                "former": 0.7, "embedded_post": 0.7, "holiday_weekday": 0.75, "years_on": 0.5,
                "past_date": 0.65, "past_year": 0.6, "future_year": 0.5, "this_year": 0.45}


@dataclass
class Clue:
    """One piece of evidence about when a text was written: the set of intervals it allows."""

    kind: str
    evidence: str
    intervals: list[Interval]
    weight: float = 0.5
    anchor: date | None = None        # a dated happening the text speaks of as recent ("newly minted")


@dataclass
class PubDateEstimate:
    lo: date
    hi: date
    precision: Precision
    confidence: float
    evidence: str
    used: list[Clue] = field(default_factory=list)
    conflicts: list[Clue] = field(default_factory=list)

    @property
    def date(self) -> date | None:
        """The day, only when the evidence pins one."""
        return self.lo if self.precision == "day" else None


def article_interval(art: Article) -> tuple[date | None, date | None, str]:
    """(from, to, precision) of an article's publication, from the interval fields or the day."""
    if art.published_from is not None:
        return art.published_from, art.published_to or art.published_from, art.published_precision
    if art.published is not None:
        return art.published, art.published, "day"
    return None, None, "unknown"


def _future(span: Span) -> bool:
    root = span.root.head
    for t in (root, root.head):
        if any(c.lower_ in cues()["future_aux"] for c in t.children) or t.tag_ == "VB" and any(
                c.lower_ == "to" and c.dep_ == "aux" for c in t.children):
            return True
    return False


def _date_spans(doc: Doc) -> list[Span]:
    spans = [e for e in docview.ents(doc) if e.label_ == "DATE" and not all(t.tag_ == "MD" for t in e)]
    covered = {t.i for s in spans for t in s}
    # weekdays the NER missed ("on Thursday" is usually found; bare ones sometimes not): the tokens
    # whose lower-case form's id is a weekday's, then the test itself on those
    wd_ids = {get_string_id(w) for w in WEEKDAYS}
    toks = docview.tokens(doc)
    for i, low in enumerate(docview.ids(doc, "LOWER")):
        if low in wd_ids and i not in covered and (t := toks[i]).lower_ in WEEKDAYS and t.pos == PROPN:
            spans.append(doc[t.i:t.i + 1])
    return sorted(spans, key=lambda s: s.start)


def find_timexes(doc: Doc, article: Article, anchor: Anchor) -> list[TimeExpr]:
    sent_starts = [s.start for s in docview.sents(doc)]
    iv = as_interval(anchor)
    out = []
    for span in _date_spans(doc):
        value, end, prec, kind = normalise(span.text, iv, _future(span))
        si = max(0, bisect.bisect_right(sent_starts, span.start) - 1)
        tx = TimeExpr(article.id, si, span.start_char, span.end_char, span.text, value, end,
                      prec if value else "unknown", "relative" if kind == "daymonth" else kind,
                      iv[0] if iv and iv[0] == iv[1] else None)
        prev = doc[span.start - 1].lower_ if span.start > 0 else ""
        tx.target = prev in cues()["deadline"]   # a deadline, not when something happened
        if (prev in cues()["onset"] or span[0].lower_ in cues()["onset"]) and value is not None:
            # "since 1 January 2018": from that date until the article's publication (unknown: no date)
            if iv and iv[1] >= value:
                tx.end_value, tx.precision, tx.kind = iv[1], precision_of(value, iv[1]), "range"
            else:
                tx.target = True
        out.append(tx)
    return out


# ---- publication interval from clues ------------------------------------------------------------

@lru_cache(maxsize=1)
def base_dates() -> list[tuple[str, date, list[re.Pattern[str]], str]]:
    """The shipped anniversary anchors: (id, date, cue patterns, source)."""
    data = yaml.safe_load(resources.files("nestor.data").joinpath("base_dates.yaml").read_text("utf-8"))
    out = []
    for a in data["anchors"]:
        d = a["date"] if isinstance(a["date"], date) else date.fromisoformat(str(a["date"]))
        out.append((a["id"], d, [re.compile(rf"\b(?:{c})\b", re.I) for c in a["cues"]], a.get("source", "")))
    return out


@lru_cache(maxsize=1)
def recurring_days() -> list[tuple[str, int, int, list[re.Pattern[str]]]]:
    """The shipped days that recur every year: (id, month, day, cue patterns)."""
    data = yaml.safe_load(resources.files("nestor.data").joinpath("base_dates.yaml").read_text("utf-8"))
    out = []
    for a in data.get("recurring", []):
        m, d = (int(x) for x in str(a["month_day"]).split("-"))
        out.append((a["id"], m, d, [re.compile(rf"\b(?:{c})\b", re.I) for c in a["cues"]]))
    return out


_ON_WEEKDAY = re.compile(rf"\b(?:on\s+)?({_WDNAMES})\b", re.I)


def _sents_holding(doc: Doc, word: re.Pattern[str]) -> list[Span]:
    """The sentences of ``doc`` in which a match of ``word`` starts, in order: a pattern that can
    match a sentence's text only where ``word`` matches in it (``word`` with no boundaries or
    look-arounds, whose matches never overlap) is tried on these alone. One scan of the doc's text
    instead of one search per sentence."""
    sents = docview.sents(doc)
    if not sents:
        return []
    text = docview.text(doc)
    chars = [s.start_char for s in sents]
    keep: set[int] = set()
    for mt in word.finditer(text):
        k = bisect.bisect_right(chars, mt.start()) - 1
        if k >= 0 and mt.start() < sents[k].end_char:
            keep.add(k)
    return [sents[k] for k in sorted(keep)]


def _holiday_weekday_clues(doc: Doc, today: date) -> list[Clue]:
    """"Pakistan celebrates its independence day on Sunday": the years that day fell on that weekday."""
    out = []
    for sent in _sents_holding(doc, _WEEKDAY_WORD):
        text = docview.span_text(sent)       # Span.text builds the string: once per sentence
        wd = _ON_WEEKDAY.search(text)
        if not wd:
            continue
        for hid, m, d, cue_pats in recurring_days():
            if not all(c.search(text) for c in cue_pats):
                continue
            want = WEEKDAYS[wd.group(1).lower()]
            days = [x for y in range(EARLIEST.year, today.year + 2)
                    if (x := date(y, m, d)).weekday() == want]
            if days:
                out.append(Clue("holiday_weekday", f"{docview.span_text(sent).strip()[:80]} ({hid})",
                                merge([(x - timedelta(days=30), x + timedelta(days=30)) for x in days]),
                                _CLUE_WEIGHT["holiday_weekday"]))
                break
    return out


_EMBED = re.compile(r"\(@\w{1,30}\)\s+(?P<when>[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s*(?:19|20)\d\d)")


def _embedded_post_clues(text: str, today: date) -> list[Clue]:
    """A dated post embedded in the page ("— Jane Roe (@jroe) September 6, 2017"): published after it."""
    days = [(f[0], mt.group(0)) for mt in _EMBED.finditer(text) if (f := find_date(mt.group("when")))]
    if not days:
        return []
    d, what = max(days)
    return [Clue("embedded_post", what, [(d, today)], _CLUE_WEIGHT["embedded_post"])] if d <= today else []


_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_YEARS_ON = re.compile(r"\b(?P<n>\d{1,3}|" + "|".join(_NUMBER_WORDS) + r"|a|one|two|three)\s+(?P<unit>years?|decades?)\s+"
                       r"(?:on|after|since|later|have passed since|has passed since)\b", re.I)


def _years_on_clues(doc: Doc, today: date) -> list[Clue]:
    """"Three years on (from the June 2020 clash)", "it has been five years since the 2019 vote":
    written N years after a year the text names, when told in the present."""
    out = []
    for sent in _sents_holding(doc, _YEARS_ON_TAIL):
        for mt in _YEARS_ON.finditer(docview.span_text(sent)):
            raw = mt.group("n").lower()
            n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw, 1 if raw in ("a", "one") else 0)
            n *= 10 if mt.group("unit").lower().startswith("decade") else 1
            if not 1 <= n <= 100:
                continue
            root = sent.root
            present = root.tag_ in ("VBZ", "VBP") or any(c.tag_ in ("VBZ", "VBP") and c.dep_ == "aux"
                                                         for c in root.children)
            if not (present or mt.start() < 3):
                continue
            own = [int(y.group("y")) for y in _YEAR.finditer(docview.span_text(sent))]
            earlier = {int(y.group("y")) for y in _YEAR.finditer(docview.text(doc)[:sent.start_char])}
            # the year it counts from: one named in its own sentence, else the only year named before it
            base = own[0] if own else (next(iter(earlier)) if len(earlier) == 1 else None)
            if base is None or base + n > today.year:
                continue
            out.append(Clue("years_on", f"{mt.group(0)} … {base}",
                            [(date(base + n, 1, 1), min(today, date(base + n + 1, 12, 31)))], _CLUE_WEIGHT["years_on"]))
    return out


def _year_iv(y: int) -> list[Interval]:
    return [(date(y, 1, 1), date(y, 12, 31))]


def _sent_of(doc: Doc, char: int) -> Span:
    for s in docview.sents(doc):
        if s.start_char <= char < s.end_char:
            return s
    return doc[:]


def _anniversary_clues(doc: Doc, today: date) -> list[Clue]:
    text = docview.text(doc)
    out: list[Clue] = []
    for an in _ANNIV.finditer(text):
        y = int(an.group("y"))
        out.append(Clue("anniversary", an.group(0), _year_iv(y), _CLUE_WEIGHT["anniversary"]))
    if out:
        return out
    for mt in finditer_by_tail(_NTH_ANNIV, text, _NTH_ANNIV_TAIL, _NTH_ANNIV_REACH):
        raw = (mt.group("n") or mt.group("n2") or "").lower()
        n = int(re.sub(r"\D", "", raw)) if re.match(r"\d", raw) else _ORDINALS.get(raw, 0)
        if not 1 <= n <= 150:
            continue
        sent = _sent_of(doc, mt.start()).text
        best = None
        for aid, base, cues, _src in base_dates():
            if all(c.search(sent) for c in cues) and (best is None or len(cues) > len(best[2])):
                best = (aid, base, cues)
        if best is None:
            continue
        y = best[1].year + n
        low = sent.lower()
        y += -1 if "next year" in low else 1 if "last year" in low else 0
        if EARLIEST.year <= y <= today.year + 1:
            out.append(Clue("anniversary", f"{mt.group(0)} … ({best[0]}: {best[1].isoformat()})", _year_iv(y),
                            _CLUE_WEIGHT["anniversary"]))
    return out


def _every_year(month: int, day: int, last_year: int) -> list[date]:
    """That day of the year in every year from EARLIEST to ``last_year`` where it exists (29 February)."""
    out = []
    for y in range(EARLIEST.year, last_year + 1):
        try:
            out.append(date(y, month, day))
        except ValueError:
            continue
    return out


def _dateline_clue(text: str, today: date) -> list[Clue]:
    for line in text.split("\n")[:6]:
        found = find_dateline(line.strip())
        if not found:
            continue
        m, d, what = found
        ivs = [(day - timedelta(days=1), day + timedelta(days=1)) for day in _every_year(m, d, today.year)]
        return [Clue("dateline", what, merge(ivs), _CLUE_WEIGHT["dateline"])]
    return []


def _weekday_daymonth_clues(text: str, today: date) -> list[Clue]:
    out = []
    for mt in finditer_by_tail(_WD_DM, text, _WEEKDAY_WORD, 0):     # each starts at its weekday
        wd = WEEKDAYS[mt.group("wd").lower()]
        m = MONTHS.get((mt.group("m") or mt.group("m2")).lower())
        d = int(mt.group("d") or mt.group("d2"))
        if not m:
            continue
        days = [day for day in _every_year(m, d, today.year + 1) if day.weekday() == wd]
        if days:
            # the text speaks of that day as recent or coming: published within weeks of it
            out.append(Clue("weekday_daymonth", mt.group(0),
                            merge([(x - timedelta(days=30), x + timedelta(days=45)) for x in days]),
                            _CLUE_WEIGHT["weekday_daymonth"]))
    return out


def _titles(kb_roles: dict[str, Any]) -> dict[tuple[str, ...], str | None]:
    return {tuple(p.split()): r.office for p, r in kb_roles.items() if getattr(r, "kind", "") == "role"}


_INDEX: dict[int, tuple[Any, tuple[dict[tuple[str, ...], str | None], int, dict[str, Any]]]] = {}


def _people_index(kbase: Any) -> tuple[dict[tuple[str, ...], str | None], int, dict[str, Any]]:
    """(titles, longest title, person by name) of a knowledge base, built once per knowledge base."""
    got = _INDEX.get(id(kbase))
    if got is not None and got[0] is kbase:
        return got[1]
    titles = _titles(getattr(kbase, "roles", {}) or {})
    by_name: dict[str, Any] = {}
    for p in kbase.people.values():
        for n in [p.name, *p.aliases]:
            by_name.setdefault(n, p)
    index = (titles, max((len(k) for k in titles), default=1), by_name)
    _INDEX.clear()
    _INDEX[id(kbase)] = (kbase, index)
    return index


def _office_clues(doc: Doc, kbase: Any, today: date) -> list[Clue]:
    """Office and "newly" clues of the people named with a title."""
    people = getattr(kbase, "people", None)
    if not people:
        return []
    titles, longest, by_name = _people_index(kbase)
    out: list[Clue] = []
    seen: set[tuple[str, str]] = set()
    for e in docview.ents(doc):
        if e.label_ != "PERSON" or e.text not in by_name:
            continue
        p = by_name[e.text]
        window = doc[max(0, e.start - _TITLE_WINDOW):e.start]
        left = [t.lower_ for t in window]
        cue_left = [t.lower_ for t in window if t.text.islower() or t.text.lower() in ("ex-",)]
        office = None
        found = False
        for n in range(min(longest, len(left)), 0, -1):   # the title just before the name, longest first
            for i in range(len(left) - n, -1, -1):
                if tuple(left[i:i + n]) in titles and i + n >= len(left) - 2:
                    office, found = titles[tuple(left[i:i + n])], True
                    break
            if found:
                break
        terms = [o for o in p.offices if office is None or o.office == office] or list(p.offices)
        if not terms:
            continue
        words = cues()
        if any(w in words["former"] for w in cue_left) or _left_office(e):
            # "former President X", "X was deposed": written after the end of one of X's terms
            ended = sorted(o.end for o in terms if o.end and o.end <= today)
            if ended and (p.id, "former") not in seen:
                seen.add((p.id, "former"))
                what = f"{doc[max(0, e.start - 2):e.start].text} {e.text} {e.root.head.text if _left_office(e) else ''}"
                out.append(Clue("former", what.strip(), merge([(x, today) for x in ended]), _CLUE_WEIGHT["former"]))
            continue
        if not found:
            continue
        newly = any(w in words["newly"] for w in cue_left)
        # the first word of the cue: "newly" or where a title starts (a look-up per title length)
        first = next((i for i in range(len(left))
                      if left[i] in words["newly"] or any(tuple(left[i:i + n]) in titles
                                                          for n in range(1, longest + 1))), 0)
        what = f"{doc[e.start - len(left) + first:e.start].text} {e.text}".strip()
        key = (p.id, "newly" if newly else "office")
        if key in seen:
            continue
        seen.add(key)
        if newly:
            starts = sorted(o.start for o in terms if o.start)
            if starts:
                ivs = merge([(s, min(today, s + timedelta(days=NEWLY_DAYS))) for s in starts])
                out.append(Clue("newly", what, ivs, _CLUE_WEIGHT["newly"],
                                anchor=starts[-1] if len(starts) == 1 else None))
                if len(starts) > 1:
                    out[-1].anchor = None
        else:
            ivs = merge([(o.start or EARLIEST, o.end or today) for o in terms])
            out.append(Clue("office", f"{what} ({len(ivs)} term(s))", ivs, _CLUE_WEIGHT["office"]))
    # one "newly" clue with several candidate starts keeps no single anchor
    return out


def _left_office(ent: Span) -> bool:
    """The person is the one whose office a verb ends: "X was deposed", "X resigned", "ousted X"."""
    root, head = ent.root, ent.root.head
    if head.lemma_.lower() not in cues()["left_office"] or head is root:
        return False
    if head.lemma_.lower() in ("succeed", "replace"):    # "Y replaced X": only the object left
        return root.dep_ in ("dobj", "nsubjpass")
    return root.dep_ in ("nsubj", "nsubjpass", "dobj")


def _governing_verb(tok: Token) -> Token | None:
    head, hops = tok, 0
    while head.pos_ not in ("VERB", "AUX") and head.head is not head and hops < 5:
        head, hops = head.head, hops + 1
    return head if head.pos_ in ("VERB", "AUX") else None


def _year_clues(doc: Doc, today: date) -> list[Clue]:
    past: list[tuple[int, str]] = []
    fut: list[tuple[int, str]] = []
    past_days: list[tuple[date, str]] = []
    for e in docview.ents(doc):
        if e.label_ != "DATE":
            continue
        prev = doc[e.start - 1].lower_ if e.start > 0 else ""
        verb = _governing_verb(e.root)
        future = _future(e) or (verb is not None and (verb.tag_ == "VB" and any(
            c.lower_ in ("to",) for c in verb.children)))
        full = find_date(e.text)
        for m in _YEAR.finditer(e.text):
            y = int(m.group("y"))
            if prev in cues()["deadline"] or future:
                fut.append((y, e.text))
                continue
            # only years governed by a past-tense verb ("hit a record in 2022", "has sent since 2023")
            if verb is None or verb.tag_ not in ("VBD", "VBN"):
                continue
            past.append((y, e.text))
            if full and full[0].year == y:
                past_days.append((full[0], e.text))
    out: list[Clue] = []
    if past:
        y, what = max(past)
        if y <= today.year:
            out.append(Clue("past_year", f"{what} (in the past tense)", [(date(y, 1, 1), today)],
                            _CLUE_WEIGHT["past_year"]))
            # a text that says "this year" and names a past year by number is written after that
            # year; writers name last year's figures, so the year after it is the likeliest
            if re.search(r"\bthis year\b", docview.text(doc), re.I) and y < today.year:
                out.append(Clue("past_year", f"'this year' beside {y} in the past tense",
                                [(date(y + 1, 1, 1), today)], _CLUE_WEIGHT["past_year"]))
                out.append(Clue("this_year", f"'this year' and {y} the latest year named as past",
                                _year_iv(y + 1), _CLUE_WEIGHT["this_year"]))
    if past_days:
        d, what = max(past_days)
        out.append(Clue("past_date", what, [(d, today)], _CLUE_WEIGHT["past_date"]))
    if fut:
        y, what = min(fut)
        if y >= EARLIEST.year:
            out.append(Clue("future_year", f"{what} (ahead)", [(EARLIEST, date(y, 12, 31))], _CLUE_WEIGHT["future_year"]))
    return out


def publication_clues(doc: Doc, kb: Any, today: date | None = None) -> list[Clue]:
    """Every clue the text gives about when it was written."""
    today = today or date.today()
    people = getattr(getattr(kb, "actors", None), "kb", None)
    text = docview.text(doc)       # built once: spaCy rebuilds Doc.text on every access
    return (_dateline_clue(text, today) + _anniversary_clues(doc, today) + _weekday_daymonth_clues(text, today)
            + _holiday_weekday_clues(doc, today) + _office_clues(doc, people, today) + _year_clues(doc, today)
            + _embedded_post_clues(text, today) + _years_on_clues(doc, today))


def combine(clues: list[Clue], today: date | None = None) -> PubDateEstimate | None:
    """Intersect the clues, strongest first; a clue that contradicts the others is set aside."""
    today = today or date.today()
    current: list[Interval] = [(EARLIEST, today)]
    used, conflicts, deciding = [], [], []
    for c in sorted(clues, key=lambda c: (-c.weight, c.kind, c.evidence)):
        nxt = intersect(current, c.intervals)
        if nxt:
            if nxt != current:
                deciding.append(c)      # it narrowed the interval: the result is no surer than it
            current = nxt
            used.append(c)
        else:
            conflicts.append(c)
    if not used:
        return None
    lo, hi = hull(current) or (EARLIEST, today)
    prec = precision_of(lo, hi)
    conf = max(0.2, min(0.85, min(c.weight for c in deciding or used)) - 0.15 * len(conflicts))
    return PubDateEstimate(lo, hi, prec, round(conf, 2), "", used, conflicts)


def _describe(est: PubDateEstimate, extra: list[str]) -> str:
    parts = [f"{c.kind}: {c.evidence}" for c in est.used] + extra
    if est.conflicts:
        parts.append("set aside as conflicting: " + "; ".join(f"{c.kind}: {c.evidence}" for c in est.conflicts))
    return "; ".join(parts)


def estimate_publication(doc: Doc, article: Article, kb: Any, today: date | None = None) -> PubDateEstimate | None:
    """The publication interval from the text's clues (see the module docstring)."""
    today = today or date.today()
    est = combine(publication_clues(doc, kb, today), today)
    if est is None:
        return None
    lo, hi = est.lo, est.hi
    extra: list[str] = []
    past_spans = [s for s in _date_spans(doc) if not _future(s) and not _YEAR.search(s.text)]
    # a weekday read against a dated anchor: "newly minted X … met on Thursday"
    anchor = next((c.anchor for c in est.used if c.kind == "newly" and c.anchor and lo <= c.anchor <= hi), None)
    if anchor is not None and est.precision != "day":
        for span in past_spans:
            wds = [wd for w, wd in WEEKDAYS.items() if re.fullmatch(rf"(?:on\s+)?{w}", span.text.lower())]
            if wds:
                d = anchor + timedelta(days=(wds[0] - anchor.weekday()) % 7)
                if lo <= d <= hi:
                    est.lo = est.hi = d
                    est.precision, est.confidence = "day", min(est.confidence, 0.55)
                    extra.append(f"'{span.text}' read after the anchor {anchor.isoformat()}")
                    break
    if est.precision not in ("day",) and (hi - lo).days > RECENCY_DAYS:
        # the latest past day-month event inside the interval (one year fits): published within days of it
        best = None
        for span in past_spans:
            md = _MD.search(span.text)
            if not md or _WD_DM.search(span.text):
                pass
            if not md:
                continue
            mname = (md.group("m") or md.group("m2") or "").lower()
            if mname not in MONTHS:
                continue
            got = day_month_in(MONTHS[mname], int(md.group("d") or md.group("d2")), lo, hi)
            if got and got[0] == got[1] and lo <= got[0] <= hi and (best is None or got[0] > best[0]):
                best = (got[0], span.text)
        if best:
            est.lo, est.hi = best[0], min(hi, best[0] + timedelta(days=RECENCY_DAYS))
            est.precision = precision_of(est.lo, est.hi)
            est.confidence = min(est.confidence, 0.6)
            extra.append(f"'{best[1]}' inside the interval; published within {RECENCY_DAYS} days after it")
    est.evidence = _describe(est, extra)
    return est


def resolve_dates(doc: Doc, article: Article, kb: Any) -> tuple[list[TimeExpr], PubDateEstimate | None]:
    estimate = None
    lo, hi, _prec = article_interval(article)
    if lo is None or (article.date_source == "estimated"):
        estimate = estimate_publication(doc, article, kb)
        if estimate is not None:
            lo, hi = estimate.lo, estimate.hi
    anchor = (lo, hi) if lo is not None and hi is not None else None
    return find_timexes(doc, article, anchor), estimate


# ---- event dates by syntax -----------------------------------------------------------------------

_CLAUSE_BARRIERS = {"relcl", "acl", "advcl", "xcomp", "ccomp", "csubj", "pcomp", "parataxis", "appos"}
_NOMINAL_UP = {"dobj", "nsubj", "nsubjpass", "attr", "pobj", "prep", "compound", "conj", "oprd", "agent", "dative"}


def _attachment(span: Span) -> Token | None:
    """The word a time expression modifies: up from its root through prepositions."""
    tok = span.root
    for _ in range(6):
        head = tok.head
        if head is tok:
            return None
        if head.i >= span.start and head.i < span.end:
            tok = head
            continue
        if head.dep_ == "prep" or head.pos_ == "ADP" or head.lower_ in cues()["time_nouns"]:
            tok = head      # "on the afternoon of 8 May": up through the preposition and the time noun
            continue
        return head
    return None


def _clause_heads(trigger: Token) -> list[Token]:
    """The trigger and, for a nominal trigger, the verb of the clause that governs it."""
    heads = [trigger]
    if trigger.pos_ in ("NOUN", "PROPN"):
        tok = trigger
        for _ in range(5):
            if tok.dep_ not in _NOMINAL_UP or tok.head is tok:
                break
            tok = tok.head
            if tok.pos_ in ("VERB", "AUX"):
                heads.append(tok)
                break
    # verbs joined to it ("met and signed on Tuesday")
    for h in list(heads):
        if h.dep_ == "conj" and h.head.pos_ == h.pos_:
            heads.append(h.head)
        heads.extend(c for c in h.children if c.dep_ == "conj" and c.pos_ == h.pos_)
    return heads


def _dates_trigger(span: Span, trigger: Token) -> int | None:
    """0 when the expression is the trigger's own modifier, 1 when it modifies the clause that governs
    a nominal trigger or a joined verb, None when it does not date the trigger."""
    at = _attachment(span)
    if at is None:
        return None
    heads = _clause_heads(trigger)
    if at == heads[0]:
        return 0
    return 1 if at in heads[1:] else None


def event_date(article: Article, timexes: list[TimeExpr], sent_idx: int, trigger_start: int,
               trigger_end: int, trigger: Token | None = None) -> tuple[date | None, date | None, str | None, str]:
    """(date, date_end, precision, source) of an event whose trigger is at these offsets.

    With the ``trigger`` token, only expressions attached to its clause date it (see the module
    docstring); without it, the most precise expression of the sentence, the nearest among equals.
    """
    same = [t for t in timexes if t.sent_idx == sent_idx and t.value is not None and not t.target]
    rank = {"day": 0, "range": 1, "month": 2, "year": 3}
    if trigger is not None and same:
        doc = trigger.doc
        scored = []
        for t in same:
            span = doc.char_span(t.start, t.end, alignment_mode="expand")
            if span is None:
                continue
            level = _dates_trigger(span, trigger)
            if level is not None:
                scored.append((level, rank.get(t.precision, 4), abs(t.start - trigger_end), t))
        same = [min(scored, key=lambda x: x[:3])[3]] if scored else []
    if same:
        best = min(same, key=lambda t: (rank.get(t.precision, 4),
                                        min(abs(t.start - trigger_end), abs(trigger_start - t.end))))
        return best.value, best.end_value or best.value, best.precision, "text"
    lo, hi, prec = article_interval(article)
    if lo is None:
        return None, None, "unknown", "unknown"
    src = "publication" if article.date_source in ("metadata", "text") else "estimated_publication"
    return lo, hi, prec, src


def stage(doc: Doc, res: ArticleResult, kb: Any) -> None:
    """Dates stage: the article's publication interval and its time expressions."""
    art = res.article
    if art.published is not None and art.published_from is None:
        art.published_from = art.published_to = art.published
        art.published_precision = "day"
    res.timexes, estimate = resolve_dates(doc, art, kb)
    if estimate is not None and art.published is None:
        art.published = estimate.date
        art.published_from, art.published_to = estimate.lo, estimate.hi
        art.published_precision = estimate.precision
        art.date_source = "estimated"
        art.date_confidence = estimate.confidence
        art.date_evidence = estimate.evidence
