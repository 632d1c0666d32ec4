"""Drop-ins for spaCy's ``attribute_ruler`` and rule ``lemmatizer`` that give the same token
attributes, faster (:class:`FastAttributeRuler`, :class:`FastLemmatizer` at the end).

spaCy's AttributeRuler runs a Matcher over every token with all its patterns (179 in the English
pipelines: tag-to-POS maps, contractions, a few dependency rules), calls a Python predicate for each
``IN``/``REGEX`` test, builds a Span per match and sets the attributes match by match. About a sixth
of the whole spaCy pass went there (docs/scale.md, "Where the time goes").

:class:`FastAttributeRuler` is built from the loaded pipeline's own ruler (its patterns, normalised
attributes and indices), so it follows whatever model is installed. Each token is reduced to the
tuple of the attributes the patterns test (e.g. LOWER, TAG, DEP, IS_SPACE); the patterns are
evaluated once per distinct tuple and the result is cached, so a token costs a dict look-up. The
rare multi-token patterns (``gon na``, ``let 's``, ``there is``) are checked where their first
token's tuple matches. Attributes are then applied exactly as the stock component does: matches in
the order of their rule id (later rules win), each writing its attributes on the token at its
index, all of them evaluated on the attributes as they were before any rule applied.

Patterns it cannot evaluate exactly (quantifiers ``OP``, operators other than ``IN``, ``NOT_IN``
and ``REGEX``, attributes other than :data:`_STRING_KEYS` and :data:`_BOOL_KEYS`, extension
attributes) make :func:`build` return ``None`` with the reason logged, and the stock component
stays. tests/test_nlp_fast.py checks token-for-token identity with the stock pipeline.

Measured on 150 benchmark articles, CPU seconds (docs/scale.md): attribute_ruler 1.41-1.83 ->
0.11-0.13, the whole ``nlp.pipe`` pass 10.9-12.5 -> 9.9.
"""
from __future__ import annotations

import logging
import re
from typing import Any

import numpy
from spacy.attrs import IDS, LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

log = logging.getLogger("nestor")

# Token attributes whose values are string hashes in the Matcher (compared by hash, REGEX on text).
_STRING_KEYS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER", "NORM": "NORM", "TAG": "TAG", "DEP": "DEP"}
# Lexical flags, 0 or 1.
_BOOL_KEYS = ("IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE",
              "LIKE_NUM", "IS_STOP")
_CACHE_MAX = 500_000   # distinct token tuples kept; cleared past this (a long run's vocabulary)


class _Unsupported(Exception):
    pass


def _compile_spec(spec: dict, keys: list[str], strings: Any) -> list[tuple[int, str, Any]]:
    """One token spec of a Matcher pattern -> [(column, op, value)], ops: eq, in, not_in, regex."""
    tests = []
    for key, value in spec.items():
        k = key.upper() if isinstance(key, str) else key
        if k in _STRING_KEYS:
            name, is_str = _STRING_KEYS[k], True
        elif k in _BOOL_KEYS:
            name, is_str = k, False
        else:
            raise _Unsupported(f"pattern key {key!r}")
        if name not in keys:
            keys.append(name)
        col = keys.index(name)
        if isinstance(value, dict):
            if len(value) != 1:
                raise _Unsupported(f"{key!r} with operators {sorted(value)}")
            (op, arg), = value.items()
            if op in ("IN", "NOT_IN") and is_str and all(isinstance(v, str) for v in arg):
                tests.append((col, op.lower(), frozenset(get_string_id(v) for v in arg)))
            elif op == "REGEX" and is_str and isinstance(arg, str):
                tests.append((col, "regex", re.compile(arg)))
            else:
                raise _Unsupported(f"{key!r}: {op} {arg!r}")
        elif isinstance(value, bool) and not is_str:
            tests.append((col, "eq", int(value)))
        elif isinstance(value, str) and is_str:
            tests.append((col, "eq", strings.add(value)))
        else:
            raise _Unsupported(f"{key!r}: {value!r}")
    return tests


class FastAttributeRuler:
    """Applies an AttributeRuler's rules with a per-token-tuple cache (see the module docstring)."""

    def __init__(self, name: str, vocab: Any):
        self.name = name
        self.vocab = vocab
        self.load([])
        self._loaded = False    # made by the factory alone (e.g. a pipeline read back from disk)

    def load(self, rules: list[tuple[int, list[dict], dict, int]]) -> None:
        """Compile ``rules``: (rule id, Matcher pattern, normalised attrs {attr id: value}, index).
        Raises _Unsupported when a pattern cannot be evaluated exactly."""
        self._keys: list[str] = []
        single: list[tuple[int, list]] = []           # (rule id, tests)
        multi: list[tuple[int, list[list], int]] = []  # (rule id, tests per position, target offset)
        written: list[int] = []
        for rid, pattern, attrs, index in rules:
            if not pattern:
                raise _Unsupported("an empty pattern")
            if any(not isinstance(s, dict) or "OP" in s or "op" in s or "_" in s for s in pattern):
                raise _Unsupported(f"rule {rid}: quantifiers or extension attributes")
            n = len(pattern)
            if not -n <= index < n:
                raise _Unsupported(f"rule {rid}: index {index} outside its pattern")
            tests = [_compile_spec(s, self._keys, self.vocab.strings) for s in pattern]
            if any(not isinstance(a, int) for a in attrs):
                raise _Unsupported(f"rule {rid}: attrs {sorted(map(str, attrs))}")
            for a in attrs:
                if a not in written:
                    written.append(a)
            if n == 1:
                single.append((rid, tests[0]))
            else:
                multi.append((rid, tests, index % n))
        self._single = single
        self._multi = multi
        self._attrs = {rid: attrs for rid, _, attrs, _ in rules}
        self._written = written
        self._col = {a: j for j, a in enumerate(written)}
        self._key_ids = [IDS[k] for k in self._keys]
        self._cache: dict[tuple, tuple[tuple[int, ...], frozenset, tuple[int, ...]]] = {}
        self._folds: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}
        self._loaded = True

    # --- matching, once per distinct token tuple
    def _test(self, tests: list, row: tuple) -> bool:
        strings = self.vocab.strings
        for col, op, arg in tests:
            v = row[col]
            if op == "eq":
                if v != arg:
                    return False
            elif op == "in":
                if v not in arg:
                    return False
            elif op == "not_in":
                if v in arg:
                    return False
            elif not arg.search(strings[v]):
                return False
        return True

    def _classify(self, row: tuple) -> tuple[tuple[int, ...], frozenset, tuple[int, ...]]:
        """(single-token rules matching, {(multi rule, position)} matching, multi rules it can start)."""
        rids = tuple(rid for rid, tests in self._single if self._test(tests, row))
        pos = frozenset((m, j) for m, (_, specs, _) in enumerate(self._multi)
                        for j, tests in enumerate(specs) if self._test(tests, row))
        return rids, pos, tuple(m for m, j in sorted(pos) if j == 0)

    def _fold(self, rids: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        """The attributes rules ``rids`` leave on a token, applied in rule-id order."""
        out = self._folds.get(rids)
        if out is None:
            final: dict[int, int] = {}
            for rid in sorted(rids):
                final.update(self._attrs[rid])
            out = self._folds[rids] = tuple((self._col[a], v) for a, v in final.items())
        return out

    def __call__(self, doc: Doc) -> Doc:
        if not self._loaded:
            raise RuntimeError(f"{self.name}: nestor's attribute ruler has no rules (it is not saved with "
                               "the pipeline); load the pipeline with nestor.nlp.load_model")
        n = len(doc)
        if not n or not self._written:
            return doc
        rows = [tuple(r) for r in doc.to_array(self._key_ids).tolist()]
        cache = self._cache
        if len(cache) > _CACHE_MAX:
            cache.clear()
        info = []
        for row in rows:
            hit = cache.get(row)
            if hit is None:
                hit = cache[row] = self._classify(row)
            info.append(hit)
        # multi-token rules: (target token, rule id)
        extra: dict[int, list[int]] = {}
        multi = self._multi
        for s, hit in enumerate(info):
            for m in hit[2]:
                rid, specs, offset = multi[m]
                if s + len(specs) <= n and all((m, j) in info[s + j][1] for j in range(1, len(specs))):
                    extra.setdefault(s + offset, []).append(rid)
        cur = doc.to_array(self._written).tolist()
        fold = self._fold
        for i, (rids, _, _) in enumerate(info):
            if i in extra:
                rids = rids + tuple(extra[i])
            if rids:
                row = cur[i]
                for col, v in fold(rids):
                    row[col] = v
        doc.from_array(self._written, numpy.array(cur, dtype=numpy.uint64))
        return doc

    def pipe(self, stream, batch_size: int = 128):
        for doc in stream:
            yield self(doc)


def _rules(stock: Any) -> list[tuple[int, list[dict], dict, int]]:
    rules = []
    for rid, attrs in enumerate(stock.attrs):
        _, patterns = stock.matcher.get(str(rid))
        for pattern in patterns:
            rules.append((rid, pattern, attrs, stock.indices[rid]))
    return rules


@Language.factory("nestor_attribute_ruler")
def _factory(nlp: Language, name: str) -> FastAttributeRuler:
    """An empty ruler; :func:`swap_in` loads the stock component's rules into it."""
    return FastAttributeRuler(name, nlp.vocab)


def swap_in(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Replace ``nlp``'s stock attribute ruler by the fast one if its patterns allow; True if swapped.
    Otherwise the stock component stays and the reason is logged (debug)."""
    if name not in nlp.pipe_names:
        return False
    stock = nlp.get_pipe(name)
    if not hasattr(stock, "matcher") or not hasattr(stock, "attrs") or not hasattr(stock, "indices"):
        log.debug("keeping %s: not a spaCy AttributeRuler", name)
        return False
    try:
        rules = _rules(stock)
        FastAttributeRuler(name, nlp.vocab).load(rules)      # validate before touching the pipeline
    except (_Unsupported, KeyError, TypeError, ValueError) as e:
        log.debug("keeping spaCy's %s: its patterns use %s, which the fast ruler does not evaluate", name, e)
        return False
    fast = nlp.replace_pipe(name, "nestor_attribute_ruler")
    fast.load(rules)
    return True


class FastLemmatizer:
    """spaCy's rule lemmatizer, applied from arrays: the same cache (keyed, as spaCy keys it, by
    ORTH, POS and MORPH), the same ``lemmatize`` for a token the cache lacks, in the same token
    order, so the cache fills exactly as it would and every lemma is the same; a cache hit costs
    a dict look-up instead of a Token object and two method calls. Forms spaCy does not cache
    (a base form is its lower-cased text, decided from POS and MORPH) are kept in a second
    cache of the same key, which spaCy's never holds, so the two never disagree."""

    def __init__(self, name: str, stock: Any) -> None:
        self.name = name
        self.stock = stock
        # what spaCy computes afresh every time because its cache skips it (base forms, spaces):
        # the answer depends on the same (ORTH, POS, MORPH) alone, so it is kept here
        self._uncached: dict[tuple[int, int, int], list[str]] = {}

    def __call__(self, doc: Doc) -> Doc:
        if self.stock is None:
            raise RuntimeError(f"{self.name}: nestor's lemmatizer wraps spaCy's and is not saved with the "
                               "pipeline; load the pipeline with nestor.nlp.load_model")
        n = len(doc)
        if not n:
            return self.stock(doc)
        st = self.stock
        cache, lemmatize, overwrite, add = st.cache, st.lemmatize, st.overwrite, doc.vocab.strings.add
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        lemmas = [r[3] for r in rows]
        mine = self._uncached
        if len(mine) > _CACHE_MAX:
            mine.clear()
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if overwrite or lemma == 0:
                key = (orth, pos, morph)
                forms = cache.get(key) or mine.get(key)
                if forms is None:
                    forms = lemmatize(doc[i])
                    if key not in cache:
                        mine[key] = forms
                lemmas[i] = add(forms[0])
        doc.from_array([LEMMA], numpy.array(lemmas, dtype=numpy.uint64))
        return doc

    def pipe(self, stream, batch_size: int = 128):
        for doc in stream:
            yield self(doc)


def swap_in_lemmatizer(nlp: Language, name: str = "lemmatizer") -> bool:
    """Wrap ``nlp``'s rule lemmatizer in :class:`FastLemmatizer`; True if done. Another mode
    (lookup, pos_lookup) or a lemmatizer that is not spaCy's keeps the stock component."""
    if name not in nlp.pipe_names:
        return False
    stock = nlp.get_pipe(name)
    lemmatize = getattr(stock, "lemmatize", None)
    rule = getattr(type(stock), "rule_lemmatize", None)
    if getattr(stock, "mode", None) != "rule" or rule is None or getattr(lemmatize, "__func__", None) is not rule \
            or not isinstance(getattr(stock, "cache", None), dict):
        log.debug("keeping spaCy's %s: not the rule lemmatizer", name)
        return False
    stock(Doc(nlp.vocab, words=["x"], pos=["NOUN"]))        # validates its tables, as its first call would
    stock.cache.clear()
    i = nlp.pipe_names.index(name)
    nlp.replace_pipe(name, "nestor_lemmatizer")
    nlp.get_pipe(name).stock = stock
    assert nlp.pipe_names[i] == name
    return True


@Language.factory("nestor_lemmatizer")
def _lemmatizer_factory(nlp: Language, name: str) -> FastLemmatizer:
    """Empty; :func:`swap_in_lemmatizer` gives it the stock component to apply."""
    return FastLemmatizer(name, None)
