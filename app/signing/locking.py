"""A record with any signature is locked. Operations ask here before changing a record and
refuse with a reason the user can act on; the database triggers (app/signing/triggers.py)
refuse the same change from any code path that forgot to ask."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.models import Signature
from app.models.signing import SIGNER_ROLES


# What the assessor does instead of changing a signed record (app/signing/amend.py).
MAKE_AN_AMENDMENT = "make an amendment, which keeps this version and needs its own signatures"


def signatures_on(session: Session, record_type: str, record_id: str) -> list[Signature]:
    return list(session.scalars(select(Signature).where(
        Signature.record_type == record_type, Signature.record_id == record_id)
        .order_by(Signature.signed_at)))


def signed_by(session: Session, record_type: str, record_id: str) -> str:
    """'Amelia Hughes (learner) on 12/03/2026 and Alex Morgan (assessor) on 12/03/2026', or
    "" when nobody has signed: who a refusal says the record is signed by."""
    return " and ".join(f"{s.signer_name} ({SIGNER_ROLES.get(s.role, s.role).lower()}) on "
                        f"{s.signed_at:%d/%m/%Y}"
                        for s in signatures_on(session, record_type, record_id))


def is_locked(session: Session, record_type: str, record_id: str) -> bool:
    return session.scalars(select(Signature.id).where(
        Signature.record_type == record_type, Signature.record_id == record_id).limit(1)).first() is not None


def lock_reason(session: Session, record_type: str, record_id: str) -> str | None:
    """'Signed by Amelia Hughes (learner) on 12/03/2026 ...' or None when editable."""
    sigs = signatures_on(session, record_type, record_id)
    if not sigs:
        return None
    who = ", ".join(f"{s.signer_name} ({SIGNER_ROLES.get(s.role, s.role).lower()}) on "
                    f"{s.signed_at.strftime('%d/%m/%Y')}" for s in sigs)
    return f"Signed by {who}. A signed record cannot be changed: {MAKE_AN_AMENDMENT}."


def ensure_editable(session: Session, record_type: str, record_id: str) -> None:
    """Raise InvalidInput({'record': reason}) if the record carries any signature."""
    reason = lock_reason(session, record_type, record_id)
    if reason:
        raise InvalidInput({"record": reason})
