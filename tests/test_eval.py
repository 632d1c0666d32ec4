"""Scoring against gold records: category and triple P/R/F1, old-category mapping, reciprocal
gold, the CAMEO reading of intentions, the confusion table, bad files, and the CLI."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from nestor.errors import InputError
from nestor.evaluate import Report, load_gold, score_sentence


def ev(src, cat, tgt=None, cameo="000", negated=False):
    return SimpleNamespace(source_code=src, event_type=cat, target_code=tgt, cameo=cameo, negated=negated)


def gold(cat, src, tgt=None):
    return {"text": "x", "event": cat, "source": [{"code": c} for c in src],
            "target": [{"code": c} for c in tgt] if tgt is not None else ""}


def test_hit_miss_and_false_positive_are_counted_per_category():
    rep = Report()
    score_sentence(rep, gold("AGREE", ["NOR"], ["CHL"]), [ev("NOR", "AGREE", "CHL", "057"), ev("NOR", "ACCUSE", "CHL")])
    score_sentence(rep, gold("SANCTION", ["USA"], ["IRN"]), [])
    d = rep.as_dict()
    assert d["category"]["tp"] == 1 and d["category"]["fp"] == 1 and d["category"]["fn"] == 1
    assert d["per_category"]["AGREE"]["f1"] == 1.0
    assert d["per_category"]["SANCTION"]["recall"] == 0.0
    assert d["triple"]["tp"] == 1 and d["triple"]["fn"] == 1
    conf = {(r["gold"], r["predicted"]): r["count"] for r in d["confusion"]}
    assert conf[("AGREE", "ACCUSE")] == 1 and conf[("SANCTION", "-")] == 1


def test_old_categories_map_to_plover_2():
    rep = Report()
    score_sentence(rep, gold("DEMAND", ["GBR"], ["IRN"]), [ev("GBR", "REQUEST", "IRN", "100")])
    score_sentence(rep, gold("FIGHT", ["IND"], ["PAK"]), [ev("IND", "ASSAULT", "PAK", "190")])
    score_sentence(rep, gold("INVESTIGATE", ["ISR"]), [ev("ISR", "ACCUSE", None, "090")])
    score_sentence(rep, gold("DISAPPROVE", ["FRA"], ["DEU"]), [ev("FRA", "ACCUSE", "DEU", "110")])
    assert rep.category.tp == 4 and rep.triple.tp == 4 and rep.category.fp == 0


def test_non_list_target_means_no_target():
    rep = Report()
    g = {"text": "x", "event": "PROTEST", "source": [{"code": "KEN"}], "target": "diplomatic"}
    score_sentence(rep, g, [ev("KEN", "PROTEST", None, "141")])
    assert rep.triple.tp == 1 and rep.triple.fp == 0


def test_compound_gold_source_matches_reciprocal_pairs():
    rep = Report()
    score_sentence(rep, gold("AGREE", ["PER", "CHL"]),
                   [ev("PER", "AGREE", "CHL", "057"), ev("CHL", "AGREE", "PER", "057")])
    assert rep.triple.tp == 2 and rep.triple.fp == 0 and rep.triple.fn == 0


def test_intentions_are_read_as_cameo_codes_them():
    # a pledged COOPERATE carries CAMEO 031x (express intent to cooperate): AGREE in the CAMEO reading
    pledged = ev("JPN", "COOPERATE", "AUS", "0312")
    cameo, plover = Report(), Report()
    score_sentence(cameo, gold("AGREE", ["JPN"], ["AUS"]), [pledged])
    score_sentence(plover, gold("AGREE", ["JPN"], ["AUS"]), [pledged], view="plover")
    assert cameo.category.tp == 1 and plover.category.tp == 0
    threat = Report()
    score_sentence(threat, gold("THREATEN", ["USA"], ["VEN"]), [ev("USA", "SANCTION", "VEN", "1312")])
    assert threat.triple.tp == 1


def test_negated_events_are_not_counted():
    rep = Report()
    score_sentence(rep, gold("AGREE", ["BRA"]), [ev("BRA", "AGREE", None, "057", negated=True)])
    assert rep.category.tp == 0 and rep.category.fp == 0 and rep.category.fn == 1


def test_bad_gold_files_raise_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_gold(tmp_path / "missing.json")
    f = tmp_path / "bad.json"
    f.write_text("{not json", "utf-8")
    with pytest.raises(InputError, match="not a JSON"):
        load_gold(f)
    f.write_text(json.dumps([{"text": "no event here"}]), "utf-8")
    with pytest.raises(InputError, match="record 0"):
        load_gold(f)


def test_evaluate_rejects_an_unknown_view(tmp_path):
    from nestor.evaluate import evaluate

    f = tmp_path / "g.json"
    f.write_text(json.dumps([{"text": "Peru met Chile.", "event": "CONSULT"}]), "utf-8")
    with pytest.raises(InputError, match="view"):
        evaluate(f, view="petrarch")


def test_eval_cli_prints_the_tables(tmp_path):
    from typer.testing import CliRunner

    from nestor.cli import app

    f = tmp_path / "gold.json"
    f.write_text(json.dumps([
        {"text": "Canada sent humanitarian aid to Haiti.", "event": "AID",
         "source": [{"code": "CAN"}], "target": [{"code": "HTI"}]},
        {"text": "The weather was mild in the valley.", "event": "PROTEST", "source": [{"code": "XXX"}], "target": ""},
    ]), "utf-8")
    r = CliRunner().invoke(app, ["eval", str(f)])
    assert r.exit_code == 0, r.output
    assert "2 sentences" in r.output and "triple" in r.output and "AID" in r.output
    assert "PROTEST" in r.output       # the missed category appears among the confusions
    # a missing file is the documented one-line message and exit status 2 (nestor.errors)
    import subprocess
    import sys
    p = subprocess.run([sys.executable, "-m", "nestor", "eval", str(tmp_path / "nope.json")],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, p.stderr
    assert "nope.json: no such file" in p.stderr and "Traceback" not in p.stderr


def test_split_half_is_fixed_and_both_halves_are_reported(tmp_path):
    from typer.testing import CliRunner

    from nestor.cli import app
    from nestor.evaluate import split_half

    ids = [f"rec-{i}" for i in range(40)]
    halves = [split_half(i) for i in ids]
    assert set(halves) == {"A", "B"} and halves == [split_half(i) for i in ids]     # fixed, both used
    recs = [{"id": "rec-0", "text": "Canada sent humanitarian aid to Haiti.", "event": "AID",
             "source": [{"code": "CAN"}], "target": [{"code": "HTI"}]},
            {"id": "rec-1", "text": "Norway signed a trade agreement with Chile.", "event": "AGREE",
             "source": [{"code": "NOR"}], "target": [{"code": "CHL"}]},
            {"id": "rec-2", "text": "Kenya hosted talks with Ethiopia on the border.", "event": "CONSULT",
             "source": [{"code": "KEN"}], "target": [{"code": "ETH"}]}]
    f = tmp_path / "gold.json"
    f.write_text(json.dumps(recs), "utf-8")
    r = CliRunner().invoke(app, ["eval", str(f), "--split", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    n = {h: sum(split_half(x["id"]) == h for x in recs) for h in "AB"}
    assert d["halves"]["A"]["sentences"] == n["A"] and d["halves"]["B"]["sentences"] == n["B"]
    assert d["sentences"] == 3
    assert d["gap"]["category"] == round(d["halves"]["A"]["category"]["f1"] - d["halves"]["B"]["category"]["f1"], 3)
    r = CliRunner().invoke(app, ["eval", str(f), "--split"])
    assert r.exit_code == 0 and "A (tuning)" in r.output and "gap A-B" in r.output


def test_sector_only_actor_counts_for_the_category_not_the_triple():
    # "Rebels ambushed a convoy" coded REB → None; the gold names the rebels' country
    rep = Report()
    score_sentence(rep, gold("ASSAULT", ["COL"], ["COL"]), [ev("REB", "ASSAULT", None, "190")])
    d = rep.as_dict()
    assert (d["category"]["tp"], d["category"]["fp"], d["category"]["fn"]) == (1, 0, 0)
    assert (d["triple"]["tp"], d["triple"]["fp"], d["triple"]["fn"]) == (0, 1, 1)
    # a gold record that codes the sector the same way matches it
    rep = Report()
    score_sentence(rep, gold("COERCE", ["COP"], ["CVL"]), [ev("COP", "COERCE", "CVL", "175")])
    assert rep.as_dict()["triple"]["tp"] == 1
