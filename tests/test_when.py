"""Temporal expressions, event dates and publication-date estimation, on text written for the tests."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize("text, lo, hi, kind", [
    # a written year is kept, whatever the anchor (it was replaced by the anchor's year)
    ("June 8-9, 2021", date(2021, 6, 8), date(2021, 6, 9), "absolute"),
    ("8-9 June 2021", date(2021, 6, 8), date(2021, 6, 9), "absolute"),
    ("from 8 to 9 June 2021", date(2021, 6, 8), date(2021, 6, 9), "absolute"),
    ("June 29, 2021 to July 3, 2021", date(2021, 6, 29), date(2021, 7, 3), "absolute"),
    ("December 30 - January 2, 2022", date(2021, 12, 30), date(2022, 1, 2), "absolute"),
    # day-first ranges and ranges with both months named (the last day alone was read)
    ("11 to 13 October", date(2024, 10, 11), date(2024, 10, 13), "range"),
    ("11-13 Oct.", date(2024, 10, 11), date(2024, 10, 13), "range"),
    ("Oct. 11-13", date(2024, 10, 11), date(2024, 10, 13), "range"),
    ("October 11 to October 13", date(2024, 10, 11), date(2024, 10, 13), "range"),
    ("between October 11 and 13", date(2024, 10, 11), date(2024, 10, 13), "range"),
    ("from 30 September to 2 October", date(2024, 9, 30), date(2024, 10, 2), "range"),
])
def test_day_ranges_in_every_order(text, lo, hi, kind):
    v, e, prec, k = normalise(text, date(2024, 10, 1))
    assert (v, e, k) == (lo, hi, kind)
    assert prec == "range"


def test_a_day_range_without_year_against_a_wide_interval_stays_inside_it():
    v, e, _, _ = normalise("11 to 13 October", (date(2023, 2, 1), date(2023, 12, 31)))
    assert (v, e) == (date(2023, 10, 11), date(2023, 10, 13))
    # no such day: not a range, and nothing invented
    assert normalise("June 31 to July 2, 2021", date(2024, 10, 1))[0] is None


def test_false_readings(extract_text):
    res = extract_text("We may sign the deal. We will meet them.", published=A)
    assert all(t.value is None or t.text.lower() not in ("we", "may") for t in res.timexes)
    assert not any(t.text.lower() in ("we", "may") for t in res.timexes)


def test_event_date_from_its_clause_and_fallback(extract_text):
    res = extract_text("Norway signed a trade agreement with Chile on Tuesday. Peru praised Chile.", published=A)
    ev = {e.event_type: e for e in res.events}
    assert ev["AGREE"].date == date(2019, 6, 4) and ev["AGREE"].date_source == "text"
    assert ev["SUPPORT"].date == A and ev["SUPPORT"].date_source == "publication"


def test_an_onset_dates_the_event_from_it_to_publication(extract_text):
    """"Since <date>" starts what lasted until the article: the event is that interval, never the
    onset's day (a repeated violation "since 1 March 2017" did not happen on 1 March 2017)."""
    res = extract_text("Since March 1, 2017, Norway has rejected the Chilean proposal eleven times.", published=A)
    ev = next(e for e in res.events if e.event_type == "REJECT")
    assert (ev.date, ev.date_end, ev.date_precision) == (date(2017, 3, 1), A, "range")
    res = extract_text("Norway has rejected the Chilean proposal since 2016.", published=A)
    ev = next(e for e in res.events if e.event_type == "REJECT")
    assert (ev.date, ev.date_end) == (date(2016, 1, 1), A)


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


# ---- intervals ----------------------------------------------------------------------------------

def test_interval_sets_intersect_and_precision_is_derived():
    from nestor.dates import intersect, precision_of, show_interval

    two_terms = [(date(2000, 5, 7), date(2008, 5, 7)), (date(2012, 5, 7), date(2026, 1, 1))]
    assert intersect(two_terms, [(date(2010, 1, 1), date(2014, 12, 31))]) == [(date(2012, 5, 7), date(2014, 12, 31))]
    assert intersect(two_terms, [(date(2009, 1, 1), date(2011, 12, 31))]) == []
    assert precision_of(date(2023, 1, 1), date(2023, 12, 31)) == "year"
    assert precision_of(date(2023, 3, 1), date(2023, 3, 31)) == "month"
    assert precision_of(date(2023, 3, 5), date(2023, 3, 5)) == "day"
    assert precision_of(date(2023, 3, 5), date(2023, 4, 5)) == "range"
    assert precision_of(None, None) == "unknown"
    assert show_interval(date(2023, 1, 1), date(2023, 12, 31)) == "2023"
    assert show_interval(date(2023, 3, 1), date(2023, 3, 31)) == "2023-03"
    assert show_interval(date(2013, 3, 14), date(2026, 2, 1)) == "≈2013–2026"
    assert show_interval(None) == "?"


# ---- date lines of real page shapes (ingest) ---------------------------------------------------

def test_timestamp_lines_bylines_and_residue():
    from nestor.ingest.clean import clean_text

    body = "\n\nThe two ministers met for talks about fishing rights and signed nothing of note that day."
    shapes = {
        "Harbour Talks Resume\n09:40 GMT 14.02.2022" + body: date(2022, 2, 14),
        "date 2022-02-14\nHarbour Talks Resume" + body: date(2022, 2, 14),
        "Harbour Talks Resume\nPublished: 14 Feb 2022 09:40 Updated: 15 Feb 2022 12:00" + body: date(2022, 2, 14),
        "Harbour Talks Resume\nBy Ann Other | February 14, 2022, 9:40 AM" + body: date(2022, 2, 14),
        "Harbour Talks Resume\nPosted February 14,2022" + body: date(2022, 2, 14),
    }
    for raw, want in shapes.items():
        c = clean_text(raw)
        assert c.date == want, raw
        assert "GMT" not in c.text and "Published" not in c.text and "2022" not in c.text, c.text
    assert clean_text("Harbour Talks Resume\nBy Ann Other | February 14, 2022" + body).byline == "Ann Other"
    by_glued = clean_text("Harbour Talks Resume\nAnn OtherMonday, 14 February 2022, 09:40" + body)
    assert by_glued.date == date(2022, 2, 14) and by_glued.byline == "Ann Other"
    glued = clean_text(" date 2022-02-14 Harbour Talks Resume" + body)    # a date field glued to the title
    assert glued.date == date(2022, 2, 14) and glued.title == "Harbour Talks Resume"


# ---- publication clues (each class) ------------------------------------------------------------

def test_wire_dateline_day_with_year_from_an_anniversary(extract_text):
    text = ("Leaders Mark Old Ties\n\nBEIJING, 9 May (Newswire) -- Chinese President Xi Jinping hosted Russian "
            "President Vladimir Putin, and the two leaders praised the 75th anniversary of diplomatic relations "
            "between China and Russia. On the afternoon of 8 May, China signed an energy agreement with Russia.")
    res = extract_text(text, published=None)
    art = res.article
    assert (art.published_from, art.published_to) == (date(2024, 5, 8), date(2024, 5, 10))
    assert "dateline" in art.date_evidence and "rel-chn-rus" in art.date_evidence
    agree = [e for e in res.events if e.event_type == "AGREE"]
    assert agree and agree[0].date == date(2024, 5, 8) and agree[0].date_source == "text"   # the body's day


def test_weekday_with_day_month_narrowed_by_a_term(extract_text):
    # 1 May fell on a Wednesday in 2002, 2013, 2019 and 2024; only 2019 is inside Imran Khan's term
    text = ("Ministers Talk Trade\n\nOn Wednesday (May 1), Pakistani Prime Minister Imran Khan met Chinese "
            "officials in Islamabad. Pakistan signed a trade agreement with China.")
    res = extract_text(text, published=None)
    art = res.article
    assert art.published_from.year == 2019 and art.published_to.year == 2019
    assert "weekday_daymonth" in art.date_evidence and "office" in art.date_evidence
    agree = [e for e in res.events if e.event_type == "AGREE"]
    assert agree and agree[0].date_precision in ("day", "range")
    tx = [t for t in res.timexes if "May" in t.text]
    assert tx and tx[0].value == date(2019, 5, 1)


def test_office_with_two_terms_gives_two_intervals(extract_text, nlp, knowledge):
    from nestor.extract.when import combine, publication_clues

    text = "Russian President Vladimir Putin spoke to reporters about fishing quotas."
    clues = publication_clues(nlp(text), knowledge, today=date(2026, 1, 1))
    office = [c for c in clues if c.kind == "office"]
    assert office and len(office[0].intervals) == 2            # 2000–2008 and from 2012, not the last only
    with_year = text + " Russia had signed a fishing treaty with Norway in 2009."
    est = combine(publication_clues(nlp(with_year), knowledge, today=date(2026, 1, 1)), today=date(2026, 1, 1))
    assert est.lo == date(2012, 5, 7) and est.precision == "range"


def test_day_month_without_year_never_takes_the_current_year(extract_text):
    res = extract_text("Harbour Deal\n\nOn March 21 the fishing crews of two towns agreed on a new quota.",
                       published=None)
    assert res.article.published_from is None and res.article.published_precision == "unknown"
    assert all(t.value is None for t in res.timexes if "March" in t.text)


def test_anniversary_of_a_founding_from_the_table(extract_text):
    text = ("Summit in Jakarta\n\nThe leaders met in Jakarta as the bloc celebrated the 50th anniversary of the "
            "founding of ASEAN.")
    res = extract_text(text, published=None)
    assert (res.article.published_from, res.article.published_to) == (date(2017, 1, 1), date(2017, 12, 31))
    assert res.article.published_precision == "year" and "asean-founding" in res.article.date_evidence


def test_past_year_and_this_year_give_the_next_year(extract_text):
    text = ("Trade Figures\n\nTrade between Norway and Chile reached a record in 2021. Officials expect it to "
            "grow again this year.")
    res = extract_text(text, published=None)
    assert res.article.published_precision == "year" and res.article.published_from == date(2022, 1, 1)


def test_conflicting_clues_lower_confidence_and_never_move_the_date(extract_text):
    agree = "Leaders Meet\n\n2019 marks 70 years of relations between Norway and Chile, officials said."
    clash = agree + " Chinese President Hu Jintao sent a letter."          # Hu left office in 2013
    a, b = extract_text(agree, published=None).article, extract_text(clash, published=None).article
    assert (b.published_from, b.published_to) == (a.published_from, a.published_to) == (date(2019, 1, 1), date(2019, 12, 31))
    assert b.date_confidence < a.date_confidence and "conflicting" in b.date_evidence


# ---- event dates by syntax ----------------------------------------------------------------------

P = date(2021, 6, 10)


def _dated(res, etype):
    evs = [e for e in res.events if e.event_type == etype]
    assert evs, [(e.event_type, e.trigger) for e in res.events]
    return evs[0]


def test_modifier_of_another_noun_does_not_date_the_event(extract_text):
    # "the plan proposed by Chile last month": "last month" dates the proposal, not the praise
    ev = _dated(extract_text("Peru praised the fishing plan proposed by Chile last month.", published=P), "SUPPORT")
    assert ev.date == P and ev.date_source == "publication"


def test_purpose_clause_does_not_date_the_event(extract_text):
    # "to build a port in Chile in 2030": the port's date, not the signing's
    ev = _dated(extract_text("Norway signed a deal with Chile to build a new port in Chile in 2030.", published=P),
                "AGREE")
    assert ev.date == P and ev.date_source == "publication"


def test_complement_clause_does_not_date_the_invitation(extract_text):
    res = extract_text("Norway invited Chile to send a delegation to Oslo later this year.", published=P)
    ev = [e for e in res.events if e.trigger.lower().startswith("invit")]
    assert ev and ev[0].date == P and ev[0].date_source == "publication"


def test_nominal_trigger_ignores_dates_of_other_clauses(extract_text):
    text = ("Chilean President Gabriel Boric made a visit to Norway, his first since his return to office in March "
            "after he stepped down in 2014.")
    res = extract_text(text, published=P)
    visit = [e for e in res.events if e.event_type == "CONSULT"]
    assert visit and all(e.date == P and e.date_source == "publication" for e in visit)


def test_governing_clause_dates_a_nominal_trigger(extract_text):
    res = extract_text("Norway held talks with Chile on Tuesday.", published=P)
    ev = _dated(res, "CONSULT")
    assert ev.date == date(2021, 6, 8) and ev.date_source == "text"


def test_year_precision_article_gives_its_events_the_year(extract_text):
    text = ("Trade Figures\n\nTrade between Norway and Chile reached a record in 2021, and this year "
            "Norway signed a new agreement with Chile on Monday.")
    res = extract_text(text, published=None)
    ev = _dated(res, "AGREE")
    assert (ev.date, ev.date_end, ev.date_precision) == (date(2022, 1, 1), date(2022, 12, 31), "year")


def test_a_deposed_or_former_office_holder_dates_after_the_term(extract_text):
    # Mugabe's office ended in November 2017: a text that calls him deposed is written after it
    text = ("Harare Votes\n\nVoters queued in Harare on Monday in the first vote since Robert Mugabe was deposed.")
    art = extract_text(text, published=None).article
    assert art.published_from is not None and art.published_from >= date(2017, 11, 1)
    assert "former" in art.date_evidence
    # without the verb the same name in office would put the text inside his term: the opposite answer
    other = extract_text("Harare Votes\n\nPresident Robert Mugabe greeted voters in Harare.", published=None).article
    assert other.published_to <= date(2017, 12, 31)


def test_capitalised_place_is_not_a_newly_cue(nlp, knowledge):
    from nestor.extract.when import publication_clues

    clues = publication_clues(nlp("New Delhi: Prime Minister Narendra Modi met the envoys."), knowledge,
                              today=date(2026, 1, 1))
    assert [c.kind for c in clues] == ["office"]                 # "New" of "New Delhi" is not "new"


def test_holiday_with_weekday_gives_the_years_it_fell_on_that_day(nlp, knowledge):
    from nestor.extract.when import publication_clues

    clues = publication_clues(nlp("Crowds gathered as Russia marked Victory Day on Thursday with a parade."),
                              knowledge, today=date(2026, 1, 1))
    hol = [c for c in clues if c.kind == "holiday_weekday"]
    assert hol
    years = {iv[0].year + (1 if iv[0].month == 12 else 0) for iv in hol[0].intervals}
    assert {2019, 2024} <= years and 2023 not in years          # 9 May was a Thursday in 2019 and 2024


def test_embedded_post_dates_the_page_after_it(extract_text):
    text = ("Council Results\n\nThe council announced the final count after a long night of tallying votes.\n"
            "The count is final, the chair wrote. — Ann Other (@annother) September 6, 2019")
    art = extract_text(text, published=None).article
    assert art.published_from == date(2019, 9, 6) and "embedded_post" in art.date_evidence


def test_years_on_from_a_named_year(nlp, knowledge):
    from nestor.extract.when import publication_clues

    today = date(2026, 1, 1)
    on = publication_clues(nlp("The flood of May 2017 ruined the port. Four years on, the quays are still closed."),
                           knowledge, today=today)
    assert [c.intervals for c in on if c.kind == "years_on"] == [[(date(2021, 1, 1), date(2022, 12, 31))]]
    told_in_the_past = publication_clues(nlp("In 2012, four years after the 2008 flood, the port reopened."),
                                         knowledge, today=today)
    assert not [c for c in told_in_the_past if c.kind == "years_on"]     # a past narrative dates nothing


def test_years_on_with_several_candidate_years_gives_nothing(nlp, knowledge):
    from nestor.extract.when import publication_clues

    text = ("The flood of May 2017 ruined the port. Repairs began in 2019. Four years on, the quays are still closed.")
    assert not [c for c in publication_clues(nlp(text), knowledge, today=date(2026, 1, 1)) if c.kind == "years_on"]


@pytest.mark.parametrize("sentence,headline", [
    ("OSLO, March 3, 2021 — Norway and Chile signed a fisheries pact.", "Norway and Chile signed a fisheries pact."),
    ("LIMA, 4 Mar (EFE) -- Peru recalled its envoy.", "Peru recalled its envoy."),
    ("NAIROBI (AP) - Kenya closed the border.", "Kenya closed the border."),
    ("Accra, 12 May 2022 (GNA) -- Ghana hosted the talks.", "Ghana hosted the talks."),
    # no dateline: left as written
    ("Note: the talks ended without a statement.", "Note: the talks ended without a statement."),
    ("Kenya - with Uganda - closed the border.", "Kenya - with Uganda - closed the border."),
    ("EU-China talks resumed in Brussels.", "EU-China talks resumed in Brussels."),
])
def test_headlines_lose_the_dateline_they_start_with(sentence, headline):
    from nestor.dates import strip_dateline

    assert strip_dateline(sentence) == headline
