"""Grammar helpers over the dependency parse that know nothing of actors or patterns: the subject
of a verb (inherited through control and coordination), prepositional objects, the chain of
governing verbs, and the lemma keys a verb is looked up under ("call on", a guessed lemma when the
small model's is wrong)."""
from __future__ import annotations

from typing import Any

from spacy.tokens import Span, Token

from .. import docview

PHRASAL_PREPS = frozenset(("on", "upon", "for", "into", "against", "down", "out", "back", "off"))
PHRASAL_ADVERBS = frozenset(("together",))


def subject(tok: Token, not_controllers: frozenset[str] = frozenset(),
            carriers: frozenset[str] = frozenset(), means_preps: frozenset[str] = frozenset()) -> tuple[list[Token], bool]:
    """(subject tokens, passive?) of a verb, inherited from governing verbs when missing. An object
    whose lemma is in ``not_controllers`` is no controller: in "took steps to release" the subject of
    "took" releases. A participle on one of the ``carriers`` (a statement noun) is said by whoever
    issued it: "issued a statement condemning X", "in a communique urging Y". A gerund after one of the
    ``means_preps`` is done by the subject of the verb it serves: "violated the truce by firing rockets"."""
    cur = tok
    for _ in range(4):
        subj = [c for c in cur.children if c.dep_ in ("nsubj", "csubj")]
        if subj:
            # "The Red Cross operating in Iraq said ...": the parser may make the participle the
            # subject; its own subject is the actor
            return [x for s in subj for x in ([s] if s.pos_ != "VERB" else
                    [c for c in s.children if c.dep_ == "nsubj"] or [s])], False
        pas = [c for c in cur.children if c.dep_ == "nsubjpass"]
        if pas:
            return pas, True
        if cur.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children) \
                and cur.head.dep_ == "dobj" and cur.head.head.pos_ in ("VERB", "AUX"):
            # "approved a decree to impose sanctions": who approved the decree imposes them
            cur = cur.head.head
            continue
        if cur.dep_ in ("acl", "relcl") and any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children) \
                and cur.head.dep_ == "attr" and cur.head.head.lemma_ == "be":
            # "Bolivia was the first country to cut ties with Israel": the subject of "be" acts
            cur = cur.head.head
            continue
        if cur.dep_ == "pcomp" and cur.head.lower_ in means_preps and cur.head.head.pos_ in ("VERB", "AUX") \
                and cur.head.head.i != cur.head.i:
            cur = cur.head.head
            continue
        if cur.dep_ == "acl" and cur.tag_ == "VBG" and cur.head.lemma_.lower() in carriers:
            # "issued a statement condemning X": the issuer condemns (a participle on any other noun
            # describes it: "arrested a man carrying explosives")
            noun = cur.head
            gov = noun.head.head if noun.dep_ == "pobj" else noun.head
            if noun.dep_ in ("dobj", "pobj", "nsubjpass") and gov.pos_ in ("VERB", "AUX") and gov.i != noun.i:
                cur = gov
                continue
        if cur.dep_ == "pcomp" and cur.head.lower_ == "of" and cur.head.head.dep_ == "dobj" \
                and cur.head.head.lemma_.lower() in not_controllers and cur.head.head.head.pos_ in ("VERB", "AUX"):
            # "took the unusual step of expelling the envoy": who took the step expels
            cur = cur.head.head.head
            continue
        if cur.dep_ in ("xcomp", "conj", "advcl", "acl") and cur.head.i != cur.i:
            if cur.dep_ == "xcomp":
                # object control: "urged Iran to release" → Iran is the subject of "release"
                objs = [c for c in cur.head.children if c.dep_ in ("dobj",) and c.i < cur.i
                        and c.lemma_.lower() not in not_controllers]
                if objs:
                    return objs, False
            cur = cur.head
            continue
        break
    return [], False


def prep_objects(tok: Token, preps: tuple[str, ...]) -> list[Token]:
    out: list[Token] = []
    for c in tok.children:
        if c.dep_ in ("prep", "agent", "dative") and c.lower_ in preps:
            # (the parser may label "to" of a recipient "dative": "accorded a welcome to X")
            out.extend(pc for pc in c.children if pc.dep_ == "pobj")
        if c.dep_ == "prt" and c.lower_ in preps:  # "call on X" parsed as particle + dobj
            out.extend(pc for pc in tok.children if pc.dep_ == "dobj")
        if c.dep_ in ("prep", "prt", "advmod") and c.lower_ not in preps:
            # "pulled out of X", "moved back from X": the preposition hangs on the particle
            out.extend(pc for cc in c.children if cc.dep_ == "prep" and cc.lower_ in preps
                       for pc in cc.children if pc.dep_ == "pobj")
    return out


def governors(tok: Token) -> list[Token]:
    out: list[Token] = []
    cur = tok
    while cur.head.i != cur.i and len(out) < 6:
        if cur.dep_ in ("xcomp", "ccomp", "conj", "advcl", "parataxis", "acl", "relcl", "pcomp", "pobj", "prep"):
            out.append(cur.head)
            cur = cur.head
        else:
            break
    return out



def lemmas(tok: Token, known: dict[str, Any]) -> list[str]:
    """The lemma, and when the tagger's lemma is unknown to the patterns a guess from the
    inflection (the small model lemmatises "staged" as "stag")."""
    lemma = tok.lemma_.lower()
    if lemma in known:
        return [lemma]
    low = tok.lower_
    guesses = []
    if low.endswith("ied"):
        guesses.append(low[:-3] + "y")
    if low.endswith("ed"):
        guesses += [low[:-1], low[:-2], low[:-3] if len(low) > 4 and low[-3] == low[-4] else low[:-2]]
    if low.endswith("ing"):
        guesses += [low[:-3], low[:-3] + "e"]
    if low.endswith("es"):
        guesses += [low[:-1], low[:-2]]
    elif low.endswith("s"):
        guesses.append(low[:-1])
    return [lemma] + [g for g in guesses if g in known and g != lemma][:1]


def verb_keys(tok: Token, known: dict[str, Any] | None = None, preps: frozenset[str] = PHRASAL_PREPS,
              adverbs: frozenset[str] = PHRASAL_ADVERBS) -> list[str]:
    found = lemmas(tok, known) if known is not None else [tok.lemma_.lower()]
    keys: list[str] = []
    for lemma in found[::-1]:
        keys += verb_keys_for(tok, lemma, preps, adverbs)
    return keys


def _is_date_phrase(prep: Token) -> bool:
    objs = [pc for pc in prep.children if pc.dep_ == "pobj"]
    return bool(objs) and all(pc.ent_type_ in ("DATE", "TIME") for pc in objs)


def verb_keys_for(tok: Token, lemma: str, preps: frozenset[str] = PHRASAL_PREPS,
                  adverbs: frozenset[str] = PHRASAL_ADVERBS) -> list[str]:
    """The keys a verb is looked up under, most specific first: "call on", "work together",
    "talk with", then the lemma itself."""
    keys = []
    # with a direct object, a preposition belongs to the object or the scene, not to the verb:
    # "gave a banquet in honour of X" is no "give in"
    has_dobj = any(c.dep_ == "dobj" for c in tok.children)
    for c in tok.children:
        if c.dep_ == "prt":
            keys.append(f"{lemma} {c.lower_}")
        if c.dep_ == "prep" and c.lower_ in preps and not _is_date_phrase(c) and not has_dobj:
            # "called the premier on Tuesday" is no "call on"
            keys.append(f"{lemma} {c.lower_}")
        if c.dep_ == "advmod" and c.lower_ in adverbs:
            keys.append(f"{lemma} {c.lower_}")
    keys.append(lemma)
    return keys



# dependents that never carry a word of a multi-word verb: other clauses and the subject
_NOT_NEAR = frozenset(("nsubj", "nsubjpass", "csubj", "ccomp", "advcl", "relcl", "conj", "cc", "punct", "parataxis",
                       "mark", "aux", "auxpass"))


def near_words(tok: Token, depth: int = 3) -> set[str]:
    """Lemmas and forms of the words that may complete a multi-word verb: the verb's dependents
    (not its subject or other clauses) down to ``depth`` ("took **aim at**", "hit **out at**",
    "took them **into custody**", "declared two envoys **persona non grata**", "ordered her **to
    leave**")."""
    out: set[str] = set()
    frontier = [tok]
    for _ in range(depth):
        nxt = []
        for t in frontier:
            for c in t.children:
                if c.dep_ in _NOT_NEAR and not (c.dep_ == "aux" and c.lower_ == "to") and not (
                        c.dep_ == "ccomp" and t is tok):     # "took them hostage" (misread as a clause)
                    continue
                out.add(c.lower_)
                out.add(c.lemma_.lower())
                nxt.append(c)
        frontier = nxt
    return out


def multi_keys(tok: Token, lemma: str, multi: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]) -> list[str]:
    """The multi-word keys of ``lemma`` ("take aim at", "crack down on", "set fire to") whose other
    words all stand among the verb's dependents, longest first."""
    cands = multi.get(lemma)
    if not cands:
        return []
    near = near_words(tok)
    return [key for key, rest in cands if all(w in near for w in rest)]


def complements(tok: Token) -> list[Token]:
    """What a verb predicates of its object: "called the move **illegal**", "declared the envoys
    **persona non grata**", "described the sanctions **as illegal**", "found him **guilty**" (the
    parser reads these as oprd, acomp, a non-verbal ccomp/xcomp, or an "as" phrase), with the
    words inside them."""
    out: list[Token] = []
    for c in tok.children:
        if c.dep_ in ("oprd", "acomp") or (c.dep_ in ("ccomp", "xcomp") and c.pos_ not in ("VERB", "AUX")):
            out.append(c)
        elif c.dep_ == "prep" and c.lower_ == "as":
            out.extend(pc for pc in c.children if pc.dep_ in ("pobj", "amod", "acomp"))
    for o in [c for c in tok.children if c.dep_ == "dobj"]:
        out.extend(c for c in o.children if c.dep_ in ("oprd", "amod") and c.i > o.i)
    return out + [t for c in out for t in c.children if t.dep_ in ("amod", "compound", "advmod", "acomp")]


def with_conjuncts(toks: list[Token]) -> list[Token]:
    out = list(toks)
    for t in toks:
        out.extend(c for c in t.children if c.dep_ == "conj")
    return out


DATELINE_DASHES = ("–", "—", "--", "-", "―")


def dateline_tokens(sent: Span) -> frozenset[int]:
    """The token indices of a wire dateline that opens ``sent`` ("PARIS (Reuters) –", "Hanoi (VNA)
    -", "KABUL, Jan 11 (AFP) —"): a place and an agency in parentheses, or a place in capitals,
    before a dash within the first twelve tokens. The parser often reads the place as a co-subject
    of the first verb ("PARIS (Reuters) – Paris police fired ..."); a dateline is never an actor.
    Computed once per sentence of a doc (the coder asks for every verb)."""
    memo = docview.memo(sent.doc)
    key = ("dateline_tokens", sent.start, sent.end)
    got = memo.get(key)
    if got is None:
        got = memo[key] = _dateline_tokens(sent)
    return got  # type: ignore[return-value]


def _dateline_tokens(sent: Span) -> frozenset[int]:
    toks = docview.span_tokens(sent[:12])
    for k, t in enumerate(toks):
        if t.text in DATELINE_DASHES and k > 0:
            head = toks[:k]
            caps = head[0].text.isupper() and len(head[0].text) > 2 and head[0].is_alpha
            paren = any(x.text == "(" for x in head) and head[-1].text == ")"
            if paren or caps:
                return frozenset(x.i for x in toks[:k + 1])
            return frozenset()
    return frozenset()
