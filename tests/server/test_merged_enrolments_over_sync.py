"""Issue 13 over a real centre: a learner typed on two laptops, both records holding signed
evidence and a signed sign-off on the same qualification, merged on one laptop. The merged
record's enrolment is joined to the kept one (tombstoned, `joined_into_id`); after a sync
every laptop (the other assessor laptop and the IQA's) shows the learner with ONE enrolment
on the qualification and the same progress, counting the signed work of both records."""
from __future__ import annotations

from sqlalchemy import select

from app.caseload.merge import merge_learners
from app.claims.sign_off import sign_offs_of
from app.evidence.progress import caseload_progress, learner_progress
from app.models import Enrolment
from app.signing.integrity import verify_integrity
from app.sync.attention import open_items
from app.sync.engine import run_sync
from app.sync.learners_twice import learners_of
from server import staff
from tests.foundation.test_merge_enrolments import ULN, amelia
from tests.server.sync_helpers import assert_laptop_matches_centre, enrolled


def _seen(session, learner_id: str) -> dict:
    """What the assessor sees of the learner: live enrolments, the grid and sign-offs."""
    enrolments = list(session.scalars(select(Enrolment.id).where(
        Enrolment.learner_id == learner_id, Enrolment.deleted_at.is_(None))))
    grid = [(e.enrolment_id, [(u.number, [(c.number, c.status, c.signed, sorted(c.record_ids))
                                          for c in u.criteria]) for u in e.units])
            for e in learner_progress(session, learner_id)]
    sign_offs = [(v.unit_number, v.signed_off) for e in enrolments
                 for v in sign_offs_of(session, e)]
    column = caseload_progress(session, [learner_id])[learner_id]
    return {"enrolments": enrolments, "grid": grid, "sign_offs": sign_offs,
            "column": (column.met, column.total, column.signed_percent)}


def test_merged_learner_has_one_enrolment_on_every_laptop(centre, laptops):
    one, two, iqa = laptops("one"), laptops("two"), laptops("iqa")
    sam = enrolled(one, centre, "Sam Patel")
    enrolled(two, centre, "Sam Patel", staff_id=sam)
    iris = enrolled(iqa, centre, "Iris Khan", "iqa")
    first = one.write_now(amelia, "one@example.org", 1, 2, "Laptop one: till drawer count")
    second = two.write_now(amelia, "two@example.org", 1, 3, "Laptop two: greeting customers")
    assert run_sync(one).rejected == 0
    run_sync(two)   # the centre has Amelia already: shown for merging

    [item] = two.read(open_items)
    assert sorted(two.read(learners_of, item.id)) == sorted([first["learner"], second["learner"]])
    outcome = two.write_now(merge_learners, second["learner"], first["learner"])
    assert (outcome.kept_id, outcome.joined_enrolments) == (first["learner"], 1)
    synced = run_sync(two)
    assert (synced.rejected, synced.conflicts) == (0, 0) and synced.check_ok

    seen = two.read(_seen, first["learner"])
    assert seen["enrolments"] == [first["enrolment"]]
    assert seen["sign_offs"] == [(seen["sign_offs"][0][0], True)]   # signed off once
    met = {c[3][0] for _, units in seen["grid"] for _, criteria in units for c in criteria
           if c[1] == "met" and c[2]}
    assert {first["further"], second["further"]} <= met   # both records' signed work counts

    assert run_sync(one).rejected == 0
    assert one.read(_seen, first["learner"]) == seen
    joined = one.read(lambda s: s.get(Enrolment, second["enrolment"]))
    assert joined.deleted_at is not None and joined.joined_into_id == first["enrolment"]
    centre.admin(staff.assign, ULN, None, iris)
    run_sync(iqa)
    assert iqa.read(_seen, first["learner"]) == seen
    for laptop in (one, two, iqa):
        report = laptop.read(verify_integrity)
        assert report.signatures_checked > 0
        # (An IQA's laptop that has never signed is told its own unused key "signed before":
        # app/signing/integrity.py, about the laptop's key, not this merge.)
        assert [p for p in report.problems if p.record_type != "device_key"] == []
    run_sync(one), run_sync(two)
    assert_laptop_matches_centre(one, centre, sam, "assessor")
    assert_laptop_matches_centre(two, centre, sam, "assessor")
    assert_laptop_matches_centre(iqa, centre, iris, "iqa")
