"""The issue's "done when", as three data folders would live it: one centre, an assessor's
laptop and an IQA's. The assessor's signed work goes up; the IQA's laptop receives it,
she samples the claim and signs; the assessor's laptop receives her sample and signature,
and its printed claim form carries them; verify there counts her signature under the key
the centre vouched for."""
from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader

from app.caseload.demo import load_demo_caseload
from app.claims.iqa_sample import record_claim_iqa_sample
from app.claims.paperwork import claim_pack_data
from app.claims.print import pdf_for
from app.claims.sample_portfolio import build_claim_ready_learner
from app.models.signing import Signature
from app.signing.integrity import verify_integrity
from app.signing.sign import sign_record
from app.sync.engine import run_sync
from server.models import LearnerAssignment
from tests.signing.signing_helpers import PNG, STROKES
from tests.server.sync_helpers import assert_laptop_matches_centre, enrolled


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(io.BytesIO(pdf)).pages)


def test_assessor_and_iqa_through_the_centre(centre, laptops):
    assessor, iqa = laptops("assessor"), laptops("iqa")
    assessor.write_now(load_demo_caseload)
    ids = assessor.write_now(lambda s: build_claim_ready_learner(s, units=2, records=2))
    sam = enrolled(assessor, centre, "Alex Morgan")
    assert run_sync(assessor).rejected == 0

    iris = enrolled(iqa, centre, "Jo Whitfield", "iqa")
    learner_id = assessor.read(lambda s: s.get(__import__("app.models", fromlist=["Claim"]).Claim,
                                               ids["claim_id"]).learner_id)
    db = centre.open_database()
    try:
        with db.writing() as session:   # `server-admin assign ULN --iqa`, by id here
            session.get(LearnerAssignment, learner_id).iqa_id = iris
    finally:
        db.dispose()
    run_sync(iqa)
    assert iqa.read(claim_pack_data, ids["claim_id"]).claim is not None
    # Her key was registered at enrolment and has signed nothing yet: not a finding.
    report = iqa.read(verify_integrity)
    assert report.ok, report.summary()

    sampled = date.today() - timedelta(days=1)
    iqa.write_now(lambda s: record_claim_iqa_sample(s, ids["claim_id"], sampled_on=sampled,
                                                    initials="JW", name="Jo Whitfield"))
    iqa.write_now(lambda s: sign_record(s, "claim", ids["claim_id"], signer_name="Jo Whitfield",
                                        role="iqa", method="drawn", strokes=STROKES,
                                        image_png=PNG))
    outcome = run_sync(iqa)
    assert (outcome.rejected, outcome.conflicts) == (0, 0)

    run_sync(assessor)
    roles = assessor.read(lambda s: sorted(r for (r,) in s.query(Signature.role).filter(
        Signature.record_id == ids["claim_id"])))
    assert "iqa" in roles
    text = _text(pdf_for(assessor.read(claim_pack_data, ids["claim_id"])))
    assert f"Sampled by the Internal Verifier on {sampled:%d/%m/%Y}: Jo Whitfield (JW)" in text
    assert "Jo Whitfield" in text

    # Every signature holds on the assessor's laptop, the IQA's under the centre's word;
    # and on the IQA's laptop, which holds only her learners' share of the assessor's
    # signature and audit chains: a gap there is said, not counted as a finding.
    report = assessor.read(verify_integrity)
    assert report.ok, report.summary()
    report = iqa.read(verify_integrity)
    assert report.ok, report.summary()
    assert report.signatures_checked > 0
    assert_laptop_matches_centre(assessor, centre, sam, "assessor")
    assert_laptop_matches_centre(iqa, centre, iris, "iqa")
