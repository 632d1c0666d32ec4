"""nestor.headlines: the second parse of headline grammar keeps words, offsets, entities and
sentence boundaries, and changes a parse only where a headline clause is found."""
from __future__ import annotations


def _root(doc, k=0):
    return list(doc.sents)[k].root


def test_present_tense_headline_gets_a_verb_root_and_keeps_its_words(nlp):
    text = "Sweden condemns Iranian drone deliveries\nThe ministry said nothing more."
    doc = nlp(text)
    assert doc.text == text
    assert len(list(doc.sents)) == 2
    root = _root(doc)
    assert root.text == "condemns" and root.pos_ == "VERB" and root.lemma_ == "condemn"
    assert [t.dep_ for t in root.children if t.dep_ in ("nsubj", "dobj")] == ["nsubj", "dobj"]
    assert {e.text for e in doc.ents} >= {"Sweden", "Iranian"}


def test_title_case_is_read_like_sentence_case(nlp):
    a, b = nlp("Chile Expels Two Peruvian Diplomats"), nlp("Chile expels two Peruvian diplomats")
    assert [(t.dep_, t.head.i) for t in a] == [(t.dep_, t.head.i) for t in b]
    assert a[1].text == "Expels" and a[1].dep_ == "ROOT"


def test_bare_participle_is_an_agentless_passive_and_infinitive_a_clause(nlp):
    doc = nlp("Three journalists detained in Minsk")
    root = _root(doc)
    assert root.text == "detained" and any(c.dep_ == "nsubjpass" and c.text == "journalists" for c in root.children)
    doc = nlp("Macron to visit Nigeria in July")
    root = _root(doc)
    assert root.text == "visit" and any(c.dep_ == "nsubj" and c.text == "Macron" for c in root.children)


def test_prose_is_not_reparsed(nlp):
    """A sentence with a verb root in sentence case keeps the parser's reading, and a participle
    after a determiner phrase stays a modifier."""
    text = "UN Secretary-General Antonio Guterres condemned the Israeli strike."
    with nlp.select_pipes(disable=["nestor_headlines"]):
        plain = nlp(text)
    doc = nlp(text)
    assert [(t.dep_, t.head.i) for t in doc] == [(t.dep_, t.head.i) for t in plain]
    doc = nlp("The prisoners freed last year returned home.")
    assert _root(doc).text == "returned"


def test_prose_with_title_case_names_keeps_its_parse(nlp):
    """Capitals of the documents and offices a sentence of prose names do not make it a headline:
    a sentence with a verb root and a final stop keeps the parser's reading (a re-parse with the
    names lower-cased had lost "of Turkmenistan" from the minister's title)."""
    texts = ["After the talks the two leaders signed a Joint Statement on Deepening the Comprehensive "
             "Strategic Partnership of Coordination.",
             "Deputy Prime Minister and Minister of Foreign Affairs of Turkmenistan Anna Berdyeva held a "
             "Telephone Conversation with the Minister of International Relations of South Africa."]
    for text in texts:
        doc = nlp(text)
        with nlp.select_pipes(disable=["nestor_headlines"]):
            plain = nlp(text)
        assert [(t.dep_, t.head.i, t.tag_) for t in doc] == [(t.dep_, t.head.i, t.tag_) for t in plain]
    # the twin: the same capitals without a final stop are a title, and are re-read
    title = nlp("Turkmenistan Expels Two Diplomats Over Border Dispute")
    assert title[1].text == "Expels" and title[1].dep_ == "ROOT"
