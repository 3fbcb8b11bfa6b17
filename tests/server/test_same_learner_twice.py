"""Issue 13: a learner created twice (the same ULN on two laptops of one assessor, or at
the centre and on a laptop) is shown for merging, never silently duplicated, and never
wedges the sync or loses either side's records. Real server process, real HTTP."""
from __future__ import annotations

from sqlalchemy import select

from app.caseload.enrolments import enrol
from app.caseload.learners import save_learner
from app.evidence.records import create_record
from app.models import EvidenceRecord, Learner, Qualification
from app.sync.attention import open_items
from app.sync.engine import run_sync
from server import staff
from tests.server.sync_helpers import enrolled

ULN = "5423232219"  # made up; passes the ULN check digit


def _amelia(session, title: str) -> dict:
    """Amelia Hughes typed on this laptop, enrolled, with one draft observation."""
    learner = save_learner(session, None, {"given_names": "Amelia", "family_name": "Hughes",
                                           "uln": ULN, "date_of_birth": "14/03/2001"})
    qualification = session.scalars(select(Qualification.id).where(
        Qualification.kind == "qualification").order_by(Qualification.sort_order)).first()
    enrolment = enrol(session, learner, qualification, mandatory_units=True)
    record = create_record(session, enrolment, "Obs", title=title)
    return {"learner": learner, "enrolment": enrolment, "record": record}


def _live_amelias(store) -> list[str]:
    return store.read(lambda s: list(s.scalars(select(Learner.id).where(
        Learner.uln == ULN, Learner.deleted_at.is_(None)).order_by(Learner.id))))


def test_two_laptops_type_the_same_learner_and_the_second_is_shown_for_merging(centre, laptops):
    one, two = laptops("one"), laptops("two")
    sam = enrolled(one, centre, "Sam Patel")
    enrolled(two, centre, "Sam Patel", staff_id=sam)
    first = one.write_now(_amelia, "Till drawer count")
    second = two.write_now(_amelia, "Greeting customers")
    assert run_sync(one).rejected == 0

    outcome = run_sync(two)  # before issue 13's fix: the pull wedged on the unique ULN
    assert outcome.rejected >= 1
    assert sorted(_live_amelias(two)) == sorted([first["learner"], second["learner"]])
    # Nothing of either side is lost on the second laptop.
    titles = two.read(lambda s: sorted(s.scalars(select(EvidenceRecord.title))))
    assert titles == ["Greeting customers", "Till drawer count"]
    merges = [i for i in two.read(open_items) if i.kind == "learner_twice"]
    assert len(merges) == 1
    assert merges[0].title == (f"Amelia Hughes (ULN {ULN}) is on this laptop twice: "
                               f"merge them")
    # One item, not one per refused record of the second Amelia (held back until merged).
    assert [i.kind for i in two.read(open_items)] == ["learner_twice"]
    assert run_sync(two).rejected == 0  # and the next sync goes through cleanly


def test_a_learner_at_the_centre_under_another_assessor_is_named_until_assigned(centre, laptops):
    """The centre has the learner already, assigned to someone else: this laptop's record
    is refused and the item says the centre has it; once the centre assigns the ULN to this
    assessor, the next sync brings it and the item asks to merge the two here."""
    one, two = laptops("one"), laptops("two")
    enrolled(one, centre, "Sam Patel")
    kim = enrolled(two, centre, "Kim Okafor")
    one.write_now(_amelia, "Till drawer count")
    two.write_now(_amelia, "Greeting customers")
    run_sync(one)
    run_sync(two)
    [item] = two.read(open_items)
    assert item.title == f"Amelia Hughes (ULN {ULN}) is at the centre already: merge them"
    assert "ask the centre to assign ULN" in item.reason
    centre.admin(staff.assign, ULN, kim, None)
    run_sync(two)
    [item] = two.read(open_items)
    assert item.title == f"Amelia Hughes (ULN {ULN}) is on this laptop twice: merge them"
    assert len(_live_amelias(two)) == 2
