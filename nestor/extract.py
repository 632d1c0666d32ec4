"""Per-article extraction: a pure function of (article, parsed doc, knowledge).

This is what both engines call (the local pool and Spark's ``mapPartitions``); it knows nothing
about them. Stages run in data-flow order: dates (which may estimate a missing publication date),
actors, events, claims, accords.
"""
from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc

from . import accords, actors, claims, events, when
from .knowledge import Knowledge
from .models import Article, ArticleResult, Entity, Sentence


def extract(article: Article, doc: Doc, kb: Knowledge) -> ArticleResult:
    art = replace(article)
    res = ArticleResult(article=art)
    sents = list(doc.sents)
    limit = kb.settings.max_sentences
    if len(sents) > limit:
        res.warnings.append(f"{len(sents)} sentences: only the first {limit} are coded (setting max_sentences)")
    if art.truncated:
        res.warnings.append(f"text cut to {kb.settings.max_article_chars} characters (setting max_article_chars)")
    res.sentences = [Sentence(art.id, i, s.start_char, s.end_char) for i, s in enumerate(sents)]
    sent_of = {}
    for i, s in enumerate(sents):
        for t in range(s.start, s.end):
            sent_of[t] = i
    res.entities = [Entity(art.id, sent_of.get(e.start, 0), e.start_char, e.end_char, e.label_, e.text)
                    for e in doc.ents]
    res.timexes, estimate = when.resolve_dates(doc, art, kb)
    if estimate is not None and art.published is None:
        art.published = estimate.date
        art.date_source = "estimated"
        art.date_confidence = estimate.confidence
        art.date_evidence = estimate.evidence
    res.mentions = actors.resolve(doc, art, kb.actors)
    res.events = events.code_events(doc, art, res.mentions, res.timexes, kb)
    res.claims = claims.find_claims(doc, art, res.mentions, res.timexes, res.events, kb)
    res.accords = accords.find_accords(doc, art, res.mentions, res.events, kb)
    return res
