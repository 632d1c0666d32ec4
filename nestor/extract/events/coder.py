"""The event coder: for each verb (and each nominal trigger) of an article, the patterns of the
lexicon that match it, their slots filled (:mod:`.slots`), the modality read (:mod:`.modality`),
and one :class:`~nestor.models.Event` per source-target pair, carrying the id of its pattern.

:class:`Coder` holds the per-article context (the document, the article, the actor index, the
time expressions and the events coded so far), so the rules are methods, not functions passed
six arguments.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from spacy.strings import get_string_id
from spacy.symbols import AUX, NOUN, VERB
from spacy.tokens import Doc, Span, Token

from ...models import SECTOR_ONLY, Article, Event, Mention, TimeExpr, has_known_sides, record_id
from .. import docview
from ..actors import actor_cues
from ..when import event_date
from .modality import modality as read_modality
from .ontology import Ontology
from .slots import Actor, Slots, code3, coded, sector_only, state
from .syntax import complements, dateline_tokens, lemmas, multi_keys, prep_objects, subject, verb_keys, with_conjuncts


class Coder:
    """Codes one article's events; ``run()`` returns them."""

    def __init__(self, doc: Doc, article: Article, mentions: list[Mention], timexes: list[TimeExpr],
                 kb: Any) -> None:
        self.onto: Ontology = kb.ontology
        self.words = self.onto.words
        self.doc, self.article, self.timexes = doc, article, timexes
        self.text = docview.text(doc)          # built once (spaCy rebuilds it on every access)
        self.events: list[Event] = []
        self.limit = kb.settings.max_sentences if hasattr(kb, "settings") else 2000
        by_token: dict[int, Mention] = {}
        for m in sorted(mentions, key=lambda m: (m.actor_id is None, -(m.end - m.start))):
            if m.actor_id is None and not m.members:
                continue
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            for t in span:
                by_token.setdefault(t.i, m)
        by_id = {m.actor_id: m for m in mentions if m.actor_id and not m.members}
        places: dict[int, Mention] = {}
        for m in mentions:
            if m.actor_id is None and not m.members and m.country:
                span = doc.char_span(m.start, m.end, alignment_mode="expand")
                for t in span or ():
                    places.setdefault(t.i, m)
        self.slots = Slots(doc, article, self.onto, by_token, by_id, places,
                           getattr(getattr(kb, "actors", None), "adjectives", None) or {})
        self.mentions = mentions
        self._sports: dict[int, list[int]] = {}

    def run(self) -> list[Event]:
        """All events the article asserts, reports or plans, each with its evidence sentence."""
        toks = docview.tokens(self.doc)
        pos, dep = docview.ids(self.doc, "POS"), docview.ids(self.doc, "DEP")   # t.pos_, t.dep_ as ids
        root = get_string_id("ROOT")
        for si, sent in enumerate(docview.sents(self.doc)):
            if si >= self.limit:
                break
            for i in range(sent.start, sent.end):
                p = pos[i]
                if p == VERB or p == AUX or (p == NOUN and dep[i] == root):
                    self._code_verb(sent, si, toks[i])
                if p == NOUN and self._noun_key(toks[i]):
                    self._code_noun(sent, si, toks[i])
        self._drop_conflict_vows()
        self._infer_dyad_targets()
        return self.events

    def dyad(self) -> tuple[str, str] | None:
        """The article's two main parties: the pair of countries that its events with a named
        target join most often (either direction); None when no pair leads (a tie, or none)."""
        pairs = Counter(tuple(sorted((str(e.source_code), str(e.target_code)))) for e in self.events
                        if e.source_code and e.target_code and e.source_code != e.target_code
                        and has_known_sides(e)
                        and not e.target_inferred and not {"IGO", "NGO"} & {e.source_code, e.target_code})
        top = pairs.most_common(2)
        if not top or (len(top) == 2 and top[0][1] == top[1][1]):
            return None
        a, b = top[0][0]
        return (a, b)

    def _infer_dyad_targets(self) -> None:
        """An event whose sentence names only its source, in an article about a pair of countries
        of which the source is one, is aimed at the other: marked ``target_inferred`` with lower
        confidence (``closed_class.yaml``: dyad_categories, confidence.inferred_target)."""
        pair = self.dyad()
        if pair is None or len(docview.sents(self.doc)) < 2:
            return
        w = self.words.confidence
        for i, e in enumerate(self.events):
            if e.target_code or e.event_type not in self.words.dyad_categories or e.source_code not in pair:
                continue
            other = pair[1] if e.source_code == pair[0] else pair[0]
            conf = round(max(w["floor"], min(e.confidence + w["inferred_target"], w["ceiling"])), 2)
            self.events[i] = dataclasses.replace(
                e, id=record_id(e.article_id, e.sent_idx, e.trigger_start, e.event_type, e.source_id, other),
                target_id=other, target_code=other, target_text=None, target_inferred=True, confidence=conf)

    @staticmethod
    def unborrowed(a: Actor, targets: list[Actor]) -> Actor:
        """Unnamed armed forces whose country was borrowed from their context (their sentence, a
        place in it, the article: "Troops fired on Indian posts") where that country is the very state, or its military, that
        they act on: the sentence's one country is the target's, and a state's own forces acting on
        it is the rare reading, so theirs is not known. They are coded by their sector alone. Other
        sectors keep the borrowed country: police on protesters, rebels on the army, the opposition
        on the government are domestic."""
        m = a.mention
        borrowed = ("context-sentence", "context-place", "context-article")
        if m.how not in borrowed or m.kind != "sector" or m.sector != "MIL" or not any(
                t.mention.country == m.country and (t.mention.sector or "GOV") in ("GOV", "MIL")
                and t.mention.kind in ("state", "sector") and t.mention.start != m.start for t in targets):
            return a
        return Actor(dataclasses.replace(m, actor_id=f"{SECTOR_ONLY}{m.sector}", actor_name=f"{m.text} ({m.sector})",
                                         country=None, code=m.sector, how="sector-only",
                                         confidence=actor_cues()["sector_only_confidence"]), a.via_coref, a.inferred)

    @staticmethod
    def same_actor(am: Mention, bm: Mention) -> bool:
        """One actor on both sides: the same actor id, or the same country code and the same
        sector, a country and its own government counting as one ("USA" and "USA GOV"). A
        domestic actor of another sector (government against opposition, police against
        protesters) is not the same actor, nor are two different IGOs."""
        if bm.actor_id == am.actor_id:
            return True
        ca, cb = code3(am), code3(bm)
        if not ca or ca != cb or ca in ("IGO", "NGO") or am.kind == "igo" or bm.kind == "igo":
            return False
        def sector(m: Mention) -> str:
            # a state mention without a sector is its government; any other actor keeps its kind
            return m.sector or ("GOV" if m.kind in ("state", None) else str(m.kind))
        if am.kind == "state" and not am.sector and bm.kind == "person":
            # a country whose sector was not read acting on a named person ("opposition groups in
            # Zimbabwe demanded that Mugabe ..."): not known to be one actor
            return False
        return sector(am) == sector(bm)

    def _context(self, tok: Token, sent: Span) -> str | None:
        words = [t.lemma_.lower() for t in tok.subtree] + [c.lemma_.lower() for c in tok.children]
        for w in words:
            if w in self.onto.contexts:
                return self.onto.contexts[w]
        return None


    def _location(self, tok: Token, mentions_in_sent: list[Mention]) -> str | None:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "at"):
                for pc in c.children:
                    if pc.dep_ == "pobj" and pc.ent_type_ in ("GPE", "LOC", "FAC"):
                        return " ".join(t.text for t in pc.subtree)
        return None


    def _emit(self, sent: Span, si: int, trig: Token, trig_end: int, category: str, mode: str | None,
              sources: list[Actor], targets: list[Actor], reciprocal: bool, speaker: list[Mention],
              specific: bool, pattern_id: str, _refusal: bool = False,
              mod_tok: Token | None = None, refusal: bool = True) -> None:
        """Record the events of one trigger; ``mod_tok`` is the verb whose auxiliaries and governors
        carry the modality (the light verb of a nominal trigger: "threatened to launch an offensive")."""
        art = self.article
        first_person_src = any(s.mention.text.lower() in self.words.first_person for s in sources)
        self_speaker = bool(speaker) and (first_person_src or any(
            sp.actor_id == s.mention.actor_id or (sp.country and sp.country == s.mention.country)
            for sp in speaker for s in sources))
        modality, negated = read_modality(mod_tok if mod_tok is not None else trig, category, self_speaker, self.words)
        if _refusal:
            negated = False
        intent = modality in self.words.intent_modalities and not negated
        if speaker and not self_speaker and modality in ("asserted", "planned", "pledged"):
            modality = "reported"
        if self.onto.categories[category].get("default_target") == "authorities":
            # "Tens of thousands of Israelis took to the streets": people named by a demonym are the
            # country's civilians, not its state (their protest aims at their own government)
            sources = [Actor(dataclasses.replace(s.mention, actor_id=f"{s.mention.country}:CVL", sector="CVL",
                                                 code=f"{s.mention.country}CVL"), s.via_coref, s.inferred)
                       if s.mention.kind == "state" and not s.mention.sector and s.mention.how == "demonym"
                       and s.mention.country else s for s in sources]
        if sources and self.onto.categories[category].get("default_target") == "authorities" and all(
                t.mention.country == sources[0].mention.country and t.mention.sector == sources[0].mention.sector
                for t in targets):
            # no target, or only the protesters themselves ("their demands"): the authorities
            targets = self.slots.authorities(trig, sources[0].mention)
        sources = [self.unborrowed(a, targets) for a in sources]
        pairs: list[tuple[Actor, Actor | None]] = []
        if reciprocal and not targets and len(sources) >= 2:
            for a in sources:
                for other in sources:
                    if a is not other and a.mention.actor_id != other.mention.actor_id:
                        pairs.append((a, other))
        else:
            for a in sources:
                if targets:
                    pairs.extend((a, b) for b in targets)
                else:
                    pairs.append((a, None))
        onto = self.onto.categories[category]
        context = self._context(trig, sent)
        if mode is None and category in self.words.context_modes:
            mode = self.words.context_modes[category].get(context or "")
        d, d_end, prec, dsrc = event_date(art, self.timexes, si, trig.idx, trig_end, trigger=trig)
        seen = set()
        if negated and refusal and category in self.words.cooperative and modality != "denied":
            # "refused to sign", "will not accept": the refusal itself is a REJECT event
            self._emit(sent, si, trig, trig_end, "REJECT", "refuse", sources, targets, False, speaker, specific,
                       pattern_id, _refusal=True)
        def same(am: Mention, bm: Mention) -> bool:
            # the authorities a domestic protest is aimed at are CAMEO's convention, kept; a state or
            # government "protesting" against its own government is no event of that kind: dropped
            if category in self.words.own_ground_categories and am.country and bm.country == am.country \
                    and bm.sector is None and (am.sector or "GOV") in {"GOV", *self.words.state_sectors}:
                return True     # "Syrian warplanes bombed areas in northern Syria": the state's own ground
                                # (or the state itself), not the party attacked, which goes unnamed
            return (bm.how != "default" or (am.sector or "GOV") == "GOV") and self.same_actor(am, bm)
        # a source whose only targets are itself ("its borders") acts without a coded target
        pairs = [(a, b) for a, b in pairs if b is None or not same(a.mention, b.mention)] + [
            (a, None) for a in sources if pairs and all(b is not None and same(a.mention, b.mention)
                                                        for x, b in pairs if x is a)]
        for a, b in pairs:
            am, bm = a.mention, (b.mention if b else None)
            key = (am.actor_id, bm.actor_id if bm else None)
            if key in seen:
                continue
            seen.add(key)
            w = self.words.confidence
            conf = w["base"] + (w["specific_pattern"] if specific else 0) + (
                w["coded_target"] if bm is not None and coded(bm) else 0)
            conf += w["coreference"] if (a.via_coref or (b and b.via_coref)) else 0
            conf += w["reported"] if modality == "reported" else 0
            conf += w["inferred_target"] if (b and b.inferred) else 0
            conf += w["sector_only"] if (sector_only(am) or (bm is not None and sector_only(bm))) else 0
            src_sp = speaker[0] if speaker else None
            self.events.append(Event(
                id=record_id(art.id, si, trig.idx, category, am.actor_id, bm.actor_id if bm else None),
                article_id=art.id, sent_idx=si, sent_start=sent.start_char, sent_end=sent.end_char,
                trigger_start=trig.idx, trigger_end=trig_end, trigger=self.text[trig.idx:trig_end],
                event_type=category, mode=mode, context=context, cameo=self.onto.cameo(category, mode, intent),
                quad_class=int(onto["quad"]), intensity=float(onto["intensity"]),
                source_id=am.actor_id, source_code=code3(am), source_sector=am.sector, source_text=am.text,
                target_id=bm.actor_id if bm else None, target_code=code3(bm) if bm else None,
                target_sector=bm.sector if bm else None, target_text=bm.text if bm else None,
                negated=negated, modality=modality, speaker_id=src_sp.actor_id if src_sp else None,
                speaker_text=src_sp.text if src_sp else None, location=self._location(trig, []),
                date=d, date_end=d_end, date_precision=prec, date_source=dsrc,
                confidence=round(max(w["floor"], min(conf, w["ceiling"])), 2),
                pattern_id=pattern_id, target_inferred=bool(b and b.inferred), evidence=docview.span_text(sent),
            ))


    def _embedded_in_other_event(self, tok: Token, _depth: int = 0) -> bool:
        """An action asked for, threatened, refused or criticised is not itself an event; under
        commitment verbs ("agreed to expand", "vowed to") it is (as pledged)."""
        if tok.head.i == tok.i:
            return False
        g = tok.head
        content = self.onto.embedding_nouns | self.words.content_nouns
        if tok.dep_ == "acl" and tok.tag_ == "VBG" and g.lemma_.lower() in self.words.statement_nouns:
            return False     # "passed a resolution urging Israel to ...": the participle is the statement's act
        if tok.dep_ in ("acl", "ccomp", "relcl") and g.pos_ in ("NOUN", "PROPN") and \
                g.lemma_.lower() in content:
            return True      # "its demand that Israel ease restrictions", "a threat to attack"
        cur = tok
        while cur.dep_ == "conj" and cur.head.i != cur.i:
            cur = cur.head
        if cur.dep_ == "pcomp" and cur.head.lower_ not in self.words.means_preps and cur.head.head.pos_ in ("VERB", "AUX") and \
                any(k in self.onto.by_verb for k in self._keys(cur.head.head)):
            return True      # "accused the US of violating ... , ignoring ...": the content of the charge
        if tok.dep_ == "advcl" and tok.tag_ == "VBG" and g.pos_ in ("VERB", "AUX"):
            gpats = [p for k in self._keys(g) for p in self.onto.by_verb.get(k, ())]
            own = [p for k in self._keys(tok) for p in self.onto.by_verb.get(k, ())]
            if gpats and all(p.category == "ACCUSE" for p in gpats) and own and (
                    tok.lemma_.lower() in self.words.harm_verbs
                    or all(self.onto.categories[p.category]["quad"] == 4 for p in own)):
                return True  # "accused the government of war crimes ..., killing 4,300 people": the
                             # harm belongs to the charge, not to the accuser
        if cur.dep_ == "pcomp" and cur.head.lower_ in self.words.means_preps and cur.head.head.pos_ in ("VERB", "AUX") \
                and cur.head.head.dep_ in ("xcomp", "ccomp") and _depth < 2 and self._embedded_in_other_event(
                    cur.head.head, _depth + 1):
            return True      # "urged New Delhi to respond by reducing its troops": asked for, as the response is
        if cur.dep_ == "pcomp" and cur.head.lower_ in self.words.means_preps and cur.head.head.pos_ in ("VERB", "AUX"):
            pats = [p for k in self._keys(cur.head.head) for p in self.onto.by_verb.get(k, ())]
            if pats and all(p.category == "ACCUSE" for p in pats):
                return True  # "accused X of war crimes by using airstrikes, killing 4,300": the charge's means
        if tok.dep_ == "ccomp" and tok.i < g.i and any(o.dep_ == "dobj" for o in g.children) \
                and g.lemma_ not in self.words.speech:
            return False     # a sibling clause before a verb with its own object, not its content:
                             # "Taiwan pledged $65 million, Saudi Arabia gave $50 million"
        if tok.dep_ in ("ccomp", "acl") and any(o.dep_ == "dobj" and o.i < tok.i and o.lemma_.lower() in
                                                 content for o in g.children):
            return True      # "reiterated its demand today that Israel ease ...": the clause belongs to the noun
        # through coordination: "discussed increasing trade and expanding ..." embeds both
        if cur.dep_ not in ("xcomp", "ccomp"):
            return False
        g = cur.head
        if self._commanded(cur):
            return False     # "ordered its troops to pull back": the state pulls back
        if g.lemma_ in self.words.commit or g.lemma_ in self.words.plan or g.lemma_ in self.words.speech \
                or g.lemma_ in self.words.aspectual or self._means(g):
            return False
        return any(k in self.onto.by_verb for k in self._keys(g))



    def _complement_category(self, tok: Token) -> str | None:
        """The category of the first verb with patterns in ``tok``'s to-infinitive chain ("ready to
        resume shelling" → ASSAULT); None when none has a pattern, or its patterns mix conflict
        with other categories."""
        cur = tok
        for _ in range(3):
            nxt = [c for c in cur.children if c.dep_ in ("xcomp", "advcl") and c.pos_ in ("VERB", "AUX")]
            if not nxt:
                return None
            cur = nxt[0]
            for k in self._keys(cur):
                if k in self.onto.by_verb and self.onto.by_verb[k] and cur.lemma_ not in self.words.aspectual:
                    cats = {p.category for p in self.onto.by_verb[k]}
                    # a verb of mixed senses ("withdraw" troops or an envoy) is no sure conflict
                    return str(self.onto.by_verb[k][0].category) if len(cats) == 1 or cats <= set(
                        self.words.threat_modes) else None
        return None

    def _drop_conflict_vows(self) -> None:
        """A vow or promise whose complement is coded as an intended conflict ("vowed to retaliate",
        "promised to punish") is that threat, not also an agreement: the commitment verb's own
        event is dropped."""
        by_idx = {t.idx: t for t in docview.tokens(self.doc)}
        threats = {e.trigger_start for e in self.events
                   if self.onto.cameo_category(e.event_type, e.cameo) == "THREATEN" and e.event_type != "THREATEN"}
        if not threats:
            return
        def vow(e: Event) -> bool:
            t = by_idx.get(e.trigger_start)
            return t is not None and e.event_type == "AGREE" and t.lemma_ in self.words.commit and any(
                c.idx in threats for c in t.children if c.dep_ in ("xcomp", "advcl", "ccomp"))
        self.events = [e for e in self.events if not vow(e)]

    def _code_predicates(self, sent: Span, si: int, tok: Token) -> bool:
        """Non-pattern predicates with general meanings: "X is willing/ready to ..." (AGREE),
        "X is opposed to ..." (REJECT), "X said Y must ..." (REQUEST from X to Y)."""
        speaker, _ = self.slots.speaker(tok)
        if tok.lemma_ == "be":
            for c in tok.children:
                if c.dep_ == "acomp" and c.lower_ in self.words.willing | self.words.unwilling:
                    cat = "AGREE" if c.lower_ in self.words.willing else "REJECT"
                    mode: str | None = "intent" if cat == "AGREE" else "reject"
                    pid = "predicate.willing" if cat == "AGREE" else "predicate.unwilling"
                    conflict = self._complement_category(c)
                    if cat == "AGREE" and conflict in self.words.threat_modes:
                        # "ready to strike", "prepared to resume shelling": readiness for conflict
                        # is a threat (CAMEO 13x), not an agreement
                        cat, mode, pid = "THREATEN", self.words.threat_modes[conflict] or None, "predicate.ready_threat"
                    subj, _ = subject(tok)
                    sources = self.slots.resolve_actors(subj, speaker)
                    if sources:
                        # the target of what they are willing to do: "willing to withdraw from Lebanon"
                        targets = [x for x in self.slots.fallback_targets(c, [], speaker, depth=0, exclude=sources)]
                        self._emit(sent, si, c, c.idx + len(c.text), cat, mode,
                                   sources, targets, False, speaker, False, pid)
                        return True
        dis = self.words.disapproval_states
        state_word = None
        if tok.lemma_ == "be":
            state_word = next((c for c in tok.children if c.dep_ == "acomp" and c.lower_ in dis), None)
        elif tok.tag_ == "VBN" and tok.lower_ in dis and any(c.dep_ == "auxpass" for c in tok.children):
            state_word = tok
        if state_word is not None:
            # "France is deeply concerned about Russia's troop buildup", "it was dismayed by criticism
            # from Syria": the state voices disapproval of the party named (ACCUSE 110), only when one is
            subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
            sources = self.slots.resolve_actors(subj, speaker)
            objs = [p for h in {tok.i: tok, state_word.i: state_word}.values()
                    for p in prep_objects(h, self.words.disapproval_preps)]
            src_ids = {a.mention.actor_id for a in sources}
            targets = [b for b in self.slots.object_actors(objs, speaker) if b.mention.actor_id not in src_ids] \
                if objs else []
            if sources and targets:
                self._emit(sent, si, state_word, state_word.idx + len(state_word.text), "ACCUSE", "disapprove",
                           sources, targets, False, speaker, False, "predicate.disapproval", mod_tok=tok)
                return True
        if tok.lemma_ == "be" and tok.dep_ == "ccomp" and tok.head.lemma_ in self.words.speech and any(
                (c.dep_ == "acomp" and c.lower_ in self.words.blame_predicates)
                or (c.dep_ == "prep" and c.lower_ in self.words.blame_predicates)
                or (c.dep_ == "xcomp" and c.lower_ == "blame" and "to blame" in self.words.blame_predicates)
                for c in tok.children):
            # "the minister said Washington was responsible for the crisis": the speaker accuses
            subj, _ = subject(tok.head)
            t_subj = [c for c in tok.children if c.dep_ == "nsubj"]
            if t_subj and not any(t.lower_ in self.words.first_person for t in t_subj) and not any(
                    c.dep_ == "neg" for c in tok.children):
                sources = self.slots.resolve_actors(subj, [])
                targets = self.slots.resolve_targets(t_subj, [])
                if sources and targets:
                    self._emit(sent, si, tok, tok.idx + len(tok.text), "ACCUSE", "accuse", sources, targets, False,
                               [], False, "predicate.blame", mod_tok=tok.head)
                    return True
        if tok.lemma_ == "be" and tok.dep_ == "ccomp" and tok.head.lemma_ in self.words.speech \
                and self._condemning(tok) and not any(c.dep_ == "neg" for c in tok.children):
            # "Iran says US sanctions are economic terrorism", "Iran: ... are a crime": the speaker
            # condemns the actor of the subject (CAMEO 111)
            subj, _ = subject(tok.head)
            t_subj = [c for c in tok.children if c.dep_ in ("nsubj", "csubj")]
            sources = self.slots.resolve_actors(subj, [])
            if sources and t_subj and not any(t.lower_ in self.words.first_person and t.text != "US" for t in t_subj):
                src_ids = {a.mention.actor_id for a in sources}
                targets = [b for b in self.slots.object_actors(t_subj, []) if b.mention.actor_id not in src_ids]
                if targets:
                    self._emit(sent, si, tok, tok.idx + len(tok.text), "ACCUSE", "criticize", sources, targets[:1],
                               False, [], False, "predicate.condemn", mod_tok=tok.head)
                    return True
        if tok.lemma_ == "be" and tok.dep_ == "ccomp" and tok.head.lemma_ in self.words.speech:
            # "X said removing the sanctions on Burma is out of the question": X rejects (CAMEO 12)
            pred = " ".join(t.lower_ for c in tok.children if c.i > tok.i and c.dep_ in ("neg", "prep", "attr", "acomp")
                            for t in c.subtree if t.dep_ != "det")
            neg_first = any(c.dep_ == "neg" and c.i > tok.i for c in tok.children)
            pred = ("not " + pred) if neg_first and not pred.startswith("not") else pred
            if pred in self.words.ruled_out_predicates:
                subj, _ = subject(tok.head)
                sources = self.slots.resolve_actors(subj, [])
                clause = [t for c in tok.children if c.dep_ in ("nsubj", "csubj") for t in c.subtree]
                if sources and clause:
                    src_ids = {a.mention.actor_id for a in sources}
                    targets = [b for b in self.slots.resolve_targets(clause, []) if b.mention.actor_id not in src_ids]
                    self._emit(sent, si, tok, tok.idx + len(tok.text), "REJECT", "reject", sources, targets[:1], False,
                               [], False, "predicate.ruled_out", mod_tok=tok.head)
                    return True
        aux = {c.lower_ for c in tok.children if c.dep_ == "aux"}
        if aux & {"must", "should"} and tok.dep_ == "ccomp" \
                and tok.head.lemma_ in self.words.speech | {"conclude", "insist"}:
            subj, _ = subject(tok.head)
            sources = self.slots.resolve_actors(subj, [])
            t_subj, _ = subject(tok)
            if any(t.lower_ in self.words.first_person for t in t_subj):
                return False     # "we must cooperate": the speaker's own resolve, not a demand
            targets = self.slots.resolve_targets(t_subj, [])
            if sources:
                # the demand is made by the saying: its modality is the speech verb's ("said", "will insist")
                self._emit(sent, si, tok, tok.idx + len(tok.text), "REQUEST", "demand", sources, targets, False, [],
                      False, "predicate.must", mod_tok=tok.head)
                return True
        return False


    def _condemning(self, be: Token) -> bool:
        """A copula whose predicate condemns its subject ("... are economic terrorism", "... is a
        crime", "... was illegal": ``condemnation_predicates``)."""
        return any(c.dep_ in ("attr", "acomp") and c.lemma_.lower() in self.words.condemnation_predicates
                   for c in be.children)

    def _commanded(self, tok: Token) -> frozenset[str]:
        """The forces a state commands, when ``tok`` is what they are ordered to do ("ordered its
        troops to pull back"): the order's object words (``commanded_nouns``), else nothing. Such
        an object is no controller: the one who orders acts through them."""
        g = tok.head
        if tok.dep_ != "xcomp" or g.i == tok.i or g.lemma_.lower() not in self.words.command_verbs:
            return frozenset()
        dobj = [c for c in g.children if c.dep_ == "dobj" and c.i < tok.i and c.lemma_.lower() in self.words.commanded_nouns]
        if not dobj:
            return frozenset()
        # another state's forces ("the UN ordered Iraqi troops to leave") are ordered, not commanded
        theirs = {a.mention.country for a in self.slots.resolve_actors(dobj, [])}
        ours = {a.mention.country for a in self.slots.resolve_actors(subject(g)[0], [])}
        if theirs and not theirs <= ours:
            return frozenset()
        return frozenset(c.lemma_.lower() for c in dobj)

    def _subsidiary(self, tok: Token) -> bool:
        """Clauses that are not events of their own: the condition of another clause ("... unless
        Baghdad accepted its conditions", "if he gave them a veto") and the purpose of an act already
        coded ("staged demonstrations to demand reforms": the demonstration is the event)."""
        if any(c.dep_ == "mark" and c.lower_ in self.words.unreal_marks for c in tok.children):
            return True
        # "must agree to reforms before they demobilize", "demanded a truce before allowing convoys":
        # a later event under an unreal main clause
        main = None
        if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in self.words.temporal_marks
                                       for c in tok.children):
            main = tok.head
        elif tok.dep_ == "pcomp" and tok.head.lower_ in self.words.temporal_marks and tok.head.head.i != tok.head.i:
            main = tok.head.head
        if main is not None and self._unreal_clause(main):
            return True
        if tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
            head = tok.head.lemma_.lower()
            if (head in self.words.commit | self.words.plan | self.words.negators | self.words.aspectual
                    | self.words.speech or head == "be") and not any(c.dep_ == "dobj" for c in tok.head.children):
                # a misparsed complement: "have sworn to fight", "is prepared to go" (but "began a
                # hunger strike to demand ..." has its purpose)
                return False
            if head in self.words.mission_verbs or any(
                    c.dep_ == "dobj" and c.lemma_.lower() in self.words.means_nouns for c in tok.head.children):
                # "sent a team to investigate", "took steps to enhance": the mission or the act itself,
                # unless the sending is an event of its own
                return any(e.trigger_start == tok.head.idx for e in self.events)
            # a purpose: "opened fire to disperse the crowd", "reopened the bridge to allow deliveries":
            # what the act is meant to bring about is intended, not asserted
            return True
        # the clause of an unreal clause: "before allowing convoys to feed the starving"
        cur = tok
        for _ in range(3):
            if cur.dep_ not in ("xcomp", "ccomp", "conj") or cur.head.i == cur.i:
                break
            cur = cur.head
            if cur.dep_ == "pcomp" and cur.head.lower_ in self.words.temporal_marks \
                    and cur.head.head.i != cur.head.i and self._unreal_clause(cur.head.head):
                return True
            if any(c.dep_ == "mark" and c.lower_ in self.words.unreal_marks for c in cur.children):
                return True
        return False


    def _means(self, verb: Token) -> bool:
        """A verb of means with its act in a to-infinitive: "took steps to release", "took measures
        to ease" (the parser hangs the infinitive on the verb or on the noun)."""
        nouns = [c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in self.words.means_nouns]
        if not nouns:
            return False
        clauses = [c for h in [verb, *nouns] for c in h.children if c.dep_ in ("xcomp", "advcl", "acl", "relcl")]
        return any(any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in clauses)

    @staticmethod
    def _means_objects(verb: Token) -> list[Token]:
        """The nouns that name how an act was done: the object of "with"/"by" (or of the gerund
        after "by"), and the object of a participle clause ("hit back, imposing bans")."""
        out: list[Token] = []
        # (the parser may hang "with" on the object: "targeted the fleet with sanctions")
        heads = [verb, *[o for o in verb.children if o.dep_ == "dobj"]]
        for c in [c for h in heads for c in h.children if h is verb or c.lower_ == "with"]:
            if c.dep_ == "prep" and c.lower_ in ("with", "by"):
                out.extend(pc for pc in c.children if pc.dep_ == "pobj")
                out.extend(o for g in c.children if g.dep_ == "pcomp" for o in g.children if o.dep_ == "dobj")
            elif c.dep_ in ("advcl", "conj", "xcomp") and c.tag_ == "VBG":
                out.extend(o for o in c.children if o.dep_ == "dobj")
        return out

    def _unreal_clause(self, verb: Token) -> bool:
        """Whether a verb's clause states no fact: a modal ("must agree"), a demand, warning or
        vow ("demanded a truce"), or a clause under one ("have sworn to fight")."""
        chain = [verb, *([verb.head] if verb.dep_ in ("xcomp", "ccomp", "conj", "advcl") else [])]
        for v in chain:
            if any(c.dep_ == "aux" and c.tag_ == "MD" for c in v.children):
                return True
            if v.lemma_.lower() in self.words.conditioning | self.words.commit | self.words.plan:
                return True
        return False

    def _keys(self, tok: Token) -> list[str]:
        """Lookup keys, most specific first: multi-word verbs whose words all stand among the
        verb's dependents ("took aim at"), then "lemma particle", then the lemma."""
        keys = verb_keys(tok, self.onto.by_verb, self.words.phrasal_preps, self.words.phrasal_adverbs)
        multi = self.onto.multi
        lems = {tok.lemma_.lower(), *(k.split()[0] for k in keys)}
        extra = [k for lem in lems for k in multi_keys(tok, lem, multi)]
        keys = extra + [k for k in keys if k not in extra] if extra else keys
        if any((c.dep_ == "prt" or (c.dep_ == "advmod" and c.lower_ in self.words.phrasal_adverbs))
               and f"{tok.lemma_.lower()} {c.lower_}" in self.onto.by_verb for c in tok.children):
            # a phrasal verb the lexicon knows is another verb than its bare lemma: "hit back" (a
            # retaliation, guarded by its means) never falls back to "hit"
            keys = [k for k in keys if " " in k]
        return keys

    def _object_lemmas(self, obj_toks: list[Token]) -> set[str]:
        """The words a pattern's ``objects`` are matched against: each object's lemma and form,
        its compound ("tear gas", "sanctions list"; the compound alone after a generic head:
        "aid deliveries"), and the noun after "of" ("a set of 20 agreements")."""
        obj_lemmas: set[str] = set()
        # coordinated objects count too: "fired tear gas and water cannon", "imposed tariffs and sanctions"
        obj_toks = obj_toks + [c for o in obj_toks for c in o.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")]
        # the parser may hang the first of two coordinated objects under the second ("tear gas and
        # water cannons" read as a modifier of "cannons")
        obj_toks = obj_toks + [c for o in obj_toks for c in o.children if c.dep_ == "nmod" and
                               any(x.dep_ == "cc" for x in c.children)]
        for o in obj_toks:
            if o.ent_type_ == "MONEY" or o.lower_.startswith(("us$", "$", "€", "£")):
                obj_lemmas.add("money")       # "promised US$200,000 in relief"
            obj_lemmas.add(o.lemma_.lower())
            obj_lemmas.add(o.lower_)
            comps = [t for t in o.children if t.dep_ == "compound"]
            for k in range(len(comps)):
                # "NATO peacekeeping troops": every tail of the compound chain ("peacekeeping troops")
                obj_lemmas.add(" ".join(t.lower_ for t in comps[k:]) + f" {o.lower_}")
                obj_lemmas.add(" ".join(t.lower_ for t in comps[k:]) + f" {o.lemma_.lower()}")
            if comps:
                if o.lemma_.lower() in self.onto.generic_heads:
                    obj_lemmas.update(t.lemma_.lower() for t in comps)
            mods = [t for t in o.children if t.dep_ == "amod"]
            if mods:
                obj_lemmas.add(f"{mods[-1].lower_} {o.lemma_.lower()}")
            for p in o.children:
                if p.dep_ == "prep" and p.lower_ == "of":
                    # "a set of 20 agreements", "the first deployment of NATO peacekeeping troops"
                    obj_lemmas.update(self._object_lemmas([pc for pc in p.children if pc.dep_ == "pobj"]))
        return obj_lemmas

    def _via(self, heads: list[Token], prep: str, cache: dict[str, set[str]]) -> set[str]:
        """Object words of ``prep`` phrases on the verb or its object (the parser attaches "in
        its sanctions list" to either)."""
        if prep not in cache:
            if prep == "complement":
                cache[prep] = self._object_lemmas([c for h in heads[:1] for c in complements(h)])
            else:
                # the parser may hang "in its sanctions list" on any noun of the object phrase
                # ("included 33 companies operating in China in the sanctions list")
                nouns = [x for h in heads[1:] for x in h.subtree if x.pos_ in ("NOUN", "PROPN", "VERB")]
                cache[prep] = self._object_lemmas([p for h in [*heads, *nouns] for p in prep_objects(h, (prep,))])
        return cache[prep]

    def _sport_words(self, sent: Span) -> list[int]:
        """The tokens of ``sent`` whose lemma is a sports word (once per sentence, not per verb)."""
        got = self._sports.get(sent.start)
        if got is None:
            lem, sports = docview.lemmas_lower(self.doc), self.words.sports
            got = self._sports[sent.start] = [i for i in range(sent.start, sent.end) if lem[i] in sports]
        return got

    def _code_verb(self, sent: Span, si: int, tok: Token) -> None:
        onto = self.onto
        keys = self._keys(tok)
        if not any(k in onto.by_verb for k in keys) and tok.lemma_ != "be" and not any(
                c.dep_ == "aux" and c.lower_ in ("must", "should") for c in tok.children) \
                and tok.lower_ not in self.words.disapproval_states:
            return          # the common case, cheaply: no pattern and no general predicate
        if self._embedded_in_other_event(tok) or self._subsidiary(tok) or self._means(tok):
            return          # (a verb of means is no act: the act is its infinitive)
        if tok.dep_ == "amod" and tok.tag_ == "VBG":
            return          # a participle that describes: "the visiting minister", "warring factions"
        prev = tok.doc[tok.i - 1] if tok.i > 0 else None
        if tok.tag_ == "VBG" and tok.dep_ == "advcl" and prev is not None and prev.pos_ == "PROPN" \
                and prev.dep_ in ("dobj", "nsubjpass") and prev.head.i == tok.head.i:
            return          # a name's head noun read as a participle: "reopened the Kerem Shalom crossing"
        if tok.dep_ == "xcomp" and tok.head.lemma_ == "be" and f"to {tok.lower_}" in self.words.blame_predicates \
                and not any(c.dep_ == "dobj" for c in tok.children):
            return          # "Hamas was to blame": a predicate (predicate.blame), not Hamas blaming
        if tok.dep_ == "relcl" and any(c.dep_ == "aux" and c.lower_ == "had" for c in tok.children):
            return          # background in the pluperfect: "released the tourists it had taken hostage"
        # a sports word that names an actor ("the Arab League") says nothing of sport
        sport = any(i not in self.slots.by_token for i in self._sport_words(sent))
        if self._code_predicates(sent, si, tok):
            return
        dobj = [c for c in tok.children if c.dep_ in ("dobj", "attr")]
        if not dobj:
            # a small clause: "made 50,000 euros available for Pakistan" (the parser makes the
            # object the subject of the adjective)
            dobj = [x for c in tok.children if c.dep_ in ("ccomp", "xcomp", "oprd") and c.pos_ == "ADJ"
                    for x in c.children if x.dep_ == "nsubj"]
        subj, passive = subject(tok, self.words.means_nouns | self._commanded(tok), self.words.statement_nouns,
                                 self.words.means_preps)
        if not passive and tok.tag_ == "VBN" and tok.dep_ == "advcl" and any(c.dep_ == "agent" for c in tok.children):
            passive = True  # "Prodded by Russia, Saddam agreed ...": Russia prodded Saddam
        dateline = dateline_tokens(sent)
        if dateline and any(s_.i in dateline for s_ in subj):
            # "PARIS (Reuters) – Paris police fired ...": the dateline is no subject; "HANOI — Vietnam
            # and Laos signed ...": the words the parser hung on it are
            subj = [x for s_ in subj for x in ([s_] if s_.i not in dateline else
                    [c for c in s_.children if c.dep_ in ("appos", "conj") and c.i not in dateline])]
        obj_toks = dobj or (subj if passive else [])
        obj_lemmas = self._object_lemmas(obj_toks)
        # ("reopened the Kerem Shalom crossing": the head noun of a name, read as a participle)
        obj_lemmas |= {x.lower_ for o in obj_toks if o.pos_ == "PROPN" and o.i + 1 < len(o.doc)
                       for x in [o.doc[o.i + 1]] if x.tag_ == "VBG" and x.dep_ == "advcl" and x.head.i == tok.i}
        # the parser may read "hit a record high" with "high" as an adverb
        adv_lemmas = self._object_lemmas([c for c in tok.children if c.dep_ in ("advmod", "npadvmod")])
        # "called the move **illegal**", "described the sanctions **as** illegal": a predicate on the
        # object is a judgement, not an act; `via: [complement]` reads it and the marker
        # "@complement" (in not_objects) keeps "called Sweden's stance unacceptable" from being a call
        comp = complements(tok)
        if comp:
            adv_lemmas = adv_lemmas | {"@complement"}
        if not any(c.dep_ in ("xcomp", "ccomp", "advcl") or (c.dep_ == "prep" and c.lower_ == "for")
                   for h in [tok, *dobj] for c in h.children) and not any(
                c.dep_ in ("acl", "relcl") for o in dobj for c in o.children) and not any(
                a.dep_ == "aux" and a.lower_ == "to" for x in tok.subtree if x.i != tok.i for a in x.children):
            # nothing asked for: "called on the foreign minister" is a courtesy call, "called on
            # Israel to withdraw" a request (the marker for ``not_objects``)
            adv_lemmas = adv_lemmas | {"@no_clause"}
        if not passive:
            # an act with its means named: "retaliated with an ultimatum", "hit back, imposing entry
            # bans", "targeted the fleet with sanctions" — the means say what was done, so a sense
            # guard (``not_objects``) reads them as it reads the object
            adv_lemmas = adv_lemmas | self._object_lemmas(self._means_objects(tok))
        if any(c.dep_ == "prep" and c.lower_ == "for" and any(g.dep_ == "pcomp" and g.tag_ == "VBG" for g in c.children)
               for c in tok.children):
            # "attacked Britain for interfering": blamed for a conduct (`"@for_conduct"` in the lexicon)
            obj_lemmas = obj_lemmas | {"@for_conduct"}
            adv_lemmas = adv_lemmas | {"@for_conduct"}
        if any(c.dep_ == "prep" and c.lower_ in self.words.means_preps and any(g.dep_ == "pcomp" and g.tag_ == "VBG"
                                                                            for g in c.children) for c in tok.children):
            # "retaliated by expelling diplomats": the means is the act (`"@by_means"` in the lexicon)
            adv_lemmas = adv_lemmas | {"@by_means"}
        via_lemmas: dict[str, set[str]] = {}
        # "ordered its troops to pull back": the order is the state's own act (coded on the
        # infinitive), no request to its own forces
        commanding = any(self._commanded(c) for c in tok.children if c.dep_ == "xcomp")
        for key in keys:
            for pat in onto.by_verb.get(key, ()):
                if commanding and pat.category == "REQUEST":
                    continue
                if sport and onto.categories[pat.category]["quad"] in (3, 4):
                    continue        # "the team crushed Italy", "beat Belgium in the final"
                if pat.objects is not None and not (obj_lemmas & pat.objects):
                    # list membership: the object may be the prepositional one ("added ... to the
                    # Entity List", "included ... in the sanctions list")
                    if not any(self._via([tok, *obj_toks], p, via_lemmas) & pat.objects for p in pat.via):
                        continue
                if (pat.not_objects and (obj_lemmas | adv_lemmas) & pat.not_objects) or (pat.no_object and dobj):
                    continue
                if pat.not_subjects and self._object_lemmas(subj) & pat.not_subjects:
                    continue        # "peacekeeping troops arrived in Bosnia" is no visit
                if pat.subjects and not self._object_lemmas(subj) & pat.subjects:
                    continue        # ... but an arrival of peacekeepers is aid
                if pat.object_actor and not self.slots.resolve_actors(
                        (dobj or prep_objects(tok, tuple(w for w in pat.target if w not in ("dobj", "iobj", "poss"))))
                        if not passive else subj, []):
                    continue        # (the object may be a preposition's: "called on the minister")
                if pat.only_joint and not any(t.lower_ in ("joint", "jointly") for o in obj_toks for t in o.subtree) \
                        and not any(c.dep_ == "conj" for s_ in subj for c in s_.subtree) \
                        and not prep_objects(tok, ("with",)):
                    # a drill is cooperation when joint: "joint exercises", "X and Y held drills",
                    # "drills with Y"
                    continue
                if tok.dep_ == "advcl" and tok.tag_ == "VBG" and onto.categories[pat.category]["quad"] in (1, 3) \
                        and any(e.trigger_start == tok.head.idx and e.quad_class in (2, 4) for e in self.events):
                    # "demonstrated ..., calling for independence": the stated aim of a material act
                    return
                speaker, _sv = self.slots.speaker(tok)
                src_toks = [s for s in subj if not passive]
                if passive:
                    src_toks = [pc for c in tok.children if c.dep_ == "agent" for pc in c.children if pc.dep_ == "pobj"]
                sources = self.slots.resolve_actors(src_toks, speaker)
                targets: list[Actor] = []
                for where in pat.target:
                    if where == "dobj":
                        cand = dobj if not passive else subj
                        # an object that is itself the required document/noun is no actor
                        t = self.slots.resolve_targets([c for c in cand if pat.objects is None or pat.via], speaker)
                        if not t and pat.via:
                            t = self.slots.object_actors(list(cand), speaker)
                    elif where == "iobj":
                        t = self.slots.resolve_targets([c for c in tok.children if c.dep_ in ("dative", "iobj")],
                                                       speaker)
                    elif where == "poss":
                        t = self.slots.resolve_targets([c for o in obj_toks for c in o.children if c.dep_ == "poss"],
                                                       speaker)
                    else:
                        heads = [tok] + list(obj_toks)
                        t = self.slots.resolve_targets([p for h in heads for p in prep_objects(h, (where,))], speaker)
                    if t:
                        targets = t
                        break
                if not sources and passive and src_toks:
                    # "killed by Israeli fire", "wounded by a Russian airstrike": an agent that names
                    # the act (a fighting noun, an attack noun of the lexicon, a weapon's fire) stands
                    # for the side its modifier names
                    acts_by = [a for a in with_conjuncts(src_toks) if a.lemma_.lower() in self.words.fighting_nouns
                               or a.lemma_.lower() in self.words.agent_act_nouns
                               or ((k := self._noun_key(a)) is not None
                                   and self.onto.nouns[k]["category"] in self.words.unattributed_categories)]
                    sources = self.slots.modifier_states(acts_by, speaker)
                if not sources and passive:
                    # "soldiers were killed in firing by Indian troops": the agent of the noun
                    # that names the act
                    # "... were killed in an exchange of fire with Azerbaijani forces": the other side
                    # (on a coordinated verb too: "was killed and another wounded in an exchange ...")
                    acts = [a for h in [tok, *[c for c in tok.children if c.dep_ == "conj"],
                                        *([tok.head] if tok.dep_ == "conj" else [])]
                            for a in prep_objects(h, ("in", "during", "after", "under"))]
                    agents = [a for pc in acts for a in prep_objects(pc, ("by",))]
                    sources = self.slots.resolve_actors(agents, speaker) \
                        or self.slots.resolve_actors(
                            # "killed in cross-border fire from Afghanistan": where the fire came from
                            [f for pc in acts if pc.lemma_.lower() in self.words.agent_act_nouns | self.words.fighting_nouns
                             for f in prep_objects(pc, ("from",)) + (prep_objects(tok, ("from",))
                                                                     if tok.lemma_.lower() in self.words.harm_verbs else [])],
                            speaker) \
                        or self.slots.resolve_actors(
                            [w for pc in acts if pc.lemma_.lower() in self.words.fighting_nouns
                             for x in pc.subtree if x.dep_ == "prep" and x.lower_ == "with"
                             for w in x.children if w.dep_ == "pobj"], speaker)
                    if not sources and tok.lemma_.lower() in self.words.harm_verbs:
                        # "three civilians were killed in Israeli shelling", "... in rebel shelling of
                        # the capital", "... in mortar shelling by Pakistani troops" (the parser may
                        # read the act as a participle): the actor that names the act did it
                        named = [a for pc in acts if self._noun_key(pc) is not None
                                 and self.onto.nouns[self._noun_key(pc) or ""]["category"] == pat.category
                                 for a in pc.children if a.dep_ in ("amod", "compound", "poss")]
                        named += [a for c in tok.children if c.dep_ == "advcl" and c.tag_ == "VBG"
                                  and any(p_.category == pat.category for k in self._keys(c) for p_ in
                                          self.onto.by_verb.get(k, ()))
                                  for a in prep_objects(c, ("by",))]
                        # ("killed in Pakistani shelling" parsed as "in Pakistani" + a participle)
                        named += [pc for pc in acts if pc.lower_ in self.slots.adjectives and any(
                            c.dep_ == "advcl" and c.tag_ == "VBG" and c.i == pc.i + 1 for c in tok.children)]
                        sources = [x for x in self.slots.resolve_actors(named, speaker)
                                   if x.mention.start not in {y.idx for y in subj}] or [
                            Actor(self.slots.demonym(a)) for a in named
                            if a.dep_ in ("amod", "pobj") and a.lower_ in self.slots.adjectives]
                    if not sources and tok.lemma_.lower() in self.words.harm_verbs:
                        # "five soldiers were killed in a roadside bombing": an unnamed perpetrator
                        attack = [pc for pc in acts if (k := self._noun_key(pc)) is not None
                                  and self.onto.nouns[k]["category"] in self.words.unattributed_categories
                                  and pat.category in self.words.unattributed_categories
                                  and not prep_objects(pc, ("by",))]   # "an ambush by jihadist fighters": named
                        if attack:
                            sources = [self.slots.unidentified(attack[0], si)]
                src_starts = {x.mention.start for x in sources}
                targets = [x for x in targets if x.mention.start not in src_starts and not (
                    pat.category == "CONSULT" and x.mention.sector in self.words.not_consulted)]
                if pat.target_required and not targets:
                    continue        # an ambiguous verb counts only with its target named ("spoke with X")
                if not targets and sources and pat.category in self.words.civilian_categories:
                    # "police fired tear gas at protesters in Nairobi", "arrested 46 people": the
                    # civilians of the place (else of the acting state), a sector of their own
                    slot = list(obj_toks) + [p for w in pat.target if w not in ("dobj", "iobj", "poss")
                                             for h in [tok, *obj_toks] for p in prep_objects(h, (w,))]
                    targets = self.slots.civilians(slot, sources[0].mention,
                                                   prep_objects(tok, ("in", "near", "at", "across")))
                if not targets and not (pat.reciprocal and len(sources) > 1):
                    # (in the passive the subject is the object phrase: "a camp for Congolese refugees was attacked")
                    targets = self.slots.fallback_targets(tok, obj_toks, speaker, exclude=sources)
                    # a co-agent is no target ("recognized by both Russia and Ukraine")
                    targets = [x for x in targets if x.mention.start not in src_starts
                               and x.mention.actor_id not in {y.mention.actor_id for y in sources
                                                              if self.unborrowed(y, [x]) is y}]
                    if pat.category in self.words.clause_participant_categories:
                        # what a consultation is about is no party to it ("a conversation on Nicaragua")
                        topic = {x.idx for h in [tok, *obj_toks] for c in h.children
                                 if c.dep_ == "prep" and c.lower_ in self.words.topic_preps for x in c.subtree}
                        targets = [x for x in targets if x.mention.start not in topic]
                if not targets and sources and tok.dep_ == "advcl" and tok.tag_ == "VBG" \
                        and pat.category in self.words.civilian_categories:
                    # "fired on demonstrators in Ahwaz, killing three": the harm done by the act that
                    # the participle continues falls on that act's target
                    head_evs = [e for e in self.events if e.sent_idx == si and e.trigger_start == tok.head.idx
                                and e.target_id and e.event_type == pat.category
                                and e.source_id in {x.mention.actor_id for x in sources}]
                    ids = {e.target_id for e in head_evs}
                    targets = [Actor(m) for m in self.mentions if m.actor_id in ids and m.sent_idx == si][:1] or [
                        Actor(Mention(self.article.id, si, e.trigger_start, e.trigger_end, str(e.target_text or ""),
                                      actor_id=e.target_id, actor_name=e.target_id, country=e.target_code,
                                      sector=e.target_sector, code=f"{e.target_code}{e.target_sector or ''}",
                                      kind="state" if not e.target_sector else "sector", how="continued",
                                      confidence=0.5)) for e in head_evs[:1]]
                if not sources and passive and pat.mode in ("expel", "deport"):
                    # "two diplomats were expelled from the United States": the state expelled from
                    # is the one that expels
                    sources = self.slots.resolve_actors(prep_objects(tok, ("from",)), speaker)
                    src_ids = {y.mention.actor_id for y in sources}
                    targets = [x for x in targets if x.mention.actor_id not in src_ids] or [
                        x for x in self.slots.object_actors(list(subj), speaker) if x.mention.actor_id not in src_ids]
                if not sources and passive and tok.lemma_.lower() in self.words.summoning_verbs \
                        and pat.category == "ACCUSE":
                    # "the Russian ambassador was summoned to Estonia's foreign ministry": the state
                    # whose ministry summoned him
                    sources = self.slots.resolve_actors(prep_objects(tok, ("to",)), speaker)
                    src_ids = {y.mention.actor_id for y in sources}
                    targets = [x for x in targets if x.mention.actor_id not in src_ids] or [
                        x for x in self.slots.object_actors(list(subj), speaker) if x.mention.actor_id not in src_ids]
                if not sources and passive and pat.category == "SANCTION" and tok.lemma_.lower() in self.words.recall_verbs:
                    # "Turkey's ambassador to Austria was recalled", "the ambassador was called back to
                    # Ankara": a recall is always the sending state's (the envoy's own state, else the
                    # capital he is called back to); the target is where he was posted
                    sources = [a for a in self.slots.resolve_actors(list(subj), speaker)
                               if a.mention.country and a.mention.sector in (None, "GOV")]
                    sources = [Actor(state(a.mention, str(a.mention.country), "sender")) for a in sources][:1]
                    if not sources:
                        home = [pm for h in [tok, *[c for c in tok.children if c.dep_ in ("advmod", "prt")]]
                                for p_ in prep_objects(h, ("to",)) if (pm := self.slots.places.get(p_.i)) is not None
                                and pm.country]
                        sources = [Actor(state(home[0], str(home[0].country), "sender"))] if home else []
                    src_ids = {y.mention.actor_id for y in sources}
                    targets = [x for x in self.slots.resolve_targets(
                        [p_ for s_ in subj for p_ in prep_objects(s_, ("to", "in"))], speaker)
                        if x.mention.actor_id not in src_ids] or [x for x in targets if x.mention.actor_id not in src_ids]
                if not sources and passive and pat.category == "MOBILIZE" and not any(
                        c.dep_ == "agent" for c in tok.children):
                    # "police were put on high alert", "Indian troops were placed on standby": a state's
                    # forces readied with no one named doing it are the state's own act (CAMEO 15x)
                    sources = [a for a in self.slots.resolve_actors(list(subj), speaker)
                               if a.mention.sector in self.words.state_sectors]
                    targets = [x for x in targets if x.mention.actor_id not in {a.mention.actor_id for a in sources}]
                if not sources and pat.reciprocal and passive:
                    # "An agreement between X and Y was signed"
                    btw = [p for o in obj_toks for p in prep_objects(o, ("between",))]
                    sources = self.slots.resolve_actors(btw, speaker)
                if not sources:
                    return
                self._emit(sent, si, tok, tok.idx + len(tok.text), pat.category, pat.mode, sources, targets,
                      pat.reciprocal, speaker, pat.objects is not None, pat.id)
                return



    def _noun_key(self, tok: Token) -> str | None:
        """The nominal trigger ``tok`` heads: a compound entry first ("drone strike", "phone call",
        "prisoner swap", with its modifiers before the head), else the lemma."""
        mods = [c for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i]
        for k in range(len(mods)):
            key = " ".join([*(c.lower_ for c in mods[k:]), tok.lemma_.lower()])
            if key in self.onto.nouns and mods[-1].i == tok.i - 1:
                return key
        lemma = tok.lemma_.lower()
        return lemma if lemma in self.onto.nouns else None

    def _code_noun(self, sent: Span, si: int, tok: Token) -> None:
        """Nominal triggers: "X's visit to Y", "Palestinian riots against ...", and nouns carried by a
        light verb whose subject is the actor ("Italy announced a suspension of air links with
        Serbia", "police launched an investigation into ..."). A noun that is the object of any other
        verb ("oppose further sanctions", "demanded talks") is the thing opposed or asked for, never
        an event of its own."""
        spec = self.onto.nouns[self._noun_key(tok) or tok.lemma_.lower()]
        if tok.dep_ == "compound":
            return      # a modifier names a kind, not an act: "riot police", "protest leaders"
        if any(c.dep_ == "amod" and c.lower_ in self.words.unreal for c in tok.children):
            return      # "the Taliban's proposed ceasefire", "a possible visit": not (yet) an act
        head = tok.head
        dep = tok.dep_
        measure = None
        if tok.dep_ == "pobj" and head.lower_ == "of" and head.head.dep_ == "nsubj" \
                and head.head.lemma_.lower() in self.words.measure_nouns and head.head.head.pos_ in ("VERB", "AUX"):
            # "two days of airstrikes by Syrian aircraft killed 53 people", "a wave of Israeli raids
            # hit Gaza": the act is the subject, counted or grouped
            measure = head.head
            dep, head = "nsubj", head.head.head
        # "during their meeting in Cairo", "at talks between X and Y": a circumstance of the clause
        circum = dep == "pobj" and head.dep_ == "prep" and head.lower_ in self.words.circumstance_preps \
            and head.head.pos_ in ("VERB", "AUX")
        if dep in ("dobj", "nsubjpass", "pobj") and not circum and any(
                e.sent_idx == si and e.trigger_start in (tok.head.idx, tok.head.head.idx) for e in self.events):
            return      # the object of a verb pattern already coded ("imposed sanctions", "began a visit")
        if tok.dep_ == "nsubj" and head.lemma_ == "be" and self._condemning(head):
            return      # "US sanctions are economic terrorism": the act condemned, not reported
        speaker, _ = self.slots.speaker(tok)
        src_toks = [c for c in tok.children if c.dep_ == "poss"]
        sources = self.slots.resolve_actors(src_toks, speaker)
        mods = [c for c in tok.children if c.dep_ in ("amod", "compound")]
        if not sources:
            sources = self.slots.resolve_actors(mods, speaker)
        if not sources:
            # "airstrikes by Syrian aircraft", "a visit by the Chinese premier": the agent after "by"
            sources = self.slots.resolve_actors(prep_objects(tok, ("by",)) or (
                prep_objects(measure, ("by",)) if measure is not None else []), speaker)
        if not sources and dep in ("nsubj", "nsubjpass", "pobj"):
            # "the Israeli airstrike on Gaza killed ...": an actor adjective the actors stage left bare
            sources = [Actor(Mention(self.article.id, si, c.idx, c.idx + len(c.text), c.text,
                                     actor_id=self.slots.adjectives[c.lower_], actor_name=self.slots.adjectives[c.lower_],
                                     kind="state", country=self.slots.adjectives[c.lower_],
                                     code=self.slots.adjectives[c.lower_], how="demonym", confidence=0.6))
                       for c in mods if c.dep_ == "amod" and c.lower_ in self.slots.adjectives]
        mod_tok: Token | None = None
        # a noun whose clause says whether it happened ("the talks did not take place"): a negation
        # there is no refusal by the participants
        happened = circum or (dep == "nsubj" and head.pos_ in ("VERB", "AUX"))
        if dep in ("dobj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
            if lemmas(head, dict.fromkeys(self.onto.light_verbs))[-1] not in self.onto.light_verbs:
                return
            if self._embedded_in_other_event(head) or self._subsidiary(head):
                return
            mod_tok = head
            if not sources:
                subj, passive = subject(head)
                if not passive:
                    sources = self.slots.resolve_actors(subj, speaker)
                else:
                    sources = self.slots.resolve_actors([pc for c in head.children if c.dep_ == "agent"
                                                    for pc in c.children if pc.dep_ == "pobj"], speaker)
        elif dep == "pobj" and head.head.lemma_ == "be" and not sources and (head.lower_ in ("on", "for") or (
                head.lower_ == "in" and spec["category"] in self.words.clause_participant_categories)):
            # "the chancellor is on a visit to India", "the minister was in Washington for talks",
            # "X and Y are in talks": the subject of "be" is the actor
            subj, passive = subject(head.head)
            if self._embedded_in_other_event(head.head) or self._subsidiary(head.head) or passive:
                return
            sources = self.slots.resolve_actors(subj, speaker)
            mod_tok = head.head
            if len({x.mention.actor_id for x in sources}) >= 2 and not any(
                    prep_objects(tok, (w,)) for w in spec["target"]):
                # "Iran and the United States are in talks": the subjects with each other
                self._emit(sent, si, tok, tok.idx + len(tok.text), spec["category"], spec["mode"], sources, [],
                           True, speaker, True, spec["id"], mod_tok=mod_tok, refusal=False)
                return
        elif circum or (dep == "nsubj" and head.pos_ in ("VERB", "AUX")):
            # a noun reported as having happened: its clause carries the modality ("the talks will
            # resume" is planned, "the visit did not take place" negated), and a clause that is
            # itself asked for or conditional carries no event
            mod_tok = head.head if circum else head
            while circum and mod_tok.dep_ == "xcomp" and mod_tok.head.i != mod_tok.i:
                # "agreed to deepen cooperation during the summit": the summit is the agreeing's
                # circumstance (the parser hangs it on the infinitive), not pledged
                mod_tok = mod_tok.head
            if self._embedded_in_other_event(mod_tok) or self._subsidiary(mod_tok):
                return
        elif dep in ("dobj", "pobj", "xcomp", "ccomp", "attr") and not src_toks:
            # "called for talks", "opposed to sanctions": asked for or opposed, not happening
            return
        if not sources and spec.get("sides") and (dep in ("nsubj", "dobj", "nsubjpass") or circum):
            # "fighting broke out between Armenian and Azerbaijani forces", "the talks between X and Y
            # ended", "at talks between X and Y": the sides named after "between" did it to each other
            btw = [p for w in spec["sides"] for p in prep_objects(tok, (w,))]
            if not btw and head.pos_ in ("VERB", "AUX") and dep in ("nsubj", "dobj", "nsubjpass"):
                btw = prep_objects(head, ("between",))
            sources = self.slots.resolve_actors(btw, speaker)
            if sources:
                # "between Thai and Cambodian troops": a coordinated demonym the actor stage left bare
                have = {x.mention.country for x in sources}
                for t in (x for b in btw for x in b.subtree):
                    code = self.slots.adjectives.get(t.lower_)
                    if code and code not in have:
                        have.add(code)
                        sources.append(Actor(state(sources[0].mention, code, "demonym")))
            if len({x.mention.actor_id for x in sources}) >= 2:   # two sides ("police and demonstrators")
                self._emit(sent, si, tok, tok.idx + len(tok.text), spec["category"], spec["mode"], sources, [],
                           True, speaker, True, spec["id"], mod_tok=mod_tok, refusal=not happened)
                return
            sources = []
        if not sources and circum and spec["category"] in self.words.clause_participant_categories:
            # "Germany and France agreed on a budget at talks in Brussels": the clause's subject took part
            subj, passive = subject(head.head)
            if not passive:
                sources = self.slots.resolve_actors(subj, speaker)
            if len(sources) >= 2 and not any(prep_objects(tok, (w,)) for w in spec["target"]):
                self._emit(sent, si, tok, tok.idx + len(tok.text), spec["category"], spec["mode"], sources, [],
                           True, speaker, True, spec["id"], mod_tok=mod_tok, refusal=not happened)
            return
        if not sources and spec["category"] in self.words.unattributed_categories and dep == "nsubj" \
                and head.lemma_.lower() in self.words.harm_verbs and not src_toks:
            # "a roadside bombing near Samarra killed one U.S. soldier": an unnamed perpetrator
            sources = [self.slots.unidentified(tok, si)]
        if not sources:
            return
        targets: list[Actor] = []
        for where in spec["target"]:
            cand = prep_objects(tok, (where,))
            for c in cand:
                for m in self.slots.expand(self.slots.actor_mentions(c)):
                    if m.country and (m.actor_id or m.kind == "place"):
                        targets.append(Actor(m))
            if targets:
                break
        if not targets:
            targets = self.slots.resolve_targets([p for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                                            for p in c.children if p.dep_ == "pobj"
                                            for p in [p, *[x for x in p.children if x.dep_ == "prep"
                                                          for x in x.children if x.dep_ == "pobj"]]], speaker)
        if not targets and dep == "nsubj" and head.pos_ in ("VERB", "AUX"):
            # "a Turkish airstrike killed four militants in northern Iraq": the clause says on whom
            targets = self.slots.fallback_targets(head, [c for c in head.children if c.dep_ in ("dobj", "attr")],
                                                  speaker, exclude=sources)
        if not targets:
            targets = self.slots.first_actor_after(tok, speaker, sources)
        self._emit(sent, si, tok, tok.idx + len(tok.text), spec["category"], spec["mode"], sources, targets,
              False, speaker, True, spec["id"], mod_tok=mod_tok, refusal=not happened)

