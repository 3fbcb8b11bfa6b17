"""Issue 13: portfolio references made on two devices can clash. Two laptops of one
assessor each record an observation for the same learner offline, and both number it
OBS-002. A learner never has two records with the same printed reference, a signed
reference never changes, and nothing wedges the sync or is lost."""
from __future__ import annotations


from app.evidence.records import create_record, records_of_learner
from app.models import EvidenceRecord
from app.sync.attention import open_items
from app.sync.engine import run_sync
from tests.server.sync_helpers import assert_laptop_matches_centre, sam_on_two_laptops
from tests.server.test_same_learner_twice import _amelia


def amelia_on_two_laptops(centre, laptops):
    """Sam's two laptops, with Amelia Hughes (and her OBS-001) made on one and synced to
    both. Returns (one, two, Sam's staff id, Amelia's ids)."""
    one, two, sam = sam_on_two_laptops(centre, laptops)
    amelia = one.write_now(_amelia, "Till drawer count")
    run_sync(one)
    run_sync(two)
    return one, two, sam, amelia


def _refs(store, learner_id):
    return store.read(lambda s: sorted((r.portfolio_ref, r.title)
                                       for r in records_of_learner(s, learner_id)))


def test_two_laptops_number_a_draft_alike_and_the_second_is_renumbered(centre, laptops):
    one, two, sam, amelia = amelia_on_two_laptops(centre, laptops)
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
    one, two, sam, amelia = amelia_on_two_laptops(centre, laptops)
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


def _printed(store, learner_id) -> dict[str, str]:
    from app.evidence.printed_reference import printed_references
    return store.read(printed_references, learner_id)


def _records_pdf_text(store, enrolment_id) -> str:
    from app.claims.paperwork import enrolment_pack_data
    from app.claims.print import pdf_for
    from tests.documents.pdfcheck import pages_text
    return "\n".join(pages_text(pdf_for(store.read(enrolment_pack_data, enrolment_id,
                                                    "records"), "records")))


def _centre_refs(centre, learner_id) -> list[str]:
    from sqlalchemy import select
    db = centre.open_database()
    try:
        with db.reading() as session:
            return sorted(session.scalars(select(EvidenceRecord.portfolio_ref).where(
                EvidenceRecord.learner_id == learner_id)))
    finally:
        db.dispose()


def test_one_reference_signed_on_two_devices_is_kept_twice_and_printed_apart(centre, laptops):
    """Both laptops sign OBS-002 offline. Neither may be renumbered: the centre and both
    laptops keep both, each printed qualified by its record's id, both signatures verify,
    and the next sync's check passes (no fetching again and again)."""
    import re

    from sqlalchemy import select

    import pytest

    from app.evidence.progress import enrolment_progress
    from app.evidence.records import RecordLocked, set_record_state
    from app.models import Signature
    from app.signing.evidence_signable import present
    from app.signing.page_check import check_code
    from app.signing.audit_trail import learner_audit_trail
    from app.signing.integrity import verify_integrity
    one, two, sam, amelia = amelia_on_two_laptops(centre, laptops)
    a = one.write_now(_signed_observation, amelia["enrolment"], "Stock rotation")
    b = two.write_now(_signed_observation, amelia["enrolment"], "Greeting customers")
    assert run_sync(one).rejected == 0
    outcome = run_sync(two)   # before: the centre refused two's signed OBS-002
    assert (outcome.rejected, outcome.check_ok, outcome.refetched) == (0, True, []), outcome
    outcome = run_sync(one)
    assert (outcome.rejected, outcome.check_ok, outcome.refetched) == (0, True, []), outcome
    qualified = {a: f"OBS-002/{a[:4].upper()}", b: f"OBS-002/{b[:4].upper()}"}
    expected = [("OBS-001", "Till drawer count"), ("OBS-002", "Greeting customers"),
                ("OBS-002", "Stock rotation")]
    assert _centre_refs(centre, amelia["learner"]) == ["OBS-001", "OBS-002", "OBS-002"]
    for laptop, mine, theirs in ((one, a, b), (two, b, a)):
        assert _refs(laptop, amelia["learner"]) == expected    # the signed references as signed
        printed = _printed(laptop, amelia["learner"])
        assert {i: printed[i] for i in (a, b)} == qualified
        assert printed[amelia["record"]] == "OBS-001"           # no clash, printed as it is
        [item] = [i for i in laptop.read(open_items) if i.table_name == "portfolio_reference"]
        assert item.title == "OBS-002 was signed on this laptop and on another device"
        assert item.reason.endswith(f"They now print as {qualified[mine]} (this laptop's) and "
                                    f"{qualified[theirs]} (the other device's)")
        report = laptop.read(verify_integrity)
        assert report.signatures_checked == 2
        assert [p for p in report.problems if p.record_type != "device_key"] == []
        text = _records_pdf_text(laptop, amelia["enrolment"])
        for ref in qualified.values():
            assert ref in text
        assert re.findall(r"OBS-002(?!/)", text) == []       # never bare for either of them
        # Each printed page checks as its record's, qualified or (printed before the other
        # arrived) bare; what the signer is shown names the record as it prints.
        for record_id, ref in qualified.items():
            fingerprint = laptop.read(lambda s, r=record_id: s.scalars(select(
                Signature.content_hash).where(Signature.record_id == r)).first())[:12].upper()
            typed = " ".join(fingerprint[i:i + 4] for i in (0, 4, 8))
            for printed_as in (ref, "OBS-002"):
                check = laptop.read(check_code, f"{printed_as} {typed}")
                assert check.ok and ref in check.what, check
            other = next(r for r in qualified.values() if r != ref)
            assert not laptop.read(check_code, f"{other} {typed}").ok
            assert laptop.read(present, record_id)[0][1].startswith(f"Observation {ref}: ")
            with pytest.raises(RecordLocked, match=f"{re.escape(ref)} is signed"):
                laptop.write_now(set_record_state, record_id, "draft")
        progress = laptop.read(enrolment_progress, amelia["enrolment"])
        covered = [c for u in progress.units for c in u.criteria if c.record_count]
        shown = [ref for c in covered for ref in c.refs if ref.startswith("OBS-002")]
        assert sorted(set(shown)) == sorted(qualified.values())   # apart, never one "OBS-002"
        trail = laptop.read(learner_audit_trail, amelia["learner"])
        assert [t.record for t in trail if t.action == "reference shared"] == \
            [f"{qualified[mine]} Observation"]
    # And again: each laptop's audit entry reaches the other; checked alike every time,
    # nothing fetched again, said once, and then nothing more to send or fetch.
    for laptop in (one, two, one, two):
        outcome = run_sync(laptop)
        assert (outcome.rejected, outcome.check_ok, outcome.refetched) == (0, True, []), outcome
    assert (outcome.pushed, outcome.pulled) == (0, 0), outcome
    for laptop in (one, two):
        assert len([i for i in laptop.read(open_items)
                    if i.table_name == "portfolio_reference"]) == 1
        assert_laptop_matches_centre(laptop, centre, sam, "assessor")
