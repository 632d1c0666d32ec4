"""Accords: named documents signed, adopted or concluded, with parties, domain, count and set.

Word lists are in ``nestor/data/claims.yaml`` (``documents``, ``sign_verbs``, ``list_verbs``,
``announce_words``, ``vague_tails``, ``anaphora``, ``set_nouns``). Four ways a document is found:

1. **In a sentence**: a noun phrase headed by a document noun that a signing verb governs: its
   object ("signed a Joint Statement on ..."), the subject of a passive one ("an agreement ...
   was signed"), a noun it modifies ("the documents signed", "the signed deal"), or an item
   listed after "the documents signed include: ...". A document noun with no signing verb in
   reach is no accord ("the agreement has been debated"), nor is a vague span: an uncounted
   plural or a generic noun with no title ("signed documents after the talks"), a group noun
   without a number ("a series of documents"), or a press statement ("statements to the press").
2. **Counted sets**: "two joint statements", "nearly three dozen agreements" (count 36,
   ``count_qualifier`` nearly), "a set of 20 agreements", "14 statements, protocols and
   agreements" are one record of doc_type ``set``; the coordinated nouns are member types,
   not accords. A member named in an appositive ("two statements, one to ...") is its own
   record with ``set_id``.
3. **Lists**: a heading line that announces documents ("Key Agreements Signed", "The documents
   signed include:") followed by lines that each start with a document noun: every line is an
   accord, typed by its head noun, and member of a set record for the heading. A colon list in
   one sentence ("... include: a joint statement on X; a memorandum on Y") works the same way.
4. **Anaphora**: "the other statement", "the second document" name a member of the last
   announced set (a new member record if the set had fewer named members than its count);
   "both documents", "the two agreements" refer to the whole set (its ``refs`` gets the sentence).

Titles run to the end of the title phrase: capitalised titles while words are capitalised or
function words, through possessives ("of the People's Republic of China") and "and the Russian
Federation on ..."; lower-case titles up to a clause boundary. Parties are the countries named in
the title, else the source and target of the sentence's AGREE event (also ``event_id``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from ..models import Accord, Article, ArticleResult, Event, Mention, record_id
from . import docview
from .claims import main_dyad
from .quantities import cues, find_cue, parse_amount

_FUNCTION = {"on", "of", "and", "the", "for", "in", "with", "between", "a", "an", "to", "at", "by", "from"}
_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣∙*\-–—]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s*")
_ANAPHOR_WINDOW = 8       # sentences after a set in which "the other statement" may refer to it


def _doc_type(tok: Token, c: dict) -> str | None:
    low = tok.lower_
    last, every = _doc_words(c["documents"])
    if low not in last and low not in every and tok.lemma_.lower() not in every and low.split() == [low]:
        return None     # most tokens: no document noun ends with them (the same answer, without tok.lefts)
    words = " ".join(t.lower_ for t in tok.lefts if t.dep_ in ("compound", "amod")) + " " + tok.lower_
    for kind, nouns in c["documents"].items():
        if words.strip() in nouns:
            return kind
    for kind, nouns in c["documents"].items():
        if tok.lower_ in nouns or tok.lemma_.lower() in nouns:
            return kind
    return None


_DOC_WORDS: dict[int, tuple[Any, frozenset[str], frozenset[str]]] = {}


def _doc_words(documents: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """(last words, all nouns) of the document nouns: a token that is neither, whose lemma is no
    noun, cannot be a document noun whatever its modifiers. Built once per table."""
    got = _DOC_WORDS.get(id(documents))
    if got is None or got[0] is not documents:
        nouns = [n for ns in documents.values() for n in ns]
        got = (documents, frozenset(n.split(" ")[-1] for n in nouns), frozenset(nouns))
        _DOC_WORDS[id(documents)] = got
    return got[1], got[2]


@lru_cache(maxsize=64)
def _any_word(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for "one of these words or phrases, as a whole word" (built once per list)."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


def _title(doc: Doc, tok: Token, sent: Span) -> Span:
    """The document's name: its modifiers to the left, then its tail to the right up to a
    clause boundary (a finite verb, punctuation, or "and a/an/the" starting another item).
    Capitalised titles ("Joint Statement on ... in the Modern Age") run while words are
    capitalised, function words or possessives ("of the People's Republic of China and the
    Russian Federation on ..."); gerunds after a preposition ("for building") stay in."""
    start = tok.i
    while start > sent.start and doc[start - 1].dep_ in ("compound", "amod", "nmod") and not doc[start - 1].is_punct:
        start -= 1
    capital = tok.text[:1].isupper()
    preps = set(cues()["title_preps"])
    stops = set(cues()["title_stops"])

    def nxt_is_verb(k: int) -> bool:
        for j in range(k + 1, min(sent.end, k + 3)):
            if doc[j].tag_ == "VB":
                return True
            if doc[j].pos_ != "ADV":
                return False
        return False

    end = tok.i + 1
    seen_of = False
    while end < sent.end and end - tok.i < 40:
        t = doc[end]
        if t.tag_ == "POS" or t.text in ("'s", "’s"):
            end += 1          # "People's Republic", "Japan's Government"
            continue
        if t.is_punct and t.text not in ("-", "–", "’", "'"):
            break
        if not capital and t.lower_ in stops:
            break             # "nearly three dozen agreements following negotiations ..."
        if t.pos_ in ("ADP", "SCONJ") and not capital and t.lower_ not in preps:
            break             # "documents after the talks", "an agreement despite ..."
        if t.lower_ == "to" and nxt_is_verb(end):
            break             # "10 agreements to further develop ties": a purpose clause, not the title
        if t.lower_ in ("to", "and") and not capital and _next_noun_is_document(doc, end, sent):
            break             # "ranged from joint statements on X to agreements on Y": the next item
        if t.pos_ == "ADP" and _names_time_or_place(t, capital):
            break             # "agreements on Monday", "a contract in Lima"
        if t.lower_ in ("of", "between"):
            seen_of = True
        nxt = doc[end + 1] if end + 1 < sent.end else None
        nxt2 = doc[end + 2] if end + 2 < sent.end else None
        if t.lower_ == "and" and nxt is not None and nxt.lower_ == "the" and not capital and \
                not (seen_of and nxt2 is not None and nxt2.text[:1].isupper()):
            break
        if t.tag_ in ("WDT", "WP") or t.lower_ in ("that", "which", "who"):
            break
        if t.lower_ == "and" and nxt is not None and nxt.lower_ in ("a", "an"):
            break
        # participles modifying a noun of the title stay in ("on liquefied natural gas", "for building")
        if t.pos_ in ("VERB", "AUX") and not (t.tag_ in ("VBG", "VBN") and (doc[end - 1].lower_ in _FUNCTION or
                                                                              t.dep_ == "amod" or
                                                                              (t.dep_ == "acl" and t.head == tok and
                                                                               t.tag_ == "VBG") or
                                                                              t.text[:1].isupper())) and \
                not (capital and t.text[:1].isupper()):
            break
        if capital and not (t.text[:1].isupper() or t.lower_ in _FUNCTION or t.like_num or t.text in "-–’'"):
            break
        end += 1
    while end - 1 > tok.i and (doc[end - 1].lower_ in _FUNCTION or doc[end - 1].is_punct):
        end -= 1
    return doc[start:end]


_CALENDAR = re.compile(r"\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|"
                       r"may|june|july|august|september|october|november|december", re.IGNORECASE)


def _next_noun_is_document(doc: Doc, k: int, sent: Span) -> bool:
    for j in range(k + 1, min(sent.end, k + 4)):
        if doc[j].pos_ in ("DET", "ADJ", "NUM"):
            continue
        return doc[j].pos_ == "NOUN" and _doc_type(doc[j], cues()) is not None
    return False


def _names_time_or_place(prep: Token, capital: bool = False) -> bool:
    """"on Monday", "in 2019", "in Lima", "at the Kremlin": a preposition whose object is a date,
    time or place ends a title ("agreement on Syria" names its topic and stays). In a capitalised
    title only a calendar date ends it ("... in the Modern Age" stays)."""
    objs = [c for c in prep.children if c.dep_ == "pobj"]
    if not objs:
        return False
    ent = objs[0].ent_type_
    if capital:
        return ent in ("DATE", "TIME") and bool(_CALENDAR.search(" ".join(t.text for t in objs[0].subtree)))
    if ent in ("DATE", "TIME"):
        return True
    return prep.lower_ in ("in", "at", "during") and ent in ("GPE", "LOC", "FAC")


def _count(tok: Token) -> tuple[int | None, str | None]:
    """The number before a document noun: ("two joint statements") → (2, None); "nearly three
    dozen" → (36, "nearly")."""
    for ch in tok.children:
        if ch.i > tok.i:
            continue   # "units 1 and 2": numbers after the noun are part of a name, not a count
        if ch.dep_ in ("nummod", "quantmod") or (ch.dep_ == "amod" and ch.like_num):
            sub = list(ch.subtree)
            a = parse_amount(" ".join(t.text for t in sub))
            if a.qualifier is None and sub[0].i > 0:
                a2 = parse_amount(" ".join(t.text for t in tok.doc[max(0, sub[0].i - 2):sub[-1].i + 1]))
                if a2.value == a.value:
                    a = a2
            return (int(a.value) if a.value and a.value >= 1 else None), a.qualifier
    return None, None


def _noun_phrase(tok: Token) -> str:
    """"important joint statements" → "joint statement" (the member type, singular)."""
    mods = [t.lower_ for t in tok.lefts if t.dep_ in ("compound", "amod") and t.lower_ in ("joint", "framework")]
    return " ".join([*mods, tok.lemma_.lower()])


@dataclass
class _Set:
    accord: Accord
    sent_idx: int
    noun: str                       # the member type as a phrase: "joint statement"
    doc_type: str                   # the members' doc_type
    members: list[Accord] = field(default_factory=list)
    head_i: int = -1                # the token of the set's noun


class _Finder:
    def __init__(self, doc: Doc, article: Article, mentions: list[Mention], events: list[Event]) -> None:
        self.doc, self.article, self.mentions, self.events = doc, article, mentions, events
        self.c = cues()
        self.verbs = set(self.c["sign_verbs"])
        self.sents = docview.sents(doc)
        self.text = article.text          # Doc.text rebuilds the string on every access
        self.out: list[Accord] = []
        self.sets: list[_Set] = []
        self.taken: list[tuple[int, int]] = []        # token ranges already inside a record

    # -- records ------------------------------------------------------------------------------
    def _record(self, si: int, span: Span | tuple[int, int], title: str, kind: str, *, count: int | None = None,
                count_qualifier: str | None = None, set_id: str | None = None, parties: list[str] | None = None,
                domain_text: str | None = None, confidence: float | None = None) -> Accord:
        sent = self.sents[si]
        start_char, end_char = (span.start_char, span.end_char) if isinstance(span, Span) else span
        ev = [e for e in self.events if e.sent_idx == si and e.event_type == "AGREE"]
        if parties is None:
            title_mentions = [m for m in self.mentions if m.sent_idx == si and m.country and m.actor_id and
                              m.kind != "region" and start_char <= m.start < end_char]
            parties = sorted({m.country for m in title_mentions if m.country}) or sorted(
                {x for e in ev for x in (e.source_code, e.target_code) if x})
        domain = find_cue(title.lower(), self.c["domains"])
        if domain is None and domain_text is not None:
            domain = find_cue(domain_text.lower(), self.c["domains"])
        a = Accord(
            id=record_id(self.article.id, start_char, end_char), article_id=self.article.id, sent_idx=si,
            sent_start=sent.start_char, sent_end=sent.end_char, start=start_char, end=end_char, title=title,
            doc_type=kind, parties=parties, domain=domain, count=count, count_qualifier=count_qualifier,
            set_id=set_id, date=ev[0].date if ev and ev[0].date else (self.article.published or
                                                                     self.article.published_from),
            event_id=ev[0].id if ev else None,
            confidence=confidence if confidence is not None else (0.8 if ev else 0.6), evidence=docview.span_text(sent),
        )
        self.out.append(a)
        return a

    def _same_as(self, title: str, kind: str, count: int | None = None) -> Accord | None:
        """An earlier accord of the article that this title names again: equal titles, or a title
        that begins the other ("joint statement on strategic stability" / "Joint Statement on
        Strategic Stability in the Modern Age"), of the same type."""
        norm = " ".join(re.findall(r"\w+", title.lower()))
        if kind == "set":
            # "would sign 20 agreements" ... "a set of 20 agreements was signed": one set
            return next((x.accord for x in self.sets if x.accord.count == count and count), None)
        if not norm:
            return None
        for a in self.out:
            if a.doc_type != kind:
                continue
            other = " ".join(re.findall(r"\w+", a.title.lower()))
            if norm == other or (len(norm.split()) >= 4 and (other.startswith(norm) or norm.startswith(other))
                                 and len(other.split()) >= 4):
                return a
        return None

    def _in_taken(self, i: int) -> bool:
        return any(a <= i < b for a, b in self.taken)

    # -- what signs a document ----------------------------------------------------------------
    def _signer(self, tok: Token) -> Token | None:
        """The signing verb in reach of a document noun, or None."""
        t = tok
        for _ in range(8):
            for ch in t.children:
                if ch.lemma_.lower() in self.verbs and (ch.dep_ in ("acl", "relcl") or
                                                         (ch.dep_ == "amod" and ch.tag_ == "VBN")):
                    return ch       # "the documents signed", "agreements that were signed", "the signed deal"
            if t.dep_ in ("conj", "appos", "pobj", "prep", "compound", "npadvmod", "nmod", "amod"):
                if t.dep_ == "prep" and t.head.pos_ in ("VERB", "AUX") and \
                        t.head.lemma_.lower() in self.c["list_verbs"]:
                    return self._listed_by(t.head)   # "the documents signed ranged from X to Y"
                t = t.head
                continue
            if t.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "nsubj", "dative"):
                v = t.head
                if v.lemma_.lower() in self.verbs and v.pos_ in ("VERB", "AUX") and t.dep_ != "nsubj":
                    return v
                if v.lemma_.lower() in self.c["list_verbs"] and t.dep_ != "nsubj":
                    # "the documents signed include: a joint statement ..., a memorandum ..."
                    return self._listed_by(v)
                return None
            return None
        return None

    def _listed_by(self, v: Token) -> Token | None:
        """The signing verb of the announcing subject of a list verb ("the documents signed include")."""
        for subj in v.children:
            if subj.dep_ in ("nsubj", "nsubjpass") and (_doc_type(subj, self.c) or subj.lower_ in self.c["set_nouns"]):
                s = self._signer(subj)
                if s is not None:
                    return s
        return None

    def _follows_title(self, tok: Token) -> bool:
        """A document noun coordinated after a title already found: "... New Era and a Joint
        Statement on ..." (the parser often hangs the second title inside the first)."""
        j = tok.left_edge.i - 1
        while j > 0 and self.doc[j].pos_ == "DET":
            j -= 1
        if j <= 0 or self.doc[j].lower_ not in ("and", ",", "as well as"):
            return False
        return any(b == j for _, b in self.taken)

    def _unreal(self, verb: Token) -> bool:
        """"if they can reach a deal", "did not sign", "failed to sign the treaty": no signing."""
        words = set(self.c["irrealis"])
        t = verb
        for _ in range(3):
            for ch in t.children:
                if ch.dep_ in ("mark", "neg") and ch.lower_ in words:
                    return True
            if t.lemma_.lower() in words:
                return True
            if t.dep_ in ("xcomp", "conj", "ccomp", "acl", "advcl") and t.head is not t:
                t = t.head          # "the failure ... to conclude an agreement"
                continue
            break
        return t.lemma_.lower() in words

    def _announcer(self, tok: Token) -> Token | None:
        """For an item of "the documents signed include: ...", the announcing noun."""
        t = tok
        while t.dep_ in ("conj", "appos") and t.head is not t:
            t = t.head
        if t.dep_ == "pobj" and t.head.dep_ == "prep":
            t = t.head          # "ranged from joint statements ... to agreements ..."
        v = t.head
        if t.dep_ in ("dobj", "attr", "prep") and v.lemma_.lower() in self.c["list_verbs"]:
            for subj in v.children:
                if subj.dep_ in ("nsubj", "nsubjpass") and (_doc_type(subj, self.c) or
                                                            subj.lower_ in self.c["set_nouns"]):
                    return subj
        return None

    def _recent_set(self, si: int) -> _Set | None:
        for s in reversed(self.sets):
            if 0 <= si - s.sent_idx <= _ANAPHOR_WINDOW:
                return s
        return None

    # -- 1 and 2: documents in a sentence -------------------------------------------------------
    def sentence(self, si: int, sent: Span) -> None:
        doc, c = self.doc, self.c
        if not any(v.lemma_.lower() in self.verbs for v in docview.span_tokens(sent)):
            return
        heads = [t for t in docview.span_tokens(sent) if t.dep_ in ("dobj", "nsubjpass", "conj", "appos", "pobj", "nsubj", "attr")
                 and t.pos_ in ("NOUN", "PROPN") and (_doc_type(t, c) or t.lower_ in c["set_nouns"])]
        announced: dict[int, _Set] = {}
        for h in heads:
            if self._in_taken(h.i):
                continue
            if h.i > sent.start + 1 and doc[h.i - 1].text == "(" and self._in_taken(h.i - 2):
                continue            # "memorandum of understanding (MoU)": the same document abbreviated
            signer = self._signer(h)
            if signer is None and self._follows_title(h):
                signer = h          # "... a Joint Statement on X and a Joint Statement on Y"
            if signer is None or self._unreal(signer):
                continue
            count, cq = None, None
            head_doc = h
            if h.lower_ in c["set_nouns"]:
                inner = [pc for p in h.children if p.dep_ == "prep" and p.lower_ == "of" for pc in p.children
                         if pc.dep_ == "pobj"]
                if not inner:
                    continue
                head_doc = inner[0]
                count, cq = _count(head_doc)
                if count is None:
                    count, cq = _count(h)
                if count is None:
                    a = parse_amount(doc[h.left_edge.i:h.i + 1].text)
                    if a.value and a.value >= 1 and (a.qualifier or h.ent_type_ == "CARDINAL"):
                        count, cq = int(a.value), a.qualifier   # "dozens of documents": at least 24
                if count is None:
                    continue        # "a series of documents": a vague group, no accord
            dt = _doc_type(head_doc, c)
            if dt is None:
                continue
            if count is None:
                count, cq = _count(head_doc)
            plural = head_doc.tag_ in ("NNS", "NNPS") or count is not None
            if plural and count is None:
                # "more than a dozen documents" / "14 statements, protocols, ... and agreements"
                pre = doc[max(sent.start, head_doc.left_edge.i):head_doc.i]
                if pre.text.strip():
                    a = parse_amount(pre.text)
                    if a.value and a.value >= 1:
                        count, cq = int(a.value), a.qualifier
            dets = {t.lower_ for t in head_doc.lefts if t.dep_ in ("det", "predet", "preconj")}
            if dets & {"the", "these", "those", "both", "all"} and self._recent_set(si) is not None and plural:
                continue            # "the two documents", "both agreements": anaphora to the announced set
            title_span = _title(doc, h, sent)
            tail = doc[head_doc.i + 1:title_span.end].text.lower() if title_span.end > head_doc.i + 1 else ""
            if any(tail.startswith(v) for v in c["vague_tails"]):
                continue            # "statements to the press"
            kind = "set" if plural and count else dt
            generic = head_doc.lower_ in c["documents"]["document"] or head_doc.lemma_.lower() in ("statement",)
            if kind != "set" and not tail and (plural or generic) and not head_doc.text[:1].isupper():
                continue            # "signed documents", "a statement": no title, no count
            conjs = [t for t in head_doc.conjuncts if t.i > head_doc.i and _doc_type(t, c)]
            if kind == "set" and conjs:
                title_span = doc[title_span.start:max(title_span.end, max(t.i for t in conjs) + 1)]
            if kind == "set":
                # the count belongs to the set's title: "nearly three dozen agreements"
                nums = [t for t in head_doc.lefts if t.dep_ in ("nummod", "quantmod") or t.like_num]
                if nums and h is head_doc:
                    lead = min(t.left_edge.i for t in nums)
                    title_span = doc[min(lead, title_span.start):title_span.end]
            set_id = None
            # "20 agreements, including agreements on nuclear energy": members of the counted set
            if h.dep_ == "pobj" and h.head.lower_ in ("including", "include", "among"):
                owner = next((x for x in self.sets if x.sent_idx == si and x.head_i == h.head.head.i), None)
                if owner is not None and kind != "set":
                    set_id = owner.accord.id
            ann = self._announcer(h)
            if ann is not None and kind != "set":
                st = announced.get(ann.i)
                if st is None:
                    a_span = doc[ann.left_edge.i:ann.i + 1]
                    rec = self._record(si, a_span, doc[ann.i:ann.i + 1].text + " " + " ".join(
                        t.text for t in ann.children if t.dep_ in ("acl", "relcl")), "set", domain_text=docview.span_text(sent))
                    st = _Set(rec, si, "document", "document")
                    announced[ann.i] = st
                    self.sets.append(st)
                set_id = st.accord.id
            self.taken.append((title_span.start, title_span.end))
            same = self._same_as(title_span.text, kind, count)
            if same is not None:
                if si not in same.refs and si != same.sent_idx:
                    same.refs.append(si)    # "the joint communique" again: the same document
                first = next((x for x in self.sets if x.accord is same), None)
                if first is not None:       # its members may be named here ("including ...")
                    self.sets.append(_Set(same, si, first.noun, first.doc_type, first.members, head_i=h.i))
                continue
            rec = self._record(si, title_span, title_span.text, kind, count=count if kind == "set" else None,
                               count_qualifier=cq if kind == "set" else None, set_id=set_id,
                               domain_text=docview.span_text(sent) if kind == "set" else None)
            if set_id is not None and ann is None:
                next(x for x in self.sets if x.accord.id == set_id).members.append(rec)
            if ann is not None and set_id is not None:
                st = announced[ann.i]
                st.members.append(rec)
                st.accord.count = len(st.members)
            if kind == "set":
                st = _Set(rec, si, _noun_phrase(head_doc), dt, head_i=h.i)
                self.sets.append(st)
                self._appositive_members(st, head_doc, sent, si)

    def _appositive_members(self, st: _Set, head: Token, sent: Span, si: int) -> None:
        """"two joint statements, one to deepen ties, the other on security": named members."""
        doc = self.doc
        for ch in head.children:
            if ch.dep_ == "appos" and ch.lower_ in ("one", "first"):
                end = ch.i + 1
                while end < sent.end and not (doc[end].is_punct and doc[end].text not in ("-", "–")) and \
                        doc[end].lower_ not in ("and", "while", "but"):
                    end += 1
                span = doc[ch.i:end]
                desc = doc[ch.i + 1:end].text
                rec = self._record(si, span, f"{st.noun} {desc}".strip(), st.doc_type, set_id=st.accord.id,
                                   parties=list(st.accord.parties), domain_text=desc, confidence=0.6)
                st.members.append(rec)

    # -- 3: lists under a heading ----------------------------------------------------------------
    def _starts_line(self, sent: Span) -> bool:
        i = sent.start_char
        return i == 0 or "\n" in self.text[max(0, i - 3):i]

    def _announces(self, si: int, sent: Span) -> bool:
        text = docview.span_text(sent).strip()
        low = text.lower()
        words = self.c["announce_words"]
        if not words or not _any_word(tuple(words)).search(low):
            return False
        if not any(_doc_type(t, self.c) or t.lower_ in ("outcomes", "deliverables") for t in docview.span_tokens(sent)):
            return False
        if text.endswith(":"):
            return True
        # a heading: a short line of its own without a final full stop
        return self._starts_line(sent) and len(text.split()) <= 10 and not text.endswith((".", "!", "?", ";", ","))

    def _line_item(self, sent: Span) -> Token | None:
        """The document noun a list line starts with ("Joint statement on ...", "1. Memorandum ...")."""
        if not self._starts_line(sent):
            return None
        n = 0
        for t in docview.span_tokens(sent):
            if t.is_punct or t.like_num or t.pos_ in ("DET", "SPACE") or _BULLET.fullmatch(t.text):
                continue
            n += 1
            if n > 4:
                return None
            if t.pos_ in ("NOUN", "PROPN") and _doc_type(t, self.c) and (t.dep_ not in ("compound", "amod") or
                                                                          not _doc_type(t.head, self.c)):
                return t
        return None

    def lists(self) -> None:
        doc = self.doc
        si = 0
        while si < len(self.sents):
            sent = self.sents[si]
            if not self._announces(si, sent):
                si += 1
                continue
            items: list[tuple[int, Span, Token]] = []
            sj = si + 1
            while sj < len(self.sents):
                item = self._line_item(self.sents[sj])
                if item is None or self._announces(sj, self.sents[sj]):
                    break           # the list ends, or a nearer heading starts its own
                line = self.sents[sj]
                start = item.i
                while start > line.start and doc[start - 1].dep_ in ("compound", "amod") and \
                        not doc[start - 1].is_punct:
                    start -= 1
                end = line.end
                while end - 1 > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
                    end -= 1
                items.append((sj, doc[start:end], item))
                sj += 1
            if not items:
                si += 1
                continue
            # the set of the heading: one already found in it ("signed 3 documents:"), else a new one
            st = next((s for s in self.sets if s.sent_idx == si), None)
            if st is None:
                head = docview.span_text(sent).strip().rstrip(":").strip()
                hs = doc.char_span(sent.start_char, sent.start_char + len(docview.span_text(sent).rstrip().rstrip(":").rstrip()),
                                   alignment_mode="expand") or sent
                rec = self._record(si, hs, head, "set", count=len(items), domain_text=" ".join(
                    s.text for _, s, _ in items))
                st = _Set(rec, si, "document", "document")
                self.sets.append(st)
            for sj, span, item in items:
                if any(a.start <= span.start_char < a.end for a in self.out if a.sent_idx == sj):
                    continue
                self.taken.append((span.start, span.end))
                rec = self._record(sj, span, span.text, _doc_type(item, self.c) or "document",
                                   set_id=st.accord.id, parties=None, confidence=0.7)
                if not rec.parties:
                    rec.parties = list(st.accord.parties)
                if rec.event_id is None:
                    rec.event_id, rec.date = st.accord.event_id, st.accord.date
                st.members.append(rec)
            if st.accord.count is None or st.accord.count < len(st.members):
                st.accord.count = len(st.members)
            si = sj

    # -- 4: anaphora ------------------------------------------------------------------------------
    def anaphora(self) -> None:
        c = self.c
        nouns = sorted({n for ns in c["documents"].values() for n in ns}, key=len, reverse=True)
        noun_rx = "|".join(re.escape(n) for n in nouns)
        members = c["anaphora"]["members"]
        # "the other statement", "the second document", "the other is ...", "one document is ..."
        member_rx = re.compile(rf"\b(?:the|this|that)\s+({'|'.join(members)})(?:\s+(one|{noun_rx})\b|"
                               rf"(?=\s+(?:is|was|to|on|for|concerns|covers|deals|focuses|addresses)\b))|"
                               rf"\b(one)\s+(?:{noun_rx})(?=\s+(?:is|was|concerns|covers|deals|focuses|addresses)\b)",
                               re.IGNORECASE)
        whole_rx = re.compile(rf"\b({'|'.join(re.escape(w) for w in c['anaphora']['whole_set'])})\s+(?:\w+\s+)?"
                              rf"({noun_rx})\b", re.IGNORECASE)
        for si, sent in enumerate(self.sents):
            for mt in member_rx.finditer(docview.span_text(sent)):
                at = sent.start_char + mt.start()
                st = self._set_before(si, at)
                if st is None:
                    continue
                which = members[(mt.group(1) or "first").lower()]
                named = sorted(st.members, key=lambda a: a.start)
                idx = len(named) if which == "next" else (len(named) - 1 if which == "last" else int(which))
                if 0 <= idx < len(named):
                    if si not in named[idx].refs:
                        named[idx].refs.append(si)
                    continue
                if st.accord.count is not None and idx >= st.accord.count:
                    continue
                end = sent.start_char + mt.end()
                if not mt.group(2):
                    # "the other is a statement of plans to ...", "the other to promote ...": its description
                    tail = re.match(r"[^,;.:]*", docview.span_text(sent)[mt.end():])
                    end += len(tail.group(0).rstrip()) if tail else 0
                span = (at, end)
                rec = self._record(si, span, docview.text(self.doc)[at:end], st.doc_type, set_id=st.accord.id,
                                   parties=list(st.accord.parties), domain_text=docview.span_text(sent), confidence=0.5)
                rec.date, rec.event_id = st.accord.date, rec.event_id or st.accord.event_id
                st.members.append(rec)
            for mt in whole_rx.finditer(docview.span_text(sent)):
                if not mt.group(2).lower().endswith("s") and mt.group(1).lower() not in ("both",):
                    continue
                st = self._set_before(si, sent.start_char + mt.start())
                if st is not None and si != st.sent_idx and si not in st.accord.refs:
                    st.accord.refs.append(si)

    def _set_before(self, si: int, at: int) -> _Set | None:
        for s in reversed(self.sets):
            if s.accord.start < at and 0 <= si - s.sent_idx <= _ANAPHOR_WINDOW:
                return s
        return None


def find_accords(doc: Doc, article: Article, mentions: list[Mention], events: list[Event], kb: Any) -> list[Accord]:
    f = _Finder(doc, article, mentions, events)
    for si, sent in enumerate(f.sents):
        f.sentence(si, sent)
    f.lists()
    f.anaphora()
    dyad = main_dyad(events, mentions)
    if dyad:
        for a in f.out:
            if len(a.parties) < 2 and set(a.parties) <= set(dyad):
                # the sentence names at most one side: the article's main dyad, marked inferred
                a.parties, a.parties_inferred = sorted(dyad), True
    return sorted(f.out, key=lambda a: (a.start, a.end))


def stage(doc: Doc, res: ArticleResult, kb: Any) -> None:
    """Accords stage: named documents signed or adopted, tied to their events."""
    res.accords = find_accords(doc, res.article, res.mentions, res.events, kb)
