"""Claims: every quantity with what it measures, its period, status, speaker and evidence.

Quantities are spaCy MONEY, PERCENT and CARDINAL/QUANTITY entities (plus number words the NER
leaves unlabelled before a noun), parsed into (value, unit, qualifier). What they measure, their
status and qualifiers come from cue words in ``nestor/data/claims.yaml`` (data, not code):

* **measure** = the cue nearest the number in its sentence (a count's own noun first:
  "20 agreements" → agreements_signed, "40 occasions" → meetings);
* **status** = target ("target", "goal", "by 2015"), pace/forecast ("on pace", "expected"),
  record; otherwise achieved;
* **period** = the time expression of the sentence nearest the number (resolved by
  :mod:`nestor.extract.when`: "last year" in a 2019 article → 2018; "by 2015" → 2015);
* "exceeded this mark" / "surpassed the target" → achieved, ``refers_to`` the latest earlier
  target of the same measure in the article.

Not claims: dates and years, ordinals, times, phone numbers, numbers inside a document title
("units 3 and 4"), and small counts of participants ("the two leaders", "both sides").
"""
from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date
from typing import Any

from spacy.tokens import Doc, Span, Token

from ..models import Article, ArticleResult, Claim, Event, Mention, TimeExpr, has_known_sides, record_id
from ..vocab import ClaimStatus
from . import docview
from .quantities import cues, find_cue, parse_amount

_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_REFER = re.compile(r"\b(exceed|exceeded|surpass|surpassed|beat|beaten|topped|overshot|met|reached|hit)\b.{0,20}"
                    r"\b(this|that|the)\s+(mark|target|goal|figure|level|threshold)\b", re.IGNORECASE)


def _in_title(tok: Token) -> bool:
    """A number inside a capitalised name or a "units 3 and 4" list is no claim."""
    head = tok.head
    return head.lower_ in ("unit", "units", "phase", "stage", "block", "blocks", "article", "chapter", "no.",
                           "number", "route", "line", "lines") or (tok.dep_ in ("conj",) and head.head.lower_ in
                                                                    ("units", "unit", "blocks"))


_CLOCK = re.compile(r"^\d{1,2}:\d{2}\b|^\d{1,2}(?:[.:]\d{2})?\s*(?:[ap]\.?m\.?|gmt|utc|hrs|h)(?!\w)", re.IGNORECASE)
_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.IGNORECASE)
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)s?$")
_WORDS = re.compile(r"[a-z]+")
_FROM_TO = re.compile(r"\bfrom\b.*\d.*\bto(?:\s+(?:about|around|over|nearly|some|more than|at least))?\s*$",
                      re.IGNORECASE)
_BY_YEAR = re.compile(r"\s*(?:[a-z]+\s+){0,3}?by\s+(?:the\s+end\s+of\s+)?(?:19|20)\d\d\b", re.IGNORECASE)


def main_dyad(events: list[Event], mentions: list[Mention]) -> tuple[str, str] | None:
    """The article's main pair of actors: the pair most often source and target of its events
    (either way round; a pair of states before a pair with an IGO); without such events, the two
    countries most mentioned (twice or more)."""
    pairs: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], int] = {}
    states: dict[tuple[str, str], bool] = {}
    for i, e in enumerate(events):
        a, b = e.source_code, e.target_code
        if a and b and a != b and has_known_sides(e):
            key = (min(a, b), max(a, b))
            pairs[key] = pairs.get(key, 0) + 1
            first.setdefault(key, i)
            # a pair of states outranks one with an IGO ("met at the G20 summit" is a venue)
            both = getattr(e, "source_sector", None) != "IGO" and getattr(e, "target_sector", None) != "IGO"
            states[key] = states.get(key, False) or both
    best = max(pairs, key=lambda k: (states[k], pairs[k], -first[k])) if pairs else None
    if best is not None and states[best]:
        return best
    # no pair of states among the events: the two states the article names most, else the IGO pair
    return _top_two_states(mentions) or best


def _top_two_states(mentions: list[Mention]) -> tuple[str, str] | None:
    counts: dict[str, int] = {}
    for m in mentions:
        if m.actor_id and m.country and m.kind in ("state", "sector", "person") and m.sector != "IGO":
            counts[m.country] = counts.get(m.country, 0) + 1
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:2]
    if len(top) == 2 and top[1][1] >= 2:
        return (min(top[0][0], top[1][0]), max(top[0][0], top[1][0]))
    return None


def find_claims(doc: Doc, article: Article, mentions: list[Mention], timexes: list[TimeExpr],
                events: list[Event], kb: Any) -> list[Claim]:
    c = cues()
    out: list[Claim] = []
    sents = docview.sents(doc)
    ents = list(docview.ents(doc))       # Span.ents walks every entity of the doc: group them once
    by_sent: list[list[Span]] = [[] for _ in sents]
    starts = [s.start for s in sents]
    for e in ents:
        by_sent[bisect_right(starts, e.start) - 1].append(e)
    date_tokens = {t.i for e in ents if e.label_ in ("DATE", "TIME", "ORDINAL") for t in e}
    dyad = main_dyad(events, mentions)
    for si, sent in enumerate(sents):
        spans = [e for e in by_sent[si] if e.label_ in ("MONEY", "PERCENT", "CARDINAL", "QUANTITY")]
        spans += _unlabelled(doc, sent, c, by_sent[si])
        for span in sorted(_split_changes(doc, spans), key=lambda x: x.start):
            if any(t.i in date_tokens for t in span) and not _numeric_range(span, c):
                continue
            if _not_a_figure(doc, sent, span, c, article.text):
                continue
            claim = _claim(doc, article, sent, si, span, mentions, timexes, events, c, dyad)
            if claim is not None:
                out.append(claim)
    _link_references(doc, out)
    return out


def _split_changes(doc: Doc, spans: list[Span]) -> list[Span]:
    """"rose from $2 billion to $3 billion" is a change, not a range: two figures, each its own claim
    (the first a baseline). "20 to 25 people" without "from" stays one range."""
    out: list[Span] = []
    for sp in spans:
        tos = [t for t in sp if t.lower_ == "to"]
        before = doc[sp.start - 1].lower_ if sp.start > 0 else ""
        if tos and (before == "from" or sp[0].lower_ == "from"):
            k = tos[0].i
            first = doc[sp.start + (1 if sp[0].lower_ == "from" else 0):k]
            second = doc[k + 1:sp.end]
            if len(first) and len(second):
                out += [first, second]
                continue
        out.append(sp)
    return out


def _unlabelled(doc: Doc, sent: Span, c: dict, sent_ents: list[Span]) -> list[Span]:
    """Number words the NER leaves unlabelled: "a couple of firms", "scores of troops", "dozens of"
    and ranges it labels DATE ("between 10 and 15 projects")."""
    nw = c["number_words"]
    starters = set(nw["vague"]) | {"couple", "dozen", "dozens", "score", "scores"}
    taken = {t.i for e in sent_ents for t in e}
    out: list[Span] = []
    lowers = docview.strings(doc, "LOWER")     # t.lower_ of every token
    i = sent.start
    while i < sent.end:
        if i in taken or lowers[i] not in starters:
            i += 1
            continue
        t = doc[i]
        start = i
        if i > sent.start and doc[i - 1].lower_ in ("a", "an") or (i > sent.start and doc[i - 1].lower_ in nw["units"]):
            start = i - 1
        end = i + 1
        # "tens of thousands", "hundreds of millions"
        if end + 1 < sent.end and doc[end].lower_ == "of" and (doc[end + 1].lower_ in nw["vague"] or
                                                                  doc[end + 1].lower_ in nw["scales"]):
            end += 2
        if t.lower_ == "tens" and end == i + 1:
            i += 1
            continue
        if end < sent.end and doc[end].lower_ == "of" or t.lower_ in ("dozen",):
            out.append(doc[start:end])
        i = end
    for e in sent_ents:
        if e.label_ == "DATE" and _numeric_range(e, c):
            out.append(e)
    return out


def _numeric_range(span: Span, c: dict) -> bool:
    """A DATE entity that is only a range of small numbers ("between 10 and 15") before a noun."""
    words = {w for w in _WORDS.findall(span.text.lower())}
    if not words <= {"between", "and", "to", "from"} | set(c["number_words"]["units"]):
        return False
    nums = [t for t in span if t.like_num]
    if len(nums) < 2 or any(_YEAR.match(t.text) for t in nums):
        return False
    return span.end < len(span.doc) and span.doc[span.end].pos_ == "NOUN"


def _not_a_figure(doc: Doc, sent: Span, span: Span, c: dict, full: str) -> bool:
    """Clock times, ordinals, ages, years, list numbering, numbers glued to a name ("5G", "G20").
    ``full`` is the article's text (``Doc.text`` would rebuild it on every access)."""
    text = span.text
    if _CLOCK.match(full[span.start_char:span.end_char + 8]):
        return True
    if _ORDINAL.search(text):
        return True
    if _PHONE.fullmatch(text.strip()):
        return True
    # glued to letters: "5G", "G20", "F-16", "COVID-19"
    after = full[span.end_char:span.end_char + 1]
    before = full[max(0, span.start_char - 1):span.start_char]
    if after.isalpha() and not re.match(r"(?i)(bn|mn|m|k|tn|b)\b", full[span.end_char:span.end_char + 3]):
        return True
    if before.isalpha() or (before == "-" and full[max(0, span.start_char - 2):span.start_char - 1].isalpha()):
        return True
    # a year written alone ("in 2019 trade grew")
    if _YEAR.match(text.strip()):
        return True
    # list numbering: "1." / "2)" at the start of a line or sentence
    if span.start == sent.start and span.end < sent.end and doc[span.end].text in (".", ")"):
        return True
    # ages: "aged 45", "at the age of 45"
    lead = doc[max(sent.start, span.start - 3):span.start].text.lower()
    if any(lead.endswith(a) for a in c["age_cues"]):
        return True
    return span.end + 1 < sent.end and doc[span.end].lower_ in ("years", "year") and doc[span.end + 1].lower_ == "old"


def _counted_noun(doc: Doc, sent: Span, span: Span) -> Token | None:
    """The noun a count counts: "14 agreements", "nearly three dozen documents", "scores of troops"."""
    root = span.root
    head = None
    if root.dep_ in ("nummod", "quantmod", "amod") and root.head.i >= span.end:
        head = root.head
        while head.dep_ in ("nummod", "quantmod") and head.head.i > head.i:
            head = head.head
    if head is None and span.end < sent.end:
        j = span.end
        if doc[j].lower_ == "of":
            j += 1
        while j < sent.end and j < span.end + 4 and doc[j].pos_ in ("DET", "ADJ", "NUM") and \
                doc[j].lower_ not in ("of",):
            j += 1
        if j < sent.end:
            head = doc[j]
            # "two joint statements": walk compounds to their head
            while head.dep_ == "compound" and head.head.i > head.i and head.head.i < sent.end:
                head = head.head
    if head is None or head.pos_ not in ("NOUN", "PROPN"):
        return None
    return head


def _claim(doc, article, sent: Span, si: int, span: Span, mentions, timexes, events, c,
           dyad: tuple[str, str] | None = None) -> Claim | None:
    amount = parse_amount(span.text)
    value, unit, qual = amount.value, amount.unit, amount.qualifier
    if value is None:
        return None
    # extend the qualifier to words just before the entity ("over $200 billion", "nearly three dozen")
    if qual is None or qual == "range":
        before = " " + doc[max(sent.start, span.start - 3):span.start].text.lower()
        for q, words in c["qualifiers"].items():
            if any(before.endswith(" " + w) for w in words):
                qual = q
                break
    measure = None
    if unit == "count":
        head = _counted_noun(doc, sent, span)
        if head is None:
            return None      # a bare number ("in the 1990s", list numbering): no claim
        if head.lower_ in c["not_counts"] or head.lemma_.lower() in c["not_counts"] or _in_title(span.root):
            return None
        if len(head.text) == 1 or not head.text[:1].isalpha():
            return None      # single letters and symbols are never measures
        noun_words = " ".join([t.lower_ for t in head.lefts if t.dep_ == "compound"] + [head.lower_])
        measure = find_cue(noun_words, c["measures"])
        if head.lower_ in c["people_nouns"] and measure is None:
            people = {k: c["measures"][k] for k in c["people_measures"]}
            measure = find_cue(docview.span_text(sent).lower(), people)
        if measure is None and (head.lower_ in c["stop_nouns"] or head.lemma_.lower() in c["stop_nouns"]):
            # "two people were killed": the sentence says what the people count as
            people = {k: c["measures"][k] for k in c["people_measures"]}
            measure = find_cue(docview.span_text(sent).lower(), people)
            if measure is None:
                return None
        if measure is None:
            if head.ent_type_ in ("NORP", "GPE", "PERSON") or head.pos_ == "PROPN":
                return None  # "the two Koreas", "three Chinese": a group of actors, not a figure
            measure = head.lemma_.lower()
    else:
        # the nearest cue in the sentence, searching outward from the number
        words = [(abs(t.i - span.start), t) for t in docview.span_tokens(sent) if t.i < span.start or t.i >= span.end]
        for _, t in sorted(words, key=lambda x: x[0]):
            phrase = doc[t.i:min(sent.end, t.i + 3)].text.lower()
            m = find_cue(phrase, c["measures"])
            if m and m not in ("agreements_signed", "meetings", "casualties", "companies", "refugees",
                               "arrests", "weapons", "protesters"):
                measure = m
                break
    # status cues near the number (8 tokens before, 4 after): "a target of raising trade to $100
    # billion by 2015 from $83.5 billion last year" gives a target and an achieved baseline
    window = doc[max(sent.start, span.start - 8):min(sent.end, span.end + 4)].text.lower()
    status: ClaimStatus = "achieved"
    # cue list in claims.yaml → the status it gives ("target_weak" cues count only before "by 2015")
    cue_status: dict[str, ClaimStatus] = {"target": "target", "pace": "pace", "target_weak": "target",
                                          "record": "record"}
    for st, given in cue_status.items():
        if find_cue(window, {st: c["status"][st]}):
            status = given
            break
        if st == "target_weak" and _BY_YEAR.match(article.text[span.end_char:span.end_char + 30]):
            status = "target"      # "$100 billion by 2015"
            break
    if status == "target" and any(t.lower_ == "from" for t in doc[max(sent.start, span.start - 4):span.start]) and \
            not any(t.lower_ == "to" for t in doc[max(sent.start, span.start - 4):span.start]):
        status = "achieved"    # "from current levels of $2.7 billion to about $6 billion": the baseline
    if status == "achieved" and _FROM_TO.search(doc[max(sent.start, span.start - 12):span.start].text) and \
            (find_cue(docview.span_text(sent).lower(), {"t": c["status"]["target"] + c["status"]["target_weak"]})):
        status = "target"      # "agreed to double trade from $2.7 billion to about $6 billion"
    if _REFER.search(docview.span_text(sent)):
        status = "achieved"
    # period: the nearest resolved time expression in the sentence
    period = None
    tx = [t for t in timexes if t.sent_idx == si and t.value is not None]
    if tx:
        period = min(tx, key=lambda t: min(abs(t.start - span.end_char), abs(span.start_char - t.end)))
    first_day = article.published or article.published_from
    last_day = article.published or article.published_to or first_day
    period_start: date | None
    period_end: date | None
    period_text: str | None
    if status == "pace" and period is None and first_day and last_day:
        # a pace without a time expression is about the publication year; an estimated publication
        # interval keeps its width ("≈2021–2023") instead of a guessed year
        period_start, period_end, period_text = date(first_day.year, 1, 1), date(last_day.year, 12, 31), "this year"
    else:
        period_start = period.value if period else None
        period_end = period.end_value if period else None
        period_text = period.text if period else None
    # the parties a figure is about: states and organisations (a region such as "the West" is context)
    actors = sorted({m.country for m in mentions if m.sent_idx == si and m.country and m.actor_id
                     and m.kind not in ("region", "place")})
    inferred = False
    if dyad and len(actors) < 2 and set(actors) <= set(dyad):
        # the sentence names at most one side of the article's main dyad: the figure is about the
        # dyad ("Bilateral trade is on pace to hit ..."), marked as inferred
        actors, inferred = sorted(dyad), True
    ev = [e for e in events if e.sent_idx == si]
    speaker = next(((e.speaker_id, e.speaker_text) for e in ev if e.speaker_id), (None, None))
    return Claim(
        id=record_id(article.id, span.start_char, span.end_char, unit),
        article_id=article.id, sent_idx=si, sent_start=sent.start_char, sent_end=sent.end_char,
        start=span.start_char, end=span.end_char, text=span.text, value=value, unit=unit, measure=measure,
        qualifier=qual, actors=actors, actors_inferred=inferred, value_low=amount.low, value_high=amount.high,
        period_start=period_start, period_end=period_end, period_text=period_text,
        status=status, speaker_id=speaker[0], speaker_text=speaker[1], event_id=ev[0].id if ev else None,
        confidence=0.7 if measure else 0.4, evidence=docview.span_text(sent),
    )


def _link_references(doc: Doc, claims: list[Claim]) -> None:
    """"we have exceeded this mark, with trade reaching $108 billion" → refers_to the earlier target."""
    text = docview.text(doc)
    for i, cl in enumerate(claims):
        if not _REFER.search(text[cl.sent_start:cl.sent_end]):
            continue
        for prev in reversed(claims[:i]):
            if prev.status == "target" and (prev.measure == cl.measure or cl.measure is None) and prev.unit == cl.unit:
                cl.refers_to = prev.id
                if cl.period_start is None:   # "exceeded this mark": the same period as the mark
                    cl.period_start, cl.period_end = prev.period_start, prev.period_end
                    cl.period_text = prev.period_text
                break


def stage(doc: Doc, res: ArticleResult, kb: Any) -> None:
    """Claims stage: quantities with measure, period, status and speaker."""
    res.claims = find_claims(doc, res.article, res.mentions, res.timexes, res.events, kb)
