"""Claims and accords on text written for the tests."""
from __future__ import annotations

from datetime import date

import pytest

from nestor.extract.quantities import parse_quantity

D = date(2019, 6, 5)


@pytest.mark.parametrize("text,value,unit,qual", [
    ("$108 billion", 108e9, "USD", None),
    ("10 billion rubles", 10e9, "RUB", None),
    ("29.9 percent", 29.9, "percent", None),
    ("30%", 30.0, "percent", None),
    ("over $200 billion", 200e9, "USD", "over"),
    ("about 5 million euros", 5e6, "EUR", "about"),
    ("1,250 tonnes", 1250.0, "count", None),
])
def test_parse_quantity(text, value, unit, qual):
    v, u, q = parse_quantity(text)
    assert v == pytest.approx(value) and u == unit and q == qual


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
        assert extract_text.__class__ and c.start < c.end


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
    r = CliRunner().invoke(app, ["claims", "--db", db, "--measure", "trade", "--json", "--plot", str(png)])
    assert r.exit_code == 0
    rows = json.loads(r.stdout[: r.stdout.rindex("]") + 1])
    figures = {(row["text"], row["status"]) for row in rows}
    assert {("$83.5 billion", "achieved"), ("$100 billion", "target"), ("$108 billion", "achieved"),
            ("over $200 billion", "pace")} <= figures
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    r = CliRunner().invoke(app, ["accords", "--db", db, "--json"])
    titles = [a["title"] for a in json.loads(r.stdout)]
    assert any("Strengthening Global Strategic Stability" in t for t in titles)
    assert any("Xudabao NPP" in t for t in titles)


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402


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
