"""Issue 13 over a real centre, on SQLite and PostgreSQL: a learner typed twice on one
laptop while a third record with their ULN was live at the centre, so the centre refused
BOTH records (and held back everything under them). The other record at the centre is
deleted; the two here are merged. The merge links the merged record to the kept one and
joins its enrolment to the kept one's before the kept ones are queued again: sent in that
order the centre refused the links as naming records it did not have (73 records, with
everything under them). Sent parents first (app/sync/parents_first.py), everything goes."""
from __future__ import annotations

import json

from app.caseload.learners import delete_learner, save_learner
from app.caseload.merge import merge_learners
from app.models import Enrolment, Learner
from app.sync.engine import run_sync
from app.sync.learners_twice import open_items
from tests.foundation.test_merge_enrolments import ULN, amelia
from tests.server.sync_helpers import assert_laptop_matches_centre, enrolled


def _at_centre(centre, model, record_id):
    db = centre.open_database()
    try:
        with db.reading() as session:
            row = session.get(model, record_id)
            return None if row is None else (row.deleted_at is not None,
                                             getattr(row, "merged_into_id", None),
                                             getattr(row, "joined_into_id", None))
    finally:
        db.dispose()


def test_both_records_refused_then_merged_go_to_the_centre_parents_first(centre, laptops):
    other, mine = laptops("other"), laptops("mine")
    enrolled(other, centre, "Alex Moss")
    sam = enrolled(mine, centre, "Sam Patel")
    third = other.write_now(save_learner, None, {"given_names": "Amelia",
                                                 "family_name": "Hughes", "uln": ULN})
    assert run_sync(other).rejected == 0
    kept = mine.write_now(amelia, "kept@example.org", 1, 2, "Till drawer count")
    merged = mine.write_now(amelia, "merged@example.org", 1, 3, "Greeting customers")
    run_sync(mine)
    [item] = mine.read(open_items).values()
    assert sorted(json.loads(item.mine_json)["refused"]) == sorted(
        [kept["learner"], merged["learner"]])          # the centre has neither

    other.write_now(delete_learner, third)            # the third record goes at the centre
    assert run_sync(other).rejected == 0
    outcome = mine.write_now(merge_learners, kept["learner"], merged["learner"])
    assert (outcome.kept_id, outcome.joined_enrolments) == (kept["learner"], 1)
    synced = run_sync(mine)
    assert (synced.rejected, synced.conflicts, synced.attention) == (0, 0, 0)
    assert synced.check_ok

    assert _at_centre(centre, Learner, kept["learner"]) == (False, None, None)
    assert _at_centre(centre, Learner, merged["learner"]) == (True, kept["learner"], None)
    assert _at_centre(centre, Enrolment, merged["enrolment"]) == (True, None,
                                                                   kept["enrolment"])
    assert_laptop_matches_centre(mine, centre, sam, "assessor")
