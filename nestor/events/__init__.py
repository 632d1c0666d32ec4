"""Event coding (issue: Event coding). Interface only for now."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from ..models import Article, Event, Mention, TimeExpr


@dataclass(frozen=True)
class Ontology:
    @classmethod
    def load(cls) -> "Ontology":
        return cls()


def code_events(doc: Doc, article: Article, mentions: list[Mention], timexes: list[TimeExpr], kb: Any) -> list[Event]:
    return []
