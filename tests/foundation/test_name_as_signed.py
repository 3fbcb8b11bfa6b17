"""A learner's name stays as their signatures cover it (app/caseload/name_as_signed.py).

Amelia Hughes in the demo caseload has signed evidence, whose signatures cover her name:
a change to it is a problem beside the field, what was typed is kept as a draft, every
other field saves, and verify still finds every signature as made. Kwame Mensah has no
signed work and is renamed as before."""
from __future__ import annotations

import pytest

from app.caseload.drafts import load_draft
from app.caseload.learners import DRAFT_FORM, autosave_learner, save_learner
from app.caseload.validation import InvalidInput
from app.models import Learner, Signature
from app.signing.integrity import verify_integrity


def learner(store, name: str) -> str:
    return store.read(lambda s: next(l.id for l in s.query(Learner) if l.full_name == name))


def signatures(store, learner_id: str) -> int:
    return store.read(lambda s: s.query(Signature).filter_by(learner_id=learner_id).count())


def test_a_signed_name_is_a_problem_beside_the_field_and_the_rest_saves(demo_store):
    amelia = learner(demo_store, "Amelia Hughes")
    assert signatures(demo_store, amelia) == 10 and demo_store.read(verify_integrity).ok
    problems = demo_store.write_now(autosave_learner, amelia, {
        "family_name": "Hughes-Walker", "phone": "07700 900123", "notes": "Prefers mornings."})

    assert list(problems) == ["family_name"]
    assert problems["family_name"] == (
        "Amelia Hughes has signed work under this name (10 signatures), and the signatures "
        "cover it: the name cannot change here while that work is on file. If their name has "
        "changed, tell the centre: a change of name goes through the centre and the awarding "
        "body, and Fieldfolio cannot yet record one.")
    saved = demo_store.read(lambda s: s.get(Learner, amelia))
    assert (saved.full_name, saved.phone, saved.notes) == (
        "Amelia Hughes", "07700 900123", "Prefers mornings.")
    draft = demo_store.read(load_draft, DRAFT_FORM, amelia)
    assert draft["family_name"] == "Hughes-Walker"          # nothing typed is lost
    report = demo_store.read(verify_integrity)
    assert report.ok and report.problems == []


@pytest.mark.parametrize("given, family, beside", [
    ("Amelia Jane", "Hughes", ["given_names"]),
    ("amelia", "Hughes", ["given_names"]),          # a capital letter is part of the name too
    ("Amelia", "Hughes Walker", ["family_name"]),
    ("Amy", "Walker", ["given_names", "family_name"]),
])
def test_any_change_to_the_signed_full_name_is_refused(demo_store, given, family, beside):
    amelia = learner(demo_store, "Amelia Hughes")
    problems = demo_store.write_now(autosave_learner, amelia,
                                    {"given_names": given, "family_name": family})
    assert sorted(problems) == sorted(beside)
    assert all("cannot change here" in problems[key] for key in beside)
    with pytest.raises(InvalidInput, match="signed work under this name"):
        demo_store.write_now(save_learner, amelia, {"given_names": given, "family_name": family})
    assert demo_store.read(lambda s: s.get(Learner, amelia).full_name) == "Amelia Hughes"


def test_the_same_name_as_typed_again_is_no_change(demo_store):
    amelia = learner(demo_store, "Amelia Hughes")
    # Spaces round a name are not kept (check_learner strips them): the name is as signed.
    assert demo_store.write_now(autosave_learner, amelia, {"given_names": " Amelia ",
                                                           "family_name": "Hughes "}) == {}
    assert demo_store.read(load_draft, DRAFT_FORM, amelia) is None


def test_a_learner_without_signed_work_can_be_renamed(demo_store):
    kwame = learner(demo_store, "Kwame Mensah")
    assert signatures(demo_store, kwame) == 0
    assert demo_store.write_now(autosave_learner, kwame, {"family_name": "Mensah-Owusu"}) == {}
    assert demo_store.read(lambda s: s.get(Learner, kwame).full_name) == "Kwame Mensah-Owusu"
    assert demo_store.read(load_draft, DRAFT_FORM, kwame) is None
    assert demo_store.read(verify_integrity).ok
