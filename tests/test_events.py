"""Event coding on sentences written for the tests."""
from __future__ import annotations

import json
from datetime import date

import pytest

D = date(2016, 4, 12)


def events(extract_text, text, published=D):
    return extract_text(text, published=published).events


def triples(evs):
    return {(e.source_code, e.event_type, e.target_code) for e in evs}


@pytest.mark.parametrize("text,expected", [
    ("Norway signed a trade agreement with Chile.", ("NOR", "AGREE", "CHL")),
    ("Kenya hosted talks with Ethiopia on the border.", ("KEN", "CONSULT", "ETH")),
    ("Germany praised Greece for its reforms.", ("DEU", "SUPPORT", "GRC")),
    ("Turkey released the detained Greek soldiers.", ("TUR", "CONCEDE", None)),
    ("Japan will expand military cooperation with Australia.", ("JPN", "COOPERATE", "AUS")),
    ("Canada sent humanitarian aid to Haiti.", ("CAN", "AID", "HTI")),
    ("Syria withdrew its troops from Lebanon.", ("SYR", "RETREAT", "LBN")),
    ("Britain urged Iran to free the sailors.", ("GBR", "REQUEST", "IRN")),
    ("India accused Pakistan of sheltering militants.", ("IND", "ACCUSE", "PAK")),
    ("Poland rejected the proposal from Belarus.", ("POL", "REJECT", None)),
    ("North Korea threatened South Korea with retaliation.", ("PRK", "THREATEN", "KOR")),
    ("The European Union imposed sanctions on Myanmar.", ("IGO", "SANCTION", "MMR")),
    ("Russia deployed troops to the border with Ukraine.", ("RUS", "MOBILIZE", None)),
    ("Egyptian police arrested Sudanese migrants.", ("EGY", "COERCE", "SDN")),
    ("Israeli troops shot two Palestinian protesters.", ("ISR", "ASSAULT", "PSE")),
])
def test_each_category(extract_text, text, expected):
    got = triples(events(extract_text, text))
    src, cat, tgt = expected
    assert any(s == src and c == cat and (tgt is None or t == tgt) for s, c, t in got), got


def test_protest(extract_text):
    evs = events(extract_text, "Thousands of Kenyan students protested against the government.")
    assert any(e.event_type == "PROTEST" and e.source_code == "KEN" for e in evs)


def test_passive_voice_takes_the_agent_as_source(extract_text):
    evs = events(extract_text, "Two Iraqi journalists were arrested by Turkish police.")
    assert ("TUR", "COERCE", "IRQ") in triples(evs)


def test_reciprocal_pair(extract_text):
    evs = events(extract_text, "Peru and Chile signed a fisheries treaty.")
    assert {("PER", "AGREE", "CHL"), ("CHL", "AGREE", "PER")} <= triples(evs)


def test_possessive_visit(extract_text):
    evs = events(extract_text, "Japan's visit to India ended with a communique.")
    assert any(e.event_type == "CONSULT" and e.mode == "visit" and e.source_code == "JPN" for e in evs)


def test_negation_is_recorded_and_refusal_is_reject(extract_text):
    evs = events(extract_text, "Brazil did not sign the climate agreement.")
    agree = [e for e in evs if e.event_type == "AGREE"]
    assert agree and all(e.negated for e in agree)
    assert any(e.event_type == "REJECT" and not e.negated for e in evs)


def test_modality(extract_text):
    fut = events(extract_text, "Spain will sign a defence agreement with Morocco next month.")
    assert any(e.event_type == "AGREE" and e.modality == "planned" for e in fut)
    hyp = events(extract_text, "Washington could impose sanctions on Venezuela.")
    assert any(e.event_type == "SANCTION" and e.modality == "hypothetical" for e in hyp)
    pledge = events(extract_text, "Vietnam and Laos agreed to expand economic cooperation.")
    assert any(e.event_type == "COOPERATE" and e.modality == "pledged" for e in pledge)


def test_reported_speech_records_the_speaker(extract_text):
    evs = events(extract_text, "Norway said Sweden had attacked the fishing boat.")
    a = [e for e in evs if e.event_type == "ASSAULT"]
    assert a and a[0].source_code == "SWE" and a[0].modality == "reported" and a[0].speaker_text == "Norway"


def test_quote_of_a_leader_is_his_pledge(extract_text):
    evs = events(extract_text, '"We will expand economic cooperation with Russia," Chinese President Hu Jintao said.',
                 published=date(2012, 6, 5))
    c = [e for e in evs if e.event_type == "COOPERATE"]
    assert c and c[0].source_code == "CHN" and c[0].modality == "pledged" and c[0].speaker_id == "person:hu-jintao"


def test_opposition_is_not_the_opposed_event(extract_text):
    evs = events(extract_text, "Both countries oppose further sanctions against Iran.")
    assert not any(e.event_type == "SANCTION" for e in evs)


def test_event_carries_evidence_offsets_and_codes(extract_text):
    text = "Some intro sentence here. Norway signed a trade agreement with Chile on Tuesday."
    res = extract_text(text, published=D)
    e = next(e for e in res.events if e.event_type == "AGREE")
    assert text[e.sent_start:e.sent_end] == e.evidence and "Norway signed" in e.evidence
    assert text[e.trigger_start:e.trigger_end] == e.trigger == "signed"
    assert e.cameo == "057" and e.quad_class == 1 and e.intensity > 0
    assert e.date == date(2016, 4, 12) and e.date_source == "text"        # Tuesday before a Tuesday anchor


def test_eval_on_a_small_gold_file(tmp_path, nlp, knowledge):
    from nestor.evaluate import evaluate

    gold = [
        {"id": "g1", "date": "2001-01-01", "text": "Norway signed a trade agreement with Chile.", "event": "AGREE",
         "source": [{"code": "NOR"}], "target": [{"code": "CHL"}]},
        {"id": "g2", "date": "2001-01-01", "text": "India accused Pakistan of sheltering militants.",
         "event": "DISAPPROVE", "source": [{"code": "IND"}], "target": [{"code": "PAK"}]},
        {"id": "g3", "date": "2001-01-01", "text": "The weather was mild in the valley.", "event": "PROTEST",
         "source": [{"code": "XXX"}], "target": ""},
    ]
    f = tmp_path / "gold.json"
    f.write_text(json.dumps(gold), "utf-8")
    rep = evaluate(f, nlp, knowledge)
    d = rep.as_dict()
    assert d["sentences"] == 3
    assert d["category"]["tp"] == 2 and d["category"]["fn"] == 1          # DISAPPROVE maps to ACCUSE
    assert d["triple"]["tp"] == 2
    assert any(r["gold"] == "PROTEST" and r["predicted"] == "-" for r in d["confusion"])


def test_eval_cli_json(tmp_path):
    from typer.testing import CliRunner

    from nestor.cli import app

    f = tmp_path / "gold.json"
    f.write_text(json.dumps([{"text": "Peru and Chile signed a fisheries treaty.", "event": "AGREE",
                              "source": [{"code": "PER"}, {"code": "CHL"}], "target": ""}]), "utf-8")
    r = CliRunner().invoke(app, ["eval", str(f), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["triple"]["f1"] == 1.0


def test_seed_summits(seeds, tmp_path):
    import nestor
    from nestor.config import Settings
    from nestor.pipeline import Pipeline

    db = str(tmp_path / "s.duckdb")
    Pipeline(Settings(db=db)).run([str(seeds)])
    n = nestor.open(db)
    evs = n.events(dyad="RUS-CHN", limit=1000)
    types = {e["event_type"] for e in evs}
    assert {"CONSULT", "AGREE", "COOPERATE"} <= types
    assert any(e["event_type"] == "COOPERATE" and e["modality"] == "pledged" for e in evs)
    allev = n.events(limit=5000)
    assert not any(e["event_type"] == "SANCTION" and "oppose" in e["evidence"] for e in allev)
    assert any(e["event_type"] == "REJECT" and "oppose" in e["trigger"] for e in allev)
