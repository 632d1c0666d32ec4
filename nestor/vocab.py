"""The closed vocabularies every layer shares: event categories and the typed values of records.

Views (api, web, export) import these instead of the event coder, so listing events never loads
spaCy or the pattern files. The category list is checked against the ontology file by a test.
"""
from __future__ import annotations

from typing import Literal

CATEGORIES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
              "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")

# Typed values of record fields (nestor/models.py). The store keeps them as VARCHAR; mypy checks
# that code only ever writes one of these.
ArticleStatus = Literal["ok", "duplicate", "non_english", "too_long", "error"]
Precision = Literal["day", "month", "year", "range", "unknown"]
Modality = Literal["asserted", "planned", "pledged", "hypothetical", "conditional", "denied", "reported"]
ClaimStatus = Literal["achieved", "target", "forecast", "pace", "record"]
