"""Who may see and change what: an assessor their assigned learners, an IQA theirs (and
only IQA records in them), an admin no laptop data at all.

Checked on every pushed record and every pull, from the database each time (no session
state). Refusals name the record and the reason; they are stored and logged by the caller.
"""
from __future__ import annotations

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.sync.protocol import CENTRE_SCOPE
from server.auth import CallingDevice
from server.employers import refusal_to_change_employer
from server.models import LearnerAssignment

ASSESSOR_ROLES = ("assessor", "trainee_assessor")
# Centre-wide tables a laptop may add to or change: names, employers (not an IQA's, and
# none deleted while learners are placed there: server/employers.py), its own signing key,
# the question bank. Staff accounts and the policy are the admin's (server-admin).
CENTRE_TABLES_FROM_LAPTOPS = {"employer", "question_bank_entry", "device_key", "centre",
                              "staff_member", "audit_event", "signature"}
# What an IQA adds to a learner's portfolio: their signatures and samples (the sample
# columns of sign-offs and claims, checked below) and the audit trail of both.
IQA_TABLES = {"signature", "audit_event", "unit_sign_off", "claim"}
IQA_SAMPLE_COLUMNS = {"iqa_sampled_on", "iqa_initials", "iqa_name", "updated_at", "version",
                      "device_id"}


# Built once: statement construction, not the query, was most of a pushed change's cost.
_ASSIGNED = select(LearnerAssignment.__table__).where(
    LearnerAssignment.learner_id == bindparam("learner_id"))
_ASSIGN = insert(LearnerAssignment.__table__)


def visible_learners(session: Session, device: CallingDevice) -> list[str]:
    column = {"iqa": LearnerAssignment.iqa_id}.get(device.role)
    if device.role in ASSESSOR_ROLES:
        column = LearnerAssignment.assessor_id
    if column is None:
        return []
    seen = list(session.scalars(select(LearnerAssignment.learner_id).where(
        column == device.staff_id).order_by(LearnerAssignment.learner_id)))
    return seen + merged_into(session, seen)


def merged_into(session: Session, learner_ids: list[str]) -> list[str]:
    """Learners merged into these (a learner created twice, app/caseload/merge.py): the
    duplicate's signed records stay on it and are read under the learner kept, so whoever
    sees the one kept sees them. Usually none: one query for every merge at the centre."""
    from app.models import Learner
    links = session.execute(select(Learner.id, Learner.merged_into_id).where(
        Learner.merged_into_id.is_not(None))).all()
    if not links:
        return []
    reached, out, frontier = set(learner_ids), [], set(learner_ids)
    while frontier:
        frontier = {i for i, into in links if into in frontier and i not in reached}
        reached |= frontier
        out += sorted(frontier)
    return out


def may_see(session: Session, device: CallingDevice, scope: str) -> bool:
    if scope == CENTRE_SCOPE:
        return device.role != "admin"
    row = session.get(LearnerAssignment, scope)
    if row is not None and device.role in ASSESSOR_ROLES and row.assessor_id == device.staff_id:
        return True
    if row is not None and device.role == "iqa" and row.iqa_id == device.staff_id:
        return True
    from app.models import Learner
    learner = session.get(Learner, scope)   # a merged duplicate: seen with the one kept
    return bool(learner and learner.merged_into_id) and \
        may_see(session, device, learner.merged_into_id)


def _allows(assignment, device: CallingDevice) -> bool:
    if device.role in ASSESSOR_ROLES:
        return assignment.assessor_id == device.staff_id
    return device.role == "iqa" and assignment.iqa_id == device.staff_id


def _kept_learners_assignment(session: Session, scope: str):
    """A merged duplicate's records (app/caseload/merge.py) are worked on by whoever has
    the learner kept: an IQA sampling a claim signed under the duplicate, an assessor who
    took the learner over printing a record signed there. None if `scope` is no duplicate."""
    from app.models import Learner
    seen = {scope}
    kept = session.scalar(select(Learner.merged_into_id).where(Learner.id == scope))
    while kept and kept not in seen:
        seen.add(kept)
        onward = session.scalar(select(Learner.merged_into_id).where(Learner.id == kept))
        if not onward:
            return session.connection().execute(_ASSIGNED, {"learner_id": kept}).first()
        kept = onward
    return None


def refusal_to_change(session: Session, device: CallingDevice, table: str, scope: str,
                      row: dict, existing: dict | None, lookups=None) -> str | None:
    """Why this device may not write `row` (None if it may). Creates the assignment of a
    learner an assessor's laptop pushes for the first time. `lookups` (a pushed batch's
    server/push_batch.BatchLookups) answers the assignment without a query when it can."""
    if device.role == "admin":
        return "an admin account does not change portfolios from a laptop"
    if scope == CENTRE_SCOPE:
        if table not in CENTRE_TABLES_FROM_LAPTOPS:
            return f"{table} records are kept by the centre's admin"
        if table == "device_key" and row.get("owner_device_id") != device.id:
            return "a laptop may register only its own signing key"
        if table == "employer":
            return refusal_to_change_employer(session, device, row, existing, lookups)
        return None
    if lookups is not None and scope in lookups.assignments:
        assignment = lookups.assignments[scope]
    else:
        assignment = session.connection().execute(_ASSIGNED, {"learner_id": scope}).first()
    if assignment is None:
        if table == "learner" and existing is None and device.role in ASSESSOR_ROLES:
            values = {"learner_id": scope, "assessor_id": device.staff_id,
                      "assigned_at": utcnow()}
            if lookups is not None:  # written with the batch's other new rows
                lookups.assign_later(values)
                lookups.assigned(scope, device.staff_id)
            else:
                session.connection().execute(_ASSIGN, values)
            return None
        return "this learner is not assigned to you at the centre"
    if not _allows(assignment, device):
        assignment = _kept_learners_assignment(session, scope) or assignment
    if device.role in ASSESSOR_ROLES:
        if assignment.assessor_id != device.staff_id:
            return "this learner is assigned to another assessor"
        return None
    if device.role == "iqa":
        if assignment.iqa_id != device.staff_id:
            return "you are not the IQA for this learner"
        if table not in IQA_TABLES:
            return f"an IQA adds only samples and signatures, not {table.replace('_', ' ')}s"
        if table == "signature" and row.get("role") != "iqa":
            return "an IQA's laptop signs only as IQA"
        if table in ("unit_sign_off", "claim"):
            if existing is None:
                return "an IQA samples sign-offs and claims, and does not make them"
            changed = {k for k, v in row.items() if existing.get(k) != v}
            if changed - IQA_SAMPLE_COLUMNS:
                return f"an IQA may change only the sample, not {', '.join(sorted(changed - IQA_SAMPLE_COLUMNS))}"
        return None
    return "your role may not change portfolios"

