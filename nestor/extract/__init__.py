"""Per-article extraction: a pure function of (article, parsed doc, knowledge).

This is what both engines call (the local pool and Spark's ``mapPartitions``); it knows nothing
about them. Every stage has one signature, ``stage(doc, result, kb)``: it reads what earlier stages
put on the :class:`ArticleResult` and adds its own records. ``extract`` is a loop over ``STAGES``,
in data-flow order: dates (which may estimate a missing publication date), actors, events, where
(the events' places), claims, accords.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from spacy.tokens import Doc

from ..knowledge import Knowledge
from ..models import Article, ArticleResult, Entity, Sentence
from . import accords, actors, claims, docview, events, when, where

Stage = Callable[[Doc, ArticleResult, Knowledge], None]

STAGES: tuple[Stage, ...] = (when.stage, actors.stage, events.stage, where.stage, claims.stage, accords.stage)


def extract(article: Article, doc: Doc, kb: Knowledge) -> ArticleResult:
    """Every record of one article. ``article`` is not changed: the result holds a copy."""
    res = ArticleResult(article=replace(article))
    docview.reset(doc, article.text)    # what the stages read from the doc, computed once for this doc
    _sentences(doc, res, kb)
    for stage in STAGES:
        stage(doc, res, kb)
    return res


def _sentences(doc: Doc, res: ArticleResult, kb: Knowledge) -> None:
    """Sentences and named entities as records, with the warnings about limits."""
    art = res.article
    sents = docview.sents(doc)
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
                    for e in docview.ents(doc)]
