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
from tests.server.sync_helpers import enrolled, sam_on_two_laptops

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
    one, two, sam = sam_on_two_laptops(centre, laptops)
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


def _sign_by_learner(session, record_id: str) -> None:
    from app.evidence.mapping import map_criteria
    from app.signing.sign import sign_record
    from tests.signing.signing_helpers import drawn, two_criteria
    record = session.get(EvidenceRecord, record_id)
    first, second = two_criteria(session, record.enrolment_id)
    map_criteria(session, record_id, {first: "met", second: "working_towards"})
    sign_record(session, "evidence_record", record_id, **drawn("Amelia Hughes", "learner"))


def test_merging_on_the_laptop_keeps_everything_and_every_device_converges(centre, laptops):
    """Laptop two keeps its own Amelia's details; the centre's record survives (it cannot
    be inserted at the centre while the other is live), with those details. Two's unsigned
    work moves onto it, its signed observation stays on the merged record (its signature
    names that id) and is read through the link, on every laptop, the IQA's included."""
    from app.caseload.merge import merge_learners, side_by_side
    from app.evidence.records import records_of_learner
    from app.signing.integrity import verify_integrity
    from app.sync.learners_twice import learners_of
    from tests.server.sync_helpers import assert_laptop_matches_centre
    one, two, iqa = laptops("one"), laptops("two"), laptops("iqa")
    sam = enrolled(one, centre, "Sam Patel")
    enrolled(two, centre, "Sam Patel", staff_id=sam)
    iris = enrolled(iqa, centre, "Iris Khan", "iqa")
    first = one.write_now(_amelia, "Till drawer count")
    second = two.write_now(_amelia, "Greeting customers")
    two.write_now(_sign_by_learner, second["record"])
    later = two.write_now(lambda s: create_record(s, second["enrolment"], "Obs",
                                                  title="Handling a complaint"))
    two.write_now(lambda s: setattr(s.get(Learner, second["learner"]), "email",
                                    "amelia.hughes@example.org"))
    run_sync(one)
    run_sync(two)

    [item] = two.read(open_items)
    ids = two.read(learners_of, item.id)
    assert sorted(ids) == sorted([first["learner"], second["learner"]])
    sides = {s.id: s for s in two.read(side_by_side, ids)}
    assert sides[second["learner"]].records == 2 and sides[second["learner"]].signed_records == 1
    assert sides[first["learner"]].at_centre and not sides[second["learner"]].at_centre

    outcome = two.write_now(merge_learners, second["learner"], first["learner"])
    assert (outcome.kept_id, outcome.merged_id) == (first["learner"], second["learner"])
    assert not two.read(open_items)   # merged: the item goes away at once
    synced = run_sync(two)
    assert (synced.rejected, synced.conflicts) == (0, 0) and synced.check_ok
    assert not two.read(open_items)

    def portfolio(session):
        kept = session.get(Learner, first["learner"])
        return (kept.email, sorted((r.portfolio_ref, r.title)
                                   for r in records_of_learner(session, kept.id)))
    expected = ("amelia.hughes@example.org",
                [("OBS-001", "Greeting customers"), ("OBS-002", "Handling a complaint"),
                 ("OBS-003", "Till drawer count")])
    assert two.read(portfolio) == expected
    assert two.read(lambda s: s.get(EvidenceRecord, later).learner_id) == first["learner"]
    assert two.read(lambda s: s.get(EvidenceRecord, second["record"]).learner_id) \
        == second["learner"]   # signed: never rewritten
    assert len(_live_amelias(two)) == 1

    assert run_sync(one).rejected == 0
    assert one.read(portfolio) == expected
    centre.admin(staff.assign, ULN, None, iris)
    run_sync(iqa)
    assert iqa.read(portfolio) == expected
    for laptop in (one, two, iqa):
        report = laptop.read(verify_integrity)
        # The signed observation still verifies everywhere, on the merged record. (A laptop
        # that has never signed is told its own key "signed before, but none of its
        # signatures remain" once it holds another device's signature: a finding of
        # app/signing/integrity.py about the laptop's own unused key, not of this merge.)
        assert report.signatures_checked == 1
        assert [p for p in report.problems if p.record_type != "device_key"] == []
    run_sync(one), run_sync(two)   # the IQA's device key, registered since they synced
    assert_laptop_matches_centre(one, centre, sam, "assessor")
    assert_laptop_matches_centre(two, centre, sam, "assessor")
    assert_laptop_matches_centre(iqa, centre, iris, "iqa")

    # The learner passes to another assessor: the merged record's signed work comes with
    # them, and what they add there (printing the signed observation) is theirs to send.
    from app.signing.audit import record_event
    kim_laptop = laptops("kim")
    kim = enrolled(kim_laptop, centre, "Kim Okafor")
    centre.admin(staff.assign, ULN, kim, None)
    run_sync(kim_laptop)
    assert kim_laptop.read(portfolio) == expected
    kim_laptop.write_now(lambda s: record_event(
        s, "printed", "evidence_record", second["record"], learner_id=second["learner"],
        summary="OBS-001 printed"))
    assert run_sync(kim_laptop).rejected == 0
    assert_laptop_matches_centre(kim_laptop, centre, kim, "assessor")
