"""Which scope a synced record belongs to: its learner, or the centre as a whole.

A scope is what a member of staff is allowed to see (an assessor their learners, an IQA
theirs) and the unit the centre counts changes in (server/clock.py). Tables with a
learner_id column belong to that learner; the others listed here follow their parent;
anything else (staff, employers, device keys, policy, question bank) is the centre's.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.protocol import CENTRE_SCOPE
from app.sync.wire import table_of

# child table -> (parent table, column naming the parent)
PARENT = {
    "enrolment_unit": ("enrolment", "enrolment_id"),
    "criterion_mapping": ("evidence_record", "record_id"),
    "attachment": ("evidence_record", "record_id"),
}


def register_parent(table: str, parent: str, column: str) -> None:
    """For a new learner-bound table without a learner_id column of its own."""
    PARENT[table] = (parent, column)


class UnknownParent(LookupError):
    """The record's parent is not in this database (yet)."""


def _learner_of(session: Session, table: str, record_id: str | None,
                known: Callable | None = None) -> str | None:
    if table == "learner":
        return record_id
    t = table_of(table)
    row = known(table, record_id) if known is not None else False
    if row is not False:  # a caller that already holds the rows (a pushed batch)
        if row is None:
            return None
        if "learner_id" in t.c:
            return row.get("learner_id")
        if table in PARENT:
            parent, column = PARENT[table]
            ref = row.get(column)
            return _learner_of(session, parent, ref, known) if ref else None
        return None
    if "learner_id" in t.c:
        return session.execute(select(t.c.learner_id).where(t.c.id == record_id)).scalar()
    if table in PARENT:
        parent, column = PARENT[table]
        ref = session.execute(select(t.c[column]).where(t.c.id == record_id)).scalar()
        return _learner_of(session, parent, ref, known) if ref else None
    return None


def scope_of(session: Session, table: str, row: dict, known: Callable | None = None) -> str:
    """The scope of `row` (a decoded record of `table`), looking parents up in `session`,
    or first in `known(table, id)` (a row, None for "not here", False for "not known")."""
    if table == "learner":
        return row["id"]
    if "learner_id" in row:
        return row["learner_id"] or CENTRE_SCOPE
    if table == "amendment":
        original = row.get("record_type") or ""
        try:
            learner = _learner_of(session, original, row.get("original_id"))
        except Exception:
            learner = None
        return learner or CENTRE_SCOPE
    if table in PARENT:
        parent, column = PARENT[table]
        learner = _learner_of(session, parent, row.get(column), known)
        if learner is None:
            raise UnknownParent(f"{table} {row.get('id')} belongs to {parent} {row.get(column)}, "
                                f"which is not here")
        return learner
    return CENTRE_SCOPE
