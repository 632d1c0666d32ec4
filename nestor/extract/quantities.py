"""Cue words (``nestor/data/claims.yaml``) and the quantity grammar shared by claims and accords.

``parse_quantity`` reads "$108 billion", "29.9 percent" or "a dozen" as (value, unit, qualifier);
``find_cue`` finds which key of a cue table a phrase names. Claims and accords both read counts and
document nouns with them, so they live below both stages.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

_NUM = re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
_WORDNUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "a dozen": 12, "fifteen": 15, "twenty": 20,
            "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "two dozen": 24, "nearly two dozen": 24}


@lru_cache(maxsize=1)
def cues() -> dict[str, Any]:
    """The cue data (a pure, read-only file: cached per process)."""
    return yaml.safe_load(resources.files("nestor").joinpath("data/claims.yaml").read_text("utf-8"))


def find_cue(words: str, table: dict[str, list[str]]) -> str | None:
    """The first key of ``table`` one of whose cue words occurs in ``words`` as a whole word."""
    for key, cue_list in table.items():
        for c in cue_list:
            if re.search(rf"(?<![\w$]){re.escape(c)}(?!\w)", words):
                return key
    return None


def parse_quantity(text: str) -> tuple[float | None, str, str | None]:
    """("$108 billion") → (1.08e11, "USD", None); ("29.9 percent") → (29.9, "percent", None)."""
    c = cues()
    low = text.lower().replace("\u00a0", " ")
    qual = None
    for q, words in c["qualifiers"].items():
        if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low) for w in words):
            qual = q
            break
    m = _NUM.search(low)
    if m:
        value = float(m.group("num").replace(",", ""))
    else:
        value = None
        for w, v in sorted(_WORDNUM.items(), key=lambda kv: -len(kv[0])):
            if re.search(rf"\b{w}\b", low):
                value = float(v)
                break
    if value is not None:
        for s, mult in c["scales"].items():
            if re.search(rf"(?<=[\d\s]){re.escape(s)}\b", low):
                value *= float(mult)
                break
    if "%" in low or "percent" in low or "per cent" in low:
        return value, "percent", qual
    for code, words in c["currencies"].items():
        for w in words:
            if (w in ("$", "€", "£", "¥") and w in low) or re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", low):
                return value, code, qual
    return value, "count", qual
