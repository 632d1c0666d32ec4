"""What every stage reads from the parsed doc, computed once per doc instead of once per use.

spaCy rebuilds ``Doc.text`` (a join over new Token objects), ``Doc.sents`` (new Spans),
``Doc.ents`` and ``Span.ents`` (a walk over every entity of the doc) on every access, and
``doc[i]`` or ``for t in doc`` make a new Token object each time. The stages asked for these
hundreds of times per article; these helpers hand out one copy per doc.

The copies are kept for the last doc asked about (one slot, checked by identity, so the doc
stays alive while it is there); :func:`extract` calls :func:`reset` first so that a doc changed
between two extractions is read afresh. What they return is shared: callers must not change the
lists (copy them first).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

import numpy
from spacy.attrs import DEP, HEAD
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token


class _View:
    __slots__ = ("doc", "_text", "_tokens", "_sents", "_ents", "_ent_starts", "_sent_starts", "_heads_with", "_ids",
                 "memo")

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._text: str | None = None
        self._tokens: list[Token] | None = None
        self._sents: list[Span] | None = None
        self._ents: tuple[Span, ...] | None = None
        self._ent_starts: list[int] | None = None
        self._sent_starts: list[int] | None = None
        self._heads_with: dict[str, frozenset[int]] = {}
        self._ids: dict[str, list[int]] = {}
        #: per-doc results of pure functions of the doc, keyed by the caller (see :func:`memo`)
        self.memo: dict[object, object] = {}


_slot: list[_View | None] = [None]


def _view(doc: Doc) -> _View:
    v = _slot[0]
    if v is None or v.doc is not doc:
        v = _slot[0] = _View(doc)
    return v


def reset(doc: Doc, text: str | None = None) -> None:
    """Forget what was computed for ``doc`` (start of an extraction). ``text``: the string the doc
    was made from, if the caller has it (spaCy's tokenizer keeps every character, so ``Doc.text``
    is that string); used only where it fits the doc (:func:`_made_from`)."""
    v = _slot[0] = _View(doc)
    if text is not None and _made_from(doc, text):
        v._text = text


def _made_from(doc: Doc, text: str) -> bool:
    """A cheap check that ``text`` is the doc's (the callers parse the article's text): the same
    length, and the first and last tokens where they stand in it."""
    if not len(doc):
        return text == ""
    first, last = doc[0], doc[len(doc) - 1]
    return (last.idx + len(last.text_with_ws) == len(text) and text.startswith(first.text, first.idx)
            and text.startswith(last.text, last.idx))


def text(doc: Doc) -> str:
    """``doc.text``."""
    v = _view(doc)
    if v._text is None:     # as Doc.text does, over the Token objects made once for tokens()
        v._text = "".join(t.text_with_ws for t in tokens(doc))
    return v._text


def tokens(doc: Doc) -> list[Token]:
    """``list(doc)``: index it instead of ``doc[i]``, iterate it instead of ``doc``."""
    v = _view(doc)
    if v._tokens is None:
        v._tokens = list(doc)
    return v._tokens


def sents(doc: Doc) -> list[Span]:
    """``list(doc.sents)``."""
    v = _view(doc)
    if v._sents is None:
        v._sents = list(doc.sents)
    return v._sents


def sent_of(tok: Token) -> Span:
    """``tok.sent`` (which spaCy finds by walking the sentence starts on every access)."""
    doc = tok.doc
    return sents(doc)[bisect_right(sent_starts(doc), tok.i) - 1]


def heads_with(doc: Doc, dep: str) -> frozenset[int]:
    """The indices of the tokens that have a child labelled ``dep``: ``t.i in heads_with(doc, d)``
    is ``any(c.dep_ == d for c in t.children)``, from the doc's arrays."""
    v = _view(doc)
    got = v._heads_with.get(dep)
    if got is None:
        arr = doc.to_array([HEAD, DEP])
        offsets = arr[:, 0].view(numpy.int64).tolist()   # the head's offset from the token (0: a root)
        want = get_string_id(dep)
        got = v._heads_with[dep] = frozenset(i + off for i, (off, d) in
                                              enumerate(zip(offsets, arr[:, 1].tolist(), strict=True))
                                              if d == want and off != 0)
    return got


def ids(doc: Doc, attr: str) -> list[int]:
    """Every token's value of ``attr`` ("POS", "DEP", "TAG"...) as spaCy's integer ids, from the doc's
    array: ``ids(doc, "POS")[t.i] == t.pos``; compare with ``spacy.symbols`` or
    ``spacy.strings.get_string_id`` instead of reading ``t.pos_`` token by token."""
    v = _view(doc)
    got = v._ids.get(attr)
    if got is None:
        got = v._ids[attr] = doc.to_array([attr]).reshape(len(doc), -1)[:, 0].tolist() if len(doc) else []
    return got


_LOWER: dict[int, str] = {}     # a string id → the string in lower case (the vocabulary's strings)
_STR: dict[int, str] = {}       # a string id → the string


def strings(doc: Doc, attr: str) -> list[str]:
    """Every token's value of a string attribute as a string: ``strings(doc, "LOWER")[t.i] ==
    t.lower_`` (also "ORTH" for ``t.text``, "LEMMA", "TAG", "DEP"...), one look-up per distinct id."""
    v = _view(doc)
    key = ("strings", attr)
    got = v.memo.get(key)
    if got is None:
        store = doc.vocab.strings
        if len(_STR) > 500_000:
            _STR.clear()
        out = []
        for k in ids(doc, attr):
            s = _STR.get(k)
            if s is None:
                s = _STR[k] = store[k]
            out.append(s)
        got = v.memo[key] = out
    return got  # type: ignore[return-value]


def lemmas_lower(doc: Doc) -> list[str]:
    """Every token's ``t.lemma_.lower()``, from the doc's lemma ids (one look-up per distinct lemma)."""
    v = _view(doc)
    got = v.memo.get("lemmas_lower")
    if got is None:
        strings = doc.vocab.strings
        if len(_LOWER) > 500_000:
            _LOWER.clear()
        out = []
        for k in ids(doc, "LEMMA"):
            low = _LOWER.get(k)
            if low is None:
                low = _LOWER[k] = strings[k].lower()
            out.append(low)
        got = v.memo["lemmas_lower"] = out
    return got  # type: ignore[return-value]


def memo(doc: Doc) -> dict[object, object]:
    """A dictionary that lives as long as the doc's view: for results that depend on the doc alone
    (a sentence's dateline tokens), computed once per doc instead of once per verb."""
    return _view(doc).memo


def sent_starts(doc: Doc) -> list[int]:
    """The first token of each sentence, in order."""
    v = _view(doc)
    if v._sent_starts is None:
        v._sent_starts = [s.start for s in sents(doc)]
    return v._sent_starts


def ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``."""
    return _ents_of(_view(doc))[0]


def _ents_of(v: _View) -> tuple[tuple[Span, ...], list[int]]:
    """The entities and their start tokens, from one view (safe if another thread swaps the slot)."""
    got, starts = v._ents, v._ent_starts
    if got is None or starts is None:
        got = tuple(v.doc.ents)
        starts = [e.start for e in got]
        v._ents, v._ent_starts = got, starts
    return got, starts


def ents_in(span: Span) -> list[Span]:
    """``span.ents`` (the entities wholly inside ``span``), without a walk over all of the doc's."""
    all_ents, starts = _ents_of(_view(span.doc))
    out = []
    # as Span.ents: from the first entity starting in the span, up to the first that ends past it
    for k in range(bisect_left(starts, span.start), len(all_ents)):
        e = all_ents[k]
        if e.end > span.end:
            break
        out.append(e)
    return out


def span_text(span: Span) -> str:
    """``span.text``, cut from the doc's text instead of joined token by token."""
    if span.start >= span.end:
        return ""
    return text(span.doc)[span.start_char:span.end_char]


def span_tokens(span: Span) -> list[Token]:
    """``list(span)``, from the doc's one list of tokens."""
    return tokens(span.doc)[span.start:span.end]
