"""Accords on text written for the tests, and the claims plot (PNG and SVG)."""
from __future__ import annotations

from datetime import date

import pytest

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


# ---- issue 16: titles, lists, anaphora, vague spans, counted sets ---------------------------------

def test_capitalised_title_runs_through_possessives(extract_text):
    res = extract_text("Peru and Japan signed the Joint Statement of the Republic of Peru and Japan's Government on "
                       "Deepening the Strategic Partnership in the New Era.", published=D)
    (a,) = res.accords
    assert a.title.endswith("Japan's Government on Deepening the Strategic Partnership in the New Era")
    assert a.doc_type == "joint_statement" and a.parties == ["JPN", "PER"]


def test_lower_case_title_runs_through_and_the_named_party(extract_text):
    res = extract_text("The two presidents signed a joint statement of the Republic of Peru and the Kingdom of "
                       "Spain on deepening the strategic partnership.", published=D)
    (a,) = res.accords
    assert a.title.endswith("Kingdom of Spain on deepening the strategic partnership")
    assert a.parties == ["ESP", "PER"]


def test_second_coordinated_capitalised_title_is_its_own_accord(extract_text):
    res = extract_text("The premiers signed a Joint Statement on Fisheries in the Pacific and a Joint Statement on "
                       "Copper Mining in the Andes.", published=D)
    titles = [a.title for a in res.accords]
    assert titles == ["Joint Statement on Fisheries in the Pacific", "Joint Statement on Copper Mining in the Andes"]


def test_heading_list_makes_each_line_a_typed_member(extract_text):
    res = extract_text("Outcomes of the Lima visit\n\nKey Agreements Signed\n\n"
                       "Joint statement on expanding the partnership between Peru and Japan\n\n"
                       "Memorandum on cooperation in copper mining\n\nProtocol on fisheries quotas\n\n"
                       "Programme of cultural exchanges for 2025-2027\n\nThe talks lasted three hours.", published=D)
    sets = [a for a in res.accords if a.doc_type == "set"]
    assert len(sets) == 1 and sets[0].count == 4
    members = [a for a in res.accords if a.set_id == sets[0].id]
    assert [m.doc_type for m in members] == ["joint_statement", "memorandum", "protocol", "programme"]
    assert members[1].title == "Memorandum on cooperation in copper mining"
    assert all(not a.title.startswith("The talks") for a in res.accords)


def test_colon_list_in_one_sentence(extract_text):
    res = extract_text("The documents signed include: a joint statement on ocean research; a memorandum on port "
                       "logistics; and a protocol on fisheries quotas.", published=D)
    s = next(a for a in res.accords if a.doc_type == "set")
    members = {a.doc_type: a.title for a in res.accords if a.set_id == s.id}
    assert members == {"joint_statement": "joint statement on ocean research",
                       "memorandum": "memorandum on port logistics", "protocol": "protocol on fisheries quotas"}
    assert s.count == 3


def test_counted_set_with_appositive_member_and_the_other_one(extract_text):
    res = extract_text("Peru and Japan signed two important joint statements, one to deepen their partnership. "
                       "In the other statement, the two sides addressed regional security.", published=D)
    s = next(a for a in res.accords if a.doc_type == "set")
    assert s.count == 2 and s.parties == ["JPN", "PER"]
    members = [a for a in res.accords if a.set_id == s.id]
    assert len(members) == 2 and all(m.doc_type == "joint_statement" for m in members)
    assert members[0].title == "joint statement to deepen their partnership"
    assert members[1].sent_idx == 1 and members[1].domain == "military"


def test_whole_set_anaphora_links_and_makes_no_new_accord(extract_text):
    res = extract_text("Kenya and Ghana signed three agreements on Monday. Both documents were signed after long "
                       "talks. The second document covers cocoa exports.", published=D)
    s = next(a for a in res.accords if a.doc_type == "set")
    assert s.count == 3 and s.title == "three agreements" and 1 in s.refs
    others = [a for a in res.accords if a is not s]
    assert len(others) == 1 and others[0].set_id == s.id and others[0].sent_idx == 2


@pytest.mark.parametrize("text", [
    "The leaders adopted a series of documents and made statements to the press.",
    "They signed documents after the talks in Accra.",
    "If the two firms can reach a deal, deliveries will start next year.",
    "Ghana did not sign the treaty, officials said.",
])
def test_vague_or_unreal_spans_are_no_accords(extract_text, text):
    assert extract_text(text, published=D).accords == []


def test_counted_set_keeps_its_qualifier(extract_text):
    res = extract_text("Ministers from Peru and Japan signed nearly three dozen agreements in Lima.", published=D)
    (s,) = res.accords
    assert (s.doc_type, s.count, s.count_qualifier, s.title) == ("set", 36, "nearly", "nearly three dozen agreements")


def test_same_document_named_twice_is_one_accord(extract_text):
    res = extract_text("A joint communique was issued by Kenya and Ghana. In the joint communique signed by the two "
                       "presidents, they called for calm.", published=D)
    (a,) = res.accords
    assert a.refs == [1]


def test_included_documents_are_members_of_the_counted_set(extract_text):
    res = extract_text("The two ministers signed 12 agreements, including agreements on solar energy and mining.",
                       published=D)
    s = next(a for a in res.accords if a.doc_type == "set")
    member = next(a for a in res.accords if a.doc_type == "agreement")
    assert member.set_id == s.id and member.title.startswith("agreements on solar energy")


# ---- classes found on real pages (issue 16, item 5), in sentences written for the tests -------------

def test_unnamed_members_described_after_the_count(extract_text):
    res = extract_text("The heads of Peru and Chile signed two joint documents in Lima. Officials said one document "
                       "is a plan for copper mining, the other is a statement on fisheries.", published=D)
    s = next(a for a in res.accords if a.doc_type == "set")
    members = [a for a in res.accords if a.set_id == s.id]
    assert len(members) == 2 and members[1].title.startswith("the other is a statement on fisheries")


def test_vague_plural_count_of_documents_is_a_set(extract_text):
    res = extract_text("The ministers of Kenya and Ghana signed dozens of documents after the talks.", published=D)
    (s,) = res.accords
    assert (s.doc_type, s.count, s.count_qualifier) == ("set", 24, "over")


@pytest.mark.parametrize("text,title", [
    ("The officials signed 10 agreements to further develop their partnership.", "10 agreements"),
    ("Peru and Chile signed nearly three dozen agreements following long negotiations.",
     "nearly three dozen agreements"),
    ("The two banks signed a memorandum of understanding (MoU) to share data.", "memorandum of understanding"),
])
def test_title_ends_before_purpose_time_and_abbreviation(extract_text, text, title):
    res = extract_text(text, published=D)
    assert [a.title for a in res.accords] == [title]


def test_failure_to_conclude_is_no_accord(extract_text):
    res = extract_text("The minister regretted the failure of the two sides to conclude an agreement despite many "
                       "rounds of talks.", published=D)
    assert res.accords == []


def test_ranged_from_list_makes_members(extract_text):
    res = extract_text("The documents signed ranged from joint statements on regional security to agreements "
                       "covering farm exports.", published=D)
    s = next(a for a in res.accords if a.doc_type == "set")
    members = {a.doc_type: a.title for a in res.accords if a.set_id == s.id}
    assert members == {"joint_statement": "joint statements on regional security",
                       "agreement": "agreements covering farm exports"}
