"""Accords on text written for the tests, and the claims plot (PNG and SVG)."""
from __future__ import annotations

from datetime import date

D = date(2021, 3, 9)


def test_passive_signing_and_between_parties(extract_text):
    res = extract_text("An agreement between the Government of Norway and the Government of Chile on fisheries "
                       "research was signed in Oslo on Tuesday.", published=D)
    a = next(a for a in res.accords if a.doc_type == "agreement")
    assert a.title.startswith("agreement between the Government of Norway")
    assert sorted(a.parties) == ["CHL", "NOR"]
    assert res.text[a.start:a.end] == a.title if hasattr(res, "text") else a.start < a.end


def test_listed_documents_are_one_counted_set_and_a_claim(extract_text):
    res = extract_text("After the talks, Peru and Japan signed 9 statements, protocols, memoranda and agreements "
                       "on energy and space.", published=D)
    sets = [a for a in res.accords if a.doc_type == "set"]
    assert len(sets) == 1 and sets[0].count == 9 and len(res.accords) == 1
    counts = [c for c in res.claims if c.measure == "agreements_signed"]
    assert counts and counts[0].value == 9 and counts[0].unit == "count"


def test_dozen_documents_count(extract_text):
    res = extract_text("Kenya and Ghana signed more than a dozen documents on trade and agriculture.", published=D)
    s = next(a for a in res.accords if a.doc_type == "set")
    assert s.count == 12 and s.domain == "trade"


def test_memorandum_between_companies_domain(extract_text):
    res = extract_text("Norway's Equinor and Chile's ENAP signed a memorandum on liquefied natural gas supplies.",
                       published=D)
    m = next(a for a in res.accords if a.doc_type == "memorandum")
    assert "liquefied natural gas" in m.title and m.domain == "energy"


def test_document_nouns_without_signing_are_no_accords(extract_text):
    res = extract_text("The agreement on fisheries has been debated for years, and critics read the treaty "
                       "closely.", published=D)
    assert res.accords == []


def _rows():
    return [
        {"period_start": date(2011, 1, 1), "period_end": date(2011, 12, 31), "value": 50e9, "status": "achieved",
         "text": "$50 billion", "unit": "USD", "measure": "bilateral_trade"},
        {"period_start": date(2015, 1, 1), "period_end": date(2015, 12, 31), "value": 80e9, "status": "target",
         "text": "$80 billion", "unit": "USD", "measure": "bilateral_trade"},
        {"period_start": date(2018, 1, 1), "period_end": date(2018, 12, 31), "value": 90e9, "status": "achieved",
         "text": "$90 billion", "unit": "USD", "measure": "bilateral_trade"},
        {"period_start": date(2023, 1, 1), "period_end": date(2023, 12, 31), "value": 150e9, "status": "pace",
         "text": "over $150 billion", "unit": "USD", "measure": "bilateral_trade"},
    ]


def test_claims_plot_png_and_svg(tmp_path):
    from nestor.plots import claims_plot

    png, svg = tmp_path / "t.png", tmp_path / "t.svg"
    claims_plot(_rows(), str(png), title="trade")
    claims_plot(_rows(), str(svg), title="trade")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    body = svg.read_text()
    assert "<svg" in body and "target" in body.lower()


def test_summit_produced_a_total_of_listed_documents(extract_text):
    res = extract_text("By the evening the summit in Lima had produced a total of 11 statements, protocols and "
                       "agreements between Peru and Japan.", published=D)
    s = next(a for a in res.accords if a.doc_type == "set")
    assert s.count == 11 and s.title.endswith("statements, protocols and agreements")
    assert [a.doc_type for a in res.accords] == ["set"]      # the listed nouns are members, not accords
    assert any(c.measure == "agreements_signed" and c.value == 11 for c in res.claims)
