"""A realistic claim pack built from dataclasses alone, for tests and the benchmarks
(`bench/` times `build_claim_pack(sample_claim_pack(10, 150))`)."""
from __future__ import annotations

import hashlib
import math
import struct
import zlib
from datetime import date, timedelta

from app.documents.model import (
    AttachmentRef, ClaimedUnitRow, ClaimFormData, ClaimPackData, CriterionRef, DiscussionBookmark,
    DiscussionRecordData, DocumentHeader, EvidenceMatrixData, MatrixOutcome, MatrixRow,
    ObservationRecordData, QuestionAnswer, QuestioningRecordData, SignatureBox,
    UnitAchievementRow, UnitAchievementSummaryData, WitnessEntry, WitnessListData,
    WitnessTestimonyData,
)

METHOD_CYCLE = ("Obs", "Q", "PD", "Wt", "Obs", "Obs", "Q", "PD")


def signature_png(seed: int = 1, width: int = 240, height: int = 70) -> bytes:
    """A scribble as a greyscale PNG, standing in for a signature drawn on screen."""
    pixels = [[255] * width for _ in range(height)]
    for t in range(width * 6):
        x = 10 + t * (width - 20) / (width * 6)
        y = height / 2 + math.sin(t / (14 + seed)) * height / 3 * math.cos(t / (90 + seed * 7))
        for dx in (0, 1):
            for dy in (0, 1):
                xi, yi = int(x) + dx, int(y) + dy
                if 0 <= xi < width and 0 <= yi < height:
                    pixels[yi][xi] = 20
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def _hash(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def sample_claim_pack(units: int = 3, records: int = 12, acs_per_unit: int = 12,
                      statement_words: int = 250) -> ClaimPackData:
    start = date(2025, 1, 6)
    header = DocumentHeader(centre="Northgate Training Centre", learner_name="Siân Okafor-Jones",
                            qualification_title="Level 2 NVQ Certificate in Customer Service",
                            qualification_number="501/0000/1", registration_number="EDI-448812",
                            uln="1234567890")
    png_learner, png_assessor, png_witness = signature_png(1), signature_png(3), signature_png(6)

    def signed(role, name, day, png):
        return SignatureBox(role, name, start + timedelta(days=day), png, "drawn on screen")

    unit_numbers = [f"2{i:02d}" for i in range(1, units + 1)]
    outcomes = {}
    for u in unit_numbers:
        los, left, lo = [], acs_per_unit, 1
        while left > 0:
            n = min(left, 3 + lo % 4)
            los.append(MatrixOutcome(str(lo), f"Learning outcome {lo} of unit {u}",
                                     [f"{lo}.{k}" for k in range(1, n + 1)]))
            left -= n
            lo += 1
        outcomes[u] = los
    word = ("The learner dealt with the customer courteously, checked the order history, "
            "explained the options and confirmed the outcome in writing. ").split()
    statement = " ".join(word[i % len(word)] for i in range(statement_words))

    evidence = []
    for i in range(records):
        unit = unit_numbers[i % units]
        los = outcomes[unit]
        acs = [ac for lo in los for ac in lo.criteria]
        covered = [acs[(i * 3 + k) % len(acs)] for k in range(4)]
        method = METHOD_CYCLE[i % len(METHOD_CYCLE)]
        ref = f"{method.upper()}-{i + 1:03d}"
        crit = [CriterionRef(unit, ac, f"Criterion {ac} of unit {unit}: describe and apply "
                                        "the organisation's service standards", "met")
                for ac in covered]
        evidence.append((unit, ref, method, covered, crit, i))

    matrices = []
    for u in unit_numbers:
        rows = [MatrixRow(ref, f"{m} evidence {ref}: handling a customer query at the counter",
                          m, {ac: "met" for ac in cov})
                for unit, ref, m, cov, _, _ in evidence if unit == u]
        all_acs = [ac for lo in outcomes[u] for ac in lo.criteria]
        rows.append(MatrixRow(f"PD-U{u}", "Professional discussion covering the remaining "
                              "criteria", "PD", {ac: "met" for ac in all_acs}))
        matrices.append(EvidenceMatrixData(
            f"MATRIX-{u}", u, f"Unit {u} title: deliver reliable customer service",
            outcomes[u], rows, signed("Learner", header.learner_name, 40, png_learner),
            signed("Assessor", "Dev Patel", 40, png_assessor),
            SignatureBox("Internal Verifier (if sampled)"), _hash("matrix", u),
            "Customer Service standards"))

    varcs = ["valid", "authentic", "current", "reliable", "sufficient"]
    docs = []
    for unit, ref, method, covered, crit, i in evidence:
        day = start + timedelta(days=i)
        h = _hash(ref)
        a = signed("Assessor", "Dev Patel", i, png_assessor)
        lrn = signed("Learner", header.learner_name, i, png_learner)
        # Every third record has a photo behind it, as portfolios usually do.
        files = [AttachmentRef(f"{ref.lower()}-counter.jpg", "image/jpeg", 1_843_200 + i,
                               _hash("file", ref), "The counter after the rush")] if i % 3 == 0 else []
        if method == "Obs":
            docs.append(ObservationRecordData(ref, f"Serving customers at the counter ({ref})",
                        day, "Front desk, Northgate Stores", statement[:600], crit,
                        "Good use of open questions.", "I felt confident.",
                        varcs, a, lrn, "09:30", "10:15", h, attachments=files))
        elif method == "PD":
            docs.append(DiscussionRecordData(ref, f"Discussion of complaint handling ({ref})",
                        day, "Staff room", "Complaints; escalation; records.", statement[:800],
                        [DiscussionBookmark(f"00:0{k}:30", [c], "covered in depth")
                         for k, c in enumerate(crit)], crit, a, lrn,
                        f"audio/{ref}.m4a", h, "35 minutes", varcs, attachments=files))
        elif method == "Q":
            docs.append(QuestioningRecordData(ref, f"Questions on service standards ({ref})",
                        day, "oral", [QuestionAnswer(f"How would you handle case {k}?",
                        "I would listen, apologise, check the facts and agree what happens next.",
                        [c], "satisfactory") for k, c in enumerate(crit, 1)], a, lrn, h,
                        varcs, crit, attachments=files))
        else:
            docs.append(WitnessTestimonyData(ref, f"Witness testimony ({ref})", day,
                        "Maria Lopez", "Store manager", "Line manager", "01632 960123",
                        statement[:500], crit,
                        signed("Witness", "Maria Lopez", i, png_witness), a, content_hash=h,
                        seen_when="Most weeks since January", judgement=varcs,
                        attachments=files))

    witness_refs = [d.reference for d in docs if isinstance(d, WitnessTestimonyData)]
    witnesses = WitnessListData("WITNESSES", [WitnessEntry(
        "Maria Lopez", "Store manager", "Line manager", "01632 960123", witness_refs,
        signed("Witness", "Maria Lopez", 1, png_witness))] if witness_refs else [],
        _hash("witnesses"))
    claim = ClaimFormData(
        "CLAIM-0001",
        [ClaimedUnitRow(u, f"Unit {u} title: deliver reliable customer service",
                        start + timedelta(days=40), "SOJ", "DP") for u in unit_numbers],
        True, statement, statement,
        signed("Learner", header.learner_name, 45, png_learner),
        signed("Assessor", "Dev Patel", 45, png_assessor),
        SignatureBox("Internal Verifier (if sampled)"),
        "This choice of units meets the rules of combination.", _hash("claim"))
    summary = UnitAchievementSummaryData("SUMMARY", [
        UnitAchievementRow(u, f"Unit {u} title: deliver reliable customer service",
                           "Mandatory", 5, acs_per_unit, acs_per_unit,
                           start + timedelta(days=40), "signed off") for u in unit_numbers],
        "This choice of units meets the rules of combination.", _hash("summary"))
    return ClaimPackData(header, claim, summary, matrices, docs, witnesses)
