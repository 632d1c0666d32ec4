"""Dates: temporal expressions and publication-date estimation (issue: When). Interface only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from spacy.tokens import Doc

from .models import Article, TimeExpr


@dataclass(frozen=True)
class PubDateEstimate:
    date: date
    confidence: float
    evidence: str


def resolve_dates(doc: Doc, article: Article, kb: Any) -> tuple[list[TimeExpr], PubDateEstimate | None]:
    return [], None
