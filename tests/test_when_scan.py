"""The date clues' scans that try a slow pattern only where its last words stand give the matches
of a full scan (nestor.extract.when.finditer_by_tail)."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from nestor.extract import when

PIECES = ["anniversary", " of", "of ", "years", "year", " since", "decades", "decade", " on", " after", " later",
          " have passed since", "has passed since", "tenth", "twenty-fifth", "seventieth", "3rd", "12th", "150",
          "7", "a", "one", "three", " ", "  ", "\n", "\u00a0", "\t", ",", ".", "(", "-", "x", "Monday", "friday",
          "SUNDAY", "March", " 3", "4th", "of", "June", "ANNIVERSARY", "Years", "2019"]


def spans(matches):
    return [(m.span(), m.groups()) for m in matches]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_tail_scans_equal_full_scans(parts):
    text = "".join(parts)
    assert spans(when.finditer_by_tail(when._NTH_ANNIV, text, when._NTH_ANNIV_TAIL, when._NTH_ANNIV_REACH)) \
        == spans(when._NTH_ANNIV.finditer(text))
    assert spans(when.finditer_by_tail(when._WD_DM, text, when._WEEKDAY_WORD, 0)) == spans(when._WD_DM.finditer(text))
    assert spans(when.finditer_by_tail(when._YEARS_ON, text, when._YEARS_ON_TAIL, 9)) \
        == spans(when._YEARS_ON.finditer(text))


def test_tail_scan_on_sentences_of_my_own():
    text = ("The city marked the 75th anniversary of its founding on Friday, June 3. Twelve years since the "
            "flood, 3 years of talks and the tenth anniversary of the treaty; SUNDAY 4th of March.")
    got = spans(when.finditer_by_tail(when._NTH_ANNIV, text, when._NTH_ANNIV_TAIL, when._NTH_ANNIV_REACH))
    assert got == spans(when._NTH_ANNIV.finditer(text)) and len(got) == 3
    got = spans(when.finditer_by_tail(when._WD_DM, text, when._WEEKDAY_WORD, 0))
    assert got == spans(when._WD_DM.finditer(text)) and len(got) == 2


def test_a_pattern_reaching_further_back_than_told_is_missed():
    # the helper is only as good as its reach: a word longer than the reach before the tail is not tried
    pat = re.compile(r"\b\w+\s+years\s+on\b")
    assert spans(when.finditer_by_tail(pat, "eleven years on", when._YEARS_ON_TAIL, 6)) == [((0, 15), ())]
    assert spans(when.finditer_by_tail(pat, "eleven years on", when._YEARS_ON_TAIL, 3)) == []


def test_sentences_holding_a_word(nlp):
    from nestor.extract import docview
    doc = nlp("Talks resumed on Monday.\nNothing happened then. Five years on, they met again on Sunday.")
    docview.reset(doc)
    got = [s.text for s in when._sents_holding(doc, when._WEEKDAY_WORD)]
    assert got == ["Talks resumed on Monday.\n", "Five years on, they met again on Sunday."]
    assert [s.text for s in when._sents_holding(doc, when._YEARS_ON_TAIL)] == [got[1]]
