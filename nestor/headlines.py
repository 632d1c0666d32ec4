"""Headline grammar: a second parse of the sentences written in the grammar of news titles.

Wire headlines drop articles and auxiliaries, report past events in the present tense, announce
plans with a bare infinitive and are often in Title Case: "Turkey summons US ambassador", "Five
soldiers killed in border clash", "Putin to visit China next week", "Israel Strikes Hamas Targets
in Gaza". spaCy's small model, trained on running prose, reads "summons" as a plural noun and
such a sentence has no verb, so the event coder finds nothing to code.

The ``nestor_headlines`` component (added last by :func:`nestor.nlp.load_model`) looks at every
sentence whose root is no verb or whose words are in Title Case (:func:`looks_like_headline`) and:

1. parses a *variant* of it with the same tokens (:func:`variant`): Title-Case words that are no
   names are lower-cased, and the first word after the subject that is a verb in the present tense
   ("summons", "frees", "strikes") is given in the past ("summoned"), which the parser reads as a
   verb. When the variant's root is a verb, its tags, dependencies and lemmas replace the
   sentence's (the words, their offsets, the named entities and the sentence boundaries stay):
   the verb keeps its own word, tagged ``VBZ`` with its base form as lemma;
2. reads the two other headline clauses as clauses, on whichever parse is kept
   (:func:`_repair_tree`): a noun root with a past participle after it and no auxiliary ("Five
   soldiers **killed** in …") is an agentless passive (the noun becomes ``nsubjpass``); a noun
   root with a "to"-infinitive ("Putin **to visit** China") is a plan (the noun becomes the
   subject; :mod:`nestor.extract.events.modality` reads a root verb with "to" as ``planned``).

The word lists (closed-class words of headlines, the determiners that make a participle a
modifier) are in ``nestor/data/headlines.yaml``; the English verb and noun lists are spaCy's own
lemmatizer tables, so nothing is downloaded. A sentence the variant does not improve keeps its
first parse: the component only replaces a parse whose root is no verb by one whose root is.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import numpy
import yaml
from spacy.attrs import DEP, HEAD, LEMMA, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data" / "headlines.yaml"
_VERBAL = ("VERB", "AUX")
#: components of the pipeline that set what the variant parse gives back
_SYNTAX = ("tok2vec", "tagger", "parser", "attribute_ruler", "nestor_attribute_ruler", "lemmatizer")


@lru_cache(maxsize=1)
def _data() -> dict[str, frozenset[str]]:
    try:
        raw = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ValueError(f"{DATA}: cannot be read as YAML ({e})") from e
    out: dict[str, frozenset[str]] = {}
    for key in ("keep_case", "modifier_determiners", "not_verbs", "name_labels", "collective_nouns",
                "casualty_participles", "clause_marks"):
        val = raw.get(key)
        if not isinstance(val, list) or not all(isinstance(w, str) for w in val):
            raise ValueError(f"{DATA}: '{key}' must be a list of words")
        out[key] = frozenset(w.lower() if key != "name_labels" else w for w in val)
    return out


class _Tables:
    """spaCy's English lemmatizer tables: the verb and noun lists and the irregular forms."""

    def __init__(self, nlp: Language) -> None:
        lem: Any = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
        lem = getattr(lem, "stock", lem)            # nestor's FastLemmatizer wraps spaCy's
        lookups = getattr(lem, "lookups", None)
        self.verbs: frozenset[str] = frozenset()
        self.nouns: frozenset[str] = frozenset()
        self.past: dict[str, str] = {}
        if lookups is None or not lookups.has_table("lemma_index"):
            log.debug("headlines: the lemmatizer has no lemma_index table; no present-tense repair")
            return
        index = lookups.get_table("lemma_index")
        self.verbs = frozenset(index.get("verb", ()))
        self.nouns = frozenset(index.get("noun", ()))
        exc = lookups.get_table("lemma_exc").get("verb", {}) if lookups.has_table("lemma_exc") else {}
        for form, lemmas in exc.items():
            # an irregular past ("struck", "held"): a form that is no -s, -ing form of its lemma
            if lemmas and not form.endswith(("s", "ing")) and form != lemmas[0]:
                self.past.setdefault(lemmas[0], form)

    def present_lemma(self, word: str) -> str | None:
        """The verb a third-person present form is of: "summons" → summon, "frees" → free,
        "carries" → carry, "pushes" → push."""
        w = word.lower()
        if not w.endswith("s") or len(w) < 4:
            return None
        cands = []
        if w.endswith("ies"):
            cands.append(w[:-3] + "y")
        if w.endswith("es"):
            cands.append(w[:-2])
        cands.append(w[:-1])
        if w in self.verbs and not w.endswith("ss"):
            cands.insert(0, w)      # "summons" is itself a verb in the list; its lemma is "summon"
        for c in cands:
            if c in self.verbs and c != w:
                return c
        return None

    def past_of(self, lemma: str) -> str:
        if lemma in self.past:
            return self.past[lemma]
        if lemma.endswith("e"):
            return lemma + "d"
        if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
            return lemma[:-1] + "ied"
        return lemma + "ed"


def looks_like_headline(sent: Span, tables: _Tables) -> bool:
    """A sentence whose root is no verb (a title that lost its verb to the parser, a participle
    or an infinitive clause) or, with no final stop, whose words are in Title Case."""
    words = [t for t in sent if t.is_alpha]
    if len(words) < 3 or len(sent) > 40:
        return False
    if _verbless(sent):
        return True
    if sent.root.i == sent.start and sent.root.tag_ == "VB" and sent.root.text[:1].isupper() \
            and len(sent) > 1 and sent[1].lower_ == "to":
        return True     # a name read as an imperative: "Modi to visit Japan"
    if _weak_verb_root(sent):
        return True
    # Title Case alone makes a headline only without a final stop: a sentence of prose with a verb
    # at its root keeps its parse, whatever the capitals of the documents and offices it names ("...
    # signed a Joint Statement on Deepening the Comprehensive Partnership.", "Minister of Foreign
    # Affairs of Turkmenistan Ann Smith held a telephone conversation with ...")
    return _no_final_stop(sent) and title_case(sent, tables)


def _verbless(sent: Span) -> bool:
    """No finite verb at the root: a noun, or in a title a gerund with no auxiliary ("Turkey summons
    US ambassador after D.C. beating" read with "beating" as the root)."""
    root = sent.root
    if root.pos_ not in _VERBAL:
        return True
    return root.tag_ == "VBG" and _no_final_stop(sent) and not any(c.dep_ in ("aux", "auxpass") for c in root.children)


def _no_final_stop(sent: Span) -> bool:
    last = [t for t in sent if not t.is_space]
    return bool(last) and last[-1].text not in (".", "!", "?", '"', "'", "”", "’", ":")


def _weak_verb_root(sent: Span) -> bool:
    """A title whose present-tense root has no subject or no object where the next word is a noun
    ("Mali expels French ambassador" read with "Mali" as a modifier; "Japan lodges protest with China"
    with "protest" as a second verb)."""
    root = sent.root
    if not _no_final_stop(sent) or root.tag_ != "VBZ" or root.lemma_ == "be":
        return False
    deps = {c.dep_ for c in root.children}
    return "nsubj" not in deps or ("dobj" not in deps and "ccomp" not in deps and root.i + 1 < sent.end
                                   and sent.doc[root.i + 1].pos_ in ("NOUN", "PROPN", "ADJ", "NUM", "VERB"))


def title_case(sent: Span, tables: _Tables) -> bool:
    """Most common words (English nouns, verbs and function words of four letters or more, not
    inside a name) begin with a capital: "Turkey Summons US Ambassador Over Militia Support", not
    "UN Secretary-General Antonio Guterres condemned the strike"."""
    d = _data()
    common = [t.text for t in sent if t.is_alpha and len(t.text) >= 4 and not t.text.isupper()
              and t.ent_type_ not in d["name_labels"] and _common(t.text.lower(), t.is_stop, tables)]
    caps = sum(1 for w in common if w[0].isupper())
    return len(common) >= 3 and caps >= 0.75 * len(common)


def _common(low: str, stop: bool, tables: _Tables) -> bool:
    return stop or low in tables.verbs or low in tables.nouns or low.rstrip("s") in tables.nouns \
        or tables.present_lemma(low) is not None


def variant(sent: Span, tables: _Tables) -> tuple[list[str], int | None, str | None]:
    """The words of a re-parse (same tokens), the index in the sentence of the verb given in the
    past and its lemma (None when no word was changed to a verb)."""
    d = _data()
    words = [t.text for t in sent]
    tc = title_case(sent, tables)
    for k, t in enumerate(sent):
        w = t.text
        if not (tc and w[:1].isupper() and not w.isupper() and w.isalpha()):
            continue
        if t.ent_type_ in d["name_labels"] or w.lower() in d["keep_case"]:
            continue
        if _common(w.lower(), t.is_stop, tables):
            words[k] = w.lower()
    # the present-tense verb: the first -s word right after a name or noun of the subject ("Turkey
    # summons", not "Israeli strikes"), else a base form after a plural subject ("Taliban free")
    verb_at: int | None = None
    lemma: str | None = None
    root = sent.root
    clause = any(c.dep_ == "acl" and (c.tag_ == "VBN" or any(a.lower_ == "to" for a in c.children))
                 for c in root.children)
    if root.pos_ in _VERBAL and _weak_verb_root(sent):
        lem = root.lemma_.lower() if root.lemma_.lower() in tables.verbs else tables.present_lemma(root.text)
        if lem:
            k = root.i - sent.start
            return words[:k] + [tables.past_of(lem)] + words[k + 1:], k, lem
    if _verbless(sent) and not clause:
        toks = list(sent)
        coordinated = False
        for k in range(1, len(toks)):
            t, prev = toks[k], toks[k - 1]
            if t.pos_ in ("ADP", "VERB", "AUX", "PART") or t.lower_ == "to":
                break       # past the subject: the verb was not where a headline puts it
            if t.text == "," or t.lower_ == "and":
                coordinated = True
            if prev.pos_ not in ("PROPN", "NOUN") or not t.is_alpha or t.lower_ in d["not_verbs"]:
                continue
            lem = tables.present_lemma(t.text)
            plural = prev.tag_ in ("NNS", "NNPS") or coordinated or prev.lower_ in d["collective_nouns"]
            if plural and prev.tag_ in ("NNS", "NNPS") and t.i + 1 < sent.end \
                    and sent.doc[t.i + 1].pos_ in ("DET", "ADJ", "NUM", "PROPN", "PRON"):
                coordinated = True      # "Militants attack Pakistani soldiers": an object follows
            if lem is None and t.lower_ in tables.verbs and t.tag_ != "NNS" and (
                    plural and (not t.tag_.startswith("NN") or coordinated or prev.lower_ in d["collective_nouns"])
                    or prev.tag_ == "NNP" and not t.tag_.startswith("NN")):
                lem = t.lower_      # a plural subject: "Taliban free aid workers", "Pakistan, India trade fire"
            if lem:
                verb_at, lemma = k, lem
                words[k] = tables.past_of(lem)
                break
    if verb_at is not None:
        _second_clause(sent, words, verb_at, tables)
    return words, verb_at, lemma


def _second_clause(sent: Span, words: list[str], after: int, tables: _Tables) -> None:
    """A title's second clause after a conjunction ("Clashes rock Beirut **as** security forces
    **fire** tear gas"): its present-tense or base-form verb after a plural subject is given in the
    past too (in ``words``), so the re-parse reads both clauses."""
    d = _data()
    toks = list(sent)
    k = next((j for j in range(after + 1, len(toks)) if toks[j].lower_ in d["clause_marks"]), None)
    if k is None:
        return
    for j in range(k + 2, min(len(toks), k + 6)):
        t, prev = toks[j], toks[j - 1]
        if prev.pos_ not in ("NOUN", "PROPN") or not t.is_alpha:
            continue
        lem = tables.present_lemma(t.text) if t.lower_ not in d["not_verbs"] else None
        if lem is None and (prev.tag_ in ("NNS", "NNPS") or prev.lower_ in d["collective_nouns"]) \
                and t.lower_ in tables.verbs and t.tag_ != "NNS":
            lem = t.lower_
        if lem:
            words[j] = tables.past_of(lem)
            return


class Headlines:
    """The pipeline component (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "nestor_headlines") -> None:
        self.nlp = nlp
        self.name = name
        self._tables: _Tables | None = None

    @property
    def tables(self) -> _Tables:
        if self._tables is None:
            self._tables = _Tables(self.nlp)
        return self._tables

    def _parse(self, words: list[str], spaces: list[bool]) -> Doc:
        doc = Doc(self.nlp.vocab, words=words, spaces=spaces)
        for name, proc in self.nlp.pipeline:
            if name in _SYNTAX:
                doc = proc(doc)
        return doc

    def __call__(self, doc: Doc) -> Doc:
        sents = [s for s in doc.sents if looks_like_headline(s, self.tables)]
        cols = [HEAD, DEP, TAG, POS, LEMMA]
        arr = doc.to_array(cols)
        changed = False
        strings = doc.vocab.strings
        for s in sents:
            words, verb_at, lemma = variant(s, self.tables)
            if words != [t.text for t in s]:
                v = self._parse(words, [bool(t.whitespace_) for t in s])
                vsents = list(v.sents)
                vroot = v[:].root
                if len(vsents) == 1 and vroot.pos_ in _VERBAL and (verb_at is None or vroot.i == verb_at) \
                        and (verb_at is None or any(c.dep_ in ("nsubj", "nsubjpass") for c in vroot.children)):
                    varr = v.to_array(cols)
                    arr[s.start:s.end] = varr
                    if verb_at is not None and lemma:
                        arr[s.start + verb_at, 2] = strings.add("VBZ")
                        arr[s.start + verb_at, 4] = strings.add(lemma)
                    # lemmas of lower-cased names are the names
                    for k, t in enumerate(s):
                        if words[k] != t.text and k != verb_at and t.ent_type_:
                            arr[s.start + k, 4] = t.orth
                    changed = True
            changed = _repair_tree(doc, s, arr) or changed
        for s in doc.sents:
            changed = _casualty_tail(doc, s, arr) or changed
            changed = _passive_participle(doc, s, arr) or changed
            changed = _comma_subjects(doc, s, arr) or changed
            changed = _colon_speaker(doc, s, arr) or changed
        if changed:
            ents = list(doc.ents)
            starts = [t.is_sent_start for t in doc]
            doc.from_array(cols, cast(Any, arr))
            if [t.is_sent_start for t in doc] != starts:
                log.debug("headlines: a re-parse moved a sentence boundary; kept the first parse")
            doc.ents = ents
        return doc


def _rel(i: int, h: int) -> Any:
    """The HEAD value of token ``i`` hung on ``h`` (a relative offset, as a uint64 array cell)."""
    return numpy.array(h - i, dtype=numpy.int64).astype(numpy.uint64)


def _repair_tree(doc: Doc, s: Span, arr: numpy.ndarray) -> bool:
    """A noun root with a bare past participle or a "to"-infinitive after it is a clause: the
    participle (a passive with no auxiliary) or the infinitive (a plan) becomes the root and the
    noun its subject. ``arr`` (HEAD relative, DEP, TAG, POS, LEMMA rows of the doc) is changed."""
    strings = doc.vocab.strings
    d = _data()
    heads = {s.start + k: s.start + k + int(numpy.int64(arr[s.start + k, 0])) for k in range(len(s))}
    deps = {i: strings[int(arr[i, 1])] for i in heads}
    tags = {i: strings[int(arr[i, 2])] for i in heads}
    roots = [i for i in heads if deps[i] == "ROOT"]
    if len(roots) != 1:
        return False
    root = roots[0]
    if strings[int(arr[root, 3])] in _VERBAL and not (strings[int(arr[root, 2])] == "VB" and root == s.start):
        return False        # (a first word read as a verb, "Modi to visit ...", is the subject)
    kids = [i for i in heads if heads[i] == root and i != root]
    cand = None
    for i in kids:
        if deps[i] in ("acl", "advcl", "relcl", "xcomp") and i > root:
            if deps[i] == "acl" and tags[i] == "VBN" \
                    and not any(heads[j] == i and deps[j] in ("aux", "auxpass") for j in heads):
                cand = (i, "nsubjpass")
            elif tags[i] == "VB" and any(heads[j] == i and deps[j] == "aux" and doc[j].lower_ == "to" for j in heads) \
                    and all(doc[j].pos_ in ("PROPN", "NOUN", "NUM", "ADJ", "DET", "PUNCT", "CCONJ")
                            or doc[j].ent_type_ or j == root for j in range(s.start, i - 1)):
                cand = (i, "nsubj")     # "Putin to visit China": only the subject before the infinitive
            break
    if cand is None:
        return False
    verb, role = cand
    # a noun with a determiner before it ("the weapons seized at the border ...") is a phrase with
    # a modifier, not a headline clause
    if role == "nsubjpass" and any(heads[j] == root and j < root and doc[j].lower_ in d["modifier_determiners"]
                                   for j in heads):
        return False
    return _make_clause(doc, arr, root, verb, role, kids)


def _passive_participle(doc: Doc, s: Span, arr: numpy.ndarray) -> bool:
    """A title (no final stop) whose root is a past participle with a subject, no auxiliary and no
    object is an agentless passive: "US aid workers freed in Yemen" (they were freed); the parser
    reads the subject as the doer."""
    last = [t for t in s if not t.is_space]
    if not last or last[-1].text in (".", "!", "?", '"', "'", "”", "’") or not (
            s.root.tag_ == "VBN" or s.root.tag_ == "VBD" and s.root.lower_ in _data()["casualty_participles"]):
        return False       # (a casualty verb in the past with no object: "Indian troops killed, 4 injured")
    root = s.root
    kids = list(root.children)
    if any(c.dep_ in ("aux", "auxpass", "dobj", "nsubjpass", "ccomp", "xcomp") for c in kids):
        return False
    subj = [c for c in kids if c.dep_ == "nsubj"]
    if len(subj) != 1:
        return False
    arr[subj[0].i, 1] = doc.vocab.strings.add("nsubjpass")
    arr[root.i, 2] = doc.vocab.strings.add("VBN")
    return True


def _casualty_tail(doc: Doc, s: Span, arr: numpy.ndarray) -> bool:
    """A title's tail ", 4 killed" / ", 5 injured in ..." is a passive clause of its own, joined to
    the main clause: "Militants attack soldiers near the border, 4 killed" (the parser makes "killed"
    the root and the attack its complement); "Troops killed, 5 injured in clashes with X" (it hangs
    "injured" on the number)."""
    if not _no_final_stop(s):
        return False
    strings = doc.vocab.strings
    words = _data()["casualty_participles"]
    heads = {i: i + int(numpy.array(arr[i, 0]).astype(numpy.int64)) for i in range(s.start, s.end)}
    deps = {i: strings[int(arr[i, 1])] for i in heads}
    roots = [i for i in heads if deps[i] == "ROOT"]
    if len(roots) != 1:
        return False
    root = roots[0]

    for k in range(s.start + 1, s.end - 1):
        num, part = k, k + 1
        if doc[k - 1].text != "," or doc[num].tag_ != "CD" or doc[part].lower_ not in words:
            continue
        if part == root:
            main = [i for i in heads if heads[i] == root and i < num - 1 and deps[i] in ("ccomp", "parataxis")]
            if len(main) != 1:
                return False
            m = main[0]
            arr[m, 0], arr[m, 1] = numpy.uint64(0), strings.add("ROOT")
            arr[part, 0], arr[part, 1] = _rel(part, m), strings.add("conj")
            for i in heads:         # the main clause's words that hung on the participle
                if heads[i] == part and i < num - 1 and i != m:
                    arr[i, 0] = _rel(i, m)
            arr[k - 1, 0] = _rel(k - 1, m)
        elif heads[part] == num and root < num and strings[int(arr[root, 3])] in _VERBAL:
            arr[part, 0], arr[part, 1] = _rel(part, root), strings.add("conj")
        else:
            continue
        arr[num, 0], arr[num, 1] = _rel(num, part), strings.add("nsubjpass")
        arr[part, 2], arr[part, 3] = strings.add("VBN"), strings.add("VERB")
        return True
    return False


def _comma_subjects(doc: Doc, s: Span, arr: numpy.ndarray) -> bool:
    """A title's comma for "and" between two named subjects: "Israel, Hamas agree to truce" (the
    parser hangs "Israel" on the verb or on "Hamas" as a modifier). The first name becomes the
    subject and the second its conjunct, as in "Israel and Hamas agree"."""
    if not _no_final_stop(s):
        return False
    strings = doc.vocab.strings
    n = len(s)
    k = 0
    while k < n and (s[k].pos_ == "PROPN" or s[k].ent_type_) and s[k].text != ",":
        k += 1
    if k == 0 or k >= n - 1 or s[k].text != ",":
        return False
    j = k + 1
    while j < n and (s[j].pos_ == "PROPN" or s[j].ent_type_ or s[j].text == "'s" or s[j].pos_ == "NOUN" and
                     s[j - 1].text == "'s") and s[j].text != ",":
        j += 1
    if j == k + 1 or j >= n:
        return False
    heads = {i: i + int(numpy.array(arr[i, 0]).astype(numpy.int64)) for i in range(s.start, s.end)}
    deps = {i: strings[int(arr[i, 1])] for i in heads}
    a_head = next((i for i in range(s.start, s.start + k) if not (s.start <= heads[i] < s.start + k)), None)
    b_head = next((i for i in range(s.start + k + 1, s.start + j) if not (s.start + k + 1 <= heads[i] < s.start + j)),
                  None)
    if a_head is None or b_head is None or deps[b_head] not in ("nsubj", "nsubjpass") or deps[a_head] == "conj":
        return False
    verb = heads[b_head]
    if strings[int(arr[verb, 3])] not in _VERBAL:
        return False
    comma = s.start + k

    arr[a_head, 0], arr[a_head, 1] = _rel(a_head, verb), strings.add(deps[b_head])
    arr[b_head, 0], arr[b_head, 1] = _rel(b_head, a_head), strings.add("conj")
    arr[comma, 0], arr[comma, 1] = _rel(comma, a_head), strings.add("punct")
    return True


def _colon_speaker(doc: Doc, s: Span, arr: numpy.ndarray) -> bool:
    """A title's colon after a name is "says": "Iran: US sanctions are economic terrorism" is Iran's
    statement. The colon is read as the speech verb (lemma "say", the root), the name as its
    subject and the rest as its complement clause, so what follows is reported with the name as
    speaker; nothing is coded for the colon itself."""
    strings = doc.vocab.strings
    colon = next((t.i for t in s[:6] if t.text == ":"), None)
    if colon is None or colon == s.start or colon + 2 >= s.end:
        return False
    name = doc[s.start:colon]
    if any(t.is_upper and len(t.text) > 3 for t in name):
        return False        # a dateline in capitals ("ISLAMABAD: Pakistan said ..."), not a speaker
    if not all(t.pos_ == "PROPN" or t.ent_type_ in ("GPE", "NORP", "ORG", "PERSON") or t.text in ("'s", ".")
               for t in name):
        return False
    heads = {i: i + int(numpy.array(arr[i, 0]).astype(numpy.int64)) for i in range(s.start, s.end)}
    rest_roots = [i for i in range(colon + 1, s.end) if not (colon < heads[i] < s.end) or heads[i] == i]
    name_heads = [i for i in range(s.start, colon) if not (s.start <= heads[i] < colon)]
    if len(rest_roots) != 1 or len(name_heads) != 1:
        return False

    arr[colon, 0], arr[colon, 1] = numpy.uint64(0), strings.add("ROOT")
    arr[colon, 2], arr[colon, 3], arr[colon, 4] = strings.add("VBZ"), strings.add("VERB"), strings.add("say")
    arr[name_heads[0], 0], arr[name_heads[0], 1] = _rel(name_heads[0], colon), strings.add("nsubj")
    arr[rest_roots[0], 0], arr[rest_roots[0], 1] = _rel(rest_roots[0], colon), strings.add("ccomp")
    return True


def _make_clause(doc: Doc, arr: numpy.ndarray, root: int, verb: int, role: str, kids: list[int]) -> bool:
    strings = doc.vocab.strings
    # the verb becomes the root, the noun its subject
    arr[verb, 0] = numpy.uint64(0)
    arr[verb, 1] = strings.add("ROOT")
    arr[root, 0] = numpy.array(verb - root, dtype=numpy.int64).astype(numpy.uint64)
    arr[root, 1] = strings.add(role)
    if strings[int(arr[root, 3])] in _VERBAL:     # a name the tagger read as a verb ("Modi to visit")
        arr[root, 2] = strings.add("NNP")
        arr[root, 3] = strings.add("PROPN")
    for i in kids:
        if i != verb and i > verb:
            # what followed the participle hung on the noun (a place, a date): it hangs on the verb
            arr[i, 0] = numpy.array(verb - i, dtype=numpy.int64).astype(numpy.uint64)
    return True


@Language.factory("nestor_headlines")
def make_headlines(nlp: Language, name: str) -> Headlines:
    return Headlines(nlp, name)
