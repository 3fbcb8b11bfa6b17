"""The claim form says what a claim is in the awarding body's words: a part claim names the
mandatory units not in this claim (not 'not chosen'), SFJ's units read 'Unit 1' (not 'Unit
Unit 1'), each unit's national reference (UAN/URN) and credit are printed where the source
gives them, and a unit bank's claim is a claim for units: the awarding body and the units,
no qualification title taken from the catalogue's description, no 'Full award', and no
sentence about the catalogue's source inside what is signed."""
from __future__ import annotations

from sqlalchemy import select

from app.caseload.enrolments import choose_units, enrol
from app.caseload.learners import save_learner
from app.claims.paperwork import claim_pack_data
from app.claims.print import pdf_for
from app.claims.sample_portfolio import build_claim_ready_learner
from app.models import Enrolment, Learner, Qualification, Unit
from app.models.catalogue import QualificationUnit
from app.models.claims import Claim
from tests.documents.pdfcheck import pages_text


def flat(text: str) -> str:
    return " ".join(text.split())


def _pack_text(store, claim_id: str) -> str:
    return flat(" ".join(pages_text(pdf_for(store.read(claim_pack_data, claim_id)))))


def _form(text: str) -> str:
    """The claim form's page(s), from the form's heading to the unit summary."""
    return text.split("Learner statement and assessor summative statement", 1)[1].split(
        "Unit achievement summary", 1)[0]


def _claim_on(store, qualification_like: str, units: int = 1) -> dict:
    """A claim over `units` units by the demo's last learner on that qualification."""
    def build(session):
        learner_id = session.scalars(
            select(Enrolment.learner_id).join(Qualification,
                                              Qualification.id == Enrolment.qualification_id)
            .where(Qualification.title.like(qualification_like))
            .order_by(Enrolment.created_at.desc())).first()
        return build_claim_ready_learner(session, units=units, records=units,
                                         learner_id=learner_id)
    return store.write_now(build)


def test_a_part_claim_names_the_mandatory_units_not_in_it(demo_store):
    ids = _claim_on(demo_store, "City & Guilds Level 2 Diploma%")
    note = demo_store.read(lambda s: s.get(Claim, ids["claim_id"]).combination_summary)
    assert "not chosen" not in note and "not in this claim" in note
    text = _pack_text(demo_store, ids["claim_id"])
    assert "not chosen" not in text and "Full award No" in text
    # The group is titled "Mandatory units": said once ("Mandatory units: units 201, …").
    assert "Mandatory units: units 201, 203, 204, 205, 206 are not in this claim." in text
    assert "Mandatory units: mandatory" not in text


def test_sfj_units_read_once_with_reference_and_credit(demo_store):
    ids = _claim_on(demo_store, "SFJ Awards%")
    pack = demo_store.read(claim_pack_data, ids["claim_id"])
    (row,) = pack.claim.units
    assert row.number.startswith("Unit ") and row.reference and row.credit
    text = _pack_text(demo_store, ids["claim_id"])
    assert "Unit Unit" not in text
    assert row.reference in _form(text)
    assert f"Unit reference: {row.reference}, {row.credit} credit" in text


def test_a_unit_bank_claim_is_a_claim_for_units(demo_store):
    def enrol_on_the_bank(session):
        bank = session.scalars(select(Qualification).where(
            Qualification.kind == "unit_bank", Qualification.awarding_body == "City & Guilds")
        ).one()
        learner_id = save_learner(session, None, {"given_names": "Bea", "family_name": "Bank"})
        enrolment_id = enrol(session, learner_id, bank.id, registration_number="CG-BANK-1")
        unit_ids = session.scalars(select(Unit.id).join(
            QualificationUnit, QualificationUnit.unit_id == Unit.id)
            .where(QualificationUnit.qualification_id == bank.id, Unit.number == "202")).all()
        choose_units(session, enrolment_id, set(unit_ids))
        return learner_id, bank.title
    learner_id, bank_title = demo_store.write_now(enrol_on_the_bank)
    ids = demo_store.write_now(lambda s: build_claim_ready_learner(
        s, units=1, records=1, learner_id=learner_id))
    claim = demo_store.read(lambda s: s.get(Claim, ids["claim_id"]))
    assert claim.combination_summary == "" and not claim.full_award
    text = _pack_text(demo_store, ids["claim_id"])
    form = _form(text)
    assert "Awarding body City & Guilds" in form
    assert "Units (from a bank of units, not a qualification)" in form
    assert "Full award" not in form and "Qualification title" not in form
    assert "F/506/2131" in form
    assert bank_title not in text and "title not printed in the source" not in text
    assert "source document" not in text and "rules of combination" not in text
    assert "Units signed off so far: one." in text
    assert demo_store.read(lambda s: s.get(Learner, learner_id).full_name) in text


def test_a_unit_bank_claim_reads_as_units_to_its_signers(demo_store):
    from app.claims.signable import present_claim

    def enrol_on_the_bank(session):
        bank = session.scalars(select(Qualification).where(
            Qualification.kind == "unit_bank", Qualification.awarding_body == "City & Guilds")
        ).one()
        learner_id = save_learner(session, None, {"given_names": "Bo", "family_name": "Bank"})
        enrolment_id = enrol(session, learner_id, bank.id, registration_number="CG-BANK-2")
        choose_units(session, enrolment_id, set(session.scalars(select(Unit.id).join(
            QualificationUnit, QualificationUnit.unit_id == Unit.id)
            .where(QualificationUnit.qualification_id == bank.id, Unit.number == "202"))))
        return learner_id
    learner_id = demo_store.write_now(enrol_on_the_bank)
    ids = demo_store.write_now(lambda s: build_claim_ready_learner(
        s, units=1, records=1, learner_id=learner_id))
    [(_, shown), *_] = demo_store.read(present_claim, ids["claim_id"])
    assert "A claim for units (a bank of units, not a qualification)" in shown
    assert "Full award" not in shown and "source document" not in shown


def test_an_edi_claim_pack_says_nothing_about_the_catalogue(demo_store):
    """EDI's structure lists units its text never specifies: the claim form and the unit
    summary say those units are not in the claim or not signed off, not that a
    specification pack is missing from this software."""
    ids = _claim_on(demo_store, "EDI Level 2%", units=2)
    text = _pack_text(demo_store, ids["claim_id"])
    assert "source document" not in text and "specification pack" not in text
    assert "is in this claim" in text and "is signed off yet" in text
