"""The shipped knowledge-base data: organisations, regions, country-specific titles, and the loader's checks."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from nestor.errors import KnowledgeBaseError
from nestor.kb import INDUSTRIES, KnowledgeBase


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def test_no_name_stands_for_two_things(kb):
    """Every org, region, country and person name or alias points to one entity only: an alias shared by
    two entries would be coded as whichever the matcher meets first."""
    seen: dict[str, set[str]] = defaultdict(set)
    for o in kb.orgs.values():
        for a in [o.name, *o.aliases]:
            seen[a].add("org:" + o.code)
    for c in kb.countries.values():
        for a in [c.name, *c.aliases, *c.adjectives, *c.capitals]:
            seen[a].add("country:" + c.code)
    for g in kb.regions.values():
        for a in [g.name, *g.aliases, *g.adjectives]:
            seen[a].add("region:" + g.code)
    for p in kb.people.values():
        for a in p.aliases:
            seen[a].add("person:" + p.id)
    for phrase in kb.roles:
        seen[phrase].add("role:" + phrase)
    clashes = {a: sorted(s) for a, s in seen.items()
               if len(s) > 1 and any(x.startswith(("org:", "region:")) for x in s)}
    assert not clashes, clashes


def test_ambiguous_short_forms_are_not_aliases(kb):
    """The alias rule (README): a short form that is also a frequent other name is left out."""
    aliases = {a for o in kb.orgs.values() for a in [o.name, *o.aliases]}
    for word in ("BRI", "BNP", "UPI", "AAP", "Amazon", "Total", "Reliance", "GM", "DB", "Rafael", "Antonov",
                 "Santander", "Garuda", "Petra", "MAP", "TAP", "SDA", "APA", "PLN", "Dawn", "Indra"):
        owners = [o.code for o in kb.orgs.values() if word in [o.name, *o.aliases]]
        assert owners == [], (word, owners)
    # AKP is Turkey's ruling party, not the Cambodian news agency
    assert [o.code for o in kb.orgs.values() if "AKP" in o.aliases] == ["AKP"]
    assert "Amazon.com" in aliases and "Reliance Industries" in aliases


def test_companies_and_media_carry_owner_and_industry(kb):
    firms = [o for o in kb.orgs.values() if o.kind in ("BUS", "MED")]
    assert len([o for o in firms if o.kind == "BUS"]) >= 550
    assert len([o for o in firms if o.kind == "MED"]) >= 200
    missing = [o.code for o in firms if not o.owner or o.industry not in INDUSTRIES]
    assert not missing, missing
    media = {o.industry for o in firms if o.kind == "MED"}
    assert media <= {"agency", "broadcaster", "newspaper", "online"}


@pytest.mark.parametrize("code,country,owner,industry", [
    ("PETROCHINA", "CHN", "state", "energy"), ("CCB", "CHN", "state", "bank"), ("HUAWEI", "CHN", "private", "telecom"),
    ("SURGUTNEFTEGAS", "RUS", "private", "energy"), ("KTRV", "RUS", "state", "defence"),
    ("L3HARRIS", "USA", "private", "defence"), ("TEPCO", "JPN", "state", "energy"), ("HAL", "IND", "state", "defence"),
    ("ELBIT", "ISR", "private", "defence"), ("ANTARA", "IDN", "state", "agency"),
    ("PAMEDIA", "GBR", "private", "agency"),
])
def test_sample_rows(kb, code, country, owner, industry):
    o = kb.orgs[code]
    assert (o.country, o.owner, o.industry) == (country, owner, industry)


def test_named_igos_have_their_own_codes(kb):
    for code in ("BRICS", "SCO", "EAEU", "ASEAN", "AU", "EU", "NATO", "OPEC", "OPECPLUS", "GCC", "CSTO", "CIS", "OSCE",
                 "G7", "G8", "G20", "APEC", "ARL", "OIC", "MERCOSUR", "ECOWAS", "SAARC"):
        o = kb.orgs[code]
        assert o.kind == "IGO" and o.sector == "IGO" and o.country is None, code
    # G8 (with Russia) and OPEC+ (with Russia) are not G7 and OPEC
    assert "G8" not in kb.orgs["G7"].aliases and "OPEC+" not in kb.orgs["OPEC"].aliases


def test_org_codes_are_not_country_codes(kb):
    assert not set(kb.orgs) & set(kb.countries)
    assert not set(kb.regions) & (set(kb.countries) | set(kb.orgs))
    assert kb.orgs["NONALIGNED"].name == "Non-Aligned Movement" and "DJITECH" in kb.orgs


def test_regions_are_not_states(kb):
    names = {a: g.code for g in kb.regions.values() for a in [g.name, *g.aliases]}
    for name, code in [("Latin America", "LAM"), ("the Middle East", "MEA"), ("Central Asia", "CAS"),
                       ("the West", "WST"), ("Southeast Asia", "SEA"), ("the Caucasus", "CAU"), ("the Balkans", "BLK"),
                       ("the Gulf", "PGS"), ("Eastern Europe", "EEU"), ("Sub-Saharan Africa", "SSA"),
                       ("the Asia-Pacific", "APC"), ("the Arctic", "ARC"), ("the Korean Peninsula", "KPN")]:
        assert names.get(name) == code, name
    country_names = {a for c in kb.countries.values() for a in [c.name, *c.aliases]}
    assert not set(names) & country_names
    assert set(kb.regions["CAS"].members) == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    assert "Latin American" in kb.regions["LAM"].adjectives and "USA" not in kb.regions["LAM"].members


@pytest.mark.parametrize("day,who", [
    (date(2000, 6, 1), "mohammad-khatami"), (date(2007, 6, 1), "mahmoud-ahmadinejad"),
    (date(2015, 6, 1), "hassan-rouhani"), (date(2022, 6, 1), "ebrahim-raisi"),
    (date(2024, 6, 1), "mohammad-mokhber"), (date(2025, 3, 1), "masoud-pezeshkian"),
])
def test_the_iranian_president_is_the_president_of_the_day(kb, day, who):
    office = kb.office_for("IRN", "president", day)
    assert office == "head_of_government"
    assert kb.holder("IRN", office, day).id == who
    assert kb.holder("IRN", kb.office_for("IRN", "supreme leader", day), day).id == "ali-khamenei"
    # elsewhere the president is the head of state
    assert kb.office_for("RUS", "president", day) == "head_of_state"


def test_leader_is_the_head_of_government_in_parliamentary_systems(kb):
    assert kb.office_for("GBR", "leader", date(2020, 1, 1)) == "head_of_government"
    assert kb.office_for("RUS", "leader", date(2020, 1, 1)) == "head_of_state"
    # dated rules: Pakistan's prime minister leads since 2008, Turkey's led until 2014
    assert kb.office_for("PAK", "leader", date(2005, 1, 1)) == "head_of_state"
    assert kb.office_for("PAK", "leader", date(2020, 1, 1)) == "head_of_government"
    assert kb.office_for("TUR", "leader", date(2010, 1, 1)) == "head_of_government"
    assert kb.office_for("TUR", "leader", date(2020, 1, 1)) == "head_of_state"
    assert kb.office_for("SAU", "crown prince", date(2020, 1, 1)) is None
    assert kb.holder("SAU", kb.office_for("SAU", "crown prince", date(2023, 1, 1)),
                     date(2023, 1, 1)).id == "mohammed-bin-salman"


# ---- the loader's checks on user files ----------------------------------------------------------------------
ORG_HEAD = "code,name,aliases,kind,country,sector,owner,industry\n"


@pytest.mark.parametrize("files,where", [
    ({"orgs.csv": ORG_HEAD + "ACME,Acme Widgets,,BUS,NOR,BUS,public,tech\n"}, ("orgs.csv", "line 2", "'owner'")),
    ({"orgs.csv": ORG_HEAD + "ACME,Acme Widgets,,BUS,NOR,BUS,private,widgets\n"}, ("orgs.csv", "line 2", "'industry'")),
    ({"orgs.csv": ORG_HEAD + "# a comment\nNOR,Acme Widgets,,BUS,NOR,BUS,,\n"}, ("orgs.csv", "line 3", "'code'")),
    ({"orgs.csv": ORG_HEAD + "ACME,Acme Widgets,,BUS,NORW,BUS,,\n"}, ("orgs.csv", "line 2", "'country'")),
    ({"regions.csv": "code,name,aliases,adjectives,members\nNSK,North Sea,,,NOR|GBR|XXX\n"},
     ("regions.csv", "line 2", "'members'")),
    ({"regions.csv": "code,name,aliases,members\nNOR,Norwayland,,NOR\n"}, ("regions.csv", "line 2", "'code'")),
    ({"titles.csv": "country,phrase,office\nNOR,grand vizier,head_of_state\n"}, ("titles.csv", "line 2", "'phrase'")),
    ({"titles.csv": "country,phrase,office,start,end\nNOR,leader,head_of_government,2020-01-01,2019-01-01\n"},
     ("titles.csv", "line 2", "'end'")),
])
def test_bad_user_rows_name_file_line_field(tmp_path, files, where):
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    with pytest.raises(KnowledgeBaseError) as e:
        KnowledgeBase.load(tmp_path)
    for part in where:
        assert part in str(e.value)


def test_user_files_without_the_optional_columns_still_load(tmp_path):
    (tmp_path / "orgs.csv").write_text("code,name,aliases,kind,country,sector\nACME,Acme Widgets,Acme,BUS,NOR,BUS\n",
                                       "utf-8")
    (tmp_path / "regions.csv").write_text("code,name,aliases,members\nNSK,the North Sea,North Sea,NOR|GBR|DNK\n",
                                          "utf-8")
    (tmp_path / "titles.csv").write_text("country,phrase,office\nNOR,leader,head_of_state\n", "utf-8")
    kb = KnowledgeBase.load(tmp_path)
    assert kb.orgs["ACME"].owner is None and kb.orgs["ACME"].industry is None
    assert kb.regions["NSK"].members == ["NOR", "GBR", "DNK"] and kb.regions["NSK"].adjectives == []
    assert kb.office_for("NOR", "leader", date(2020, 1, 1)) == "head_of_state"   # the user row wins


# ---- the data through the resolver ----------------------------------------------------------------------------
def _by_text(res):
    return {m.text: m for m in res.mentions}


@pytest.mark.parametrize("day,who", [(date(2016, 4, 2), "person:hassan-rouhani"),
                                     (date(2023, 4, 2), "person:ebrahim-raisi"),
                                     (date(2025, 4, 2), "person:masoud-pezeshkian")])
def test_iranian_president_resolves_to_the_president_not_the_supreme_leader(extract_text, day, who):
    r = extract_text("The Iranian president flew to Ankara for talks. Iran's supreme leader stayed silent.",
                     published=day)
    m = _by_text(r)
    assert m["Iranian president"].actor_id == who and m["Iranian president"].code == "IRNGOV"
    assert m["Iran's supreme leader"].actor_id == "person:ali-khamenei"


def test_bare_title_after_a_named_president_keeps_that_person(extract_text):
    r = extract_text("Masoud Pezeshkian opened the new session of parliament. The president said the budget "
                     "would favour the provinces.", published=date(2025, 2, 1))
    pres = [m for m in r.mentions if m.text.lower() == "president"]
    assert pres and pres[0].actor_id == "person:masoud-pezeshkian"


def test_the_leader_of_a_parliamentary_state_is_its_prime_minister(extract_text):
    r = extract_text("The British leader later spoke to the German leader by phone.", published=date(2021, 3, 3))
    m = _by_text(r)
    assert m["British leader"].actor_id == "person:boris-johnson"
    assert m["German leader"].actor_id == "person:angela-merkel"


@pytest.mark.parametrize("sentence,text,code", [
    ("PetroChina and the China Construction Bank signed a loan deal.", "PetroChina", "CHNBUS"),
    ("PetroChina and the China Construction Bank signed a loan deal.", "China Construction Bank", "CHNBUS"),
    ("Surgutneftegas shipped more crude to India.", "Surgutneftegas", "RUSBUS"),
    ("Hindustan Aeronautics will build the engines with Safran.", "Hindustan Aeronautics", "INDBUS"),
    ("Hindustan Aeronautics will build the engines with Safran.", "Safran", "FRABUS"),
    ("Rafael Advanced Defense Systems and Elbit Systems won the tender.", "Elbit Systems", "ISRBUS"),
    ("The report was carried by Yonhap and by PA Media.", "PA Media", "GBRMED"),
    ("Agence Kampuchea Presse quoted the minister.", "Agence Kampuchea Presse", "KHMMED"),
    ("OPEC+ agreed to cut output, and BRICS welcomed it.", "BRICS", "IGOBRICS"),
    ("The Justice and Development Party won the vote.", "Justice and Development Party", "TURGOV"),
    # classes met on real pages: a group's defence arm, a renamed agency, a US combatant command
    ("Tata Advanced Systems will assemble the aircraft.", "Tata Advanced Systems", "INDBUS"),
    ("The private Dogan news agency said two soldiers died.", "Dogan news agency", "TURMED"),
    ("CENTCOM said the drones were shot down over the Red Sea.", "CENTCOM", "USAMIL"),
])
def test_new_organisations_are_coded(extract_text, sentence, text, code):
    m = _by_text(extract_text(sentence, published=date(2024, 5, 16)))
    assert text in m and m[text].code == code, [(x.text, x.code) for x in m.values()]


def test_plus_groupings_keep_their_own_code(extract_text):
    m = _by_text(extract_text("OPEC+ agreed to cut output again.", published=date(2024, 5, 16)))
    coded = [x for x in m.values() if x.code and x.code.startswith("IGOOPEC")]
    assert coded and coded[0].code == "IGOOPECPLUS", [(x.text, x.code) for x in m.values()]


def test_the_amazon_rainforest_is_not_a_company(extract_text):
    r = extract_text("Fires spread across the Amazon as Brazil sent troops.", published=date(2024, 5, 16))
    assert not any(m.actor_id == "org:AMAZON" for m in r.mentions)


def test_west_bank_is_palestine_not_the_west(extract_text):
    r = extract_text("Israeli troops raided a refugee camp in the occupied West Bank on Tuesday.",
                     published=date(2024, 5, 16))
    coded = {m.text: m.country for m in r.mentions if m.country}
    assert any("West Bank" in t and c == "PSE" for t, c in coded.items()), coded
    assert "WST" not in coded.values(), coded
