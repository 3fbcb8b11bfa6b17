"""The claim pack: everything for one claim in one PDF, after a contents page, in the order
an IQA reads it: claim form, unit achievement summary, evidence matrices, records (every
method, by portfolio reference), witnesses."""
from __future__ import annotations

from app.documents.claim_form import claim_form_section
from app.documents.evidence_matrix import evidence_matrix_section
from app.documents.model import ClaimPackData
from app.documents.page import render_with_contents
from app.documents.records import (
    achievement_summary_section, in_reference_order, record_section, witness_list_section,
)


def claim_pack_sections(pack: ClaimPackData) -> list:
    sections = []
    if pack.claim:
        sections.append(claim_form_section(pack.header, pack.claim))
    if pack.summary:
        sections.append(achievement_summary_section(pack.summary))
    sections += [evidence_matrix_section(pack.header, m) for m in pack.matrices]
    sections += [record_section(r) for r in in_reference_order(pack.records)]
    if pack.witnesses:
        sections.append(witness_list_section(pack.witnesses))
    return sections


def build_claim_pack(pack: ClaimPackData) -> bytes:
    return render_with_contents(pack.header, claim_pack_sections(pack), "Claim pack")
