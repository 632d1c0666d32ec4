"""Actor resolution on sentences written for the tests."""
from __future__ import annotations

from datetime import date

import pytest

from nestor.errors import KnowledgeBaseError
from nestor.kb import KnowledgeBase


def coded(res, text):
    return [m for m in res.mentions if m.text == text]


def by_text(res):
    return {m.text: m for m in res.mentions}


def test_same_name_coded_by_date(extract_text):
    s = "Vladimir Putin met the delegation in the capital."
    r2010 = extract_text(s, published=date(2010, 3, 1))
    r2015 = extract_text(s, published=date(2015, 3, 1))
    m10, m15 = by_text(r2010)["Vladimir Putin"], by_text(r2015)["Vladimir Putin"]
    assert m10.actor_id == m15.actor_id == "person:vladimir-putin"
    assert m10.country == m15.country == "RUS"
    # prime minister in 2010, president in 2015: both government, but the office is dated
    r = extract_text("Russia's defence minister inspected the troops.", published=date(2023, 1, 10))
    r2 = extract_text("Russia's defence minister inspected the troops.", published=date(2024, 6, 1))
    assert by_text(r)["Russia's defence minister"].actor_id == "person:sergei-shoigu"
    assert by_text(r2)["Russia's defence minister"].actor_id == "person:andrei-belousov"


def test_head_of_state_changes(extract_text):
    r12 = extract_text("The Chinese president welcomed the guests.", published=date(2012, 6, 5))
    r14 = extract_text("The Chinese president welcomed the guests.", published=date(2014, 6, 5))
    assert by_text(r12)["Chinese president"].actor_id == "person:hu-jintao"
    assert by_text(r14)["Chinese president"].actor_id == "person:xi-jinping"


def test_titles_metonyms_orgs(extract_text):
    r = extract_text("Chinese President Xi Jinping said the Kremlin and the SCO would work with Huawei and Tass.",
                     published=date(2020, 1, 1))
    m = by_text(r)
    assert m["Chinese President Xi Jinping"].code == "CHNGOV"
    assert m["the Kremlin"].code == "RUSGOV" and m["the Kremlin"].how == "metonym"
    assert m["SCO"].code == "IGOSCO" and m["Huawei"].code == "CHNBUS" and m["Tass"].code == "RUSMED"


def test_capital_as_place_is_not_an_actor(extract_text):
    r = extract_text("The ministers held talks in Beijing on Monday.", published=date(2020, 1, 1))
    b = by_text(r)["Beijing"]
    assert b.actor_id is None and b.kind == "place" and b.country == "CHN"


def test_demonyms_roles_pronouns_groups(extract_text):
    r = extract_text("Russian President Vladimir Putin met Chinese President Hu Jintao. "
                     "Russian troops and Chinese officials attended. He thanked the two leaders.",
                     published=date(2012, 6, 5))
    m = by_text(r)
    assert m["Russian troops"].code == "RUSMIL" and m["Chinese officials"].code == "CHNGOV"
    assert m["He"].how == "pronoun" and m["He"].actor_id == "person:hu-jintao"
    grp = m["the two leaders"]
    assert grp.kind == "group" and sorted(grp.members) == ["person:hu-jintao", "person:vladimir-putin"]
    assert grp.actor_name == "Vladimir Putin and Hu Jintao" or grp.actor_name == "Hu Jintao and Vladimir Putin"


def test_seat_of_government_speaking_through_a_statement(extract_text):
    r = extract_text("Trade grew last year, according to a Kremlin statement. The envoy later flew to Moscow.",
                     published=date(2020, 1, 1))
    m = by_text(r)
    assert m["Kremlin"].code == "RUSGOV" and m["Kremlin"].how == "metonym"
    assert m["Moscow"].actor_id is None and m["Moscow"].kind == "place"


def test_unknown_actor_is_kept_uncoded(extract_text):
    r = extract_text("Maria Gonzalez of the Blue Harbour Foundation met the mayor.", published=date(2020, 1, 1))
    unk = [m for m in r.mentions if m.how == "uncoded"]
    assert any("Maria Gonzalez" in m.text and m.actor_id is None for m in unk)


def test_malformed_user_kb_names_file_line_field(tmp_path):
    (tmp_path / "people.csv").write_text(
        "person_id,name,aliases,country,office,sector,start,end\n"
        "jane-roe,Jane Roe,Roe,NOR,foreign_minister,GOV,2020-01-01,\n"
        "john-doe,John Doe,Doe,NOR,foreign_minister,GOV,2021-13-01,\n", "utf-8")
    with pytest.raises(KnowledgeBaseError) as e:
        KnowledgeBase.load(tmp_path)
    assert "people.csv" in str(e.value) and "line 3" in str(e.value) and "'start'" in str(e.value)


def test_user_kb_adds_a_person(tmp_path, nlp, make_article):
    from nestor.extract.actors import ActorKB, resolve

    (tmp_path / "people.csv").write_text(
        "person_id,name,aliases,country,office,sector,start,end\n"
        "ingrid-fjell,Ingrid Fjell,Fjell,NOR,foreign_minister,GOV,2031-01-01,\n", "utf-8")
    akb = ActorKB.load(str(tmp_path))
    text = "Foreign Minister Ingrid Fjell arrived."
    ms = resolve(nlp(text), make_article(text, date(2031, 5, 1)), akb)
    assert any(m.actor_id == "person:ingrid-fjell" and m.code == "NORGOV" for m in ms)


def test_seeds_actor_resolution(seeds, tmp_path):
    import nestor
    from nestor.config import Settings
    from nestor.pipeline import Pipeline

    db = str(tmp_path / "s.duckdb")
    Pipeline(Settings(db=db)).run([str(seeds)])
    ids = {r["actor_id"] for r in nestor.open(db).actors(limit=500)}
    for expected in ("person:hu-jintao", "person:xi-jinping", "person:vladimir-putin", "org:SCO", "org:BRICS",
                     "org:HUAWEI", "org:MTS", "org:TASS", "org:XINHUA", "person:andrei-belousov", "RUS:GOV"):
        assert expected in ids, expected


def test_actor_measurement_on_a_written_gold_file(tmp_path, nlp, knowledge):
    import json

    from nestor.extract.actors.evaluate import measure

    gold = [{"text": "Norway praised Chile for its reforms.", "event": "SUPPORT", "date": "2001-01-01",
             "source": [{"code": "NOR"}], "target": [{"code": "CHL"}]},
            {"text": "Peru accused its neighbour of spying.", "event": "ACCUSE", "date": "2001-01-01",
             "source": [{"code": "PER"}], "target": [{"code": "ECU"}]}]
    f = tmp_path / "g.json"
    f.write_text(json.dumps(gold), "utf-8")
    r = measure(f, nlp, knowledge)
    assert r["recall"] == 0.75 and r["precision"] == 1.0 and r["target_recall"] == 0.5
