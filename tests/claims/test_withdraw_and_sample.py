"""Withdrawing a sign-off or a claim, and the IQA's sample of either, through the operations
the window uses, on the demo caseload: what was withdrawn is tombstoned with its reason in
the audit trail, nothing signed is withdrawn, a sample's date and initials are checked, and
paper says what happened (WITHDRAWN; the IV's date and initials)."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from app.caseload.validation import InvalidInput
from app.claims.claim import claims_of, start_claim
from app.claims.iqa_sample import record_claim_iqa_sample, record_iqa_sample
from app.claims.paperwork import claim_pack_data
from app.claims.print import pdf_for
from app.claims.sample_portfolio import build_claim_ready_learner, complete_unit, sign_fully
from app.claims.sign_off import sign_off_unit, sign_offs_of, unit_readiness
from app.documents.sample import signature_png
from app.claims.withdrawal import (
    withdraw_claim, withdraw_sign_off, withdrawal_of, withdrawn_claims,
)
from app.models import Learner, Qualification
from app.models.claims import Claim, UnitSignOff
from app.signing.audit import events_for_record
from app.signing.sign import sign_record
from tests.evidence.evidence_helpers import empty_enrolments

# The summative date: today, as the evidence these tests sign is signed today and a
# decision is not dated before the signatures it rests on (issue 12).
DAY = date.today()
ASSESSOR = "Alex Morgan"


def _ready_unit(store, number="202"):
    """A C&G 2794 learner the demo leaves empty, with `number` complete and ready to sign off."""
    def find(session):
        for e in empty_enrolments(session):
            if session.get(Qualification, e.qualification_id).ab_number == "2794-02":
                return e.id, session.get(Learner, e.learner_id).full_name
    enrolment_id, learner = store.read(find)
    unit = next(r for r in store.read(unit_readiness, enrolment_id) if r.unit_number == number)
    store.write_now(lambda s: complete_unit(s, enrolment_id, unit.unit_id, on=DAY,
                                            learner_name=learner, assessor_name=ASSESSOR))
    return enrolment_id, learner, unit.unit_id


def _sign_off(store, enrolment_id, unit_id):
    return store.write_now(lambda s: sign_off_unit(s, enrolment_id, unit_id, summative_date=DAY,
                                                   assessor_name=ASSESSOR))


def _problems(store, fn, *args, **kwargs) -> dict:
    with pytest.raises(InvalidInput) as err:
        store.write_now(lambda s: fn(s, *args, **kwargs))
    return err.value.problems


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_sign_off_nobody_signed_is_withdrawn_with_a_reason_and_the_unit_is_ready_again(demo_store):
    enrolment_id, _, unit_id = _ready_unit(demo_store)
    sign_off_id = _sign_off(demo_store, enrolment_id, unit_id)
    assert "reason" in _problems(demo_store, withdraw_sign_off, sign_off_id, "   ")
    assert demo_store.read(sign_offs_of, enrolment_id)       # nothing changed
    demo_store.write_now(lambda s: withdraw_sign_off(s, sign_off_id, "Typed last week's date."))
    assert demo_store.read(sign_offs_of, enrolment_id) == []
    unit = next(r for r in demo_store.read(unit_readiness, enrolment_id) if r.unit_id == unit_id)
    assert unit.ready
    # Tombstoned, not deleted; the reason is in the audit trail, and readable back.
    assert demo_store.read(lambda s: s.get(UnitSignOff, sign_off_id).deleted_at) is not None
    [event] = [e for e in demo_store.read(events_for_record, sign_off_id) if e.action == "withdrawn"]
    assert event.summary == (f"Unit 202 sign-off (summative date {DAY:%d/%m/%Y}) withdrawn. "
                             "Reason: Typed last week's date.")
    withdrawal = demo_store.read(withdrawal_of, "unit_sign_off", sign_off_id)
    assert withdrawal.reason == "Typed last week's date." and withdrawal.withdrawn_on == date.today()
    # The unit can be signed off afresh, and that one is live.
    again = _sign_off(demo_store, enrolment_id, unit_id)
    assert [v.id for v in demo_store.read(sign_offs_of, enrolment_id)] == [again]
    assert "already been withdrawn" in _problems(demo_store, withdraw_sign_off, sign_off_id,
                                                 "twice")["record"]


def test_a_signature_keeps_a_sign_off_from_being_withdrawn(demo_store):
    enrolment_id, learner, unit_id = _ready_unit(demo_store)
    sign_off_id = _sign_off(demo_store, enrolment_id, unit_id)
    demo_store.write_now(lambda s: sign_record(s, "unit_sign_off", sign_off_id, signer_name=learner,
                                               role="learner", method="drawn",
                                               strokes=[[[0, 0], [10, 5], [20, 0]]],
                                               image_png=signature_png(1)))
    refusal = _problems(demo_store, withdraw_sign_off, sign_off_id, "Changed my mind.")["record"]
    assert refusal.startswith(f"Unit 202 sign-off is signed by {learner} (learner) on ")
    assert refusal.endswith("A signed sign-off stays on file as it was signed, so it cannot be "
                            "withdrawn.")
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", sign_off_id, learner, ASSESSOR))
    assert "Alex Morgan (assessor)" in _problems(demo_store, withdraw_sign_off, sign_off_id,
                                                 "Changed my mind.")["record"]
    assert demo_store.read(sign_offs_of, enrolment_id)[0].signed_off
    assert not [e for e in demo_store.read(events_for_record, sign_off_id) if e.action == "withdrawn"]


def test_a_draft_claim_is_withdrawn_listed_with_its_reason_and_the_next_is_claim_002(demo_store):
    enrolment_id, learner, unit_id = _ready_unit(demo_store)
    sign_off_id = _sign_off(demo_store, enrolment_id, unit_id)
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", sign_off_id, learner, ASSESSOR))
    claim_id = demo_store.write_now(lambda s: start_claim(s, enrolment_id, [sign_off_id]))
    assert "reason" in _problems(demo_store, withdraw_claim, claim_id, "")
    demo_store.write_now(lambda s: withdraw_claim(s, claim_id, "Unit 203 belongs in it too."))
    assert demo_store.read(claims_of, enrolment_id) == []
    [gone] = demo_store.read(withdrawn_claims, enrolment_id)
    assert (gone.reference, gone.unit_numbers) == ("CLAIM-001", ["202"])
    assert gone.withdrawal.reason == "Unit 203 belongs in it too."
    assert gone.withdrawal.sentence().startswith(f"Withdrawn on {date.today():%d/%m/%Y} by ")
    # The sign-off it claimed is untouched; a new claim takes the next reference.
    assert demo_store.read(sign_offs_of, enrolment_id)[0].signed_off
    new_id = demo_store.write_now(lambda s: start_claim(s, enrolment_id, [sign_off_id]))
    assert demo_store.read(lambda s: s.get(Claim, new_id).reference) == "CLAIM-002"


def test_a_signed_claim_is_not_withdrawn(demo_store):
    ids = demo_store.write_now(lambda s: build_claim_ready_learner(s, units=2, records=2))
    refusal = _problems(demo_store, withdraw_claim, ids["claim_id"], "Wrong units.")["record"]
    assert refusal.startswith("CLAIM-001 is signed by ")
    assert "(learner)" in refusal and "(assessor)" in refusal and "cannot be withdrawn" in refusal
    assert [c.id for c in demo_store.read(claims_of, ids["enrolment_id"])] == [ids["claim_id"]]


def test_a_withdrawn_claim_prints_as_withdrawn(demo_store):
    enrolment_id, learner, unit_id = _ready_unit(demo_store)
    sign_off_id = _sign_off(demo_store, enrolment_id, unit_id)
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", sign_off_id, learner, ASSESSOR))
    claim_id = demo_store.write_now(lambda s: start_claim(s, enrolment_id, [sign_off_id]))
    assert "WITHDRAWN" not in _pdf_text(pdf_for(demo_store.read(claim_pack_data, claim_id)))
    demo_store.write_now(lambda s: withdraw_claim(s, claim_id, "Started with the wrong units."))
    text = _pdf_text(pdf_for(demo_store.read(claim_pack_data, claim_id)))
    assert "Claim to competence: WITHDRAWN" in text
    assert (f"WITHDRAWN: this claim is not submitted for certification. Withdrawn on "
            f"{date.today():%d/%m/%Y}") in text
    assert "Reason: Started with the wrong units." in text


def test_an_iqa_sample_is_checked_before_it_is_recorded(demo_store):
    enrolment_id, learner, unit_id = _ready_unit(demo_store)
    sign_off_id = _sign_off(demo_store, enrolment_id, unit_id)
    # Not before the learner and assessor have signed.
    early = _problems(demo_store, record_iqa_sample, sign_off_id, sampled_on=DAY, initials="JW",
                      name="Jo Whitfield")
    assert early == {"record": "The IQA samples a unit sign-off after the learner and assessor "
                               "have signed it: waiting for the learner and assessor."}
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", sign_off_id, learner, ASSESSOR))
    tomorrow = (date.today() + timedelta(days=1)).strftime("%d/%m/%Y")
    problems = _problems(demo_store, record_iqa_sample, sign_off_id, sampled_on=tomorrow,
                         initials="JWXYZQ", name=" ")
    assert problems == {"iqa_sampled_on": "The sample date cannot be in the future.",
                        "iqa_initials": "Enter the IQA's initials: 1 to 5 letters, e.g. JW.",
                        "iqa_name": "Enter the IQA's name as it will be printed."}
    for bad in ("", "J1", "J-W"):
        assert "iqa_initials" in _problems(demo_store, record_iqa_sample, sign_off_id,
                                           sampled_on=DAY, initials=bad, name="Jo Whitfield")
    assert "iqa_sampled_on" in _problems(demo_store, record_iqa_sample, sign_off_id,
                                         sampled_on="", initials="JW", name="Jo Whitfield")
    assert demo_store.read(sign_offs_of, enrolment_id)[0].iqa_sampled_on is None
    demo_store.write_now(lambda s: record_iqa_sample(s, sign_off_id, sampled_on=date.today(),
                                                     initials="j.w.", name=" Jo Whitfield "))
    row = demo_store.read(lambda s: s.get(UnitSignOff, sign_off_id))
    assert (row.iqa_sampled_on, row.iqa_initials, row.iqa_name) == (date.today(), "JW",
                                                                    "Jo Whitfield")
    [event] = [e for e in demo_store.read(events_for_record, sign_off_id)
               if e.summary.startswith("IQA sample")]
    assert event.summary == (f"IQA sample of unit 202 recorded: {date.today():%d/%m/%Y}, "
                             "Jo Whitfield (JW)")
    # Once the IQA has signed, the sample stays as they signed it.
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", sign_off_id, learner, ASSESSOR,
                                              include_iqa=True))
    assert "has signed" in _problems(demo_store, record_iqa_sample, sign_off_id, sampled_on=DAY,
                                     initials="AB", name="Another Person")["record"]


def test_claim_and_unit_samples_print_in_the_iv_columns_and_beside_the_iv_signature(demo_store):
    ids = demo_store.write_now(lambda s: build_claim_ready_learner(s, units=2, records=2))
    first, second = demo_store.read(sign_offs_of, ids["enrolment_id"])
    sampled = date.today() - timedelta(days=1)
    demo_store.write_now(lambda s: record_iqa_sample(s, first.id, sampled_on=sampled,
                                                     initials="JW", name="Jo Whitfield"))
    demo_store.write_now(lambda s: record_claim_iqa_sample(s, ids["claim_id"], sampled_on=sampled,
                                                           initials="JW", name="Jo Whitfield"))
    claim = demo_store.read(lambda s: s.get(Claim, ids["claim_id"]))
    assert (claim.iqa_sampled_on, claim.iqa_initials, claim.iqa_name) == (sampled, "JW",
                                                                          "Jo Whitfield")
    pack = demo_store.read(claim_pack_data, ids["claim_id"])
    rows = {u.number: u for u in pack.claim.units}
    assert (rows[first.unit_number].iv_date, rows[first.unit_number].iv_initials) == (sampled, "JW")
    assert (rows[second.unit_number].iv_date, rows[second.unit_number].iv_initials) == (None, "")
    text = _pdf_text(pdf_for(pack))
    # The unit's row: summative date, learner and assessor initials, then IV date and initials.
    assert f"{first.summative_date:%d/%m/%Y}" in text
    assert f"{sampled:%d/%m/%Y} JW" in text
    assert (f"Sampled by the Internal Verifier on {sampled:%d/%m/%Y}: Jo Whitfield (JW)") in text
    # A withdrawn claim is not sampled.
    assert "withdrawn" in _problems(demo_store, record_claim_iqa_sample, "no-such-claim",
                                    sampled_on=sampled, initials="JW", name="Jo Whitfield")["record"]
