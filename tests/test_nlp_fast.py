"""nestor's attribute ruler (nestor.nlp_fast) must leave exactly the token attributes spaCy's does."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from nestor.nlp_fast import FastAttributeRuler, FastLemmatizer, swap_in, swap_in_lemmatizer

ROOT = Path(__file__).resolve().parents[1]
SEED_DIRS = [ROOT.parent / "shared" / "corpus" / "seeds", ROOT.parent.parent / "shared" / "corpus" / "seeds"]

# Sentences written for this test: contractions the English rules treat specially, whitespace runs,
# capitals, numbers, "there is", pronouns as objects, auxiliaries, determiners used as pronouns.
TEXTS = [
    "We're gonna sign it tomorrow, let's be clear. Y'all ain't seen nothin' yet, and I gotta go.",
    "C'mon, the envoy said: they'd have done it if you'd asked him. It isn't over; it's not.",
    "THE MINISTRY SAID THAT TALKS WILL RESUME IN GENEVA.\n\nThere is no deal.   There were 3,000 troops.",
    "Officials   met\t\tin  Oslo  on 12 March 2024 and agreed to a 5.5% cut; that was all.\n \n",
    "Those who opposed it left. This is what he wanted: to see it, give it to me and tell you.",
    "Has the council voted? It has. Do they know? They do, and they did so because it was needed.",
    "Whether or not the ceasefire holds, the army, which had withdrawn, won't return until May 3rd.",
    "  Leading spaces, a lone quote ' and dashes -- like this; 1990s, the '90s, U.S.-led, 24/7.",
]


def _signature(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_,
             t.is_sent_start) for t in doc]


def _assert_same(stock, fast, texts):
    assert len(texts) > 0
    for a, b in zip(stock.pipe(texts, batch_size=4), fast.pipe(texts, batch_size=4), strict=True):
        sa, sb = _signature(a), _signature(b)
        diff = [(x, y) for x, y in zip(sa, sb, strict=True) if x != y]
        assert not diff, f"first differing token: {diff[0]}"


@pytest.fixture(scope="module")
def pipelines(nlp):
    """spaCy's own pipeline (with nestor's paragraph and headline components, so parses agree) beside nestor's."""
    name = nlp.meta["lang"] + "_" + nlp.meta["name"]
    stock = spacy.load(name, exclude=["textcat", "textcat_multilabel", "entity_linker"])
    stock.add_pipe("nestor_paragraphs", before="parser")
    stock.add_pipe("nestor_headlines", last=True)     # (nestor.headlines: the same re-parse of titles)
    assert type(stock.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"
    return stock, nlp


def test_nestor_pipeline_uses_the_fast_ruler_and_lemmatizer(nlp):
    assert isinstance(nlp.get_pipe("attribute_ruler"), FastAttributeRuler)
    assert isinstance(nlp.get_pipe("lemmatizer"), FastLemmatizer)
    assert nlp.pipe_names.index("attribute_ruler") < nlp.pipe_names.index("lemmatizer")


def test_a_lookup_lemmatizer_stays_spacys():
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert not swap_in_lemmatizer(nlp)
    assert not isinstance(nlp.get_pipe("lemmatizer"), FastLemmatizer)


def test_same_attributes_as_spacy_on_written_text(pipelines):
    stock, fast = pipelines
    _assert_same(stock, fast, TEXTS)
    # twice: the second pass reads the lemmatizers' caches, filled by the first
    _assert_same(stock, fast, TEXTS[::-1])


def test_same_attributes_as_spacy_on_the_seed_corpus(pipelines):
    seeds = next((d for d in SEED_DIRS if d.is_dir()), None)
    if seeds is None:
        pytest.skip("the seed corpus (../shared/corpus/seeds) is not beside this repository")
    texts = [p.read_text("utf-8", errors="replace") for p in sorted(seeds.glob("*")) if p.is_file()][:12]
    stock, fast = pipelines
    _assert_same(stock, fast, texts)


def _blank_with_rules(patterns):
    """A tokenizer-only English pipeline with a ruler, so the rules alone decide the attributes."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(patterns)
    return nlp


RULES = [
    {"patterns": [[{"LOWER": {"IN": ["cannot", "can"]}}]], "attrs": {"POS": "AUX", "LEMMA": "can"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"POS": "SPACE", "TAG": "_SP"}},
    # a later rule overrides an earlier one on the same token, attribute by attribute
    {"patterns": [[{"LOWER": "can"}]], "attrs": {"LEMMA": "tin", "MORPH": "Number=Sing"}},
    # multi-token patterns, positive and negative index
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": 1},
    {"patterns": [[{"LOWER": "let"}, {"ORTH": "'s"}]], "attrs": {"LEMMA": "us"}, "index": -1},
    {"patterns": [[{"LOWER": {"REGEX": "^n[ou]thin'?$"}}], [{"TEXT": "zilch"}]], "attrs": {"LEMMA": "nothing"}},
    {"patterns": [[{"IS_PUNCT": True, "LOWER": {"NOT_IN": [",", ";"]}}]], "attrs": {"POS": "PUNCT"}},
]


def test_same_attributes_as_spacy_for_generic_rules():
    stock = _blank_with_rules(RULES)
    fast = _blank_with_rules(RULES)
    assert swap_in(fast)
    texts = ["I can go, gonna go; let's see. Nothin' and zilch!", "  Cannot  can CAN\n\nnuthin gon na",
             "", "let 's"]
    _assert_same(stock, fast, texts)
    doc = fast("let's gonna can")
    assert [t.lemma_ for t in doc] == ["", "us", "", "to", "tin"]
    assert str(doc[4].morph) == "Number=Sing" and doc[4].pos_ == "AUX"


def test_unsupported_patterns_keep_spacys_ruler():
    nlp = _blank_with_rules([{"patterns": [[{"LOWER": "very", "OP": "+"}, {"LOWER": "good"}]],
                              "attrs": {"LEMMA": "good"}}])
    assert not swap_in(nlp)
    assert type(nlp.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"
    nlp2 = _blank_with_rules([{"patterns": [[{"LENGTH": {">=": 3}}]], "attrs": {"POS": "NOUN"}}])
    assert not swap_in(nlp2)


def test_a_ruler_without_its_rules_refuses_to_run():
    """Made by the factory alone (a pipeline saved and read back): it must not pass docs through unchanged."""
    nlp = spacy.blank("en")
    nlp.add_pipe("nestor_attribute_ruler", name="attribute_ruler")
    with pytest.raises(RuntimeError, match="load_model"):
        nlp("A sentence.")
