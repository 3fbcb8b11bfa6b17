"""Employers edited after they were added: a new contact, a mistyped email kept as a draft,
delete refused while learners are placed there, delete and undo."""
from __future__ import annotations

import pytest

from app.caseload.drafts import load_draft
from app.caseload.employers import (
    DRAFT_FORM, autosave_employer, delete_employer, employer_rows, live_employers,
    restore_employer, save_employer,
)
from app.caseload.learners import delete_learner, restore_learner, save_learner
from app.caseload.queries import caseload_rows
from app.caseload.validation import InvalidInput
from app.models import Employer
from app.signing.audit import events_for_record

SHOP = {"name": "Harbourside Home Stores", "address": "Unit 4, Harbour Retail Park",
        "contact_name": "Priya Shah", "contact_role": "Store manager",
        "contact_email": "priya.shah@harbourside.example", "contact_phone": "01632 960111"}


def _employer(store, employer_id):
    return store.read(lambda s: s.get(Employer, employer_id))


def test_a_new_store_manager_is_saved_and_read_back(store):
    shop = store.write_now(save_employer, None, SHOP)
    edited = dict(SHOP, contact_name="Tom Reilly", contact_phone=" 01632 960222 ",
                  name="Harbourside Home Stores Ltd")
    assert store.write_now(save_employer, shop, edited) == shop
    employer = _employer(store, shop)
    assert (employer.name, employer.contact_name, employer.contact_role, employer.contact_phone,
            employer.contact_email) == ("Harbourside Home Stores Ltd", "Tom Reilly",
                                        "Store manager", "01632 960222",
                                        "priya.shah@harbourside.example")
    actions = [e.action for e in store.read(events_for_record, shop)]
    assert actions == ["created", "changed"]


def test_edit_checks_like_adding_and_changes_nothing_on_bad_input(store):
    shop = store.write_now(save_employer, None, SHOP)
    with pytest.raises(InvalidInput) as caught:
        store.write_now(save_employer, shop, dict(SHOP, name="  ", contact_email="priya@",
                                                  contact_phone="0" * 51))
    assert caught.value.problems == {
        "name": "Employer name is required.",
        "contact_email": "'priya@' does not look like an email address.",
        "contact_phone": "Contact's phone is too long (51 characters; at most 50).",
    }
    assert _employer(store, shop).name == "Harbourside Home Stores"


def test_typing_saves_what_passes_and_keeps_the_rest_as_a_draft(store):
    shop = store.write_now(save_employer, None, SHOP)
    typed = dict(SHOP, name="", contact_name="Tom Reilly", contact_email="tom.reilly@")
    problems = store.write_now(autosave_employer, shop, typed)
    assert set(problems) == {"name", "contact_email"}
    employer = _employer(store, shop)
    # The new contact is saved at once; the name and email wait, as typed, in the draft.
    assert (employer.name, employer.contact_name, employer.contact_email) == (
        "Harbourside Home Stores", "Tom Reilly", "priya.shah@harbourside.example")
    assert store.read(load_draft, DRAFT_FORM, shop) == typed

    fixed = dict(typed, name="Harbourside Home Stores", contact_email="tom.reilly@harbourside.example")
    assert store.write_now(autosave_employer, shop, fixed) == {}
    assert _employer(store, shop).contact_email == "tom.reilly@harbourside.example"
    assert store.read(load_draft, DRAFT_FORM, shop) is None
    # Typing is one editing session in the audit trail, not one event per keystroke.
    assert [e.action for e in store.read(events_for_record, shop)] == ["created", "changed"]


def test_the_caseload_shows_the_new_name(store):
    shop = store.write_now(save_employer, None, SHOP)
    store.write_now(save_learner, None, {"given_names": "Amelia", "family_name": "Hughes",
                                         "employer_id": shop})
    store.write_now(autosave_employer, shop, dict(SHOP, name="Harbourside Homes"))
    assert [r.employer for r in store.read(caseload_rows)] == ["Harbourside Homes"]
    assert [r.name for r in store.read(caseload_rows, "homes")] == ["Amelia Hughes"]


def test_delete_is_refused_naming_the_learners_placed_there(store):
    shop = store.write_now(save_employer, None, SHOP)
    amelia = store.write_now(save_learner, None, {"given_names": "Amelia", "family_name": "Hughes",
                                                  "employer_id": shop})
    store.write_now(save_learner, None, {"given_names": "Daniel", "family_name": "Okafor",
                                         "employer_id": shop})
    rows = store.read(employer_rows)
    assert [(r.name, r.learners) for r in rows] == [
        ("Harbourside Home Stores", ["Amelia Hughes", "Daniel Okafor"])]
    with pytest.raises(InvalidInput) as caught:
        store.write_now(delete_employer, shop)
    assert caught.value.problems["employer"] == (
        "Harbourside Home Stores cannot be deleted while 2 learners are placed there: "
        "Amelia Hughes, Daniel Okafor. Choose another employer on their Details first.")
    assert _employer(store, shop).deleted_at is None

    # A deleted learner does not hold the employer; one learner left is named alone.
    store.write_now(delete_learner, amelia)
    with pytest.raises(InvalidInput, match="while a learner is placed there: Daniel Okafor"):
        store.write_now(delete_employer, shop)


def test_delete_is_a_tombstone_and_undo_brings_it_back(store):
    shop = store.write_now(save_employer, None, SHOP)
    calls = store.write_now(save_employer, None, {"name": "Northgate Energy"})
    store.write_now(delete_employer, shop)
    assert [e.name for e in store.read(live_employers)] == ["Northgate Energy"]
    assert [r.id for r in store.read(employer_rows)] == [calls]
    assert _employer(store, shop).deleted_at is not None      # kept, never removed

    store.write_now(restore_employer, shop)
    employer = _employer(store, shop)
    assert employer.deleted_at is None and employer.contact_name == "Priya Shah"
    assert [e.name for e in store.read(live_employers)] == ["Harbourside Home Stores",
                                                            "Northgate Energy"]
    assert [e.action for e in store.read(events_for_record, shop)] == [
        "created", "deleted", "restored"]


def test_undoing_a_learner_delete_brings_back_their_deleted_employer(store):
    shop = store.write_now(save_employer, None, SHOP)
    amelia = store.write_now(save_learner, None, {"given_names": "Amelia", "family_name": "Hughes",
                                                  "employer_id": shop})
    store.write_now(delete_learner, amelia)
    store.write_now(delete_employer, shop)          # nobody live is placed there now
    store.write_now(restore_learner, amelia)
    assert _employer(store, shop).deleted_at is None
    assert [(r.name, r.learners) for r in store.read(employer_rows)] == [
        ("Harbourside Home Stores", ["Amelia Hughes"])]
