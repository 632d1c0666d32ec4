"""Where each event happened: a place read near the trigger, resolved by the gazetteer (``nestor.geo``).

For every event, in this order (the words come from ``nestor/data/where.yaml``; rules in docs/geo.md):

1. **The trigger's prepositional phrases.** A locative preposition ("in", "at", "near", "along",
   "across"...) on the trigger; for a nominal trigger also on the verb that governs it ("held talks
   in Beijing", "talks were held at the Kremlin"); on the trigger's direct object ("met Xi in
   Beijing", which the parser often attaches to "Xi"); and for a verb joined to another ("arrived in
   Moscow and met Putin") on the first verb. A journey's destination counts ("a visit to Beijing").
   "on"/"over" count only with place nouns ("on the border"). A generic place noun gives way to its
   "of" phrase or apposition: "near the border town of Chaman" → Chaman, "the capital, Bamako" → Bamako.
   Clauses that share a scene ("... while B called A", "..., wounding several") take the phrases of
   the verb they hang on; a "where" clause takes its antecedent. A border named by a common noun
   ("near their disputed border") is the land border of the event's two countries.
2. **Another locative phrase of the clause**, for a city or a landmark only, at a lower weight.
3. **The article's dateline** ("MOSCOW, June 5 (Agency) -", "KABUL (Agency) -", "BEIJING — "), at a
   lower confidence: a dateline says where the story was filed, which is most often where it
   happened, unless the text places an event far from it.
4. Otherwise nothing here: the story's place may be given later (:mod:`nestor.geo.events`).

Never a place inside a quotation, and never the span the events stage took as the event's source
or target ("Moscow" as the government in "Moscow condemned the strikes in Kyiv" is the source;
Kyiv is the place). Each distinct name is resolved once per article, against the countries the
article's actor mentions name; the gazetteer itself loads once per process.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from spacy.tokens import Doc, Span, Token

from ..dates import DATELINE_DM, MONTHS, find_date
from ..geo import Place, resolve_place
from ..geo.world import country_name, shared_border
from ..models import ArticleResult, Event
from . import docview

_QUOTE = re.compile(r"[“\"][^”\"\n]{1,800}[”\"]|(?<![A-Za-z])‘[^’\n]{1,400}’(?![A-Za-z])")
# a dateline before the first words: "MOSCOW, June 5, 2019 (Agency) -", "KABUL (Agency) -", "Beijing, 21 March -"
_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Za-z.'’\- ]{1,30}?)(?P<qual>,\s*[A-Z][A-Za-z.'\- ]{1,25}?)?"
                       r"(?P<tail>,\s*[^()\n]{3,30}?)?\s*(?P<agency>\([^)\n]{1,30}\))?\s*(?:--|-|–|—|:)\s")


_SLASH_DATELINE = re.compile(rf"^(?P<place>[A-Z][A-Z.'’\- ]{{1,30}}),\s*(?i:\d{{1,2}}\s+(?:{MONTHS})|(?:{MONTHS})\.?\s+"
                             rf"\d{{1,2}})(?:,?\s+(?:19|20)\d\d)?\.?\s*/[^/\n]{{1,20}}/\.?\s")

_NOT_PLACE_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}


@dataclass(frozen=True)
class Words:
    locative: frozenset[str]
    destination: frozenset[str]
    journeys: frozenset[str]
    on_preps: frozenset[str]
    on_nouns: frozenset[str]
    of_nouns: frozenset[str]
    occasion_preps: frozenset[str]
    occasion_nouns: frozenset[str]
    sentence_precisions: frozenset[str]
    scene_marks: frozenset[str]
    where_words: frozenset[str]
    possessor_deps: frozenset[str]
    possessor_nouns: frozenset[str]
    bare_dateline_precisions: frozenset[str]
    bare_dateline_dashes: tuple[str, ...]
    border_nouns: frozenset[str]
    border_confidence: float
    dateline_km: float
    weight: dict[str, float]


@lru_cache(maxsize=1)
def words() -> Words:
    d = yaml.safe_load(resources.files("nestor").joinpath("data/where.yaml").read_text("utf-8"))
    return Words(locative=frozenset(d["locative"]["words"]), destination=frozenset(d["destination"]["words"]),
                 journeys=frozenset(d["destination"]["heads"]), on_preps=frozenset(d["on_place"]["preps"]),
                 on_nouns=frozenset(d["on_place"]["nouns"]), of_nouns=frozenset(d["of_place"]["nouns"]),
                 occasion_preps=frozenset(d["occasion"]["preps"]), occasion_nouns=frozenset(d["occasion"]["nouns"]),
                 sentence_precisions=frozenset(d["sentence_place"]["precisions"]),
                 scene_marks=frozenset(d["scene_clauses"]["marks"]), where_words=frozenset(d["where_clauses"]["words"]),
                 possessor_deps=frozenset(d["possessor_place"]["deps"]),
                 possessor_nouns=frozenset(d["possessor_place"]["nouns"]),
                 bare_dateline_precisions=frozenset(d["bare_dateline"]["precisions"]),
                 bare_dateline_dashes=tuple(d["bare_dateline"]["dashes"]),
                 border_nouns=frozenset(d["generic_border"]["nouns"]),
                 border_confidence=float(d["generic_border"]["confidence"]),
                 dateline_km=float(d["dateline_reach"]["km"]),
                 weight={k: float(v) for k, v in d["source_weight"].items() if k != "id"})


def stage(doc: Doc, res: ArticleResult, kb) -> None:
    """Fill the place fields of every event of ``res`` (see the module docstring)."""
    if not res.events:
        return
    w = words()
    ctx = _context_countries(res)
    cache: dict[str, Place | None] = {}

    def look(name: str) -> Place | None:
        if name not in cache:
            cache[name] = resolve_place(name, ctx)
        return cache[name]

    text = res.article.text            # Doc.text would rebuild the string on every access
    quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
    dateline = dateline_place(text)
    if dateline is None:
        bare = bare_dateline_place(text, w)
        if bare is not None and (p := look(bare)) is not None and p.precision in w.bare_dateline_precisions:
            dateline = bare
    pending = []
    for ev in res.events:
        found = _from_phrases(doc, ev, res, quotes, look, w)
        if found is not None:
            text, place, how = found
            _fill(ev, text, place, w.weight.get(how, 1.0), "sentence" if how == "sentence" else "prep")
        else:
            pending.append(ev)
    at_dateline = look(dateline) if dateline and pending else None
    # a dateline says where the story was filed: when the article's own sentences place an event
    # elsewhere ("MINSK - ... met in Beijing", "ISLAMABAD - ... fire at their border"), it says
    # nothing of the other events (a story may)
    if at_dateline is not None and not any(_elsewhere(e, at_dateline, w) for e in res.events):
        for ev in pending:
            _fill(ev, dateline or "", at_dateline, w.weight["dateline"], "dateline")


def dateline_place(text: str) -> str | None:
    """The place of a wire dateline at the head of one of the first lines, as written ("MOSCOW")."""
    for line in text.split("\n")[:6]:
        line = line.strip()
        mt = DATELINE_DM.match(line)
        if mt:
            return mt.group("city").strip()
        mt = _SLASH_DATELINE.match(line)     # "MOSCOW, May 17. /Agency/. The ministers..."
        if mt:
            return mt.group("place").strip()
        mt = _DATELINE.match(line)
        if not mt:
            continue
        place, tail, agency = mt.group("place").strip(), mt.group("tail") or "", mt.group("agency")
        letters = [c for c in place if c.isalpha()]
        dated = bool(tail) and find_date(tail + " ") is not None
        if (letters and all(c.isupper() for c in letters) and (agency or dated)) or dated:
            return place + (mt.group("qual") or "")
    return None


_BARE_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z.'’\- ]{2,30}?)(?:,\s*[A-Z][A-Za-z.'\- ]{1,25}?)?"
                            r"(?:\s+(?P<dash>—|–|--|-)|\s*(?P<colon>:))\s+\S")


def bare_dateline_place(text: str, w: Words) -> str | None:
    """A dateline of a place in capitals and a dash alone ("BEIJING — Xi and Putin..."), in the
    first lines; the caller keeps it only for a town or a landmark (``bare_dateline`` in where.yaml)."""
    for line in text.split("\n")[:6]:
        mt = _BARE_DATELINE.match(line.strip())
        if mt and (mt.group("dash") or mt.group("colon")) in w.bare_dateline_dashes and \
                sum(c.isalpha() for c in mt.group("place")) >= 3:
            return mt.group("place").strip()
    return None


def _elsewhere(ev: Event, dateline: Place, w: Words) -> bool:
    """Whether the text placed ``ev`` (not by the dateline) farther than ``dateline_km`` from the
    dateline's point; a country-level place is too coarse to tell."""
    if ev.place_source not in ("prep", "sentence") or ev.lat is None or ev.lon is None or \
            ev.geo_precision == "country" or dateline.lat is None or dateline.lon is None:
        return False
    return km(ev.lat, ev.lon, dateline.lat, dateline.lon) > w.dateline_km


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def _fill(ev: Event, text: str, p: Place, weight: float, how: str) -> None:
    ev.location = text
    ev.place_name = p.name
    ev.place_country = p.country
    ev.place_countries = list(p.countries) or ([p.country] if p.country else [])
    ev.place_adm1 = p.adm1
    ev.lat, ev.lon = p.lat, p.lon
    ev.feature = p.feature
    ev.place_geonameid = p.geonameid
    ev.geo_precision = p.precision
    ev.geo_confidence = round(p.confidence * weight, 2)
    ev.place_source = how


def _context_countries(res: ArticleResult) -> list[str]:
    """The countries the article's actor mentions name, most named first."""
    n = Counter(m.country for m in res.mentions if m.country and len(m.country) == 3 and m.country.isalpha())
    return [c for c, _ in n.most_common(8)]


def _trigger(doc: Doc, ev: Event) -> Token | None:
    span = doc.char_span(ev.trigger_start, ev.trigger_end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _heads(trig: Token, w: Words) -> list[Token]:
    """The tokens whose prepositional phrases may say where the trigger's event happened."""
    out = [trig]
    if trig.pos_ in ("NOUN", "PROPN") and trig.dep_ in ("dobj", "nsubj", "nsubjpass", "attr") and trig.head.i != trig.i:
        out.append(trig.head)              # "held talks in Beijing", "talks were held at the Kremlin"
    if trig.pos_ in ("NOUN", "PROPN") and trig.dep_ == "pobj" and trig.head.head.pos_ in ("VERB", "AUX"):
        out.append(trig.head.head)         # "arrived in Moscow for a visit", "joined him in Beijing in a meeting"
    if trig.pos_ in ("VERB", "AUX"):
        out += [c for c in trig.children if c.dep_ == "dobj"]   # "met Xi in Beijing" (attached to "Xi")
    if trig.dep_ == "conj" and trig.head.pos_ == "VERB":
        out.append(trig.head)              # "arrived in Moscow and met Putin"
    if trig.dep_ == "advcl" and trig.head.pos_ in ("VERB", "AUX") and any(
            c.dep_ == "mark" and c.lower_ in w.scene_marks for c in trig.children):
        out.append(trig.head)              # "during talks in Ankara, A praised B while B called A a friend"
    if trig.dep_ == "advcl" and trig.tag_ in ("VBG", "VBN") and trig.head.pos_ in ("VERB", "AUX") and not any(
            c.dep_ in ("nsubj", "nsubjpass", "mark") for c in trig.children):
        out.append(trig.head)              # "clashed near the border, leaving several dead": the same scene
    ante = where_antecedent(trig, w)
    if ante is not None and ante.lemma_.lower() in w.journeys | w.occasion_nouns:
        out.append(ante)                   # "on a visit to Hanoi, where he signed": the visit's destination
    for h in list(out):                    # "warned ... in a speech in Moscow", "during a visit to Tripoli"
        for prep in h.children:
            if prep.dep_ == "prep" and prep.lower_ in w.occasion_preps:
                out += [o for o in prep.children if o.dep_ == "pobj" and o.lemma_.lower() in w.occasion_nouns]
    return out


def border_place(ev: Event, w: Words) -> Place | None:
    """The land border of the event's two countries (source and target), when they share one."""
    a, b = sorted((ev.source_code or "", ev.target_code or ""))
    if not (len(a) == 3 and len(b) == 3 and a.isalpha() and b.isalpha() and a != b):
        return None
    point = shared_border(a, b)
    if point is None:
        return None
    return Place(name=f"{country_name(a)}–{country_name(b)} border", feature="feature", kind="border", country=None,
                 lat=point[0], lon=point[1], precision="region", countries=(a, b), source="naturalearth",
                 confidence=w.border_confidence)


def where_antecedent(trig: Token, w: Words) -> Token | None:
    """The antecedent of a "where" relative clause that holds the trigger ("a visit to Hanoi, where
    he signed..." → Hanoi or visit), else None."""
    verb = trig if trig.pos_ in ("VERB", "AUX") else trig.head
    if verb.dep_ == "relcl" and any(c.dep_ == "advmod" and c.lower_ in w.where_words for c in verb.children):
        return verb.head
    return None


def _clause(tok: Token) -> int:
    """The index of the root of ``tok``'s clause: a relative, complement or finite adverbial clause
    ("after the government banned the rally") is a clause of its own; a participle ("accompanied by
    officials in the Kremlin") belongs to the clause it modifies."""
    while tok.head.i != tok.i:
        if tok.dep_ in ("relcl", "ccomp", "csubj", "parataxis") or (
                tok.dep_ == "advcl" and any(c.dep_ in ("nsubj", "nsubjpass", "mark") for c in tok.children)):
            break
        tok = tok.head
    return tok.i


def _from_phrases(doc: Doc, ev: Event, res: ArticleResult, quotes: list[tuple[int, int]],
                  look: Callable[[str], Place | None], w: Words) -> tuple[str, Place, str] | None:
    trig = _trigger(doc, ev)
    if trig is None:
        return None
    slots = {(ev.source_text, ev.source_id), (ev.target_text, ev.target_id)}
    actors = [(m.start, m.end) for m in res.mentions
              if m.sent_idx == ev.sent_idx and m.text and (m.text, m.actor_id) in slots]
    heads = _heads(trig, w)
    ante = where_antecedent(trig, w)
    if ante is not None and ante.lemma_.lower() not in w.journeys | w.occasion_nouns:
        for span in _place_spans(doc, ante, w):
            if not any(s < span.end_char and span.start_char < e for s, e in quotes) and \
                    not any(t.ent_type_ in _NOT_PLACE_ENTS for t in span) and (place := look(span.text)) is not None:
                return span.text, place, "prep"
    # then any other locative phrase of the sentence outside clauses of their own ("met Xi, accompanied
    # by officials in the Kremlin"): at a lower weight
    clause = _clause(trig)
    seen = {h.i for h in heads}
    with_prep = docview.heads_with(doc, "prep")
    rest = [t for t in docview.span_tokens(docview.sent_of(trig)) if t.i not in seen and t.i in with_prep
            and _clause(t) == clause]
    for n, head in enumerate(heads + rest):
        journey = head.lemma_.lower() in w.journeys
        for prep in head.children:
            if prep.dep_ != "prep":
                continue
            p = prep.lower_
            how = "prep" if p in w.locative else "destination" if (journey and p in w.destination) else None
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                if how is None and not (p in w.on_preps and obj.lemma_.lower() in w.on_nouns):
                    continue
                # a journey's destination may be its target too ("a visit to Beijing"): still the place
                # and so may an arrival's place ("arrived in the United States")
                avoid = [] if how == "destination" or journey else actors
                for span in _place_spans(doc, obj, w):
                    if any(s < span.end_char and span.start_char < e for s, e in quotes):
                        break
                    if any(t.ent_type_ in _NOT_PLACE_ENTS for t in span):
                        continue   # "in March", "at least 40": a date or a number, not a town of that name
                    root = span.root
                    if any(s < root.idx + len(root) and root.idx < e for s, e in avoid):
                        continue   # the actor itself; a shorter span may still be the place ("Tbilisi, Georgia")
                    place = look(span.text)
                    if place is not None and n >= len(heads) and place.precision not in w.sentence_precisions:
                        place = None   # a country or region elsewhere in the sentence is a topic ("the war in Ukraine")
                    if place is not None:
                        first = doc[span.start - 1] if span.start > 0 else None
                        shown = (doc[span.start - 1: span.end] if first is not None and first.lower_ == "the"
                                 and first.dep_ == "det" else span).text
                        return shown, place, (how or "prep") if n < len(heads) else "sentence"
                if n < len(heads) and (obj.lemma_.lower() in w.border_nouns or any(
                        c.dep_ == "compound" and c.lemma_.lower() in w.border_nouns for c in obj.children)):
                    border = border_place(ev, w)    # "near the disputed border", "at a border post"
                    if border is not None:
                        return doc[obj.left_edge.i: obj.i + 1].text, border, how or "prep"
    return None


def _place_spans(doc: Doc, obj: Token, w: Words) -> list[Span]:
    """Spans to look up for the object of a locative preposition, best first."""
    inner = [obj]
    if obj.lemma_.lower() in w.of_nouns:
        # "the border town of Chaman", "the outskirts of Kyiv", "the capital, Bamako"
        for c in obj.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                inner = [g for g in c.children if g.dep_ == "pobj"] + inner
            elif c.dep_ == "appos":
                inner = [c] + inner
    out: list[Span] = []
    for tok in inner:
        ent = next((e for e in docview.ents(doc) if e.start <= tok.i < e.end), None)
        for c in tok.rights:
            if c.dep_ == "appos" and c.pos_ == "PROPN":   # "Tripoli, Lebanon", "the Kremlin, Moscow": qualified first
                out.append(doc[ent.start if ent is not None else tok.i: c.right_edge.i + 1])
        if ent is not None:
            out.append(ent)
        if not (tok.pos_ == "PROPN" or tok.text[:1].isupper()):
            continue
        # the noun with its proper-noun modifiers and "of" phrase: "the Line of Control", "Red Square"
        left, sent_start = tok.i, docview.sent_of(tok).start
        while left - 1 >= sent_start and doc[left - 1].head.i in range(left, tok.i + 1) and \
                doc[left - 1].dep_ in ("compound", "amod", "nmod") and doc[left - 1].text[:1].isupper():
            left -= 1
        right = tok.i + 1
        for c in tok.rights:
            if c.dep_ == "prep" and c.lower_ == "of" and all(
                    t.text[:1].isupper() or t.dep_ == "det" for t in c.subtree if t.i != c.i):
                right = max(right, c.right_edge.i + 1)
        out.append(doc[left:right])
        out.append(doc[tok.i: tok.i + 1])
    for tok in inner:   # "in Ankara's presidential complex", "at Moscow's main airport": the possessor
        if tok.lemma_.lower() in w.possessor_nouns or tok.pos_ == "PROPN":
            for c in tok.children:
                if c.dep_ in w.possessor_deps and c.pos_ == "PROPN":
                    ent = next((e for e in docview.ents(doc) if e.start <= c.i < e.end), None)
                    out.append(ent if ent is not None else doc[c.left_edge.i: c.i + 1])
    seen: set[tuple[int, int]] = set()
    uniq = []
    for s in out:
        if (s.start, s.end) not in seen and len(s):
            seen.add((s.start, s.end))
            uniq.append(s)
    return uniq
