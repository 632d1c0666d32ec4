"""nestor.extract.docview hands out what spaCy would compute, once per doc."""
from __future__ import annotations

from nestor.extract import docview

TEXT = ("The foreign ministers of Chile and Peru met in Lima on Tuesday.\n\nThey signed two accords, "
        "the ministry said.  A third deal, with Bolivia, is due in March 2025 -- officials in La Paz agreed.")


def test_same_values_as_spacy(nlp):
    doc = nlp(TEXT)
    docview.reset(doc)
    assert docview.text(doc) == doc.text
    assert [t.i for t in docview.tokens(doc)] == list(range(len(doc)))
    assert [(s.start, s.end) for s in docview.sents(doc)] == [(s.start, s.end) for s in doc.sents]
    assert docview.sent_starts(doc) == [s.start for s in doc.sents]
    assert [(e.start, e.end, e.label_) for e in docview.ents(doc)] == [(e.start, e.end, e.label_) for e in doc.ents]
    spans = [*doc.sents, doc[0:5], doc[3:3], doc[len(doc) - 4:], doc[:]]
    for sp in spans:
        assert [(e.start, e.end) for e in docview.ents_in(sp)] == [(e.start, e.end) for e in sp.ents]
        assert docview.span_text(sp) == sp.text
        assert [t.i for t in docview.span_tokens(sp)] == [t.i for t in sp]


def test_one_copy_per_doc_and_a_new_doc_is_read_afresh(nlp):
    a, b = nlp("Kenya and Uganda agreed."), nlp("Norway and Sweden disagreed.")
    assert docview.sents(a) is docview.sents(a)
    assert docview.text(b) == b.text and docview.text(a) == a.text     # switching docs re-reads
    docview.reset(a)
    assert docview.tokens(a)[0].text == "Kenya"


def test_sentence_of_a_token_heads_with_a_dependent_and_seeded_text(nlp):
    doc = nlp(TEXT)
    docview.reset(doc, TEXT)
    assert docview.text(doc) is TEXT          # the string the doc was made from, not a rebuilt copy
    for t in doc:
        got = docview.sent_of(t)
        assert (got.start, got.end) == (t.sent.start, t.sent.end)
    for dep in ("prep", "pobj", "det", "nsubj", "punct", "ROOT", "no such label"):
        assert docview.heads_with(doc, dep) == frozenset(t.i for t in doc if any(c.dep_ == dep for c in t.children))
    other = nlp("Kenya and Uganda agreed.")
    docview.reset(other, "Kenya and Uganda agreed!")    # not the doc's text: ignored
    assert docview.text(other) == other.text
    docview.reset(other, "Kenya and Uganda agree.")
    assert docview.text(other) == other.text
    empty = nlp("")
    docview.reset(empty, "")
    assert docview.text(empty) == "" and docview.heads_with(empty, "prep") == frozenset()


def test_memo_lives_as_long_as_the_view(nlp):
    doc = nlp("Kenya and Uganda agreed.")
    docview.reset(doc)
    docview.memo(doc)["k"] = 1
    assert docview.memo(doc)["k"] == 1
    docview.reset(doc)
    assert "k" not in docview.memo(doc)


def test_ids_and_strings_from_the_arrays_are_the_tokens_own(nlp):
    doc = nlp(TEXT)
    docview.reset(doc, TEXT)
    toks = list(doc)
    assert docview.ids(doc, "POS") == [t.pos for t in toks]
    assert docview.ids(doc, "DEP") == [t.dep for t in toks]
    assert docview.strings(doc, "LOWER") == [t.lower_ for t in toks]
    assert docview.strings(doc, "ORTH") == [t.text for t in toks]
    assert docview.strings(doc, "TAG") == [t.tag_ for t in toks]
    assert docview.lemmas_lower(doc) == [t.lemma_.lower() for t in toks]
    empty = nlp("")
    docview.reset(empty)
    assert docview.ids(empty, "POS") == [] and docview.strings(empty, "LOWER") == []
