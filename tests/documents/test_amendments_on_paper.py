"""A correction of a signed record on paper: the signed original and its amendment keep one
portfolio reference, so each page says which it is. Made with the operations the window
uses (sign, amend, edit the amendment, sign it), printed, and read back as an IQA would."""
from __future__ import annotations

import dataclasses
import re
import shutil
from datetime import date

import pytest
from pdfcheck import fonts, pages_text
from sqlalchemy import select

from app.caseload.demo import load_demo_caseload
from app.claims.paperwork import claim_pack_data, enrolment_pack_data
from app.claims.print import pdf_for
from app.claims.sample_portfolio import build_claim_ready_learner
from app.db.store import Store
from app.evidence.mapping import map_criteria, unmap_criteria
from app.evidence.records import autosave_record, create_record
from app.models import EnrolmentUnit
from app.models.evidence import CriterionMapping, EvidenceRecord
from app.signing.amend import amend
from app.signing.sign import sign_record
from tests.evidence.evidence_helpers import criteria_of
from tests.signing.signing_helpers import drawn, first_enrolment, two_criteria

EV = "evidence_record"
REASON = "Wrong location recorded; AC 1.2 was fully met"
TODAY = date.today().strftime("%d/%m/%Y")


def _flat(value: str) -> str:
    return " ".join(value.split())


def signed_discussion(session) -> tuple[str, str]:
    """A professional discussion covering two ACs (one met, one working towards); returns
    its id and enrolment. Signed by the caller, as learner and assessor sign in turn."""
    enrolment = first_enrolment(session)
    record_id = create_record(session, enrolment.id, "PD", title="Handling a complaint",
                              location="Shop floor")
    autosave_record(session, record_id, {"details": {
        "topics": "Complaints procedure", "summary": "Explained how a complaint is logged.",
        "duration": 30}})
    first, second = two_criteria(session, enrolment.id)
    map_criteria(session, record_id, {first: "met", second: "working_towards"})
    return record_id, enrolment.id


def corrected(session, amended_id: str) -> None:
    """What the reason says: the location, and the second AC met after all."""
    autosave_record(session, amended_id, {"location": "Customer service desk"})
    _, second = two_criteria(session, first_enrolment(session).id)
    map_criteria(session, amended_id, {second: "met"})


def make_portfolio(store, sign_amendment: bool = True) -> tuple[str, str, str]:
    """Original signed, amended with a reason, amendment edited and (by default) signed."""
    original, enrolment_id = store.write_now(signed_discussion)
    for signer in (drawn("Amelia Hughes", "learner"), drawn("Alex Morgan", "assessor")):
        store.write_now(sign_record, EV, original, **signer)
    amended = store.write_now(amend, original, REASON)
    store.write_now(corrected, amended)
    if sign_amendment:
        for signer in (drawn("Amelia Hughes", "learner"), drawn("Alex Morgan", "assessor")):
            store.write_now(sign_record, EV, amended, **signer)
    return enrolment_id, original, amended


@pytest.fixture(scope="module")
def printed(tmp_path_factory, catalogue_db):
    folder = tmp_path_factory.mktemp("amended")
    shutil.copytree(catalogue_db, folder / "data")
    with Store(folder / "data") as store:
        store.write_now(load_demo_caseload)
        enrolment_id, original, amended = make_portfolio(store)
        reference = store.read(lambda s: s.get(EvidenceRecord, original).portfolio_ref)
        records = pdf_for(store.read(enrolment_pack_data, enrolment_id, "records"), "records")
        # No claim is made here, so there is no claim pack (issue 12); the pack builder is
        # given this portfolio's records and matrices, as the pack printed them before.
        pack = pdf_for(dataclasses.replace(
            store.read(enrolment_pack_data, enrolment_id, "records"),
            matrices=store.read(enrolment_pack_data, enrolment_id, "matrix").matrices),
            "claim-pack")
        matrix = pdf_for(store.read(enrolment_pack_data, enrolment_id, "matrix"), "matrix")
    return {"reference": reference, "records_pdf": records,
            "records": [_flat(t) for t in pages_text(records)],
            "pack": [_flat(t) for t in pages_text(pack)],
            "matrix": [_flat(t) for t in pages_text(matrix)]}


def _pages_of(texts: list[str], footer_reference: str) -> list[int]:
    """Indexes of the pages whose footer names exactly this reference (as marked)."""
    return [i for i, t in enumerate(texts)
            if re.search(rf"Reference: {re.escape(footer_reference)}(?! \()", t)]


def test_the_amendment_says_what_it_corrects_why_and_what_changed(printed):
    ref = printed["reference"]
    for texts in (printed["records"], printed["pack"]):
        pages = _pages_of(texts, f"{ref} (amendment 1)")
        assert len(pages) == 1, "a short discussion and its correction box fit one page"
        page = texts[pages[0]]
        assert f"Reference {ref} (amendment 1)" in page
        assert (f"This record corrects {ref} signed on {TODAY} by Amelia Hughes (learner) "
                f"and Alex Morgan (assessor).") in page
        assert f"Amended on {TODAY}" in page and f"reason: {REASON}" in page
        assert "What changed:" in page
        assert "• Location: “Shop floor” → “Customer service desk”" in page
        assert re.search(r"Unit \S+ AC \S+: working towards → met", page)
        # The amendment prints its own content and its own signatures.
        assert "Location Customer service desk" in page
        assert "Superseded" not in page
    # Bullets and arrows in the embedded font, as every other character on the page.
    assert all(fonts(printed["records_pdf"]).values())


def test_the_original_says_it_is_superseded_and_is_kept_as_signed(printed):
    ref = printed["reference"]
    for texts in (printed["records"], printed["pack"]):
        pages = _pages_of(texts, f"{ref} (superseded)")
        assert len(pages) == 1
        page = texts[pages[0]]
        assert f"Reference {ref} (superseded)" in page
        assert f"Superseded by an amendment ({ref} amendment 1, {TODAY})" in page
        assert f"Reason for the amendment: {REASON}" in page
        assert "Location Shop floor" in page
        assert "This record corrects" not in page
        assert "The amendment follows this record." in page and "Until it is" not in page
        # The original comes first, its correction straight after it.
        assert _pages_of(texts, f"{ref} (amendment 1)") == [pages[0] + 1]


def test_matrix_rows_name_the_amendment_as_its_page_does(printed):
    ref = printed["reference"]
    for texts in (printed["matrix"], printed["pack"]):
        matrix = next(t for t in texts if re.search(r"Reference: UNIT-\S+-MATRIX", t)
                      and ref in t)
        # The reference cell wraps in its narrow column; the words stay in order.
        assert re.search(rf"{ref} \(amendment 1\) Handling a complaint", matrix)
        assert re.search(rf"{ref} \(superseded\) Handling a complaint", matrix)
        assert matrix.index(f"{ref} (superseded)") < matrix.index(f"{ref} (amendment 1)")


def test_the_contents_list_both_versions_with_their_marks(printed):
    contents = printed["pack"][0]
    ref = printed["reference"]
    original = re.search(rf"{ref} \(superseded\) [0-9A-F ]{{14}} (\d+)", contents)
    amendment = re.search(rf"{ref} \(amendment 1\) [0-9A-F ]{{14}} (\d+)", contents)
    assert original and amendment
    assert int(amendment.group(1)) == int(original.group(1)) + 1
    assert f"Reference: {ref} (amendment 1)" in printed["pack"][int(amendment.group(1)) - 1]


def test_an_amendment_not_yet_signed_is_marked_so_on_the_original(demo_store):
    enrolment_id, _, _ = make_portfolio(demo_store, sign_amendment=False)
    texts = [_flat(t) for t in pages_text(pdf_for(
        demo_store.read(enrolment_pack_data, enrolment_id, "records"), "records"))]
    original = next(t for t in texts if "Superseded by an amendment" in t)
    assert "The amendment follows this record and is not signed yet." in original
    # Until the amendment is fully signed the original is what progress and sign-off use.
    assert "Until it is, this record is the one that counts." in original
    amendment = next(t for t in texts if "This record corrects" in t)
    assert "not signed yet" in amendment      # its footer: nothing vouches for it yet


def test_a_claim_pack_keeps_a_correction_that_moved_its_record_to_another_unit(demo_store):
    """Corrected as 'recorded against the wrong unit': the amendment no longer covers the
    claimed unit, yet the superseded original in the pack sends the reader to it."""
    ids = demo_store.write_now(lambda s: build_claim_ready_learner(s, units=1, records=2))

    def move_second_record(session):
        record = session.scalars(select(EvidenceRecord).where(
            EvidenceRecord.enrolment_id == ids["enrolment_id"])
            .order_by(EvidenceRecord.portfolio_ref).offset(1)).first()
        claimed = session.scalars(select(CriterionMapping.unit_id).where(
            CriterionMapping.record_id == record.id)).first()
        amended = amend(session, record.id, "Recorded against the wrong unit")
        mapped = session.scalars(select(CriterionMapping.criterion_id).where(
            CriterionMapping.record_id == amended, CriterionMapping.deleted_at.is_(None))).all()
        unmap_criteria(session, amended, list(mapped))
        other = session.scalars(select(EnrolmentUnit.unit_id).where(
            EnrolmentUnit.enrolment_id == ids["enrolment_id"], EnrolmentUnit.unit_id != claimed,
            EnrolmentUnit.deleted_at.is_(None))).first()
        map_criteria(session, amended, {criteria_of(session, other)[0]: "working_towards"})
        return record.portfolio_ref
    ref = demo_store.write_now(move_second_record)
    texts = [_flat(t) for t in pages_text(pdf_for(
        demo_store.read(claim_pack_data, ids["claim_id"]), "claim-pack"))]
    original = _pages_of(texts, f"{ref} (superseded)")
    assert "The amendment follows this record and is not signed yet." in texts[original[0]]
    amendment = _pages_of(texts, f"{ref} (amendment 1)")
    assert amendment and amendment[0] == original[-1] + 1
    page = texts[amendment[0]]
    assert "reason: Recorded against the wrong unit" in page
    assert re.search(r"• Unit \S+ AC \S+ removed", page)
    assert re.search(r"• Unit \S+ AC \S+ added", page)
