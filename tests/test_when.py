"""Temporal expressions, event dates and publication-date estimation, on text written for the tests."""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings, strategies as st

from nestor.extract.when import normalise

A = date(2019, 6, 6)   # a Thursday


def test_explicit_and_partial_dates():
    assert normalise("June 5, 2019", A)[:3] == (date(2019, 6, 5), date(2019, 6, 5), "day")
    assert normalise("March 2023", A)[2] == "month" and normalise("March 2023", A)[0] == date(2023, 3, 1)
    assert normalise("2008", A)[:3] == (date(2008, 1, 1), date(2008, 12, 31), "year")
    assert normalise("June 5th", A)[0] == date(2019, 6, 5)
    assert normalise("21 March", date(2023, 3, 22))[0] == date(2023, 3, 21)
    assert normalise("December 30", date(2020, 1, 2))[0] == date(2019, 12, 30)   # nearest: the year before


def test_weekdays_follow_tense():
    assert normalise("Tuesday", A)[0] == date(2019, 6, 4)
    assert normalise("Thursday", A)[0] == A                      # the day itself in the past tense
    assert normalise("Monday", A, future=True)[0] == date(2019, 6, 10)


def test_relative_expressions():
    assert normalise("last year", A)[:3] == (date(2018, 1, 1), date(2018, 12, 31), "year")
    assert normalise("next year", A)[0] == date(2020, 1, 1)
    assert normalise("earlier this month", A)[:3] == (date(2019, 6, 1), date(2019, 6, 30), "month")
    assert normalise("last month", date(2019, 1, 15))[0] == date(2018, 12, 1)
    assert normalise("yesterday", A)[0] == date(2019, 6, 5)


def test_ranges():
    v, e, p, k = normalise("from May 7 to 10", A)
    assert (v, e, p) == (date(2019, 5, 7), date(2019, 5, 10), "range")


def test_false_readings(extract_text):
    res = extract_text("We may sign the deal. We will meet them.", published=A)
    assert all(t.value is None or t.text.lower() not in ("we", "may") for t in res.timexes)
    assert not any(t.text.lower() in ("we", "may") for t in res.timexes)


def test_event_date_from_its_clause_and_fallback(extract_text):
    res = extract_text("Norway signed a trade agreement with Chile on Tuesday. Peru praised Chile.", published=A)
    ev = {e.event_type: e for e in res.events}
    assert ev["AGREE"].date == date(2019, 6, 4) and ev["AGREE"].date_source == "text"
    assert ev["SUPPORT"].date == A and ev["SUPPORT"].date_source == "publication"


def test_publication_date_estimated_and_marked(extract_text):
    text = ("Leaders Meet\n\nOn June 5th the presidents met in Oslo, as 2019 marks 70 years of relations "
            "between Norway and Chile. Norway signed an agreement with Chile.")
    res = extract_text(text, published=None)
    art = res.article
    # the year is pinned by the anniversary; "June 5th" gives the happening's day, not the publication's
    assert art.published is None and art.published_precision == "range"
    assert art.published_from == date(2019, 6, 5) and date(2019, 6, 5) < art.published_to <= date(2019, 6, 12)
    assert art.date_source == "estimated" and 0 < art.date_confidence < 1
    assert "2019 marks 70 years" in art.date_evidence
    met = [t for t in res.timexes if "June" in t.text]
    assert met and (met[0].value, met[0].precision) == (date(2019, 6, 5), "day")
    agree = [e for e in res.events if e.event_type == "AGREE"]
    assert agree and agree[0].date_source == "estimated_publication" and agree[0].date_precision == "range"


def test_estimate_from_newly_appointed_office_and_weekday(extract_text):
    text = ("Ministers Meet\n\nRussia's newly minted Defense Minister Andrei Belousov met Chinese officials "
            "on Thursday in Beijing.")
    res = extract_text(text, published=None)
    assert res.article.date_source == "estimated"
    assert date(2024, 5, 14) <= res.article.published <= date(2024, 8, 14)
    assert res.article.published.weekday() == 3


def test_no_estimate_without_clues(extract_text):
    res = extract_text("Officials met and talked about fishing rights for a long time.", published=None)
    assert res.article.published is None and res.article.date_source == "unknown"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_normalise_never_raises(s):
    v, e, p, k = normalise(s, A)
    assert (v is None) == (p == "unknown")
    if v and e:
        assert v <= e


def test_timex_offsets_inside_text(extract_text):
    text = "On Tuesday and last month and in March 2023, the ministers met twice."
    res = extract_text(text, published=A)
    assert res.timexes
    for t in res.timexes:
        assert text[t.start:t.end] == t.text
