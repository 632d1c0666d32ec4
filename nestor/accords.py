"""Accords: named documents signed (issue: Claims and accords). Interface only."""
from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from .models import Accord, Article, Event, Mention


def find_accords(doc: Doc, article: Article, mentions: list[Mention], events: list[Event], kb: Any) -> list[Accord]:
    return []
