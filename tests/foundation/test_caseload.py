"""Learners, employers, enrolments and the rules of combination, below the window."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.caseload.drafts import load_draft
from app.caseload.employers import save_employer
from app.caseload.enrolments import choose_units, enrol, unit_options
from app.caseload.learners import (
    DRAFT_FORM, autosave_learner, delete_learner, restore_learner, save_learner,
)
from app.caseload.queries import caseload_rows
from app.caseload.validation import InvalidInput, uln_problem
from app.catalogue.combination import UnitFacts, check_combination
from app.models import Learner, Qualification

GOOD_ULN = "9276308686"  # the Learning Records Service's own worked example


@pytest.mark.parametrize("uln, problem", [
    (GOOD_ULN, None),
    ("9276308687", "check digit is wrong"),
    ("0276308686", "never starts with 0"),
    ("927630868", "exactly 10 digits"),
    ("92763O8686", "exactly 10 digits"),
])
def test_uln_check_digit(uln, problem):
    result = uln_problem(uln)
    if problem is None:
        assert result is None
    else:
        assert problem in result


def test_a_learner_is_saved_and_read_back(store):
    learner_id = store.write_now(save_learner, None, {
        "given_names": "Amelia", "family_name": "Hughes", "date_of_birth": "14/03/2001",
        "uln": GOOD_ULN, "start_date": "12/01/2026", "planned_end_date": "12/01/2027",
        "email": "amelia@example.com", "notes": "prefers mornings"})
    learner = store.read(lambda s: s.get(Learner, learner_id))
    assert learner.full_name == "Amelia Hughes"
    assert learner.date_of_birth.isoformat() == "2001-03-14"
    assert learner.uln == GOOD_ULN and learner.notes == "prefers mornings"


@pytest.mark.parametrize("fields, field, words", [
    ({"given_names": "", "family_name": "Hughes"}, "given_names", "required"),
    ({"given_names": "   ", "family_name": "Hughes"}, "given_names", "required"),
    ({"given_names": "A" * 101, "family_name": "Hughes"}, "given_names", "too long"),
    ({"given_names": "Amelia", "family_name": "Hughes", "uln": "9276308687"}, "uln", "check digit"),
    ({"given_names": "Amelia", "family_name": "Hughes", "start_date": "12/01/2026",
      "planned_end_date": "11/01/2026"}, "planned_end_date", "before the start date"),
    ({"given_names": "Amelia", "family_name": "Hughes", "date_of_birth": "31/02/2001"},
     "date_of_birth", "not a date"),
    ({"given_names": "Amelia", "family_name": "Hughes", "email": "amelia.example.com"},
     "email", "email address"),
])
def test_bad_input_is_refused_with_a_clear_message(store, fields, field, words):
    with pytest.raises(InvalidInput) as err:
        store.write_now(save_learner, None, fields)
    assert words in err.value.problems[field]
    assert store.read(lambda s: s.scalars(select(Learner)).all()) == []


def test_a_duplicate_uln_names_the_learner_who_has_it(store):
    store.write_now(save_learner, None, {"given_names": "Amelia", "family_name": "Hughes",
                                         "uln": GOOD_ULN})
    with pytest.raises(InvalidInput) as err:
        store.write_now(save_learner, None, {"given_names": "Dan", "family_name": "Okafor",
                                             "uln": GOOD_ULN})
    assert "already belongs to Amelia Hughes" in err.value.problems["uln"]


def test_autosave_keeps_everything_typed_and_saves_what_is_valid(store):
    learner_id = "0c5a1f3e-0000-4000-8000-000000000001"
    typed = {"given_names": "Amelia", "family_name": "Hughes", "uln": "92763",
             "notes": "Observed at the till; follow up on returns policy."}
    problems = store.write_now(autosave_learner, learner_id, typed)
    assert set(problems) == {"uln"}
    learner = store.read(lambda s: s.get(Learner, learner_id))
    assert learner.notes == typed["notes"] and learner.uln is None
    assert store.read(load_draft, DRAFT_FORM, learner_id)["uln"] == "92763"
    # Finishing the ULN clears the draft: nothing is left only half saved.
    problems = store.write_now(autosave_learner, learner_id, {**typed, "uln": GOOD_ULN})
    assert problems == {}
    assert store.read(lambda s: s.get(Learner, learner_id)).uln == GOOD_ULN
    assert store.read(load_draft, DRAFT_FORM, learner_id) is None


def test_autosave_of_one_field_keeps_the_others(store):
    """Sync tests and any later caller may pass only the field that changed: the ULN and
    dates the learner already has are kept, not read as typed empty."""
    learner_id = store.write_now(save_learner, None, {
        "given_names": "Amelia", "family_name": "Hughes", "uln": GOOD_ULN,
        "date_of_birth": "14/03/2001", "email": "amelia@example.com"})
    problems = store.write_now(autosave_learner, learner_id, {"notes": "Saturdays only"})
    assert problems == {}
    learner = store.read(lambda s: s.get(Learner, learner_id))
    assert learner.notes == "Saturdays only" and learner.uln == GOOD_ULN
    assert learner.full_name == "Amelia Hughes" and learner.email == "amelia@example.com"
    assert learner.date_of_birth.isoformat() == "2001-03-14"


def test_a_new_learner_without_a_name_lives_only_as_a_draft(store):
    learner_id = "0c5a1f3e-0000-4000-8000-000000000002"
    problems = store.write_now(autosave_learner, learner_id, {"given_names": "Am", "family_name": ""})
    assert "family_name" in problems
    assert store.read(lambda s: s.get(Learner, learner_id)) is None
    assert store.read(load_draft, DRAFT_FORM, learner_id)["given_names"] == "Am"


def test_delete_is_a_tombstone_that_can_be_undone(store):
    learner_id = store.write_now(save_learner, None, {"given_names": "Amelia",
                                                      "family_name": "Hughes", "uln": GOOD_ULN})
    store.write_now(delete_learner, learner_id)
    assert store.read(caseload_rows) == []
    assert store.read(lambda s: s.get(Learner, learner_id)).deleted_at is not None
    store.write_now(restore_learner, learner_id)
    assert [r.name for r in store.read(caseload_rows)] == ["Amelia Hughes"]


def test_caseload_search_and_employer_filter(store):
    shop = store.write_now(save_employer, None, {"name": "Harbourside Home Stores"})
    calls = store.write_now(save_employer, None, {"name": "Northgate Energy"})
    store.write_now(save_learner, None, {"given_names": "Amelia", "family_name": "Hughes",
                                         "employer_id": shop})
    store.write_now(save_learner, None, {"given_names": "Daniel", "family_name": "Okafor",
                                         "employer_id": calls, "uln": GOOD_ULN})
    assert [r.name for r in store.read(caseload_rows, "okaf")] == ["Daniel Okafor"]
    assert [r.name for r in store.read(caseload_rows, "9276")] == ["Daniel Okafor"]
    assert [r.name for r in store.read(caseload_rows, "harbour")] == ["Amelia Hughes"]
    assert [r.name for r in store.read(caseload_rows, "", calls)] == ["Daniel Okafor"]


RULES = {
    "min_credits": 20,
    "min_credits_at_or_above_level": {"level": 2, "credits": 15},
    "groups": [
        {"id": "M", "title": "Mandatory units", "mandatory": True, "units": ["201", "202"]},
        {"id": "B", "title": "Group B", "mandatory": False, "units": ["210", "211", "112"],
         "min_credits": 6, "max_credits": 10},
    ],
    "barred": [["210", "211"]],
}
UNITS = {"201": UnitFacts("201", 5, 2), "202": UnitFacts("202", 5, 2),
         "210": UnitFacts("210", 6, 2), "211": UnitFacts("211", 4, 2),
         "112": UnitFacts("112", 4, 1)}


def test_rules_of_combination_say_what_is_missing():
    check = check_combination(RULES, UNITS, {"201"})
    assert not check.ok
    text = " ".join(check.problems)
    assert "Mandatory units: unit 202 is not chosen" in text   # the title says "mandatory"
    assert "Group B: choose 6 more credits" in text
    assert "at least 20 credits; 5 chosen" in text


def test_rules_of_combination_barred_pair_and_level():
    check = check_combination(RULES, UNITS, {"201", "202", "210", "211"})
    assert any("210 and 211 cannot be taken together" in p for p in check.problems)
    check = check_combination(RULES, {**UNITS, "201": UnitFacts("201", 5, 1),
                                      "202": UnitFacts("202", 5, 1)}, {"201", "202", "210", "112"})
    assert any("at level 2 or above" in p for p in check.problems)


def test_rules_of_combination_met():
    check = check_combination(RULES, UNITS, {"201", "202", "210", "112"})
    assert check.ok, check.problems
    assert "meets the rules" in check.summary()


def test_no_rules_in_the_source_accepts_any_choice_and_says_so():
    check = check_combination(None, UNITS, {"112"})
    assert check.ok and not check.rules_stated
    assert "gives no rules of combination" in check.summary()


def test_enrolment_unit_choice_against_a_real_qualification(catalogue_store):
    store = catalogue_store
    qual = store.read(lambda s: s.scalars(select(Qualification).where(
        Qualification.rules_json.isnot(None))).first())
    assert qual is not None, "a shipped pack with rules of combination"
    learner_id = store.write_now(save_learner, None, {"given_names": "Amelia",
                                                      "family_name": "Hughes"})
    enrolment_id = store.write_now(enrol, learner_id, qual.id, registration_number="REG1")
    options = store.read(unit_options, qual.id)
    first = store.write_now(choose_units, enrolment_id, set())
    assert not first.ok and first.rules_stated
    mandatory = {o.id for o in options if o.mandatory}
    assert mandatory, json.loads(qual.rules_json)
    second = store.write_now(choose_units, enrolment_id, mandatory)
    assert not any("mandatory" in p for p in second.problems)
