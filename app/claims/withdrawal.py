"""Withdrawing a unit sign-off or a claim that nobody has signed yet: the summative date was
typed wrong, or the claim was started with the wrong units, and neither can be edited once
made. The row is tombstoned (never deleted) and the reason goes in the audit trail, where an
IQA looks for why CLAIM-001 was followed by CLAIM-002.

Nothing signed is withdrawn. A signature is a decision on file ("a signed record never
changes"), the database triggers refuse a tombstone on a signed row too, and an IQA sample
or a claim can only rest on signed sign-offs, so those never need a rule of their own here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.claims.claim import RECORD_TYPE as CLAIM
from app.claims.sign_off import RECORD_TYPE as SIGN_OFF
from app.db.base import utcnow
from app.models import AuditEvent, Unit
from app.models.claims import Claim, UnitSignOff
from app.signing.audit import record_event
from app.signing.locking import signed_by

REASON_LIMIT = 2000
# The audit summary reads "<what> withdrawn. Reason: <reason>"; the reason is read back
# from after this mark to print it on a withdrawn claim.
REASON_MARK = " withdrawn. Reason: "


@dataclass(frozen=True)
class Withdrawal:
    withdrawn_on: date
    by: str
    reason: str

    def sentence(self) -> str:
        by = f" by {self.by}" if self.by else ""
        why = f" Reason: {self.reason}" if self.reason else ""
        return f"Withdrawn on {self.withdrawn_on:%d/%m/%Y}{by}.{why}"


@dataclass(frozen=True)
class WithdrawnClaim:
    id: str
    reference: str
    unit_numbers: list[str]
    full_award: bool
    withdrawal: Withdrawal


def _sign_off_name(session: Session, row: UnitSignOff) -> str:
    unit = session.get(Unit, row.unit_id)
    return f"Unit {unit.number if unit else '?'} sign-off"


@dataclass(frozen=True)
class _Kind:
    model: type
    word: str                                    # "sign-off"
    name: Callable[[Session, Any], str]          # "Unit 202 sign-off", "CLAIM-001"
    detail: Callable[[Any], str] = lambda row: ""   # added to the name in the audit trail


KINDS = {
    SIGN_OFF: _Kind(UnitSignOff, "sign-off", _sign_off_name,
                    lambda row: f" (summative date {row.summative_date:%d/%m/%Y})"),
    CLAIM: _Kind(Claim, "claim", lambda session, row: row.reference),
}


def withdrawal_refusal(session: Session, record_type: str, record_id: str) -> str | None:
    """Why this sign-off or claim cannot be withdrawn, in words to show as they are; None
    if it can."""
    kind = KINDS[record_type]
    row = session.get(kind.model, record_id)
    if row is None:
        return f"That {kind.word} no longer exists."
    name = kind.name(session, row)
    if row.deleted_at is not None:
        return f"{name} has already been withdrawn."
    return signed_refusal(session, record_type, row)


def signed_refusal(session: Session, record_type: str, row) -> str | None:
    """Why a signed sign-off or claim cannot be withdrawn; None if nobody has signed it.
    The centre refuses a pushed withdrawal in these same words (server/stays_signed.py)."""
    kind = KINDS[record_type]
    signed = signed_by(session, record_type, row.id)
    if signed:
        return (f"{kind.name(session, row)} is signed by {signed}. A signed {kind.word} stays "
                "on file as it was signed, so it cannot be withdrawn.")
    return None


def _withdraw(session: Session, record_type: str, record_id: str, reason: str) -> None:
    kind = KINDS[record_type]
    problems = {}
    refusal = withdrawal_refusal(session, record_type, record_id)
    if refusal:
        problems["record"] = refusal
    if not (reason or "").strip():
        problems["reason"] = (f"Say why the {kind.word} is withdrawn: the reason stays in the "
                              "audit trail.")
    elif len(reason.strip()) > REASON_LIMIT:
        problems["reason"] = (f"The reason is too long ({len(reason.strip())} characters; "
                              f"at most {REASON_LIMIT}).")
    if problems:
        raise InvalidInput(problems)
    row = session.get(kind.model, record_id)
    row.deleted_at = utcnow()
    session.flush()
    record_event(session, "withdrawn", record_type, record_id, learner_id=row.learner_id,
                 summary=f"{kind.name(session, row)}{kind.detail(row)}{REASON_MARK}"
                         f"{reason.strip()}")


def withdraw_sign_off(session: Session, sign_off_id: str, reason: str) -> None:
    """Take back a sign-off nobody has signed: the unit is ready to sign off again."""
    _withdraw(session, SIGN_OFF, sign_off_id, reason)


def withdraw_claim(session: Session, claim_id: str, reason: str) -> None:
    """Take back a claim nobody has signed; it stays listed, and prints, as withdrawn."""
    _withdraw(session, CLAIM, claim_id, reason)


def withdrawal_of(session: Session, record_type: str, record_id: str) -> Withdrawal | None:
    """When, by whom and why a sign-off or claim was withdrawn; None while it stands."""
    row = session.get(KINDS[record_type].model, record_id)
    if row is None or row.deleted_at is None:
        return None
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.record_id == record_id, AuditEvent.action == "withdrawn")
        .order_by(AuditEvent.occurred_at.desc())).first()
    if event is None:   # tombstoned by something other than a withdrawal
        return Withdrawal(_day(row.deleted_at), "", "")
    return Withdrawal(_day(event.occurred_at), event.actor_name,
                      event.summary.partition(REASON_MARK)[2])


def _day(moment: datetime) -> date:
    return moment.astimezone().date() if moment.tzinfo else moment.date()


def withdrawn_claims(session: Session, enrolment_id: str) -> list[WithdrawnClaim]:
    """The enrolment's withdrawn claims, oldest first, so the list keeps every reference
    (with those of an enrolment joined into it at a merge)."""
    from app.caseload.same_enrolment import enrolment_family
    rows = session.scalars(select(Claim).where(
        Claim.enrolment_id.in_(enrolment_family(session, enrolment_id)),
        Claim.deleted_at.is_not(None))
        .order_by(Claim.created_at)).all()
    out = []
    for row in rows:
        ids = json.loads(row.sign_offs_json or "[]")
        numbers = dict(session.execute(
            select(UnitSignOff.id, Unit.number).join(Unit, Unit.id == UnitSignOff.unit_id)
            .where(UnitSignOff.id.in_(ids or [""]))).all())
        out.append(WithdrawnClaim(row.id, row.reference, [numbers.get(i, "?") for i in ids],
                                  row.full_award, withdrawal_of(session, CLAIM, row.id)))
    return out
