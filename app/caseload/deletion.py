"""Whether a learner may be deleted, and what the assessor must be asked first.

A learner with signed work is never deleted: their signatures are the centre's record of
who signed what, kept for years (withdrawing the enrolment or marking it completed are the
routes). A learner with evidence may be deleted, but only after the assessor has been told
how much goes with them. Deleting is a tombstone either way, restored at any time from the
caseload's Deleted filter or `fieldfolio learner-restore`.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import EvidenceRecord, Learner, Signature

ALLOWED, ASK, REFUSED = "allowed", "ask", "refused"


@dataclass(frozen=True)
class DeletionCheck:
    verdict: str        # ALLOWED, ASK (confirm first) or REFUSED
    words: str          # what to tell the assessor
    name: str


def deletion_check(session: Session, learner_id: str) -> DeletionCheck:
    learner = session.get(Learner, learner_id)
    if learner is None or learner.deleted_at is not None:
        return DeletionCheck(REFUSED, "That learner is not in the caseload.", "")
    name = learner.full_name
    signatures = signature_count(session, learner_id)
    if signatures:
        return DeletionCheck(REFUSED, (
            f"{name} cannot be deleted: their portfolio holds signed work ({signatures} "
            f"signature{'s' if signatures != 1 else ''}), which the centre must keep. To take "
            f"them off the active caseload, withdraw the enrolment or mark it completed "
            f"(Enrolments and units)."), name)
    records = _live(session, EvidenceRecord, learner_id)
    if records:
        return DeletionCheck(ASK, (
            f"Delete {name} and their {records} evidence record{'s' if records != 1 else ''}? "
            f"Nothing is erased: Undo (Ctrl+Z) brings them back, and so does the caseload's "
            f"Deleted filter at any time, after a restart too."), name)
    return DeletionCheck(ALLOWED, "", name)


def signature_count(session: Session, learner_id: str) -> int:
    """How many signatures the learner's work carries: what makes it "signed work" that is
    never deleted here, and whose name does not change (app/caseload/name_as_signed.py)."""
    return _live(session, Signature, learner_id)


def _live(session: Session, model, learner_id: str) -> int:
    """How many rows of `model` the learner has that are not tombstoned."""
    return session.scalar(select(func.count()).select_from(model).where(
        model.learner_id == learner_id, model.deleted_at.is_(None)))
