"""A line break ends a sentence (nestor.nlp's ``nestor_paragraphs``), read from the doc's arrays as
the per-token rule says; and a pool worker is sent as many articles as the spaCy batch."""
from __future__ import annotations

from nestor.config import Settings
from nestor.engine import PoolEngine

TEXTS = [
    "A title of my own\nThe body starts here. It goes on.\n\n  A second paragraph\r\nwith a Windows break.",
    "", "x", "\n", "ends with a break\n", "  \n\n", "one \n two", "tabs\t\tand\u00a0spaces\n\tindented line",
    "Deck line\n\n\nThree breaks before this one. Then two sentences.",
]


def reference(doc) -> list[bool]:
    """The rule, token by token: after a whitespace token holding a line break, a sentence starts."""
    starts = [t.is_sent_start for t in doc]
    for t in doc[1:]:
        prev = doc[t.i - 1]
        if prev.is_space and "\n" in prev.text:
            starts[t.i] = True
    return starts


def test_line_breaks_start_sentences_as_the_rule_says(nlp):
    from nestor.nlp import paragraph_boundaries

    blank = nlp.make_doc
    for text in TEXTS:
        want = reference(blank(text))
        got = [t.is_sent_start for t in paragraph_boundaries(blank(text))]
        assert got == want, text
    doc = nlp(TEXTS[0])
    assert [s.text.strip() for s in doc.sents][:2] == ["A title of my own", "The body starts here."]


def test_a_pool_worker_is_sent_one_spacy_batch_at_a_time():
    assert PoolEngine(Settings(workers=2, nlp_batch_size=5)).chunk == 5
    assert PoolEngine(Settings(workers=2)).chunk == Settings().nlp_batch_size
    assert PoolEngine(Settings(workers=2), chunk=3).chunk == 3
