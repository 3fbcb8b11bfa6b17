"""A signed record stays signed: a push may not take it out of 'signed' nor delete it.

A signature covers a record's content (app/signing/coverage.py), not its `state` nor its
tombstone (`deleted_at`), so refusal_to_unsign (server/signatures.py), which recomputes the
content, lets both through. Yet the centre counts a record as signed by the signature it
holds (server/awaiting_signature.py): a signed observation pushed back to draft would be
counted as signed with a row saying draft, and sent so to laptops that pull it (whose verify
finds it "holds signatures but is marked 'draft', as if never signed"); a deleted one would
leave the portfolio with its signatures still on file.

No laptop does either: its database refuses any change to signed evidence and a tombstone
on a signed sign-off or claim (app/signing/triggers.py, app/claims/triggers.py); a
correction is an amendment, a new record (app/signing/amend.py); withdrawal, erasure and
merging leave signed rows alone. So such a push comes from a laptop altered outside
Fieldfolio, and is refused as any change to signed content is. Asked before the change is
written, so the record is named as the centre holds it.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.signing.locking import MAKE_AN_AMENDMENT, signed_by
from app.signing.registry import signable

EVIDENCE = "evidence_record"
SIGN_OFF_AND_CLAIM = ("unit_sign_off", "claim")
# What each state a laptop sets by hand means to the assessor (app/evidence/records.py).
OUT_OF_SIGNED = {"draft": "put back to draft", "ready": "marked ready for signatures again"}


def refusal_to_leave_signed(session: Session, table: str, row: dict) -> str | None:
    """Why writing `row` would take a record the centre holds signatures on out of
    'signed' or delete it, in the assessor's words; None if it does neither."""
    if table == EVIDENCE:
        if row.get("deleted_at") is None and row.get("state") == "signed":
            return None
    elif table not in SIGN_OFF_AND_CLAIM or row.get("deleted_at") is None:
        return None
    signed = signed_by(session, table, row["id"])
    if not signed:
        return None     # unsigned: it may go back to draft, or be deleted or withdrawn
    if table != EVIDENCE:
        from app.claims.withdrawal import KINDS, signed_refusal
        return signed_refusal(session, table, session.get(KINDS[table].model, row["id"]))
    name = signable(EVIDENCE).describe(session, row["id"]).label()
    if row.get("deleted_at") is not None:
        return (f"{name} is signed by {signed}. A signed record stays on file as it was "
                f"signed, so it cannot be deleted: {MAKE_AN_AMENDMENT}.")
    change = OUT_OF_SIGNED.get(row.get("state"), f"marked '{row.get('state')}'")
    return f"{name} is signed by {signed}. A signed record stays signed, so it cannot be " \
           f"{change}: {MAKE_AN_AMENDMENT}."
