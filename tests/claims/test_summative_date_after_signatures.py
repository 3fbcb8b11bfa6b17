"""A summative sign-off is not dated before the last signature on the evidence it rests
on: a backdated decision would claim to rest on evidence nobody had signed yet."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.caseload.validation import InvalidInput
from app.claims.sample_portfolio import complete_unit
from app.claims.sign_off import sign_off_unit, sign_offs_of
from app.models import EnrolmentUnit, Learner, Unit
from tests.evidence.evidence_helpers import empty_enrolments


def _complete_first_unit(session) -> tuple[str, str]:
    enrolment = empty_enrolments(session)[0]
    # Chosen by number, not whichever row comes first: unit 201 of this qualification is
    # signed off last, and picking it now and then made this test fail for that reason.
    unit_id = session.scalars(select(EnrolmentUnit.unit_id).join(
        Unit, Unit.id == EnrolmentUnit.unit_id).where(
        EnrolmentUnit.enrolment_id == enrolment.id).order_by(Unit.number.desc())).first()
    learner = session.get(Learner, enrolment.learner_id)
    # Records dated a week back, signed today (as evidence typed up and signed later is).
    complete_unit(session, enrolment.id, unit_id, on=date.today() - timedelta(days=7),
                  learner_name=learner.full_name, assessor_name="Alex Morgan")
    return enrolment.id, unit_id


def test_a_sign_off_dated_before_its_evidence_was_signed_is_refused(demo_store):
    enrolment_id, unit_id = demo_store.write_now(_complete_first_unit)
    before = date.today() - timedelta(days=2)
    with pytest.raises(InvalidInput) as refused:
        demo_store.write_now(sign_off_unit, enrolment_id, unit_id, summative_date=before,
                             assessor_name="Alex Morgan")
    words = refused.value.problems["summative_date"]
    assert "cannot be before the last signature" in words
    assert f"signed on {date.today():%d/%m/%Y}" in words
    assert demo_store.read(sign_offs_of, enrolment_id) == []
    demo_store.write_now(sign_off_unit, enrolment_id, unit_id, summative_date=date.today(),
                         assessor_name="Alex Morgan")
    [view] = demo_store.read(sign_offs_of, enrolment_id)
    assert view.summative_date == date.today()
