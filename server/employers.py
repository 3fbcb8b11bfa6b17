"""Who may change a shared employer. Employers are the centre's, not one laptop's: every
assessor's learners may be placed with the same one, so a laptop's own check (it counts the
learners it holds) cannot see another assessor's learners there. The centre counts them all.

An IQA's laptop adds only samples and IQA signatures (README, server/permissions.py), so it
changes no employer at all; the assessors whose learners work there keep them current.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.auth import CallingDevice

IQA_KEEPS_NO_EMPLOYERS = ("an IQA's laptop does not add, change or delete employers: the "
                          "assessors whose learners work there keep them")


def refusal_to_change_employer(session: Session, device: CallingDevice, row: dict,
                               existing: dict | None, lookups=None) -> str | None:
    """Why this device may not write the employer `row` (None if it may)."""
    if device.role == "iqa":
        return IQA_KEEPS_NO_EMPLOYERS
    deleting = row.get("deleted_at") is not None and (
        existing is None or existing.get("deleted_at") is None)
    if not deleting:
        return None
    if lookups is not None:
        lookups.flush(session)   # a learner new in this same batch is placed there too
    from app.models import Learner
    placed = session.scalar(select(func.count()).select_from(Learner).where(
        Learner.employer_id == row["id"], Learner.deleted_at.is_(None),
        Learner.merged_into_id.is_(None)))
    if not placed:
        return None
    # Counted, not named: some of them may be other assessors' learners.
    learners = f"{placed} learners at the centre are" if placed > 1 else \
        "1 learner at the centre is"
    name = (existing or row).get("name") or "This employer"
    return (f"{name} was not deleted: {learners} placed there (perhaps another "
            f"assessor's). It is kept as the centre has it; it can be deleted once every "
            f"learner there has another employer on their Details")
