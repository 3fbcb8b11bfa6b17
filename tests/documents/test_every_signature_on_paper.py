"""Every signature in the database is on the page: a trainee assessor's record, signed by
the learner, the trainee and the qualified assessor who countersigns, prints all three
signers by name and date, and no 'To be signed by hand' box where someone has signed."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.caseload.demo import load_demo_caseload
from app.caseload.profile import set_up
from app.claims.paperwork import enrolment_pack_data
from app.claims.print import pdf_for
from app.claims.sample_portfolio import sign_fully
from app.evidence.mapping import map_criteria
from app.evidence.records import autosave_record, create_record
from app.models import AssessmentCriterion, EnrolmentUnit, Learner, Signature
from app.models.evidence import JUDGEMENT_FLAGS
from tests.documents.pdfcheck import pages_text, render_png
from tests.evidence.evidence_helpers import empty_enrolments


def flat(text: str) -> str:
    return " ".join(text.split())


def _trainees_signed_observation(session) -> tuple[str, str]:
    enrolment = empty_enrolments(session)[0]
    learner = session.get(Learner, enrolment.learner_id)
    unit_id = session.scalars(select(EnrolmentUnit.unit_id).where(
        EnrolmentUnit.enrolment_id == enrolment.id)).first()
    record_id = create_record(session, enrolment.id, "Obs", title="Till refunds observed",
                              on=date.today(), location="Shop floor")
    autosave_record(session, record_id, {f: True for f in JUDGEMENT_FLAGS})
    ac = session.scalars(select(AssessmentCriterion.id).where(
        AssessmentCriterion.unit_id == unit_id)).first()
    map_criteria(session, record_id, {ac: "met"})
    sign_fully(session, "evidence_record", record_id, learner.full_name, "Robin Hale")
    return enrolment.id, record_id


def test_a_trainees_record_prints_learner_trainee_and_countersignature(catalogue_store,
                                                                        tmp_path):
    catalogue_store.write_now(set_up, "Robin Hale", "trainee_assessor", "Riverside", "")
    catalogue_store.write_now(load_demo_caseload)
    enrolment_id, record_id = catalogue_store.write_now(_trainees_signed_observation)
    roles = catalogue_store.read(lambda s: sorted(s.scalars(select(Signature.role).where(
        Signature.record_id == record_id))))
    assert roles == ["countersigning_assessor", "learner", "trainee_assessor"]
    pdf = pdf_for(catalogue_store.read(enrolment_pack_data, enrolment_id, "records"), "records")
    page = next(flat(t) for t in pages_text(pdf) if "Till refunds observed" in t)
    assert "Trainee assessor signature" in page and "Robin Hale" in page
    assert "Countersigning assessor signature" in page and "Sam Countersign" in page
    assert "Learner signature" in page
    assert "To be signed by hand" not in page
    assert page.count("Signature captured: drawn on the laptop") == 3
    assert render_png(pdf, tmp_path) or True


def test_an_unsigned_trainees_record_leaves_room_for_the_countersignature(catalogue_store):
    catalogue_store.write_now(set_up, "Robin Hale", "trainee_assessor", "Riverside", "")
    catalogue_store.write_now(load_demo_caseload)

    def draft(session):
        enrolment = empty_enrolments(session)[0]
        create_record(session, enrolment.id, "Obs", title="Not signed yet", on=date.today())
        return enrolment.id
    enrolment_id = catalogue_store.write_now(draft)
    pdf = pdf_for(catalogue_store.read(enrolment_pack_data, enrolment_id, "records"), "records")
    page = next(flat(t) for t in pages_text(pdf) if "Not signed yet" in t)
    assert "Trainee assessor signature" in page
    assert "Countersigning assessor signature" in page
    assert page.count("To be signed by hand") == 3
