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

from bisect import bisect_left

from spacy.tokens import Doc, Span, Token


class _View:
    __slots__ = ("doc", "_text", "_tokens", "_sents", "_ents", "_ent_starts", "_sent_starts")

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._text: str | None = None
        self._tokens: list[Token] | None = None
        self._sents: list[Span] | None = None
        self._ents: tuple[Span, ...] | None = None
        self._ent_starts: list[int] | None = None
        self._sent_starts: list[int] | None = None


_slot: list[_View | None] = [None]


def _view(doc: Doc) -> _View:
    v = _slot[0]
    if v is None or v.doc is not doc:
        v = _slot[0] = _View(doc)
    return v


def reset(doc: Doc) -> None:
    """Forget what was computed for ``doc`` (start of an extraction)."""
    _slot[0] = _View(doc)


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


def sent_starts(doc: Doc) -> list[int]:
    """The first token of each sentence, in order."""
    v = _view(doc)
    if v._sent_starts is None:
        v._sent_starts = [s.start for s in sents(doc)]
    return v._sent_starts


def ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``."""
    v = _view(doc)
    if v._ents is None:
        v._ents = doc.ents
        v._ent_starts = [e.start for e in v._ents]
    return v._ents


def ents_in(span: Span) -> list[Span]:
    """``span.ents`` (the entities wholly inside ``span``), without a walk over all of the doc's."""
    all_ents = ents(span.doc)
    starts = _view(span.doc)._ent_starts
    assert starts is not None
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
