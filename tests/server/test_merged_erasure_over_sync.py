"""Erasing a merged learner reaches the centre and the other laptops (issue 13 with issue
17): the erasure covers both records (app/caseload/erasure.py) and travels as ordinary
changes, so after a sync the centre's copy of the merged record, and the other laptop's,
hold no contact details either, while the signed work of both records is kept. A real
centre process, on SQLite and PostgreSQL."""
from __future__ import annotations

from app.caseload.erasure import erase_learner, remove_files
from app.caseload.merge import merge_learners
from app.models import Learner
from app.sync.engine import run_sync
from tests.foundation.test_merge_enrolments import amelia
from tests.server.sync_helpers import assert_laptop_matches_centre, sam_on_two_laptops


def _contact(session, learner_id):
    row = session.get(Learner, learner_id)
    return (row.given_names, row.email, row.notes)


def test_erasing_a_merged_learner_empties_both_records_everywhere(centre, laptops):
    one, two, sam = sam_on_two_laptops(centre, laptops)
    first = one.write_now(amelia, "one@example.org", 1, 2, "Laptop one: till drawer count")
    second = two.write_now(amelia, "two@example.org", 1, 3, "Laptop two: greeting customers")
    assert run_sync(one).rejected == 0
    run_sync(two)
    two.write_now(merge_learners, second["learner"], first["learner"])
    assert run_sync(two).rejected == 0
    assert run_sync(one).rejected == 0
    assert one.read(_contact, second["learner"]) == ("Amelia", "two@example.org", "")

    erased = remove_files(one, one.write_now(erase_learner, first["learner"]))
    assert erased.merged == [(second["learner"], True)]   # its signed work keeps its name
    assert run_sync(one).rejected == 0
    assert run_sync(two).rejected == 0
    db = centre.open_database()
    try:
        with db.reading() as session:
            at_centre = {i: _contact(session, i) for i in (first["learner"], second["learner"])}
    finally:
        db.dispose()
    for where in (at_centre, {i: two.read(_contact, i) for i in at_centre}):
        assert where == {first["learner"]: ("Amelia", "", ""),
                         second["learner"]: ("Amelia", "", "")}
    assert_laptop_matches_centre(two, centre, sam, "assessor")
