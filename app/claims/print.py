"""Which document to build from a pack of data: the one entry point the window, the command
line and the benchmarks share."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.documents.model import ClaimPackData

WHAT = ("claim-pack", "matrix", "records")


def pdf_for(pack: ClaimPackData, what: str = "claim-pack") -> bytes:
    # ReportLab is loaded when something is printed, not at every command line start
    # (the pdf command's options list WHAT; a tenth of a second for `demo` or `learners`).
    from app.documents.claim_pack import build_claim_pack
    from app.documents.evidence_matrix import build_evidence_matrix
    from app.documents.records import build_records
    if what == "matrix":
        return build_evidence_matrix(pack.header, pack.matrices)
    if what == "records":
        return build_records(pack.header, pack.records, pack.witnesses, pack.summary)
    return build_claim_pack(pack)
