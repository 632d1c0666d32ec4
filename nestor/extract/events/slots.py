"""Who fills an event's slots: the actors a noun phrase stands for, the speaker of reported
speech, and the target when the pattern's own slots are empty (object phrase, prepositions,
complement clause, place, the first actor after the trigger). :class:`Slots` holds one
article's index of mentions by token."""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ...models import SECTOR_ONLY, Article, Mention
from .ontology import Ontology, Words
from .syntax import prep_objects, with_conjuncts


@dataclass
class Actor:
    """An actor filling a slot; ``via_coref`` when it came from a pronoun or role coreference,
    ``inferred`` when the sentence does not name it (the article's other party)."""
    mention: Mention
    via_coref: bool = False
    inferred: bool = False


def sector_only(m: Mention) -> bool:
    """A generic actor whose context names no country ("rebels", "police", "protesters"), coded by
    its sector alone (the actors stage's ``sector-only`` mentions)."""
    return m.how == "sector-only" and bool(m.sector) and not m.country


def coded(m: Mention) -> bool:
    """A state, an IGO, a person or body of a state, an international NGO (code "NGO"), or a
    generic actor of a sector with no country ("Rebels ambushed a convoy": code "REB")."""
    return bool(m.actor_id) and (bool(m.country) or m.sector == "NGO" or sector_only(m))


def code3(m: Mention) -> str | None:
    """The event code of an actor: its country, "NGO", or the sector of a sector-only actor."""
    return m.country or (m.sector if m.sector == "NGO" or sector_only(m) else None)



def state(m: Mention, country: str, how: str) -> Mention:
    return Mention(m.article_id, m.sent_idx, m.start, m.end, m.text, actor_id=country, actor_name=country,
                   kind="state", country=country, code=country, how=how, confidence=m.confidence)



@dataclass
class Slots:
    """One article's actors, indexed for the slot-filling rules."""
    doc: Doc
    article: Article
    onto: Ontology
    by_token: dict[int, Mention]
    by_id: dict[str, Mention]
    places: dict[int, Mention] = field(default_factory=dict)     # token -> place mention (country only)
    adjectives: dict[str, str] = field(default_factory=dict)     # demonym (lower) -> country code

    @property
    def words(self) -> Words:
        return self.onto.words

    def civilians(self, toks: list[Token], src: Mention, where: list[Token] | None = None) -> list[Actor]:
        """The civilians a slot names by a crowd word (``closed_class.yaml``: civilians), as an
        actor of sector CVL of the place named in the phrase, else of the place where the act
        happened (``where``: "killed 20 people **in Gaza**"), else of the source's country."""
        crowd = [t for t in toks if t.lemma_.lower() in self.words.civilians]
        if not crowd or not (src.country or sector_only(src)):
            return []
        country: str | None = ""
        for t in [*crowd, *(where or [])]:
            for x in t.subtree:
                pm = self.places.get(x.i)
                if pm is not None and pm.country:
                    country = pm.country
                    break
            if country:
                break
        country = country or src.country
        t = crowd[0]
        if not country:
            # "security forces opened fire on a crowd of mourners", no country named: civilians by
            # their sector alone, as the source
            return [Actor(Mention(src.article_id, src.sent_idx, t.idx, t.idx + len(t.text), t.text,
                                  actor_id=f"{SECTOR_ONLY}CVL", actor_name=f"{t.text} (CVL)", kind="sector",
                                  sector="CVL", code="CVL", how="sector-only", confidence=0.4))]
        m = Mention(src.article_id, src.sent_idx, t.idx, t.idx + len(t.text), t.text,
                    actor_id=f"{country}:CVL", actor_name=f"{country} civilians", kind="group", country=country,
                    sector="CVL", code=f"{country}CVL", how="crowd", confidence=0.5)
        return [Actor(m)]

    def unidentified(self, tok: Token, si: int) -> Actor:
        """The unidentified armed actor of an attack whose perpetrator is not named ("a roadside
        bombing killed ..."): sector-only, code UAF, at the noun that names the act."""
        return Actor(Mention(self.article.id, si, tok.idx, tok.idx + len(tok.text), tok.text,
                             actor_id=f"{SECTOR_ONLY}UAF", actor_name="unidentified attackers (UAF)", kind="sector",
                             sector="UAF", code="UAF", how="sector-only", confidence=0.4))

    def actor_mentions(self, tok: Token, depth: int = 0) -> list[Mention]:
        """Mentions that a noun phrase headed by ``tok`` stands for (with its coordinated siblings)."""
        out: list[Mention] = []
        m = self.by_token.get(tok.i)
        if m is not None:
            out.append(m)
            # "Hungarian and Romanian officials": modifiers resolved to other actors
            for c in tok.children:
                if self.by_token.get(c.i) not in (None, m) and (c.dep_ in ("amod", "compound") or (
                        c.dep_ == "nmod" and any(x.dep_ == "conj" for x in c.children))):
                    # ("The U.S. and Russian presidents": the parser hangs "U.S." as an nmod, with
                    # the other side as its conjunct; a lone nmod may be a dateline's country)
                    out.extend(self.actor_mentions(c, depth + 1))
                elif c.dep_ in ("amod", "compound") and self.by_token.get(c.i) in (None, m):
                    # "the British and German embassies": the actors stage made one mention of the
                    # phrase; a demonym coordinated with its modifier is another side
                    out.extend(self.demonym(x) for x in c.children if x.dep_ == "conj"
                               and x.lower_ in self.adjectives and self.adjectives[x.lower_] != m.country
                               and self.by_token.get(x.i) in (None, m))
        elif depth < 3:
            # a modifier before the possessor: "his U.S. counterpart" is the US, not the speaker
            for c in sorted(tok.children, key=lambda c: 0 if c.dep_ in ("compound", "amod", "nmod", "appos",
                                                                          "npadvmod") else 1 if c.dep_ == "poss" else 2):
                if c.dep_ in ("compound", "amod", "poss", "nmod", "appos", "npadvmod"):
                    out.extend(self.actor_mentions(c, depth + 1))
                elif c.dep_ == "prep" and (c.lower_ in ("of", "from") or (
                        c.lower_ in self.words.member_preps and tok.tag_ in ("NNS", "NNPS"))):
                    # ("countries including Turkey and Bolivia": the members named)
                    for pc in c.children:
                        if pc.dep_ == "pobj":
                            out.extend(self.actor_mentions(pc, depth + 1))
                if out:
                    break
        for c in tok.children:
            if c.dep_ == "conj":
                found = self.actor_mentions(c, depth)
                if not found and c.pos_ == "ADJ" and c.lower_ in self.adjectives and out:
                    # "U.S. and Pakistani troops": a demonym coordinated with a coded modifier, which
                    # the actors stage could not join to the noun, is its own state
                    found = [self.demonym(c)]
                out.extend(found)
        seen, uniq = set(), []
        for m in out:
            if id(m) not in seen:
                seen.add(id(m))
                uniq.append(m)
        return uniq


    def demonym(self, x: Token) -> Mention:
        """The state a demonym names ("Israeli" → ISR), as a mention of the word."""
        code = self.adjectives[x.lower_]
        return Mention(self.article.id, -1, x.idx, x.idx + len(x.text), x.text, actor_id=code, actor_name=code,
                       kind="state", country=code, code=code, how="demonym", confidence=0.6)

    def modifier_states(self, toks: list[Token], speaker: list[Mention]) -> list[Actor]:
        """The actors the modifiers of a noun name: "Israeli fire" → ISR, "Russia's shelling" → RUS
        (coded mentions on the noun's amod/compound/poss/nmod children, else a demonym adjective)."""
        mods = [c for t in toks for c in t.children if c.dep_ in ("amod", "compound", "poss", "nmod")]
        out = self.resolve_actors(mods, speaker)
        if out:
            return out
        return [Actor(self.demonym(c), False) for c in mods if c.lower_ in self.adjectives][:1]

    def participant(self, t: Token) -> bool:
        """False for a word that names no party acted upon: inside an attribution or exception
        ("according to X", "apart from X": ``non_participants``), or a modifier of a border that is
        only where it happened ("on the Afghan-Pakistan border": ``border_nouns``)."""
        words = self.words
        nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
        if t.ent_type_ == "MONEY" or (nxt is not None and nxt.text[:1] in ("$", "€", "£")):
            return False            # a currency: "pledged US $150 million" names no recipient
        cur = t
        for _ in range(8):
            if cur.lower_ in words.non_participants:
                return False
            if any(c.dep_ in ("acl", "relcl") and c.lemma_.lower() in words.speech and c.i > cur.i
                   for c in cur.children):
                return False        # the source of the news, misparsed: "..., the Observatory reported"
            if cur.dep_ not in ("pobj", "prep", "conj", "appos", "compound", "amod", "nmod", "poss", "npadvmod") \
                    or cur.head.i == cur.i:
                break
            cur = cur.head
        cur = t
        while cur.dep_ in ("compound", "amod", "nmod", "punct") and cur.head.i != cur.i and cur.head.i > cur.i:
            cur = cur.head
        if cur.lemma_.lower() not in words.border_nouns or cur.dep_ != "pobj" \
                or cur.head.lower_ not in words.locative_preps:
            return True
        # a border between two named countries says where, not at whom ("Kenya massed troops near
        # the Somali border" is aimed at Somalia; "clashed on the Afghan-Pakistan border" is not)
        sides = {x.lower_ for x in cur.subtree if x.i < cur.i and (
            x.lower_ in self.adjectives or (self.by_token.get(x.i) is not None and self.by_token[x.i].country)
            or (self.places.get(x.i) is not None))}
        return len(sides) < 2

    def expand(self, mentions: list[Mention]) -> list[Mention]:
        """Group mentions ("the two leaders") become their members."""
        out: list[Mention] = []
        for m in mentions:
            if m.members:
                for a in m.members:
                    if a in self.by_id:
                        out.append(self.by_id[a])
                    elif len(a) == 3 and a.isupper():   # a country code: the state itself
                        out.append(Mention(m.article_id, m.sent_idx, m.start, m.end, m.text, actor_id=a, actor_name=a,
                                           kind="state", country=a, code=a, how="group", confidence=m.confidence))
            else:
                out.append(m)
        return out


    def speaker(self, tok: Token) -> tuple[list[Mention], Token | None]:
        cur = tok
        for _ in range(6):
            if cur.head.i == cur.i:
                break
            if cur.dep_ in ("ccomp", "parataxis", "xcomp", "conj", "advcl") and cur.head.lemma_ in self.words.speech:
                sv = cur.head
                subj = [c for c in sv.children if c.dep_ in ("nsubj", "nsubjpass")]
                # "The Red Cross operating in Iraq said": the participle's own subject speaks
                subj = [x for s in subj for x in ([s] if s.pos_ != "VERB" else
                        [c for c in s.children if c.dep_ == "nsubj"] or [s])]
                ms = [m for s in subj for m in self.actor_mentions(s)]
                return ms, sv
            cur = cur.head
        # "..., X said." parsed with the speech verb as the root and the event clause as its ccomp is
        # handled above; the reverse (event verb as root, "X said" as a parataxis child) here:
        for c in tok.children:
            if c.dep_ in ("parataxis", "ccomp") and c.lemma_ in self.words.speech:
                subj = [s for s in c.children if s.dep_ == "nsubj"]
                return [m for s in subj for m in self.actor_mentions(s)], c
        return [], None


    def resolve_actors(self, toks: list[Token], speaker: list[Mention]) -> list[Actor]:
        out: list[Actor] = []
        for t in toks:
            if t.lower_ in self.words.first_person and speaker and t.text != "US":
                # ("US" in capitals is the country, never "us": "Iran says US sanctions ...")
                out.extend(Actor(m, False) for m in self.expand(speaker) if coded(m))
                continue
            found = [m for m in self.expand(self.actor_mentions(t)) if coded(m)]
            if not found and t.lemma_.lower() in self.words.carrier_nouns:
                # "a Turkish convoy delivered ...": the state a demonym on the carrier names
                found = [self.demonym(c) for c in t.children
                         if c.dep_ in ("amod", "compound") and c.lower_ in self.adjectives][:1]
            if not found and speaker and t.lower_ in self.words.third_person and t.dep_ in ("nsubj", "nsubjpass"):
                # "Syria says it will not accept ...": an unresolved pronoun subject of a reported
                # clause is the speaker (the commonest reading; marked as coreference)
                out.extend(Actor(m, True) for m in self.expand(speaker) if coded(m))
                continue
            out.extend(Actor(m, m.how in ("pronoun", "coref")) for m in found)
        return out



    def resolve_targets(self, toks: list[Token], speaker: list[Mention]) -> list[Actor]:
        """Actors for a target slot. Wider than for sources (precision first on who acted): a place
        stands for its country ("a curfew in Algiers", "an embassy in Tehran") and a demonym used
        attributively for its state ("an Indian proposal", "a Senegalese peace plan")."""
        toks = [t for t in toks if self.participant(t)]
        out = self.resolve_actors(toks, speaker)
        if out:
            return out
        for t in with_conjuncts(toks):
            for x in [t, *[c for c in t.children if c.dep_ in ("compound", "amod")]]:
                pm = self.places.get(x.i)
                if pm is not None and pm.country:
                    out.append(Actor(state(pm, pm.country, "place")))
                elif x.lower_ in self.adjectives and x.dep_ in ("amod", "compound", "nmod", "poss") \
                        and self.participant(x):
                    out.append(Actor(self.demonym(x)))
        uniq: dict[str | None, Actor] = {}
        for a in out:
            uniq.setdefault(a.mention.actor_id, a)
        return list(uniq.values())


    def authorities(self, trig: Token, src: Mention) -> list[Actor]:
        """The government a protest with no named target is aimed at: the one where it takes place
        ("rioted at a jail in northern Israel"), else the protesters' own (CAMEO's convention for
        domestic protest)."""
        country = None
        for t in trig.subtree:
            pm = self.places.get(t.i)
            if pm is not None and t.head.dep_ == "prep" or (pm is not None and t.dep_ == "pobj"):
                country = pm.country
                break
        country = country or src.country
        if not country:
            return []
        if country == src.country and src.kind == "state" and src.sector in (None, "GOV") and src.how != "demonym":
            return []       # a state named as the actor ("Egypt blocked ...") is no protester against itself
        m = Mention(src.article_id, src.sent_idx, trig.idx, trig.idx + len(trig.text), trig.text,
                    actor_id=f"{country}:GOV", actor_name=f"{country} government", kind="state", country=country,
                    sector="GOV", code=f"{country}GOV", how="default", confidence=0.4)
        return [Actor(m, True)]


    def object_actors(self, objs: list[Token], speaker: list[Mention]) -> list[Actor]:
        """Actors an object phrase points at: itself ("arrested Palestinians"), an actor modifier
        ("an Indian proposal", "Haiti's efforts", "two Russian diplomats") or a prepositional object
        of the phrase ("an admission by Moscow", "calls by Belarus's rulers", "aid to Macedonia")."""
        objs = with_conjuncts(objs)
        t = self.resolve_targets(objs, speaker)
        if t:
            return t
        t = self.resolve_targets([c for o in objs for c in o.children
                                  if c.dep_ in ("amod", "compound", "poss", "nmod", "npadvmod")], speaker)
        if t:
            return t
        return self.resolve_targets([p for o in objs for p in prep_objects(o, self.words.fallback_preps)], speaker)


    def fallback_targets(self, tok: Token, obj_toks: list[Token], speaker: list[Mention],
                          depth: int = 0, exclude: list[Actor] | None = None) -> list[Actor]:
        """The target when the pattern's own slots are empty, tried in order of how directly the
        phrase names the party acted upon: actors in or on the object phrase; prepositional objects of
        the verb ("aid to X", "a war against X"); the complement clause — its subject for "demanded
        that the US cancel ...", its object for "threatened to ban opposition candidates", its
        prepositions for "refused to deploy peacekeepers in Iraq". Measured on the PLOVER dev file: a
        guessed target costs a triple nothing when the gold has a target and the guess is wrong
        (missing and wrong both count one false positive and one false negative), so the fallback
        trades only on sentences whose gold has no target."""
        # (unnamed troops whose country was only borrowed from the sentence are no reason to skip a
        # named force of that country: in "Soldiers shelled Syrian army positions" the Syrian army is
        # the target and the soldiers are coded by their sector alone, Coder.unborrowed)
        skip = {e.mention.actor_id for e in exclude or []
                if not (e.mention.kind == "sector" and e.mention.sector == "MIL"
                        and e.mention.how in ("context-sentence", "context-place", "context-article"))}
        # a state's own forces are never its fallback target ("North Korea ... by
        # sending troops into the buffer zone"): same country, a sector of the state
        own = {e.mention.country for e in exclude or [] if e.mention.country and e.mention.sector in (None, "GOV")}

        def keep(found: list[Actor]) -> list[Actor]:
            # the acting party is never its own fallback target ("willing to withdraw its troops")
            return [x for x in found if x.mention.actor_id not in skip and not (
                x.mention.country in own and x.mention.sector in self.words.state_sectors)]

        t = keep(self.object_actors(obj_toks, speaker)) if obj_toks else []
        if t:
            return t
        t = keep(self.resolve_targets([p for p in prep_objects(tok, self.words.fallback_preps)], speaker))
        if t:
            return t
        # a threat or conditional offer is aimed at whoever must meet the condition: "threatened to
        # launch an offensive unless Baghdad accepted its conditions" → Iraq
        for v in [tok, *[c for c in tok.children if c.dep_ == "xcomp"]]:
            for c in v.children:
                if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children):
                    t = keep(self.resolve_targets([s for s in c.children if s.dep_ in ("nsubj", "nsubjpass")],
                                              speaker))
                    if t:
                        return t
        if depth < 2:
            for c in tok.children:
                if c.dep_ not in ("ccomp", "xcomp") or c.pos_ not in ("VERB", "AUX"):
                    continue
                if c.dep_ == "ccomp" and c.i < tok.i and any(o.dep_ == "dobj" for o in tok.children):
                    continue        # a clause before a verb with an object of its own is a sibling
                                    # ("Taiwan pledged $65 million, Saudi Arabia gave $50 million")
                if c.dep_ == "ccomp":
                    t = keep(self.resolve_targets([s for s in c.children if s.dep_ in ("nsubj", "nsubjpass")], speaker))
                    if t:
                        return t
                objs = [o for o in c.children if o.dep_ in ("dobj", "dative", "attr")]
                t = self.fallback_targets(c, objs, speaker, depth + 1, exclude)
                if t:
                    return t
        # then where it happened ("a curfew in the town of Cizre" → the place's country), unless
        # it is the acting state's own ground ("Syrian warplanes launched air strikes in northern
        # Syria" names no one acted upon)
        home = {e.mention.country for e in exclude or [] if e.mention.country}
        t = [x for x in keep(self.resolve_targets([p for h in [tok, *obj_toks]
                                                   for p in prep_objects(h, ("in", "inside", "near"))], speaker))
             if not (x.mention.country in home and x.mention.how == "place")]
        if t or depth:
            return t
        return self.first_actor_after(tok, speaker, exclude or [])


    def first_actor_after(self, tok: Token, speaker: list[Mention], exclude: list[Actor]) -> list[Actor]:
        """Last resort, as PETRARCH does: the first actor in the verb phrase after the trigger
        ("fired shells at targets in Jericho", "kidnapped up to 16 Russian advisers"), not looking into
        subjects of other clauses, a trailing attribution (", officials said") or a clause that says
        where a place lies ("in Tarno, a district which borders Chad": ``location_verbs``)."""
        skip_ids = {x.mention.actor_id for x in exclude} | {x.mention.country for x in exclude}
        # whether the path from a token up to the trigger crosses another clause's subject, an
        # attribution or an adverbial clause ("if war starts in Iraq", "as the opposition threatened
        # ..."): those are about something else. Known for every token of the path once walked.
        skipped: dict[int, bool] = {}
        for t in tok.subtree:
            if t.i <= tok.i:
                continue
            cur, path, skip = t, [], False
            while cur.i != tok.i:
                known = skipped.get(cur.i)
                if known is not None:
                    skip = known
                    break
                path.append(cur.i)
                if cur.dep_ in ("nsubj", "nsubjpass", "parataxis", "csubj") or cur.lemma_ in self.words.speech or (
                        cur.dep_ in ("relcl", "acl") and cur.lemma_.lower() in self.words.location_verbs) or (
                        cur.dep_ == "advcl" and any(c.dep_ == "mark" for c in cur.children)):
                    skip = True
                    break
                cur = cur.head
            for i in path:
                skipped[i] = skip
            if skip:
                continue
            found = [x for x in self.resolve_targets([t], speaker)
                     if x.mention.actor_id not in skip_ids and x.mention.country not in skip_ids]
            if found:
                return found
        return []

