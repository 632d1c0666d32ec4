"""Cue words (``nestor/data/claims.yaml``) and the quantity grammar shared by claims and accords.

``parse_amount`` reads an amount as written into an :class:`Amount` (central value, unit,
qualifier, and a low/high interval for ranges and vague plurals). The grammar, with every word
list in the ``number_words`` table of the data file:

* digits with a scale word ("$83.5 billion", "100bn", "1,250 tonnes");
* number words: units and tens ("twenty-five"), groups that multiply ("three dozen" = 36,
  "a couple of" = 2, "two hundred and ten"), scales ("two million");
* fractions: "two thirds" = 0.667, "a quarter" = 0.25, "half" (unit ``fraction``);
* vague plurals: "dozens of" (at least 24), "hundreds", "tens of thousands" (at least 20,000):
  the lower bound as value, qualifier ``over``, ``low`` set and ``high`` open;
* ranges: "10 to 15", "20-25", "between ten and twenty", "$2-3 billion" (a scale after the
  second number applies to both): the midpoint as value, ``low``/``high`` kept, qualifier
  ``range`` unless another one is written;
* qualifiers (``qualifiers`` table): "nearly three dozen" = 36 with qualifier ``nearly``;
  "over", "about", "some", "up to", ...

``parse_quantity`` is the short form (value, unit, qualifier). ``find_cue`` finds which key of a
cue table a phrase names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[a-z]+|[%$€£¥]|[-–—]")


@dataclass(frozen=True)
class Amount:
    value: float | None
    unit: str
    qualifier: str | None = None
    low: float | None = None
    high: float | None = None


@lru_cache(maxsize=1)
def cues() -> dict[str, Any]:
    """The cue data (a pure, read-only file: cached per process)."""
    return yaml.safe_load(resources.files("nestor").joinpath("data/claims.yaml").read_text("utf-8"))


def find_cue(words: str, table: dict[str, list[str]]) -> str | None:
    """The first key of ``table`` one of whose cue words occurs in ``words`` as a whole word."""
    for key, cue_list in table.items():
        if cue_list and _cue_pattern(tuple(cue_list)).search(words):
            return key
    return None


@lru_cache(maxsize=4096)
def _cue_pattern(cue_list: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the cues as a whole word, one pattern per list built once per process (find_cue runs
    per number and sentence)."""
    return re.compile(r"(?<![\w$])(?:" + "|".join(re.escape(c) for c in cue_list) + r")(?!\w)")


@lru_cache(maxsize=256)
def _word_pattern(words: tuple[str, ...], letters_only: bool = False) -> re.Pattern[str]:
    """Any of ``words`` not inside a longer word (``letters_only``: not between letters), built once."""
    edge = "[a-z]" if letters_only else r"\w"
    return re.compile(rf"(?<!{edge})(?:" + "|".join(re.escape(w) for w in words) + rf")(?!{edge})")


def qualifier_of(text: str) -> str | None:
    """The qualifier a phrase writes ("nearly", "more than", "some"), as a key of the table."""
    low = text.lower()
    for q, words in cues()["qualifiers"].items():
        if words and _word_pattern(tuple(words)).search(low):
            return q
    return None


@dataclass
class _Expr:
    value: float
    start: int            # token index range in the token list
    end: int
    fraction: bool = False
    vague: bool = False
    scaled: bool = False


def _exprs(toks: list[str]) -> list[_Expr]:
    """Number expressions in a token list, left to right."""
    nw = cues()["number_words"]
    units, groups, scales = nw["units"], nw["groups"], nw["scales"]
    fractions, vague = nw["fractions"], nw["vague"]
    digit_scales = cues()["scales"]
    out: list[_Expr] = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < n else ""
        starts = (t[0].isdigit() or t in units or t in groups or t in vague or t in fractions and t.endswith("s") or
                  t in ("a", "an", "half") and (nxt in groups or nxt in scales or nxt in fractions or
                                                 nxt in ("dozen", "couple")))
        if t == "half" and nxt not in ("a", "an"):
            starts = True
        if not starts:
            i += 1
            continue
        j, total, current = i, 0.0, None
        fraction = is_vague = scaled = False
        last_scale = float("inf")
        while j < n:
            w = toks[j]
            if w[0].isdigit() and current is None and total == 0 and j == i:
                current = float(w.replace(",", ""))
                # "100bn", "3.5 million", "2m": a scale glued to or right after the digits
                if j + 1 < n and toks[j + 1] in digit_scales:
                    current *= float(digit_scales[toks[j + 1]])
                    scaled = True
                    last_scale = float(digit_scales[toks[j + 1]])
                    j += 1
            elif w in ("a", "an") and j == i:
                current = 1.0
            elif w in units:
                prev = toks[j - 1] if j > i else ""
                if current is None:
                    current = float(units[w])
                elif prev in ("and", "-") or prev in scales or \
                        (prev in units and units[prev] >= 20 and units[prev] % 10 == 0 and units[w] < 10) or \
                        (prev == "hundred" and current % 100 == 0):
                    current += float(units[w])     # "twenty-five", "two hundred and ten", "a hundred five"
                else:
                    break
            elif w == "-" and j > i and toks[j - 1] in units and j + 1 < n and toks[j + 1] in units and \
                    units[toks[j - 1]] >= 20 and units[toks[j + 1]] < 10:
                pass                                   # "twenty-five"
            elif w in groups:
                current = (current if current is not None else 1.0) * float(groups[w])
                if w in ("couple", "pair") and j + 1 < n and toks[j + 1] == "of":
                    j += 1
            elif w in scales and float(scales[w]) < last_scale:
                total += (current if current is not None else 1.0) * float(scales[w])
                last_scale = float(scales[w])
                current = None
                scaled = True
            elif w in fractions and (current is not None or j == i):
                current = (current if current is not None else 1.0) / float(fractions[w])
                fraction = True
                j += 1
                break
            elif w in vague and (current is None and total == 0):
                current = float(vague[w])
                is_vague = True
                # "tens of thousands", "hundreds of millions"
                if j + 2 < n and toks[j + 1] == "of" and (toks[j + 2] in vague or toks[j + 2] in scales):
                    mult = toks[j + 2]
                    current *= float(scales.get(mult) or scales.get(mult.rstrip("s")) or 1)
                    j += 2
            elif w == "and" and j > i and toks[j - 1] in ("hundred", *scales) and j + 1 < n and toks[j + 1] in units:
                pass                                   # "two hundred and ten"
            else:
                break
            j += 1
        if current is None and total == 0 and j == i + 1 and toks[i] in ("a", "an"):
            i += 1
            continue
        value = total + (current or 0.0)
        if j > i:
            out.append(_Expr(value, i, j, fraction, is_vague, scaled))
            i = j
        else:
            i += 1
    return out


def parse_amount(text: str) -> Amount:
    """("nearly three dozen") → Amount(36, "count", "nearly"); ("$2-3 billion") → 2.5e9 USD, range."""
    low = text.lower().replace("\u00a0", " ").replace("\u2019", "'")
    qual = qualifier_of(low)
    toks = _TOKEN.findall(low)
    exprs = _exprs(toks)
    unit = _unit(low)
    if not exprs:
        return Amount(None, unit, qual)
    first = exprs[0]
    # a range: "10 to 15", "20-25", "between ten and twenty", "$2 billion to $3 billion"
    if len(exprs) > 1:
        second = exprs[1]
        gap = toks[first.end:second.start]
        gap = [g for g in gap if g not in ("$", "€", "£", "¥")]
        between = first.start > 0 and toks[first.start - 1] in ("between", "from")
        if gap in (["-"], ["–"], ["—"], ["to"]) or (gap == ["and"] and between) or (gap == ["to"] and between):
            lo, hi = first.value, second.value
            if second.scaled and not first.scaled:
                # the scale written once after the second number applies to both
                lo *= second.value / max(1.0, _unscaled(toks, second))
            if lo > hi:
                lo, hi = hi, lo
            u = "fraction" if second.fraction and unit == "count" else unit
            return Amount((lo + hi) / 2, u, qual or "range", lo, hi)
    if first.fraction and unit == "count":
        return Amount(round(first.value, 4), "fraction", qual)
    if first.vague:
        return Amount(first.value, unit, qual or "over", first.value, None)
    return Amount(first.value, unit, qual)


def _unscaled(toks: list[str], e: _Expr) -> float:
    """The value of an expression without its scale word ("3 billion" → 3)."""
    sub = [t for t in toks[e.start:e.end] if t not in cues()["scales"] and t not in cues()["number_words"]["scales"]]
    got = _exprs(sub)
    return got[0].value if got and got[0].value else 1.0


_SYMBOLS = ("$", "€", "£", "¥")


def _unit(low: str) -> str:
    c = cues()
    if "%" in low or "percent" in low or "per cent" in low:
        return "percent"
    for code, words in c["currencies"].items():
        if any(w in low for w in words if w in _SYMBOLS):
            return code
        names = tuple(w for w in words if w not in _SYMBOLS)
        if names and _word_pattern(names, letters_only=True).search(low):
            return code
    return "count"


def parse_quantity(text: str) -> tuple[float | None, str, str | None]:
    """("$108 billion") → (1.08e11, "USD", None); ("29.9 percent") → (29.9, "percent", None)."""
    a = parse_amount(text)
    return a.value, a.unit, a.qualifier
