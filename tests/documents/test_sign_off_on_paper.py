"""The unit sign-off page prints what the learner and assessor signed: the summative date,
the decision, the evidence it rests on and the declaration and confirmation in the words
stored on the sign-off, not a generic declaration."""
from __future__ import annotations

import json

from sqlalchemy import select

from app.claims.paperwork import claim_pack_data
from app.claims.print import pdf_for
from app.claims.sample_portfolio import build_claim_ready_learner
from app.documents.evidence_matrix import DECLARATION
from app.models import UnitSignOff
from tests.documents.pdfcheck import pages_text


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_sign_off_page_prints_what_was_signed(demo_store):
    ids = demo_store.write_now(lambda s: build_claim_ready_learner(s, units=1, records=2))
    sign_off = demo_store.read(lambda s: s.scalars(select(UnitSignOff).where(
        UnitSignOff.enrolment_id == ids["enrolment_id"])).one())
    text = flat(" ".join(pages_text(pdf_for(demo_store.read(claim_pack_data,
                                                            ids["claim_id"])))))
    signed_part = text.split("Unit sign-off", 1)[1]
    assert f"Summative assessment date {sign_off.summative_date:%d/%m/%Y}" in signed_part
    assert "Decision Competent" in signed_part
    refs = [e["ref"] for e in json.loads(sign_off.evidence_json)]
    assert refs and all(f"{ref} (Obs)" in signed_part for ref in refs)
    assert flat(sign_off.assessor_declaration) in signed_part
    assert flat(sign_off.learner_confirmation) in signed_part
    assert flat(DECLARATION) not in text


def test_an_unsigned_matrix_keeps_the_forms_declaration(demo_store):
    from app.claims.paperwork import enrolment_pack_data
    from tests.evidence.evidence_helpers import empty_enrolments
    enrolment_id = demo_store.read(lambda s: empty_enrolments(s)[0].id)
    text = flat(" ".join(pages_text(pdf_for(
        demo_store.read(enrolment_pack_data, enrolment_id, "matrix"), "matrix"))))
    assert flat(DECLARATION) in text and "Unit sign-off" not in text
