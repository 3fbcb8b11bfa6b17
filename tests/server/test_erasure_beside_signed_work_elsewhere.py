"""An erasure made on a laptop that does not hold the learner's signed work: Sam's second
laptop erases Amelia at her request while the first has signed an observation of hers and
sent it. The second laptop, seeing no signed work, erases her name too; at the centre her
signed work keeps her name (the awarding body's account is about it), so the centre erases
its own copy under that rule, contact details gone and name kept, rather than refusing the
row as a rename and keeping her details. Every laptop then holds the centre's copy and the
signatures verify. A real centre process, on SQLite and PostgreSQL."""
from __future__ import annotations

from app.caseload.erasure import erase_learner
from app.caseload.learners import autosave_learner, learner_form_values
from app.models import Learner
from app.signing.integrity import verify_integrity
from app.sync.engine import run_sync
from tests.server.sync_helpers import sam_on_two_laptops
from tests.server.test_same_learner_twice import _amelia
from tests.server.test_same_reference_twice import _signed_observation

EMAIL = "amelia@example.org"


def _details(store, learner_id: str) -> tuple:
    return store.read(lambda s: (lambda a: (a.full_name, a.email, a.deleted_at is None))(
        s.get(Learner, learner_id)))


def _at_centre(centre, learner_id: str) -> tuple:
    db = centre.open_database()
    try:
        with db.reading() as session:
            a = session.get(Learner, learner_id)
            return a.full_name, a.email, a.deleted_at is None
    finally:
        db.dispose()


def test_an_erasure_from_a_laptop_without_the_signed_work_keeps_the_name_and_erases_the_rest(
        centre, laptops):
    one, two, _sam = sam_on_two_laptops(centre, laptops)
    amelia = one.write_now(_amelia, "Till drawer count")
    form = one.read(lambda s: learner_form_values(s.get(Learner, amelia["learner"])))
    assert one.write_now(autosave_learner, amelia["learner"], {**form, "email": EMAIL}) == {}
    assert run_sync(one).rejected == 0
    assert run_sync(two).rejected == 0
    one.write_now(_signed_observation, amelia["enrolment"], "Stock rotation")
    assert run_sync(one).rejected == 0                  # her signed work is at the centre

    erasure = two.write_now(erase_learner, amelia["learner"])
    assert not erasure.identity_kept                   # laptop two holds no signed work of hers
    assert _details(two, amelia["learner"]) == ("Erased learner", "", False)
    outcome = run_sync(two)
    assert outcome.rejected == 0, outcome              # before: refused as a rename
    assert _at_centre(centre, amelia["learner"]) == ("Amelia Hughes", "", True)
    run_sync(two)
    assert _details(two, amelia["learner"]) == ("Amelia Hughes", "", True)
    assert run_sync(one).rejected == 0
    assert _details(one, amelia["learner"]) == ("Amelia Hughes", "", True)
    report = one.read(verify_integrity)
    assert report.signatures_checked >= 1
    assert [p for p in report.problems if p.record_type != "device_key"] == []
