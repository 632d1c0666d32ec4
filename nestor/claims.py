"""Claims: quantities with what they measure (issue: Claims and accords). Interface only."""
from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from .models import Article, Claim, Event, Mention, TimeExpr


def find_claims(doc: Doc, article: Article, mentions: list[Mention], timexes: list[TimeExpr],
                events: list[Event], kb: Any) -> list[Claim]:
    return []
