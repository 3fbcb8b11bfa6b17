"""All five judgements (valid, authentic, current, reliable, sufficient) are recorded before
a record is marked ready for signatures, and before a unit is signed off on it: the sign-off
declaration says the evidence was judged on all five."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.caseload.validation import InvalidInput
from app.claims.sample_portfolio import sign_fully
from app.claims.sign_off import sign_off_unit, unit_readiness
from app.evidence.mapping import map_criteria
from app.evidence.records import autosave_record, create_record, get_record, set_record_state
from app.models import AssessmentCriterion, Enrolment, EnrolmentUnit, Learner
from app.models.evidence import JUDGEMENT_FLAGS
from tests.evidence.evidence_helpers import empty_enrolments


def _observation(session, flags: dict) -> tuple[str, str, str]:
    """An observation meeting every AC of the enrolment's first unit, with these flags."""
    enrolment = empty_enrolments(session)[0]
    unit_id = session.scalars(select(EnrolmentUnit.unit_id).where(
        EnrolmentUnit.enrolment_id == enrolment.id)).first()
    record_id = create_record(session, enrolment.id, "Obs", title="Till", on=date.today())
    autosave_record(session, record_id, flags)
    acs = session.scalars(select(AssessmentCriterion.id).where(
        AssessmentCriterion.unit_id == unit_id)).all()
    map_criteria(session, record_id, {a: "met" for a in acs})
    return enrolment.id, unit_id, record_id


def test_a_record_is_not_ready_until_all_five_are_judged(demo_store):
    four = {f: f != "current" for f in JUDGEMENT_FLAGS}
    _, _, record_id = demo_store.write_now(_observation, four)
    with pytest.raises(InvalidInput) as refused:
        demo_store.write_now(set_record_state, record_id, "ready")
    assert "not yet judged current" in refused.value.problems["state"]
    assert demo_store.read(get_record, record_id).state == "draft"
    demo_store.write_now(autosave_record, record_id, {"current": True})
    demo_store.write_now(set_record_state, record_id, "ready")
    assert demo_store.read(get_record, record_id).state == "ready"
    demo_store.write_now(set_record_state, record_id, "draft")   # back to draft: no judging


def test_a_unit_is_not_signed_off_on_unjudged_signed_evidence(demo_store):
    def signed_unjudged(session):
        enrolment_id, unit_id, record_id = _observation(session, {})
        learner = session.get(Learner, session.get(Enrolment, enrolment_id).learner_id)
        sign_fully(session, "evidence_record", record_id, learner.full_name, "Alex Morgan")
        return enrolment_id, unit_id
    enrolment_id, unit_id = demo_store.write_now(signed_unjudged)
    readiness = {r.unit_id: r for r in demo_store.read(unit_readiness, enrolment_id)}
    assert any("Evidence not judged on all five counts" in m and "OBS-001 (not valid, "
               "authentic, current, reliable and sufficient)" in m
               for m in readiness[unit_id].missing)
    with pytest.raises(InvalidInput) as refused:
        demo_store.write_now(sign_off_unit, enrolment_id, unit_id, summative_date=date.today(),
                             assessor_name="Alex Morgan")
    assert "not judged on all five" in refused.value.problems["unit"]


def test_the_windows_one_press_records_all_five_and_marks_ready(demo_store):
    from app.evidence.records import mark_ready_judged
    _, _, record_id = demo_store.write_now(_observation, {})
    demo_store.write_now(mark_ready_judged, record_id)
    view = demo_store.read(get_record, record_id)
    assert view.state == "ready" and all(view.flags.values())
