"""Accords: named documents signed, adopted or concluded, with parties, domain and count.

A document is a noun phrase headed by a document noun (``documents`` in
``nestor/data/claims.yaml``: agreement, joint statement, communique, memorandum, contract, ...)
that is the object of a signing verb ("signed a Joint Statement on ...") or the subject of a
passive one ("an agreement ... was signed", "a contract ... were also concluded"). Its title is
the phrase with its "on/for/between/of ..." tail, without the determiner and without coordinated
siblings (each is its own accord). "a set of 20 agreements" / "more than a dozen documents" /
"14 statements, protocols, memoranda and agreements" are one accord of doc_type ``set`` with
``count``. Parties: the countries named in the title ("between the Government of X and ..."),
else the source and target of the AGREE event of the sentence, which is also ``event_id``.
"""
from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span, Token

from ..models import Accord, Article, ArticleResult, Event, Mention, record_id
from .quantities import cues, find_cue, parse_quantity


def _doc_type(tok: Token, c: dict) -> str | None:
    words = " ".join(t.lower_ for t in tok.lefts if t.dep_ in ("compound", "amod")) + " " + tok.lower_
    for kind, nouns in c["documents"].items():
        if tok.lower_ in nouns or tok.lemma_.lower() in nouns or words.strip() in nouns:
            return kind
    return None


_FUNCTION = {"on", "of", "and", "the", "for", "in", "with", "between", "a", "an", "to", "at", "by", "from"}


def _title(doc: Doc, tok: Token, sent: Span) -> Span:
    """The document's name: its modifiers to the left, then its tail to the right up to a
    clause boundary (a finite verb, punctuation, or "and a/an/the" starting another item).
    Capitalised titles ("Joint Statement on ... in the Modern Age") run while words are
    capitalised or function words; gerunds after a preposition ("for building") stay in."""
    start = tok.i
    while start > sent.start and doc[start - 1].dep_ in ("compound", "amod", "nmod") and not doc[start - 1].is_punct:
        start -= 1
    capital = tok.text[:1].isupper()
    end = tok.i + 1
    while end < sent.end and end - tok.i < 30:
        t = doc[end]
        if t.is_punct and t.text not in ("-", "–", "’", "'"):
            break
        if t.lower_ == "and" and end + 1 < sent.end and doc[end + 1].lower_ == "the" and not capital and \
                not any(x.lower_ == "between" for x in doc[tok.i:end]):
            break
        if t.tag_ in ("WDT", "WP") or t.lower_ in ("that", "which", "who"):
            break
        if t.lower_ == "and" and end + 1 < sent.end and doc[end + 1].lower_ in ("a", "an"):
            break
        # participles modifying a noun of the title stay in ("on liquefied natural gas", "for building")
        if t.pos_ in ("VERB", "AUX") and not (t.tag_ in ("VBG", "VBN") and (doc[end - 1].lower_ in _FUNCTION or
                                                                              t.dep_ == "amod" or
                                                                              t.text[:1].isupper())):
            if not (capital and t.text[:1].isupper()):
                break
        if capital and not (t.text[:1].isupper() or t.lower_ in _FUNCTION or t.like_num or t.text in "-–’'"):
            break
        end += 1
    while end - 1 > tok.i and (doc[end - 1].lower_ in _FUNCTION or doc[end - 1].is_punct):
        end -= 1
    return doc[start:end]


def _count(tok: Token) -> int | None:
    for ch in tok.children:
        if ch.i > tok.i:
            continue   # "units 1 and 2": numbers after the noun are part of a name, not a count
        if ch.dep_ in ("nummod", "quantmod") or (ch.dep_ == "amod" and ch.like_num):
            v, _, _ = parse_quantity(" ".join(t.text for t in ch.subtree))
            return int(v) if v else None
    return None


def find_accords(doc: Doc, article: Article, mentions: list[Mention], events: list[Event], kb: Any) -> list[Accord]:
    c = cues()
    verbs = set(c["sign_verbs"])
    out: list[Accord] = []
    for si, sent in enumerate(doc.sents):
        if not any(v.lemma_.lower() in verbs and v.pos_ in ("VERB", "AUX") for v in sent):
            continue
        heads = [t for t in sent if t.dep_ in ("dobj", "nsubjpass", "conj", "appos") and t.pos_ in ("NOUN", "PROPN")
                 and (_doc_type(t, c) or t.lower_ in c["set_nouns"])]
        taken: list[tuple[int, int]] = []
        for h in heads:
            if any(a <= h.i < b for a, b in taken):
                continue
            # "a set/range/package of 20 agreements"
            count = None
            head_doc = h
            if h.lower_ in c["set_nouns"]:
                inner = [pc for p in h.children if p.dep_ == "prep" and p.lower_ == "of" for pc in p.children
                         if pc.dep_ == "pobj"]
                if not inner:
                    continue
                head_doc = inner[0]
                count = _count(head_doc) or _count(h)
            dt = _doc_type(head_doc, c)
            if dt is None:
                continue
            if count is None:
                count = _count(head_doc)
            plural = head_doc.tag_ in ("NNS", "NNPS") or count is not None
            # "more than a dozen documents" / "14 statements, protocols, ... and agreements"
            if plural and count is None:
                pre = doc[max(sent.start, head_doc.left_edge.i):head_doc.i].text
                v, _, _ = parse_quantity(pre)
                count = int(v) if v else None
            title_span = _title(doc, h, sent)
            kind = "set" if plural and count else dt
            # a counted list "14 statements, protocols, memoranda and agreements" is one set: its
            # coordinated nouns are members of the set, not accords of their own
            conjs = [t for t in head_doc.conjuncts if t.i > head_doc.i and _doc_type(t, c)]
            if kind == "set" and conjs:
                title_span = doc[title_span.start:max(title_span.end, max(t.i for t in conjs) + 1)]
            taken.append((title_span.start, title_span.end))
            ev = [e for e in events if e.sent_idx == si and e.event_type == "AGREE"]
            title_mentions = [m for m in mentions if m.sent_idx == si and m.country and m.actor_id and
                              title_span.start_char <= m.start < title_span.end_char]
            parties = sorted({m.country for m in title_mentions}) or sorted(
                {x for e in ev for x in (e.source_code, e.target_code) if x})
            domain = find_cue(title_span.text.lower(), c["domains"])
            if domain is None and kind == "set":
                domain = find_cue(sent.text.lower(), c["domains"])
            out.append(Accord(
                id=record_id(article.id, title_span.start_char, title_span.end_char),
                article_id=article.id, sent_idx=si, sent_start=sent.start_char, sent_end=sent.end_char,
                start=title_span.start_char, end=title_span.end_char, title=title_span.text, doc_type=kind,
                parties=parties, domain=domain, count=count, date=ev[0].date if ev else article.published,
                event_id=ev[0].id if ev else None, confidence=0.8 if ev else 0.6, evidence=sent.text,
            ))
    return out


def stage(doc: Doc, res: ArticleResult, kb: Any) -> None:
    """Accords stage: named documents signed or adopted, tied to their events."""
    res.accords = find_accords(doc, res.article, res.mentions, res.events, kb)
