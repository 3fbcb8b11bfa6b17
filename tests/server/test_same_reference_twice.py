"""Issue 13: portfolio references made on two devices can clash. Two laptops of one
assessor each record an observation for the same learner offline, and both number it
OBS-002. A learner never has two records with the same printed reference, a signed
reference never changes, and nothing wedges the sync or is lost."""
from __future__ import annotations


from app.evidence.records import create_record, records_of_learner
from app.models import EvidenceRecord
from app.sync.attention import open_items
from app.sync.engine import run_sync
from tests.server.sync_helpers import assert_laptop_matches_centre, enrolled
from tests.server.test_same_learner_twice import _amelia


def _refs(store, learner_id):
    return store.read(lambda s: sorted((r.portfolio_ref, r.title)
                                       for r in records_of_learner(s, learner_id)))


def test_two_laptops_number_a_draft_alike_and_the_second_is_renumbered(centre, laptops):
    one, two = laptops("one"), laptops("two")
    sam = enrolled(one, centre, "Sam Patel")
    enrolled(two, centre, "Sam Patel", staff_id=sam)
    amelia = one.write_now(_amelia, "Till drawer count")
    run_sync(one)
    run_sync(two)
    a = one.write_now(lambda s: create_record(s, amelia["enrolment"], "Obs", title="Stock rotation"))
    b = two.write_now(lambda s: create_record(s, amelia["enrolment"], "Obs", title="Greeting customers"))
    assert one.read(lambda s: s.get(EvidenceRecord, a).portfolio_ref) == "OBS-002"
    assert two.read(lambda s: s.get(EvidenceRecord, b).portfolio_ref) == "OBS-002"
    run_sync(one)
    outcome = run_sync(two)
    assert (outcome.rejected, outcome.check_ok) == (1, True)   # refused, then renumbered
    expected = [("OBS-001", "Till drawer count"), ("OBS-002", "Stock rotation"),
                ("OBS-003", "Greeting customers")]
    assert _refs(two, amelia["learner"]) == expected
    [item] = two.read(open_items)
    assert item.kind == "renumbered"
    assert item.title == "OBS-002 recorded on this laptop is now OBS-003"
    assert item.reason.endswith("another device numbered a record of this learner OBS-002 first")
    run_sync(one)
    assert _refs(one, amelia["learner"]) == expected
    assert_laptop_matches_centre(one, centre, sam, "assessor")
    assert_laptop_matches_centre(two, centre, sam, "assessor")


def _signed_observation(session, enrolment_id: str, title: str) -> str:
    from tests.server.test_same_learner_twice import _sign_by_learner
    record = create_record(session, enrolment_id, "Obs", title=title)
    _sign_by_learner(session, record)
    return record


def test_a_signed_reference_never_changes_the_other_device_s_draft_is_renumbered(centre, laptops):
    from app.signing.integrity import verify_integrity
    one, two = laptops("one"), laptops("two")
    sam = enrolled(one, centre, "Sam Patel")
    enrolled(two, centre, "Sam Patel", staff_id=sam)
    amelia = one.write_now(_amelia, "Till drawer count")
    run_sync(one)
    run_sync(two)
    one.write_now(lambda s: create_record(s, amelia["enrolment"], "Obs", title="Stock rotation"))
    signed = two.write_now(_signed_observation, amelia["enrolment"], "Greeting customers")
    run_sync(one)
    outcome = run_sync(two)
    assert outcome.check_ok, outcome
    expected = [("OBS-001", "Till drawer count"), ("OBS-002", "Greeting customers"),
                ("OBS-003", "Stock rotation")]
    assert _refs(two, amelia["learner"]) == expected
    assert [i.title for i in two.read(open_items)] == [
        "OBS-002 from another device is now OBS-003 here"]
    run_sync(one)
    assert _refs(one, amelia["learner"]) == expected
    assert one.read(lambda s: s.get(EvidenceRecord, signed).portfolio_ref) == "OBS-002"
    for laptop in (one, two):
        report = laptop.read(verify_integrity)
        assert report.signatures_checked == 1
        assert [p for p in report.problems if p.record_type != "device_key"] == []
    assert_laptop_matches_centre(one, centre, sam, "assessor")
    assert_laptop_matches_centre(two, centre, sam, "assessor")


def test_one_reference_signed_on_two_devices_is_named_and_never_stops_the_sync(centre, laptops):
    one, two = laptops("one"), laptops("two")
    sam = enrolled(one, centre, "Sam Patel")
    enrolled(two, centre, "Sam Patel", staff_id=sam)
    amelia = one.write_now(_amelia, "Till drawer count")
    run_sync(one)
    run_sync(two)
    one.write_now(_signed_observation, amelia["enrolment"], "Stock rotation")
    two.write_now(_signed_observation, amelia["enrolment"], "Greeting customers")
    run_sync(one)
    run_sync(two)   # before issue 13's fix: the pull stopped on the unique reference
    titles = [i.title for i in two.read(open_items)]
    assert "OBS-002 was signed on this laptop and on another device" in titles
    assert _refs(two, amelia["learner"]) == [("OBS-001", "Till drawer count"),
                                             ("OBS-002", "Greeting customers")]
    run_sync(two)   # and again: nothing stops, nothing is lost here
    assert _refs(one, amelia["learner"]) == [("OBS-001", "Till drawer count"),
                                             ("OBS-002", "Stock rotation")]
