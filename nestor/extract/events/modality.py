"""What a clause asserts about its event: negation ("did not", "refused to", "neither ... nor"),
and modality — asserted, planned, pledged, hypothetical, conditional or denied. The verb lists
come from ``closed_class.yaml`` (:class:`~.ontology.Words`)."""
from __future__ import annotations

from spacy.tokens import Token

from .ontology import Words
from .syntax import governors, subject


def modality(tok: Token, category: str, self_speaker: bool, words: Words) -> tuple[str, bool]:
    negated = any(c.dep_ == "neg" for c in tok.children)
    # "neither Ukraine nor its backers are prepared to ...", "no country has signed"
    subj, _ = subject(tok)
    if any(c.lower_ in words.negative_subjects and c.dep_ in ("preconj", "det", "cc")
           for s in subj for c in s.children) \
            or any(s.lower_ in ("nobody", "none") for s in subj):
        negated = True
    modality = "asserted"
    aux = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    govs = governors(tok)
    for g in govs[:2]:
        if any(c.dep_ == "neg" for c in g.children) and g.lemma_ in words.commit | words.plan | {"be", "do"}:
            negated = True
        if g.lemma_ in words.negators:
            negated = True
        if g.lemma_ == "deny":
            modality = "denied"
        if g.dep_ == "xcomp" or tok.dep_ == "xcomp":
            aux |= {c.lower_ for c in g.children if c.dep_ in ("aux",)}
    gov_lemmas = {g.lemma_ for g in govs[:2] if tok.dep_ in ("xcomp", "ccomp") or g.i == tok.head.i}
    if modality == "denied":
        return modality, negated
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children) or any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children)
            for c in tok.children):
        # the event is the condition ("if he gave them a veto") or depends on one ("will withdraw
        # unless ...")
        return "conditional", negated
    if aux & words.hypothetical or ("would" in aux and not self_speaker):
        return "hypothetical", negated
    # the parser often attaches "to"-infinitives as advcl ("have sworn to fight")
    infinitive = tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    if (tok.dep_ in ("xcomp", "ccomp") or infinitive) and tok.head.lemma_ in words.commit:
        return "pledged", negated
    if (tok.dep_ == "xcomp" or infinitive) and tok.head.lemma_ in words.plan:
        return "planned", negated
    if tok.dep_ == "xcomp" and tok.head.lemma_ == "be" and tok.head.tag_ in ("VBZ", "VBP") \
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        # "Israel is to free 1,700 Palestinians": an arrangement to be carried out ("was to" is past narrative)
        return "planned", negated
    if tok.dep_ in ("acl", "relcl") and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children) \
            and tok.head.lemma_.lower() in words.agreement_nouns:
        # "reached an agreement to withdraw the reinforcements": what the parties agreed to do
        return "pledged", negated
    if tok.dep_ == "ROOT" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        # a headline's infinitive announces a plan: "Putin to visit China next week"
        # (nestor.headlines makes the infinitive the root)
        return "planned", negated
    if aux & {"will", "shall", "'ll", "would", "should", "must", "ought"} or gov_lemmas & words.plan:
        # obligation ("should push forward cooperation") states an intention, not an act
        return ("pledged" if category in words.pledgeable and self_speaker else "planned"), negated
    if tok.lemma_ in words.commit and category == "AGREE" and any(c.dep_ == "xcomp" for c in tok.children):
        return "pledged", negated
    return modality, negated
