"""Actors: knowledge base and resolution of mentions (issue: Actors). Interface only for now."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from ..models import Article, Mention


@dataclass(frozen=True)
class ActorKB:
    @classmethod
    def load(cls, extra: str | None = None) -> "ActorKB":
        return cls()


def resolve(doc: Doc, article: Article, kb: ActorKB) -> list[Mention]:
    return []
