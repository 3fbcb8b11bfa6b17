"""A whole caseload travels from an assessor's laptop to the centre and on to the IQA's,
record for record, over real HTTP to a real server process (SQLite and PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import select

from app.caseload.demo import load_demo_caseload
from app.models import Learner
from app.models.local import OutboxEntry, SyncMutation
from app.sync import state
from app.sync.engine import run_sync
from server import staff
from tests.server.sync_helpers import assert_laptop_matches_centre, enrolled


def test_caseload_goes_up_and_reaches_the_iqa(centre, laptops):
    assessor = laptops("assessor")
    assessor.write_now(load_demo_caseload)
    before = assessor.read(state.status)
    assert not before.enrolled and before.waiting > 100
    assert "kept on this laptop only" in before.headline()
    sam = enrolled(assessor, centre, "Sam Patel")
    # Enrolling names the laptop's user as the centre knows them (the demo's "Alex Morgan"
    # becomes "Sam Patel"): the renamed staff member was waiting already, its audit event
    # is the one change more.
    waiting = assessor.read(state.status).waiting
    assert waiting == before.waiting + 1
    outcome = run_sync(assessor)
    assert outcome.pushed == waiting and outcome.rejected == outcome.conflicts == 0
    assert outcome.check_ok
    assert assessor.read(lambda s: s.query(OutboxEntry).count() + s.query(SyncMutation).count()) == 0
    compared = assert_laptop_matches_centre(assessor, centre, sam, "assessor")
    assert compared > before.waiting

    uln = assessor.read(lambda s: s.scalars(select(Learner.uln).where(
        Learner.given_names == "Amelia")).first())
    iqa = laptops("iqa")
    iris = enrolled(iqa, centre, "Iris Khan", "iqa")
    centre.admin(staff.assign, uln, None, iris)
    run_sync(iqa)
    names = iqa.read(lambda s: s.scalars(select(Learner.given_names)).all())
    assert names == ["Amelia"]  # only the learner she is IQA for
    assert_laptop_matches_centre(iqa, centre, iris, "iqa")

    # Nothing to do: nothing moves, and nothing is queued to go back up.
    again = run_sync(iqa)
    assert (again.pushed, again.pulled) == (0, 0) and again.check_ok
    assert iqa.read(state.status).waiting == 0
