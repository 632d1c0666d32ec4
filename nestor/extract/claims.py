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
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Doc, Span, Token

from ..models import Article, ArticleResult, Claim, Event, Mention, TimeExpr, record_id
from .quantities import cues, find_cue, parse_quantity

_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_REFER = re.compile(r"\b(exceed|exceeded|surpass|surpassed|beat|beaten|topped|overshot|met|reached|hit)\b.{0,20}"
                    r"\b(this|that|the)\s+(mark|target|goal|figure|level|threshold)\b", re.I)


def _in_title(tok: Token) -> bool:
    """A number inside a capitalised name or a "units 3 and 4" list is no claim."""
    head = tok.head
    return head.lower_ in ("unit", "units", "phase", "stage", "block", "blocks", "article", "chapter", "no.",
                           "number", "route", "line", "lines") or (tok.dep_ in ("conj",) and head.head.lower_ in
                                                                    ("units", "unit", "blocks"))


def find_claims(doc: Doc, article: Article, mentions: list[Mention], timexes: list[TimeExpr],
                events: list[Event], kb: Any) -> list[Claim]:
    c = cues()
    out: list[Claim] = []
    sents = list(doc.sents)
    date_tokens = {t.i for e in doc.ents if e.label_ in ("DATE", "TIME", "ORDINAL") for t in e}
    for si, sent in enumerate(sents):
        spans = [e for e in sent.ents if e.label_ in ("MONEY", "PERCENT", "CARDINAL", "QUANTITY")]
        for span in spans:
            if any(t.i in date_tokens for t in span) or _PHONE.fullmatch(span.text.strip()):
                continue
            claim = _claim(doc, article, sent, si, span, mentions, timexes, events, c)
            if claim is not None:
                out.append(claim)
    _link_references(doc, out)
    return out


def _claim(doc, article, sent: Span, si: int, span: Span, mentions, timexes, events, c) -> Claim | None:
    value, unit, qual = parse_quantity(span.text)
    if value is None:
        return None
    # extend the qualifier to words just before the entity ("over $200 billion")
    before = doc[max(sent.start, span.start - 3):span.start].text.lower()
    if qual is None:
        for q, words in c["qualifiers"].items():
            if any(before.endswith(w) or f"{w} " in before + " " for w in words):
                qual = q
                break
    measure = None
    if unit == "count":
        head = span.root.head if span.root.dep_ in ("nummod", "quantmod") else None
        if head is None and span.end < sent.end:
            head = doc[span.end]
        if head is None or head.pos_ not in ("NOUN", "PROPN"):
            return None      # a bare number ("in the 1990s", list numbering): no claim
        if head.lower_ in c["not_counts"] or head.lemma_.lower() in c["not_counts"] or _in_title(span.root):
            return None
        noun_words = " ".join([t.lower_ for t in head.lefts if t.dep_ == "compound"] + [head.lower_])
        measure = find_cue(noun_words, c["measures"]) or head.lemma_.lower()
    else:
        # the nearest cue in the sentence, searching outward from the number
        words = [(abs(t.i - span.start), t) for t in sent if t.i < span.start or t.i >= span.end]
        for _, t in sorted(words, key=lambda x: x[0]):
            phrase = doc[t.i:min(sent.end, t.i + 3)].text.lower()
            m = find_cue(phrase, c["measures"])
            if m and m not in ("agreements_signed", "meetings", "casualties"):
                measure = m
                break
    # status cues near the number (8 tokens before, 4 after): "a target of raising trade to $100
    # billion by 2015 from $83.5 billion last year" gives a target and an achieved baseline
    window = doc[max(sent.start, span.start - 8):min(sent.end, span.end + 4)].text.lower()
    status = "achieved"
    for st in ("target", "pace", "record"):
        if find_cue(window, {st: c["status"][st]}):
            status = st
            break
    if span.start > sent.start and doc[span.start - 1].lower_ in ("from", "of") and status == "target" and \
            doc[span.start - 1].lower_ == "from":
        status = "achieved"
    if _REFER.search(sent.text):
        status = "achieved"
    # period: the nearest resolved time expression in the sentence
    period = None
    tx = [t for t in timexes if t.sent_idx == si and t.value is not None]
    if tx:
        period = min(tx, key=lambda t: min(abs(t.start - span.end_char), abs(span.start_char - t.end)))
    if status == "pace" and period is None and article.published:
        from datetime import date as _d
        y = article.published.year
        period_start, period_end, period_text = _d(y, 1, 1), _d(y, 12, 31), "this year"
    else:
        period_start = period.value if period else None
        period_end = period.end_value if period else None
        period_text = period.text if period else None
    actors = sorted({m.country for m in mentions if m.sent_idx == si and m.country and m.actor_id})
    ev = [e for e in events if e.sent_idx == si]
    speaker = next(((e.speaker_id, e.speaker_text) for e in ev if e.speaker_id), (None, None))
    return Claim(
        id=record_id(article.id, span.start_char, span.end_char, unit),
        article_id=article.id, sent_idx=si, sent_start=sent.start_char, sent_end=sent.end_char,
        start=span.start_char, end=span.end_char, text=span.text, value=value, unit=unit, measure=measure,
        qualifier=qual, actors=actors, period_start=period_start, period_end=period_end, period_text=period_text,
        status=status, speaker_id=speaker[0], speaker_text=speaker[1], event_id=ev[0].id if ev else None,
        confidence=0.7 if measure else 0.4, evidence=sent.text,
    )


def _link_references(doc: Doc, claims: list[Claim]) -> None:
    """"we have exceeded this mark, with trade reaching $108 billion" → refers_to the earlier target."""
    text = doc.text
    for i, cl in enumerate(claims):
        if not _REFER.search(text[cl.sent_start:cl.sent_end]):
            continue
        for prev in reversed(claims[:i]):
            if prev.status == "target" and (prev.measure == cl.measure or cl.measure is None) and prev.unit == cl.unit:
                cl.refers_to = prev.id
                if cl.period_start is None:   # "exceeded this mark": the same period as the mark
                    cl.period_start, cl.period_end, cl.period_text = prev.period_start, prev.period_end, prev.period_text
                break


def stage(doc: Doc, res: ArticleResult, kb: Any) -> None:
    """Claims stage: quantities with measure, period, status and speaker."""
    res.claims = find_claims(doc, res.article, res.mentions, res.timexes, res.events, kb)
