"""The centre keeps a learner's name as their signatures there cover it
(app/caseload/name_as_signed.py, server/signatures.py `refusal_to_rename`).

A laptop too old to refuse the change itself, or one altered, pushes Amelia Hughes
renamed after her signed observation reached the centre: the centre refuses it in the
Details form's words, stores it as rejected, keeps her name, and the laptop lists it under
needs attention. A learner without signed work at the centre is renamed as ever. Against a
real centre process over HTTP, on SQLite and PostgreSQL."""
from __future__ import annotations

from app.caseload.learners import save_learner
from app.models import Learner
from app.models.signing import Signature
from app.sync.attention import open_items
from app.sync.engine import run_sync
from server.models import SyncProblem
from tests.server.sync_helpers import count_at_centre, enrolled
from tests.server.test_awaiting_signature import _at_centre, _row, _send, _numbered
from tests.server.test_same_learner_twice import _amelia
from tests.server.test_same_reference_twice import _signed_observation

REFUSED = ("Amelia Hughes has signed work under this name (1 signature), and the signatures "
           "cover it: the name cannot change here while that work is on file. If their name "
           "has changed, tell the centre: a change of name goes through the centre and the "
           "awarding body, and Fieldfolio cannot yet record one.")


def _amelia_signed_at_centre(centre, laptops):
    laptop = laptops("one")
    enrolled(laptop, centre, "Sam Patel")
    amelia = laptop.write_now(_amelia, "Till drawer count")
    laptop.write_now(_signed_observation, amelia["enrolment"], "Stock rotation")
    assert run_sync(laptop).rejected == 0
    assert _at_centre(centre, lambda s: s.query(Signature).filter_by(
        learner_id=amelia["learner"]).count()) == 1
    return laptop, amelia["learner"]


def _name_at_centre(centre, learner_id: str) -> str:
    return _at_centre(centre, lambda s: s.get(Learner, learner_id).full_name)


def test_a_pushed_rename_of_a_learner_with_signed_work_is_refused(centre, laptops):
    laptop, amelia = _amelia_signed_at_centre(centre, laptops)
    [row] = _row(laptop, "learner", id=amelia)
    renamed = row | {"family_name": "Hughes-Walker", "version": row["version"] + 1}
    [change] = _numbered(laptop, centre, [("learner", renamed)])
    problems = count_at_centre(centre, SyncProblem)

    [result] = _send(laptop, centre, [change | {"base_version": row["version"]}])
    assert (result["status"], result["reason"]) == ("rejected", REFUSED)
    assert _name_at_centre(centre, amelia) == "Amelia Hughes"    # nothing of it stored
    assert _at_centre(centre, lambda s: s.get(Learner, amelia).version) == row["version"]
    assert count_at_centre(centre, SyncProblem) == problems + 1  # kept as rejected, in words


def test_an_older_laptop_s_rename_is_refused_and_shown_under_needs_attention(centre, laptops):
    laptop, amelia = _amelia_signed_at_centre(centre, laptops)

    def rename_as_an_older_laptop_did(session):   # no check on its Details form
        session.get(Learner, amelia).family_name = "Hughes-Walker"
    laptop.write_now(rename_as_an_older_laptop_did)
    assert run_sync(laptop).rejected == 1
    assert _name_at_centre(centre, amelia) == "Amelia Hughes"
    [item] = laptop.read(open_items)
    assert (item.title, item.record_id, item.reason) == (
        "The centre refused a change to a learner", amelia, REFUSED)


def test_a_learner_without_signed_work_is_renamed_at_the_centre(centre, laptops):
    laptop, _ = _amelia_signed_at_centre(centre, laptops)
    kwame = laptop.write_now(save_learner, None, {"given_names": "Kwame",
                                                  "family_name": "Mensah"})
    assert run_sync(laptop).rejected == 0
    laptop.write_now(save_learner, kwame, {"given_names": "Kwame",
                                           "family_name": "Mensah-Owusu"})
    assert run_sync(laptop).rejected == 0
    assert _name_at_centre(centre, kwame) == "Kwame Mensah-Owusu"
