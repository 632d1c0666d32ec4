"""Claims and accords on text written for the tests."""
from __future__ import annotations

from datetime import date

import pytest

from nestor.extract.quantities import parse_amount, parse_quantity

D = date(2019, 6, 5)


@pytest.mark.parametrize("text,value,unit,qual", [
    ("$108 billion", 108e9, "USD", None),
    ("10 billion rubles", 10e9, "RUB", None),
    ("29.9 percent", 29.9, "percent", None),
    ("30%", 30.0, "percent", None),
    ("over $200 billion", 200e9, "USD", "over"),
    ("about 5 million euros", 5e6, "EUR", "about"),
    ("1,250 tonnes", 1250.0, "count", None),
    # the number-word grammar: groups, scales, fractions, vague plurals, qualifiers
    ("nearly three dozen", 36.0, "count", "nearly"),
    ("a couple of", 2.0, "count", None),
    ("two hundred and ten", 210.0, "count", None),
    ("forty-two", 42.0, "count", None),
    ("two million three hundred thousand", 2.3e6, "count", None),
    ("three quarters", 0.75, "fraction", None),
    ("a third", 1 / 3, "fraction", None),
    ("dozens", 24.0, "count", "over"),
    ("tens of thousands", 20000.0, "count", "over"),
    ("some 40", 40.0, "count", "about"),
    ("almost 12 percent", 12.0, "percent", "nearly"),
    ("$4bn", 4e9, "USD", None),
])
def test_parse_quantity(text, value, unit, qual):
    v, u, q = parse_quantity(text)
    assert v == pytest.approx(value, rel=1e-3) and u == unit and q == qual


@pytest.mark.parametrize("text,low,high", [
    ("30-40", 30.0, 40.0),
    ("between six and nine", 6.0, 9.0),
    ("$5-7 billion", 5e9, 7e9),
    ("from 200 to 150", 150.0, 200.0),
])
def test_ranges_keep_their_interval_and_midpoint(text, low, high):
    a = parse_amount(text)
    assert a.low == pytest.approx(low)
    assert a.high == pytest.approx(high) and a.value == pytest.approx((low + high) / 2) and a.qualifier == "range"


def claims_of(extract_text, text, published=D):
    return extract_text(text, published=published).claims


def test_money_measure_status_period(extract_text):
    cl = claims_of(extract_text, "Norway and Chile set a target of raising bilateral trade to $5 billion by 2025 "
                                 "from $3.2 billion last year.")
    by = {c.text: c for c in cl}
    t, a = by["$5 billion"], by["$3.2 billion"]
    assert t.status == "target" and t.measure == "bilateral_trade" and t.period_start == date(2025, 1, 1)
    assert a.status == "achieved" and a.period_start == date(2018, 1, 1)
    assert sorted(t.actors) == ["CHL", "NOR"]


def test_pace_and_record(extract_text):
    cl = claims_of(extract_text, "Trade between Peru and Japan is on pace to hit over $40 billion this year.")
    assert cl[0].status == "pace" and cl[0].qualifier == "over" and cl[0].period_start == date(2019, 1, 1)
    cl = claims_of(extract_text, "Exports to Kenya hit a record 12 percent of the total.")
    assert cl[0].status == "record" and cl[0].unit == "percent"


def test_exceeded_this_mark_refers_back(extract_text):
    cl = claims_of(extract_text, "Two years ago Peru and Chile set a goal to reach $10 billion in trade last year. "
                                 "They have exceeded this mark, with trade reaching $11 billion.")
    target = next(c for c in cl if c.text == "$10 billion")
    reached = next(c for c in cl if c.text == "$11 billion")
    assert target.status == "target" and reached.status == "achieved" and reached.refers_to == target.id
    assert reached.period_start == target.period_start


def test_counts_and_non_claims(extract_text):
    cl = claims_of(extract_text, "The two leaders signed 14 agreements and met on 40 occasions. Call +47 22 33 44 55. "
                                 "It was the 70th anniversary, in 2019, on June 5, and units 3 and 4 were built.")
    texts = {c.text: c for c in cl}
    assert texts["14"].measure == "agreements_signed" and texts["40"].measure == "meetings"
    for not_claim in ("two", "70th", "2019", "5", "3", "4"):
        assert not_claim not in texts, not_claim
    for c in cl:
        assert c.start < c.end and c.text.strip()


def test_offsets_point_to_the_quantity(extract_text):
    text = "Intro line here. Japan pledged $2.5 billion in aid to Kenya."
    res = extract_text(text, published=D)
    c = res.claims[0]
    assert text[c.start:c.end] == c.text and text[c.sent_start:c.sent_end] == c.evidence


def test_accords_titles_types_domains_counts(extract_text):
    res = extract_text("Norway and Chile signed a Joint Statement on Ocean Research in the Southern Seas and an "
                       "agreement on settlements and payments. A set of 12 agreements was signed. Norwegian firm "
                       "Equinor and Chile also concluded a general contract for building units 1 and 2 of the "
                       "Tarapaca NPP.", published=D)
    by = {a.title: a for a in res.accords}
    js = by["Joint Statement on Ocean Research in the Southern Seas"]
    assert js.doc_type == "joint_statement" and sorted(js.parties) == ["CHL", "NOR"] and js.event_id
    assert by["agreement on settlements and payments"].domain == "finance"
    s = next(a for a in res.accords if a.doc_type == "set")
    assert s.count == 12
    c = next(a for a in res.accords if a.doc_type == "contract")
    assert "Tarapaca NPP" in c.title and c.domain == "energy"


def test_claims_cli_and_plot(tmp_path, seeds):
    import json

    from typer.testing import CliRunner

    from nestor.cli import app

    db = str(tmp_path / "s.duckdb")
    CliRunner().invoke(app, ["run", str(seeds), "--db", db])
    png = tmp_path / "trade.png"
    r = CliRunner().invoke(app, ["claims", "--db", db, "--measure", "trade", "--dyad", "RUS-CHN", "--json",
                                 "--plot", str(png)])
    assert r.exit_code == 0
    rows = json.loads(r.stdout)          # stdout is one JSON document; the plot message goes to stderr
    for text, status, year in [("$83.5 billion", "achieved", 2011), ("$100 billion", "target", 2015),
                               ("$100 billion", "target", 2018), ("$108 billion", "achieved", 2018),
                               ("30%", "record", 2022), ("over $200 billion", "pace", 2023)]:
        # the period is an interval from the dates stage: the year must lie inside it
        assert any(r["text"] == text and r["status"] == status and int(r["period_start"][:4]) <= year <=
                   int((r["period_end"] or r["period_start"])[:4]) for r in rows), (text, status, year)
    assert all(sorted(row["actors"]) == ["CHN", "RUS"] for row in rows)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    r = CliRunner().invoke(app, ["accords", "--db", db, "--json"])
    titles = [a["title"] for a in json.loads(r.stdout)]
    assert any("Strengthening Global Strategic Stability" in t for t in titles)
    assert any("Xudabao NPP" in t for t in titles)


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_parse_quantity_never_raises(s):
    v, unit, q = parse_quantity(s)
    assert unit in ("percent", "count") or len(unit) == 3
    assert v is None or v >= 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["Trade reached $5 billion in 2020.", "Over 30% of it was in yuan.",
                                 "They signed 12 agreements.", "Call 555 1234 567.", "Prices rose",
                                 "the two leaders met", "£3.5bn", "by 2030", "ein paar 7 Worte", "%%$$ 99"]),
                min_size=1, max_size=6))
def test_claims_offsets_stay_inside_text(extract_text, parts):
    text = " ".join(parts)
    res = extract_text(text, published=D)
    for c in res.claims:
        assert 0 <= c.start < c.end <= len(text) and text[c.start:c.end] == c.text
        assert 0 <= c.sent_start <= c.start and c.end <= c.sent_end <= len(text)


def test_qualified_dozens_count_documents(extract_text):
    cl = claims_of(extract_text, "In Lima the ministers signed nearly three dozen agreements on mining.")
    c = next(c for c in cl if c.measure == "agreements_signed")
    assert c.value == 36 and c.qualifier == "nearly" and c.unit == "count"


def test_unlabelled_vague_counts_are_claims(extract_text):
    cl = claims_of(extract_text, "By noon scores of soldiers had crossed the river and a couple of firms had left.")
    by = {c.measure: c for c in cl}
    assert by["troops"].value == 40 and by["troops"].qualifier == "over" and by["troops"].value_low == 40
    assert by["companies"].value == 2


@pytest.mark.parametrize("text,bad", [
    ("The blast at 09:45 GMT shook the port of Mombasa.", "09:45"),
    ("The shelling began at 6 pm and lasted an hour in Kharkiv.", "6"),
    ("A man aged 52 was arrested in Nairobi.", "52"),
    ("Kenya will roll out 5G networks next year.", "5"),
    ("Ministers of the G20 met in Rio.", "20"),
    ("In 2017 exports from Chile grew.", "2017"),
])
def test_times_ages_names_and_years_are_not_claims(extract_text, text, bad):
    assert bad not in {c.text for c in claims_of(extract_text, text)}


def test_list_numbering_is_not_a_claim(extract_text):
    cl = claims_of(extract_text, "The plan has these parts:\n\n1. Cooperation on ports between Chile and Peru.\n\n"
                                 "2. Joint patrols on the border.")
    assert {c.text for c in cl} & {"1", "2"} == set()


def test_stop_nouns_and_single_letters_are_never_measures(extract_text):
    cl = claims_of(extract_text, "Six member states backed the plan of the four states, and two people welcomed it.")
    assert cl == [] or all(c.measure not in ("member", "state", "people", "g") for c in cl)
    cl = claims_of(extract_text, "Two people were killed and nine were injured when rockets hit Sderot.")
    assert any(c.measure == "casualties" and c.value == 2 for c in cl)


def test_claim_actors_fall_back_to_the_article_dyad(extract_text):
    res = extract_text("Norway's prime minister met Chile's president in Oslo on Monday. Norway and Chile signed "
                       "an agreement on salmon farming. Bilateral trade is expected to reach $4 billion this year.",
                       published=D)
    c = next(c for c in res.claims if c.measure == "bilateral_trade")
    assert c.actors == ["CHL", "NOR"] and c.actors_inferred
    assert c.status == "pace" and c.period_start == date(2019, 1, 1)


def test_sentence_actors_are_not_marked_inferred(extract_text):
    res = extract_text("Trade between Peru and Japan rose to $9 billion in 2018.", published=D)
    c = next(c for c in res.claims if c.measure == "bilateral_trade")
    assert c.actors == ["JPN", "PER"] and not c.actors_inferred


# ---- classes found on real pages (issue 16, item 5), in sentences written for the tests -------------

@pytest.mark.parametrize("text,figure", [
    ("Peru and Chile agreed to raise bilateral trade to $9 billion by 2028.", "$9 billion"),
    ("The talks are aiming to bolster trade between Kenya and Ghana to USD 4 billion by 2030.", "USD 4 billion"),
])
def test_amount_by_a_year_is_a_target(extract_text, figure, text):
    c = next(c for c in claims_of(extract_text, text) if c.text == figure)
    assert c.status == "target" and c.period_start is not None and c.period_start.year in (2028, 2030)


def test_change_from_to_is_two_figures_baseline_and_target(extract_text):
    cl = claims_of(extract_text, "Kenya and Ghana agreed to double trade from current levels of $1.5 billion to "
                                 "about $3 billion.")
    by = {c.text: c for c in cl}
    assert by["$1.5 billion"].status == "achieved" and by["about $3 billion"].status == "target"
    cl = claims_of(extract_text, "Trade between Peru and Chile rose from $2 billion to $3 billion in 2018.")
    assert sorted(c.value for c in cl if c.measure == "bilateral_trade") == [2e9, 3e9]
    assert all(c.status == "achieved" and c.qualifier != "range" for c in cl)


def test_people_nouns_take_the_casualty_measure(extract_text):
    cl = claims_of(extract_text, "The strike on the market in Goma killed 14 people, including six women and "
                                 "three children.")
    assert {c.text: c.measure for c in cl} == {"14": "casualties", "six": "casualties", "three": "casualties"}


def test_share_of_population_and_currency_word(extract_text):
    cl = claims_of(extract_text, "The bloc accounts for 40 percent of the world's population, Kenya said.")
    assert cl[0].measure == "population"
    cl = claims_of(extract_text, "\"We plan to take trade with Peru to $30 billion dollar by 2010,\" the Chilean "
                                 "minister said.")
    assert cl[0].measure == "bilateral_trade" and cl[0].status == "target"


def test_participants_are_not_counts(extract_text):
    cl = claims_of(extract_text, "The two governments of Kenya and Ghana and the two heads of state met.")
    assert cl == []


def test_main_dyad_prefers_a_pair_of_states_to_an_igo_venue():
    from types import SimpleNamespace

    from nestor.extract.claims import main_dyad
    from nestor.models import Mention

    venue = [SimpleNamespace(source_code="IDN", target_code="G20", source_sector="GOV", target_sector="IGO")]
    ments = [Mention("a", i, i, i + 1, t, actor_id=c, country=c, kind="state")
             for i, (t, c) in enumerate([("India", "IND"), ("Indonesia", "IDN")] * 2)]
    assert main_dyad(venue, ments) == ("IDN", "IND")          # the states the article names most
    assert main_dyad(venue, []) == ("G20", "IDN")              # nothing better: the pair of its events
    pair = venue + [SimpleNamespace(source_code="IND", target_code="IDN", source_sector="GOV", target_sector="GOV")]
    assert main_dyad(pair, []) == ("IDN", "IND")
