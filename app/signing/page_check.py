"""Checking a printed page: what it is, who signed it and when, and whether it still stands.

Every page Fieldfolio prints carries its record's reference and the signed content hash:
in full in the QR code (`FIELDFOLIO:<REF>:<SHA-256>`, app/documents/page.py), and its first
12 hex digits as the footer's fingerprint ("3015 FEF1 499F"), which a person can type.
`check_code` takes either (or a reference and fingerprint typed together) and finds the
signatures over that content. A page matches, or it does not: "does not match anything
signed" is the answer for a page whose code was altered, made up, or printed from a
database that was not this one. No Qt, no data folder: the centre can offer the same.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Signature
from app.models.signing import SIGNER_ROLES
from app.signing.amend import amendment_of
from app.signing.check import content_problem
from app.signing.locking import signatures_on
from app.signing.registry import signable

QR = re.compile(r"^FIELDFOLIO:(?P<ref>.*):(?P<kind>GENERATED:)?(?P<hash>[0-9A-F]{64}|UNSIGNED)$",
                re.IGNORECASE)
TYPED = re.compile(r"(?P<ref>[A-Z0-9][A-Z0-9\-/ ()]*?)?\s*(?P<fp>(?:[0-9A-F]{4}\s*){3})$",
                   re.IGNORECASE)


@dataclass
class PageCheck:
    code: str
    ok: bool                           # the page matches content someone signed
    what: str = ""                     # "Observation OBS-001 “…” for Kwame Mensah"
    signed_by: list[str] = field(default_factory=list)   # "Kwame Mensah (learner), 03/12/2026"
    standing: str = ""                 # current / superseded / withdrawn / changed since
    problem: str = ""                  # why it does not match, when it does not

    def lines(self) -> list[str]:
        if not self.ok:
            return [f"{self.code}: {self.problem}"]
        return [f"{self.what}", *(f"  signed by {s}" for s in self.signed_by),
                f"  {self.standing}"]


def _standing(session: Session, record_type: str, record_id: str, sigs: list[Signature]) -> str:
    sig = signable(record_type)
    if sig is not None and sig.is_deleted(session, record_id):
        return "Withdrawn: this page no longer stands (see the audit trail for why)."
    for s in sigs:
        problem = content_problem(session, s)
        if problem:
            return f"Does NOT stand: the record has {problem}. Run `fieldfolio verify`."
    later = amendment_of(session, record_id)
    if later is not None:
        summary = sig.describe(session, later.amended_id) if sig else None
        done = bool(signatures_on(session, record_type, later.amended_id))
        return (f"Superseded by a correction made {later.created_at:%d/%m/%Y}"
                + (f" ({summary.kind})" if summary else "")
                + ("" if done else ", not yet signed: this page still counts until it is")
                + f". Reason: {later.reason}")
    return "Current: the record is as it was signed."


def _parse(code: str) -> tuple[str, str, bool] | None:
    """(reference, hash or 12-digit prefix in lower case, generated) from a QR or typed code."""
    text = " ".join(code.strip().split())
    m = QR.match(text)
    if m:
        return m["ref"], m["hash"].lower(), bool(m["kind"])
    m = TYPED.search(text.replace("Fingerprint:", " ").strip())
    if m:
        return (m["ref"] or "").strip(), re.sub(r"\s", "", m["fp"]).lower(), False
    return None


def check_code(session: Session, code: str) -> PageCheck:
    parsed = _parse(code)
    if parsed is None:
        return PageCheck(code, False, problem="not a Fieldfolio page code (a QR's text, or the "
                                              "footer's reference and fingerprint)")
    reference, digest, generated = parsed
    if generated:
        return PageCheck(code, False, problem=f"{reference} is a page generated from the "
                                              f"records (a summary), not itself signed: check "
                                              f"the records it lists")
    if digest == "unsigned":
        return PageCheck(code, False, problem=f"{reference} was printed before anyone signed "
                                              f"it: the page proves nothing")
    query = select(Signature).order_by(Signature.signed_at)
    query = query.where(Signature.content_hash == digest) if len(digest) == 64 else \
        query.where(Signature.content_hash.like(f"{digest}%"))
    matches = list(session.scalars(query))
    records = {(s.record_type, s.record_id) for s in matches}
    if not records:
        return PageCheck(code, False, problem="does not match anything signed in this "
                                              "database: the page was altered, made up, or "
                                              "printed from another database")
    if len(records) > 1:
        return PageCheck(code, False, problem="matches more than one signed record: read the "
                                              "full code from the page's QR")
    (record_type, record_id), = records
    sig = signable(record_type)
    summary = sig.describe(session, record_id) if sig else None
    # A page printed before a second record signed its reference says "OBS-001", one
    # printed after "OBS-001/A3F2" (app/evidence/printed_reference.py): both are its.
    if reference and summary and record_type == "evidence_record" and \
            reference.split(" (")[0].upper() not in {
                summary.portfolio_ref.upper(), _bare_reference(session, record_id).upper()}:
        return PageCheck(code, False, problem=f"the fingerprint is {summary.portfolio_ref}'s, "
                                              f"but the page says {reference}")
    every = signatures_on(session, record_type, record_id)
    return PageCheck(code, True, summary.label() if summary else record_type,
                     [f"{s.signer_name} ({SIGNER_ROLES.get(s.role, s.role).lower()}), "
                      f"{s.signed_at:%d/%m/%Y %H:%M} UTC" for s in every],
                     _standing(session, record_type, record_id, every))


def _bare_reference(session: Session, record_id: str) -> str:
    from app.models import EvidenceRecord
    record = session.get(EvidenceRecord, record_id)
    return record.portfolio_ref if record else ""


def check_pages(session: Session, given: str) -> list[tuple[str, PageCheck | None]]:
    """(where on the paper, its check or None for a page with no code) for a typed code or
    a PDF or scan's path. Raises page_reading.UnreadablePage for a file that is neither."""
    from pathlib import Path

    from app.signing.page_reading import codes_in_file
    found = codes_in_file(Path(given)) if Path(given).is_file() else [("", given)]
    return [(where, check_code(session, code) if code else None) for where, code in found]
