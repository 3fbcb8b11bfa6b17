"""Unit sign-off and claims, through the same operations the window uses, on the demo
caseload: what is missing is said exactly, the order rule holds, claims refuse what the
awarding body would refuse, signed things stay as signed, and the claim pack prints."""
from __future__ import annotations

import io
import sqlite3
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.caseload.validation import InvalidInput
from app.claims.claim import autosave_claim, claims_of, start_claim
from app.claims.paperwork import claim_pack_data
from app.claims.print import pdf_for
from app.claims.sample_portfolio import build_claim_ready_learner, complete_unit, sign_fully
from app.claims.iqa_sample import record_iqa_sample
from app.claims.sign_off import sign_off_unit, sign_offs_of, unit_readiness
from app.models import Learner, Qualification
from app.models.claims import Claim
from app.models.evidence import EvidenceRecord
from app.documents.words import in_words
from tests.evidence.evidence_helpers import empty_enrolments

# The summative date: today, as the evidence these tests sign is signed today and a
# decision is not dated before the signatures it rests on (issue 12).
DAY = date.today()


def _enrolment(session, ab_number="2794-02"):
    """A learner on the qualification whose portfolio the demo leaves empty."""
    for e in empty_enrolments(session):
        if session.get(Qualification, e.qualification_id).ab_number == ab_number:
            return e.id, session.get(Learner, e.learner_id).full_name
    raise AssertionError("demo caseload has no such enrolment")


def _unit(readiness, number):
    return next(r for r in readiness if r.unit_number == number)


def test_a_unit_without_evidence_says_exactly_what_is_missing(demo_store):
    enrolment_id, _ = demo_store.read(_enrolment)
    unit = _unit(demo_store.read(unit_readiness, enrolment_id), "202")
    assert not unit.ready
    assert any(m.startswith("AC 1.1 is not started:") for m in unit.missing)
    with pytest.raises(InvalidInput) as err:
        demo_store.write_now(lambda s: sign_off_unit(s, enrolment_id, unit.unit_id,
                                                     summative_date=DAY, assessor_name="Alex Morgan"))
    assert "Unit 202 cannot be signed off yet" in err.value.problems["unit"]
    assert "AC 1.1 is not started" in err.value.problems["unit"]


def test_unsigned_evidence_keeps_a_unit_from_sign_off(demo_store):
    enrolment_id, learner = demo_store.read(_enrolment)
    unit = _unit(demo_store.read(unit_readiness, enrolment_id), "203")

    def complete_but_unsigned(session):
        from app.evidence.mapping import map_criteria
        from app.evidence.records import create_record
        from app.models import AssessmentCriterion
        record_id = create_record(session, enrolment_id, "Obs", title="Till work", on=DAY)
        acs = session.scalars(select(AssessmentCriterion.id).where(
            AssessmentCriterion.unit_id == unit.unit_id)).all()
        map_criteria(session, record_id, {a: "met" for a in acs})
        return session.get(EvidenceRecord, record_id).portfolio_ref
    ref = demo_store.write_now(complete_but_unsigned)
    again = _unit(demo_store.read(unit_readiness, enrolment_id), "203")
    assert not any(m.startswith("AC ") for m in again.missing)
    assert f"Evidence not yet signed: {ref}." in again.missing


def test_sign_off_then_both_sign(demo_store):
    enrolment_id, learner = demo_store.read(_enrolment)
    unit = _unit(demo_store.read(unit_readiness, enrolment_id), "202")
    demo_store.write_now(lambda s: complete_unit(s, enrolment_id, unit.unit_id, on=DAY,
                                                 learner_name=learner, assessor_name="Alex Morgan"))
    assert _unit(demo_store.read(unit_readiness, enrolment_id), "202").ready
    with pytest.raises(InvalidInput) as err:
        demo_store.write_now(lambda s: sign_off_unit(
            s, enrolment_id, unit.unit_id, summative_date=date.today() + timedelta(days=2),
            assessor_name="Alex Morgan"))
    assert "future" in err.value.problems["summative_date"]
    sign_off_id = demo_store.write_now(lambda s: sign_off_unit(
        s, enrolment_id, unit.unit_id, summative_date=DAY.strftime("%d/%m/%Y"),
        assessor_name="Alex Morgan"))
    view = demo_store.read(sign_offs_of, enrolment_id)[0]
    assert (view.summative_date, view.status) == (DAY, "ready to sign")
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", sign_off_id, learner,
                                              "Alex Morgan"))
    view = demo_store.read(sign_offs_of, enrolment_id)[0]
    assert view.signed_off and set(view.signed_roles) == {"learner", "assessor"}
    # The IQA's sample date and initials are added later; the signed decision is not.
    demo_store.write_now(lambda s: record_iqa_sample(s, sign_off_id, sampled_on=DAY,
                                                     initials="JW", name="Jo Whitfield"))
    assert demo_store.read(sign_offs_of, enrolment_id)[0].iqa_initials == "JW"
    db = demo_store.data_dir / "fieldfolio.sqlite3"
    con = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="signed unit sign off cannot be changed"):
        con.execute("UPDATE unit_sign_off SET summative_date = '2020-01-01' WHERE id = ?",
                    (sign_off_id,))
    con.close()
    # Already signed off: the unit says so rather than offering a second sign-off.
    assert "already signed off" in " ".join(
        _unit(demo_store.read(unit_readiness, enrolment_id), "202").missing)


def test_cg_2794_unit_201_is_signed_off_last(demo_store):
    enrolment_id, learner = demo_store.read(_enrolment)
    unit = _unit(demo_store.read(unit_readiness, enrolment_id), "201")
    demo_store.write_now(lambda s: complete_unit(s, enrolment_id, unit.unit_id, on=DAY,
                                                 learner_name=learner, assessor_name="Alex Morgan"))
    missing = _unit(demo_store.read(unit_readiness, enrolment_id), "201").missing
    assert len(missing) == 1 and missing[0].startswith("Unit 201 is signed off last: first sign off units 202")
    assert "should not be signed off until the qualification is complete" in missing[0]


def test_claims_refuse_unsigned_units_and_unsupported_full_awards(demo_store):
    enrolment_id, learner = demo_store.read(_enrolment)
    units = demo_store.read(unit_readiness, enrolment_id)
    signed, draft = _unit(units, "202"), _unit(units, "203")
    for u in (signed, draft):
        demo_store.write_now(lambda s, u=u: complete_unit(s, enrolment_id, u.unit_id, on=DAY,
                                                          learner_name=learner,
                                                          assessor_name="Alex Morgan"))
    signed_id = demo_store.write_now(lambda s: sign_off_unit(
        s, enrolment_id, signed.unit_id, summative_date=DAY, assessor_name="Alex Morgan"))
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", signed_id, learner, "Alex Morgan"))
    draft_id = demo_store.write_now(lambda s: sign_off_unit(
        s, enrolment_id, draft.unit_id, summative_date=DAY, assessor_name="Alex Morgan"))
    with pytest.raises(InvalidInput) as err:
        demo_store.write_now(lambda s: start_claim(s, enrolment_id, [signed_id, draft_id]))
    assert err.value.problems["units"].startswith("Unit 203 is not signed off")
    with pytest.raises(InvalidInput) as err:
        demo_store.write_now(lambda s: start_claim(s, enrolment_id, [signed_id], full_award=True))
    assert err.value.problems["full_award"].startswith("A full award cannot be claimed:")
    # The group's title says "Mandatory units": the sentence does not say it twice.
    assert "Mandatory units: units 201, 203" in err.value.problems["full_award"]
    assert "mandatory units" not in err.value.problems["full_award"]
    claim_id = demo_store.write_now(lambda s: start_claim(s, enrolment_id, [signed_id]))
    view = demo_store.read(claims_of, enrolment_id)[0]
    assert (view.full_award, view.units_in_words, view.unit_numbers) == (False, "one", ["202"])
    # The claim cannot be signed before both statements are written.
    with pytest.raises(InvalidInput) as err:
        demo_store.write_now(lambda s: sign_fully(s, "claim", claim_id, learner, "Alex Morgan"))
    assert "learner_statement" in err.value.problems
    statement = "I have worked on the tills for two years and my assessor observed me often."
    demo_store.write_now(lambda s: autosave_claim(s, claim_id, {
        "learner_statement": statement, "assessor_statement": statement.replace("I have", "She has")}))
    demo_store.write_now(lambda s: sign_fully(s, "claim", claim_id, learner, "Alex Morgan"))
    with pytest.raises(InvalidInput):
        demo_store.write_now(lambda s: autosave_claim(s, claim_id, {"learner_statement": "changed"}))
    assert demo_store.read(lambda s: s.get(Claim, claim_id).learner_statement) == statement


def test_done_when_a_claim_pack_prints_candidate_units_statements_declarations(demo_store, tmp_path):
    ids = demo_store.write_now(lambda s: build_claim_ready_learner(s, units=10, records=20))
    pack = demo_store.read(claim_pack_data, ids["claim_id"])
    assert pack.claim.full_award, pack.claim.combination_note
    numbers = [u.number for u in pack.claim.units]
    assert numbers[-1] == "201" or "201" in numbers
    pdf = pdf_for(pack, "claim-pack")
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    text = " ".join(" ".join(p.split()) for p in pages)
    name = pack.header.learner_name
    assert name in text and ids["uln"] in text
    assert f"Number of units in this claim (in words) {in_words(len(numbers))}" in text
    assert "Full award Yes" in text
    for number in numbers:
        assert f"Evidence matrix: unit {number}" in text
    assert "I have worked on the customer service desk for two years." in text
    assert f"{name} has shown competence across every unit claimed" in text
    assert "I confirm the evidence I have submitted to claim competence is authentic." in text
    assert "I confirm the evidence I have assessed is authentic." in text
    # Each unit's sign-off page prints the five judgements in the declaration as signed
    # (issue 12: not the form's generic declaration), once per claimed unit.
    assert text.count("judged valid, authentic, current, reliable and sufficient") >= len(numbers)
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in " ".join(page.split())
    # The claim's fingerprint on paper is the hash its signatures cover.
    from app.signing.locking import signatures_on
    signed_hash = demo_store.read(lambda s: signatures_on(s, "claim", ids["claim_id"])[0].content_hash)
    assert pack.claim.content_hash == signed_hash
    assert f"Fingerprint: {signed_hash[:4].upper()} {signed_hash[4:8].upper()}" in text


def test_an_iqa_sample_reaches_the_claim_form_and_the_matrix(demo_store):
    ids = demo_store.write_now(lambda s: build_claim_ready_learner(s, units=10, records=10))
    first = demo_store.read(sign_offs_of, ids["enrolment_id"])[0]
    demo_store.write_now(lambda s: record_iqa_sample(s, first.id, sampled_on="01/02/2026",
                                                     initials="JW", name="Jo Whitfield"))
    with pytest.raises(InvalidInput) as err:
        demo_store.write_now(lambda s: record_iqa_sample(s, first.id, sampled_on="31/02/2026",
                                                         initials="JW", name="Jo Whitfield"))
    assert "is not a date" in err.value.problems["iqa_sampled_on"]
    demo_store.write_now(lambda s: sign_fully(s, "unit_sign_off", first.id, "", "",
                                              include_iqa=True))
    assert "iqa" in demo_store.read(sign_offs_of, ids["enrolment_id"])[0].signed_roles
    pack = demo_store.read(claim_pack_data, ids["claim_id"])
    row = next(u for u in pack.claim.units if u.number == first.unit_number)
    assert (row.iv_date, row.iv_initials) == (date(2026, 2, 1), "JW")
    matrix = next(m for m in pack.matrices if m.unit_number == first.unit_number)
    assert matrix.iv_signature.signed and matrix.iv_signature.printed_name == "Jo Whitfield"
    others = [m for m in pack.matrices if m.unit_number != first.unit_number]
    assert others and not any(m.iv_signature.signed for m in others)
    text = " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(io.BytesIO(pdf_for(pack))).pages)
    assert "01/02/2026 JW" in text


def test_a_unit_in_a_live_claim_cannot_be_claimed_again_and_an_iqa_is_not_the_assessor(demo_store):
    """Issue 12's compliance rules: a unit is claimed once (until that claim is withdrawn),
    and the assessor of a decision cannot sign it again as its IQA."""
    from app.signing.sign import sign_record
    ids = demo_store.write_now(lambda s: build_claim_ready_learner(s, units=1, records=2))
    sign_off_ids = demo_store.read(lambda s: [v.id for v in sign_offs_of(s, ids["enrolment_id"])
                                              if v.signed_off])
    with pytest.raises(InvalidInput) as refused:
        demo_store.write_now(start_claim, ids["enrolment_id"], sign_off_ids)
    assert "is already claimed in CLAIM-001" in refused.value.problems["units"]
    assert "withdraw that claim first" in refused.value.problems["units"]
    with pytest.raises(InvalidInput) as refused:
        demo_store.write_now(sign_record, "unit_sign_off", sign_off_ids[0],
                             signer_name="alex morgan", role="iqa", method="drawn",
                             strokes=[[[0, 0], [5, 5]]], image_png=b"\x89PNG-x")
    assert "cannot also sign as its IQA" in refused.value.problems["signer_name"]
    demo_store.write_now(sign_record, "unit_sign_off", sign_off_ids[0], signer_name="Jo Whitfield",
                         role="iqa", method="drawn", strokes=[[[0, 0], [5, 5]]],
                         image_png=b"\x89PNG-x")
