"""The PDF builders, checked the way an IQA would: read back the text, count the pages,
look for the candidate, units, statements, declarations and signatures."""
from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest
from pdfcheck import fonts, pages_text, render_png, words

from app.documents.claim_form import build_claim_form
from app.documents.claim_pack import build_claim_pack
from app.documents.evidence_matrix import MAX_COLUMNS, build_evidence_matrix, split_columns
from app.documents.model import (
    DocumentHeader, EvidenceMatrixData, MatrixOutcome, MatrixRow, SignatureBox,
)
from app.documents.records import build_records
from app.documents.sample import sample_claim_pack, signature_png
from app.documents.words import in_words

LEARNER_DECL = "I confirm the evidence I have submitted to claim competence is authentic."
ASSESSOR_DECL = "I confirm the evidence I have assessed is authentic."


@pytest.fixture(scope="module")
def pack():
    return sample_claim_pack(units=3, records=12)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_numbers_in_words():
    assert [in_words(n) for n in (0, 1, 3, 12, 20, 21, 45, 100, 110)] == [
        "zero", "one", "three", "twelve", "twenty", "twenty-one", "forty-five",
        "one hundred", "one hundred and ten"]


def test_claim_form_shows_candidate_units_statements_and_declarations(pack):
    claim = dataclasses.replace(pack.claim, learner_statement="I have worked on the tills for "
                                "two years.\n\nMy assessor observed me twice.",
                                assessor_statement="Anya showed competence across all units.")
    text = _flat("\n".join(pages_text(build_claim_form(pack.header, claim))))
    for expected in ("Siân Okafor-Jones", "1234567890", "EDI-448812", "501/0000/1",
                     "Level 2 NVQ Certificate in Customer Service", "three", "Full award Yes",
                     "201", "202", "203", "15/02/2025", "SOJ", "DP",
                     "I have worked on the tills for two years.",
                     "My assessor observed me twice.",
                     "Anya showed competence across all units.",
                     LEARNER_DECL, ASSESSOR_DECL, "Learner signature", "Assessor signature",
                     "Internal Verifier (if sampled) signature", "CLAIM-0001"):
        assert expected in text, expected


def test_not_a_full_award_and_unsigned_boxes_are_left_for_a_pen(pack):
    claim = dataclasses.replace(
        pack.claim, full_award=False, units=pack.claim.units[:1],
        learner_signature=SignatureBox("Learner", "Siân Okafor-Jones"),
        assessor_signature=SignatureBox("Assessor", "Dev Patel"), content_hash=None)
    text = _flat("\n".join(pages_text(build_claim_form(pack.header, claim))))
    assert "Full award No" in text
    assert "Number of units in this claim (in words) one" in text
    assert text.count("To be signed by hand") == 3
    assert "Signature captured" not in text
    assert "Fingerprint: not signed" in text


def test_every_page_carries_whose_it_is_and_page_x_of_y(pack):
    texts = pages_text(build_records(pack.header, pack.records, pack.witnesses, pack.summary))
    total = len(texts)
    assert total >= len(pack.records) + 2
    for number, page in enumerate(texts, start=1):
        page = _flat(page)
        assert f"Page {number} of {total}" in page
        assert "Siân Okafor-Jones" in page and "Northgate Training Centre" in page
        assert "Level 2 NVQ Certificate in Customer Service" in page
        assert re.search(r"Fingerprint: [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}", page)


def test_fonts_are_embedded_and_text_is_selectable(pack):
    pdf = build_claim_pack(pack)
    used = fonts(pdf)
    assert used and all(used.values()), used
    assert any("DejaVuSans" in name for name in used)
    assert "Siân Okafor-Jones" in pages_text(pdf)[1]


def _wide_matrix(n_acs: int = 30) -> EvidenceMatrixData:
    outcomes, left, lo = [], n_acs, 1
    while left:
        n = min(left, 6)
        outcomes.append(MatrixOutcome(str(lo), f"Outcome {lo}", [f"{lo}.{k}" for k in range(1, n + 1)]))
        left, lo = left - n, lo + 1
    acs = [ac for o in outcomes for ac in o.criteria]
    rows = [MatrixRow(f"REF-{i:02d}", f"Evidence item {i}", "Obs",
                      {ac: "met" for ac in acs[i::7]}) for i in range(7)]
    rows.append(MatrixRow("REF-WT", "Still being gathered", "Wt", {"1.1": "working_towards"}))
    png = signature_png(2)
    return EvidenceMatrixData("MATRIX-WIDE", "W30", "A unit with thirty criteria", outcomes,
                              rows, SignatureBox("Learner", "Siân Okafor-Jones", date(2025, 3, 1),
                                                 png, "drawn on screen"),
                              SignatureBox("Assessor", "Dev Patel"),
                              SignatureBox("Internal Verifier (if sampled)"),
                              content_hash="ab" * 32)


def test_columns_split_between_outcomes_and_never_exceed_the_page():
    parts = split_columns(_wide_matrix(30).outcomes)
    assert len(parts) >= 3
    for part in parts:
        assert sum(len(b.criteria) for b in part) <= MAX_COLUMNS
    printed = [ac for part in parts for b in part for ac in b.criteria]
    assert printed == [ac for o in _wide_matrix(30).outcomes for ac in o.criteria]
    # A 6-AC LO is never cut in two when the page holds at least 6 columns.
    assert all(not b.continued for part in parts for b in part)


def test_a_30_ac_unit_continues_with_row_labels_repeated(tmp_path):
    data = _wide_matrix(30)
    pdf = build_evidence_matrix(DocumentHeader("Northgate Training Centre", "Siân Okafor-Jones",
                                               "Level 2 NVQ", "501/0000/1"), [data])
    texts = [_flat(t) for t in pages_text(pdf)]
    joined = " ".join(texts)
    parts = len(split_columns(data.outcomes))
    assert f"Part {parts} of {parts}" in joined
    for row in data.rows:
        # Every row label appears once per part of the matrix.
        assert joined.count(row.portfolio_ref) >= parts, row.portfolio_ref
    for o in data.outcomes:
        for ac in o.criteria:
            assert ac in joined
    assert "validity, authenticity, currency, reliability and sufficiency" in joined
    for code in ("Obs =", "Wt =", "EW =", "Sim =", "Ot ="):
        assert code in joined
    assert render_png(pdf, tmp_path)  # poppler can render every page


def test_a_5000_word_statement_flows_over_pages_without_loss(pack):
    statement = " ".join(f"w{i:04d}x" for i in range(5000))
    claim = dataclasses.replace(pack.claim, learner_statement=statement)
    pdf = build_claim_form(pack.header, claim)
    texts = pages_text(pdf)
    assert len(texts) >= 5
    found = words("\n".join(texts))
    missing = [w for w in statement.split() if w not in found]
    assert not missing, missing[:10]
    assert LEARNER_DECL in _flat(" ".join(texts))


def test_claim_pack_contents_points_at_the_right_pages(pack):
    pdf = build_claim_pack(pack)
    texts = [_flat(t) for t in pages_text(pdf)]
    contents = texts[0]
    assert "Claim pack" in contents and f"Page 1 of {len(texts)}" in contents
    expected = ["CLAIM-0001", "SUMMARY"] + [m.reference for m in pack.matrices] + [
        r.reference for r in pack.records] + ["WITNESSES"]
    for ref in expected:
        match = re.search(re.escape(ref) + r" (?:[0-9A-F]{4} ){2}[0-9A-F]{4} (\d+)", contents)
        assert match, ref
        page = int(match.group(1))
        assert f"Reference: {ref}" in texts[page - 1], (ref, page)
    joined = " ".join(texts)
    assert "Witnesses who signed" in joined and "Maria Lopez" in joined
    assert "Unit achievement summary" in joined


def test_sample_claim_pack_for_the_benchmark_builds():
    pack = sample_claim_pack(units=10, records=150)
    assert len(pack.records) == 150 and len(pack.matrices) == 10
    assert len(pages_text(build_claim_pack(pack))) > 150


def test_declarations_stay_with_their_signatures_without_wasting_pages(pack):
    claim = dataclasses.replace(pack.claim, learner_statement="Short learner statement.",
                                assessor_statement="Short assessor statement.")
    texts = [_flat(t) for t in pages_text(build_claim_form(pack.header, claim))]
    assert len(texts) == 2
    first = texts[0]
    assert LEARNER_DECL in first and "Learner signature" in first
    assert ASSESSOR_DECL in texts[1] and "Assessor signature" in texts[1]


def test_the_qr_code_on_a_page_carries_the_records_reference_and_signed_hash(pack, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    pngs = render_png(build_claim_form(pack.header, pack.claim), tmp_path, dpi=150)
    assert pngs
    found = {b.text for b in zxingcpp.read_barcodes(Image.open(pngs[0]))}
    assert f"FIELDFOLIO:CLAIM-0001:{pack.claim.content_hash.upper()}" in found
