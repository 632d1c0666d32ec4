"""Event coding over the dependency parse: who did what to whom, PLOVER 2.0 with CAMEO codes.

For each verb (and a few nominal triggers) the coder looks up the patterns of the lexicon
(``data/patterns*.yaml``: verb lemma, optional particle and required object), then reads the
grammatical roles:

* **source** = the subject (inherited through ``xcomp``/``conj``: "agreed to expand"); in the
  passive, the ``by`` agent; "X and Y met" (coordination or a group mention such as "the two
  leaders") gives **reciprocal** pairs for the patterns marked ``reciprocal``;
* **target** = the places the pattern names: the direct object, a preposition ("talks *with* Y",
  "sanctions *on* Y"), the object's possessor ("rejected X's proposal") or "between X and Y";
* **what is asserted**: negation ("did not", "refused to"), modality (``will`` → planned, or
  pledged when the actor commits itself — a leader's "we will expand cooperation" or "agreed to",
  "vowed to"; could/might → hypothetical; "if" → conditional; "denied" → denied) and **reported
  speech**: under "X said ..." the speaker is X; when the speaker is not the actor the event is
  ``reported``; "we" inside a quote is the speaker.
* Opposition verbs ("oppose", "reject") are REJECT events of their own: the opposed action
  ("further sanctions") is never coded as if it had happened, since nouns are triggers only in
  the nominal patterns listed.

An event needs a coded source actor (country, IGO, or person with an office); precision first.
Confidence weights are data (``closed_class.yaml``). Modules: :mod:`.ontology` (the data files),
:mod:`.syntax` (parse helpers), :mod:`.modality`, :mod:`.slots` (who fills source and target),
:mod:`.coder` (the :class:`Coder` of one article). docs/events.md tells how to add an entry.
"""
from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from ...models import Article, ArticleResult, Event, Mention, TimeExpr
from .coder import Coder
from .ontology import Ontology, Pattern

__all__ = ["Coder", "Ontology", "Pattern", "code_events", "stage"]


def code_events(doc: Doc, article: Article, mentions: list[Mention], timexes: list[TimeExpr], kb: Any) -> list[Event]:
    """All events the article asserts, reports or plans, each with its evidence sentence."""
    return Coder(doc, article, mentions, timexes, kb).run()


def stage(doc: Doc, res: ArticleResult, kb: Any) -> None:
    """Events stage: coded events from the article's mentions and time expressions."""
    res.events = code_events(doc, res.article, res.mentions, res.timexes, kb)
