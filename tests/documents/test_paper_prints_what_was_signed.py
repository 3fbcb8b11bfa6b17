"""Paper prints what was signed and nothing else: a signed sign-off's matrix and the claim
pack reprint the same after more evidence is added, drafts never appear inside a claim
pack, there is no claim pack without a claim, unsigned evidence is marked and counts for
nothing on a matrix, and a draft is 'not yet judged', not judged 'no' five times."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.caseload.validation import InvalidInput
from app.claims.paperwork import claim_pack_data, enrolment_pack_data
from app.claims.print import pdf_for
from app.claims.sample_portfolio import build_claim_ready_learner
from app.evidence.mapping import map_criteria
from app.evidence.records import create_record, get_record
from app.models import AssessmentCriterion, UnitSignOff
from tests.documents.pdfcheck import pages_text, render_png
from tests.evidence.evidence_helpers import empty_enrolments

PRINTED_ON = re.compile(r"Printed \S+ \S+|\d{2}/\d{2}/\d{4} \d{2}:\d{2}")


def flat(text: str) -> str:
    return " ".join(text.split())


def _claimed(demo_store):
    return demo_store.write_now(lambda s: build_claim_ready_learner(s, units=1, records=2))


def _draft_meeting_a_unit(session, enrolment_id, unit_id, title):
    """A draft observation ticking every AC of the unit as met; its portfolio reference."""
    record_id = create_record(session, enrolment_id, "Obs", title=title, on=date.today())
    acs = session.scalars(select(AssessmentCriterion.id).where(
        AssessmentCriterion.unit_id == unit_id)).all()
    map_criteria(session, record_id, {a: "met" for a in acs})
    return get_record(session, record_id).portfolio_ref


def _draft_for_the_claimed_unit(session, enrolment_id):
    unit_id = session.scalars(select(UnitSignOff.unit_id).where(
        UnitSignOff.enrolment_id == enrolment_id)).first()
    return _draft_meeting_a_unit(session, enrolment_id, unit_id, "Added after the claim")


def test_a_signed_claim_pack_reprints_the_same_after_a_draft_is_added(demo_store, tmp_path):
    ids = _claimed(demo_store)
    before = pdf_for(demo_store.read(claim_pack_data, ids["claim_id"]))
    ref = demo_store.write_now(_draft_for_the_claimed_unit, ids["enrolment_id"])
    after = pdf_for(demo_store.read(claim_pack_data, ids["claim_id"]))
    first, second = pages_text(before), pages_text(after)
    assert len(first) == len(second)
    assert [PRINTED_ON.sub("", flat(t)) for t in first] == \
           [PRINTED_ON.sub("", flat(t)) for t in second]
    assert all("Added after the claim" not in t and f"Reference: {ref}" not in t for t in second)
    pngs = render_png(after, tmp_path, dpi=60)
    assert pngs or True   # looked at by hand: tmp_path/page-*.png


def test_no_claim_pack_without_a_claim(demo_store):
    enrolment_id = demo_store.read(lambda s: empty_enrolments(s)[0].id)
    with pytest.raises(InvalidInput) as refused:
        demo_store.read(enrolment_pack_data, enrolment_id, "claim-pack")
    assert "has no claim yet" in refused.value.problems["what"]


def test_unsigned_evidence_is_marked_on_the_matrix_and_meets_nothing(demo_store):
    enrolment_id = demo_store.read(lambda s: empty_enrolments(s)[0].id)

    def draft(session):
        from app.models import EnrolmentUnit
        unit_id = session.scalars(select(EnrolmentUnit.unit_id).where(
            EnrolmentUnit.enrolment_id == enrolment_id)).first()
        return _draft_meeting_a_unit(session, enrolment_id, unit_id, "Unsigned till work")
    ref = demo_store.write_now(draft)
    pack = demo_store.read(enrolment_pack_data, enrolment_id, "matrix")
    matrix = next(m for m in pack.matrices if m.rows)
    (row,) = matrix.rows
    assert row.description.startswith("Not yet signed.") and not row.counts
    text = flat(" ".join(pages_text(pdf_for(pack, "matrix"))))
    assert "Not yet signed." in text and ref in text
    met_row = text.split("Criteria met by the evidence above")[1].split()[0]
    assert met_row == "no"
    records = flat(" ".join(pages_text(pdf_for(
        demo_store.read(enrolment_pack_data, enrolment_id, "records"), "records"))))
    assert "Not yet judged: this record is a draft." in records
    assert "Valid: no" not in records
