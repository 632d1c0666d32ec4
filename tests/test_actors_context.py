"""Actors placed by their context (issue 14): generic actors, conventional bodies, titled people the
knowledge base does not know, role + name appositions. Sentences written for these tests."""
from __future__ import annotations

from datetime import date

import pytest


def by_text(res):
    return {m.text: m for m in res.mentions}


def coded_events(res):
    return {(e.source_code, e.source_sector, e.event_type, e.target_code, e.target_sector)
            for e in res.events if not e.negated}


@pytest.mark.parametrize("text, phrase, code, how", [
    ("Rebels in Chad ambushed a convoy.", "Rebels", "TCDREB", "context-phrase"),
    ("The government of Mali expelled the envoy.", "government", "MLIGOV", "context-phrase"),
    ("Police in Nairobi arrested dozens of students.", "students", "KENCVL", "context-place"),
    ("Thousands of demonstrators marched through Caracas.", "demonstrators", "VENCVL", "context-place"),
    ("Insurgents attacked a checkpoint near Kandahar.", "Insurgents", "AFGREB", "context-place"),
])
def test_generic_actor_takes_the_country_of_its_context(extract_text, text, phrase, code, how):
    m = by_text(extract_text(text))[phrase]
    assert (m.code, m.how) == (code, how)
    assert m.actor_id == f"{code[:3]}:{code[3:]}"
    assert m.confidence < 1.0


def test_generic_actor_without_context_is_coded_by_its_sector_alone(extract_text):
    # no place, no country: no country is guessed; the actor is known by its sector (issue 14)
    r = extract_text("Rebels ambushed a convoy at dawn, killing six soldiers.")
    got = {m.text: m for m in r.mentions if m.actor_id}
    assert (got["Rebels"].actor_id, got["Rebels"].code, got["Rebels"].country) == ("sector:REB", "REB", None)
    assert got["Rebels"].how == "sector-only" and got["Rebels"].confidence < 0.5
    assert got["soldiers"].code == "MIL"
    assert {(e.source_code, e.event_type) for e in r.events} == {("REB", "ASSAULT")}
    # lower confidence than the same event by a country's actor
    bare, placed = extract_text("Rebels ambushed a convoy at dawn."), extract_text("Malian rebels ambushed a convoy at dawn.")
    assert [e.source_code for e in placed.events] == ["MLI"]
    assert bare.events[0].confidence < placed.events[0].confidence


def test_sector_only_actors_are_not_their_own_target(extract_text):
    r = extract_text("Rebels fought rival rebels for control of the mines.")
    assert r.events and all(e.target_code != "REB" for e in r.events)
    r = extract_text("Police fired tear gas at protesters.")
    assert {(e.source_code, e.event_type, e.target_code) for e in r.events} == {("COP", "COERCE", "CVL")}


def test_shared_government_name_without_context_stays_uncoded(extract_text):
    r = extract_text("The Foreign Office criticised the decision.")
    assert not [m for m in r.mentions if m.actor_id]


def test_lone_sentence_country_is_not_the_protesters(extract_text):
    # the one country of a lone sentence is as often the other party: civilians are not placed by it
    r = extract_text("Israeli troops fired on protesters.")
    assert "protesters" not in {m.text for m in r.mentions if m.actor_id and m.how == "context-article"}


def test_article_main_country_places_a_generic_actor(extract_text):
    text = ("Kenya's parliament passed the finance bill on Tuesday. Kenyan police were deployed in Nairobi. "
            "On Thursday protesters stormed the building and set part of it on fire.")
    m = by_text(extract_text(text))["protesters"]
    assert (m.code, m.how) == ("KENCVL", "context-article")
    assert m.confidence <= 0.5


def test_state_institution_in_a_one_country_sentence(extract_text):
    r = extract_text("Pakistan's opposition accused the government of rigging the election.")
    assert by_text(r)["government"].code == "PAKGOV"
    # government against opposition is not a self-target: the event keeps its target
    assert ("PAK", "OPP", "ACCUSE", "PAK", "GOV") in coded_events(r)


def test_role_chains_are_one_actor(extract_text):
    m = by_text(extract_text("Opposition supporters rallied in Caracas."))
    assert m["Opposition"].code == "VENOPP"
    r = extract_text("Government troops shelled villages near Aleppo.")
    gt = by_text(r)["Government troops"]
    assert gt.code == "SYRMIL"       # the head's sector
    assert len([e for e in r.events if e.event_type == "ASSAULT"]) == 1
    sl = by_text(extract_text("Student leaders in Santiago called on the government to resign."))
    assert sl["Student leaders"].code == "CHLCVL"     # "leaders" only says which students


@pytest.mark.parametrize("text", [
    "Military exercises were held near the border with Poland.",
    "Their supporters gathered in Warsaw.",
    "U.N. officials visited Juba on Monday.",
])
def test_modifiers_and_other_actors_are_not_generic_actors(extract_text, text):
    r = extract_text(text)
    assert not [m for m in r.mentions if m.how and m.how.startswith("context-") and m.sector != "IGO"]


def test_conventional_bodies(extract_text):
    r = extract_text("The Commerce Department added 33 Chinese companies to its Entity List.")
    m = by_text(r)["Commerce Department"]
    assert (m.code, m.how) == ("USAGOV", "convention")
    assert ("USA", "GOV", "SANCTION", "CHN", "BUS") in coded_events(r)
    # a modifier is no body
    bonds = extract_text("Treasury bonds rallied after the decision.")
    assert not [m for m in bonds.mentions if m.actor_id]


def test_conventional_body_in_an_article_about_a_country_with_the_same_body(extract_text):
    text = ("India's exports rose in May, India's trade data showed. The Commerce Department said "
            "shipments to India's neighbours grew fastest.")
    assert by_text(extract_text(text))["Commerce Department"].country == "IND"


@pytest.mark.parametrize("text, phrase, code", [
    ("President Samir Haddad received the envoy in Algiers.", "President Samir Haddad", "DZAGOV"),
    ("Foreign Minister Ahmed Attaf held talks in Algiers.", "Foreign Minister Ahmed Attaf", "DZAGOV"),
    ("Nigeria's President Ahmadu Bello visited Accra.", "Nigeria's President Ahmadu Bello", "NGAGOV"),
])
def test_titled_people_the_kb_does_not_know(extract_text, text, phrase, code):
    m = by_text(extract_text(text, published=date(2024, 5, 16)))[phrase]
    assert m.code == code and m.kind == "person"
    assert m.actor_id.startswith("person:?")


def test_bare_unknown_name_is_not_guessed(extract_text):
    r = extract_text("Ahmed Attaf met Tunisian President Kais Saied in Algiers.")
    assert not [m for m in r.mentions if "Attaf" in m.text and m.actor_id]


def test_role_apposition_is_one_actor(extract_text):
    r = extract_text("Kenyan opposition leader Raila Odinga called for calm.")
    ms = [m for m in r.mentions if m.actor_id]
    assert len(ms) == 1 and ms[0].code == "KENOPP" and ms[0].actor_id == "person:raila-odinga"
    assert {e.source_sector for e in r.events} <= {"OPP"}


def test_police_said_is_no_event(extract_text):
    r = extract_text("Police said the two suspects had been released on bail.")
    assert not r.events


# ---- failure classes seen on real news pages (rewritten in our own words) -------------------------
def test_peacekeepers_are_not_the_forces_of_the_place(extract_text):
    r = extract_text("Gunmen stormed a camp of peacekeepers in Darfur, killing seven peacekeepers.")
    assert not [m for m in r.mentions if m.text == "peacekeepers" and m.country == "SDN"]


@pytest.mark.parametrize("text, code", [
    ("Fulani militants raided a village near Mopti, killing eleven farmers.", "MLIREB"),
    ("Tigray rebels shelled the town of Dessie.", "ETHREB"),
])
def test_ethnic_or_regional_names_qualify_a_generic_actor(extract_text, text, code):
    r = extract_text(text)
    assert code in {m.code for m in r.mentions if m.how and m.how.startswith("context")}
    assert any(e.source_code == code[:3] and e.event_type == "ASSAULT" for e in r.events)


def test_rebels_attack_soldiers_of_their_own_country_is_kept(extract_text):
    r = extract_text("Rebels attacked an army post in southern Colombia, killing nine soldiers.")
    assert ("COL", "REB", "ASSAULT", "COL", "MIL") in coded_events(r)


@pytest.mark.parametrize("text, phrase, code", [
    ("Vietnamese-led forces retook a village in western Cambodia.", "Vietnamese-led forces", "VNMMIL"),
    ("The Saudi-led coalition bombed the airport.", "Saudi-led coalition", "SAU"),
    ("US-led troops raided a compound near the border.", "US-led troops", "USAMIL"),
])
def test_led_by_a_country(extract_text, text, phrase, code):
    m = by_text(extract_text(text))[phrase]
    assert (m.code, m.how) == (code, "led")


def test_another_actors_modifier_keeps_the_role_out_of_the_context_rule(extract_text):
    r = extract_text("US-led troops raided a compound near Kandahar.")
    assert not [m for m in r.mentions if m.text == "troops" and m.country == "AFG"]


def test_demonym_and_role_chain(extract_text):
    m = by_text(extract_text("Afghan government troops recaptured the district."))["Afghan government troops"]
    assert m.code == "AFGMIL"


def test_title_after_an_international_organisation(extract_text):
    r = extract_text("Arab League Secretary-General Omar Haddad urged the European Union to back the plan.")
    m = by_text(r)["Secretary-General Omar Haddad"]
    assert (m.code, m.sector, m.kind) == ("IGOARL", "IGO", "person")
