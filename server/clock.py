"""Marking server-side writes so pulls find them: the per-scope clock and the change log.

`mark_changed` must be the last thing a writing transaction does. Bumping a scope's clock
takes that row's lock until commit, so writers in one scope get their numbers in commit
order: a laptop whose cursor is N has already seen every change numbered up to N, even
when transactions overlap on PostgreSQL. (A sequence, or a timestamp, is taken early and
committed late, and a cursor moved past it skips that row for ever.) After them, the
clocks of the staff who see the changed learners (`bump_watchers`): a laptop asks those,
and the centre's, to learn in one read that there is nothing to pull.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.protocol import CENTRE_SCOPE
from server.models import ChangeLog, LearnerAssignment, ScopeClock, StaffClock

SCOPE_CLOCK, CHANGE_LOG = ScopeClock.__table__, ChangeLog.__table__
STAFF_CLOCK, ASSIGNMENT = StaffClock.__table__, LearnerAssignment.__table__
CHUNK = 500


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def mark_changed(session: Session, changes: Iterable[tuple[str, str, str, int]],
                 device_id: str = "centre") -> dict[str, int]:
    """changes: (table_name, record_id, scope, version). Returns each scope's new clock.

    Three steps whatever the batch: one upsert bumps (or creates) every scope's clock, in
    sorted order so two transactions never wait on each other in a circle; the new clocks
    are read back; one upsert files every record under its scope's new number."""
    latest: dict[tuple[str, str], tuple[str, int]] = {}
    for table_name, record_id, scope, version in changes:
        latest[(table_name, record_id)] = (scope, version)
    if not latest:
        return {}
    insert = _insert(session)
    scopes = sorted({scope for scope, _ in latest.values()})
    # Core statements run as executemany: one multi-row VALUES would be compiled afresh
    # for every batch size, which cost more than running it.
    bump = insert(SCOPE_CLOCK)
    bump = bump.on_conflict_do_update(index_elements=["scope"],
                                      set_={"clock": SCOPE_CLOCK.c.clock + 1})
    session.execute(bump, [{"scope": s, "clock": 1} for s in scopes])
    clocks: dict[str, int] = {}
    for i in range(0, len(scopes), CHUNK):  # this transaction holds their locks: its own values
        clocks.update(session.execute(select(SCOPE_CLOCK.c.scope, SCOPE_CLOCK.c.clock).where(
            SCOPE_CLOCK.c.scope.in_(scopes[i:i + CHUNK]))).all())
    rows = [{"table_name": t, "record_id": r, "scope": scope, "clock": clocks[scope],
             "version": version, "device_id": device_id}
            for (t, r), (scope, version) in latest.items()]
    filed = insert(CHANGE_LOG)
    filed = filed.on_conflict_do_update(
        index_elements=["table_name", "record_id"],
        set_={"scope": filed.excluded.scope, "clock": filed.excluded.clock,
              "version": filed.excluded.version, "device_id": filed.excluded.device_id})
    session.execute(filed, rows)
    bump_watchers(session, _watchers(session, [s for s in scopes if s != CENTRE_SCOPE]))
    return clocks


def announce_catalogue_change(session: Session) -> None:
    """A pack joined the centre's catalogue: the centre scope's clock moves (the last
    statement of the transaction, as in mark_changed), so every laptop's next sync is a full
    one, whose pull names the packs the centre has (app/sync/packs.py fetches the new one).
    No change log row: catalogue rows are not synced records."""
    bump = _insert(session)(SCOPE_CLOCK)
    bump = bump.on_conflict_do_update(index_elements=["scope"],
                                      set_={"clock": SCOPE_CLOCK.c.clock + 1})
    session.execute(bump, [{"scope": CENTRE_SCOPE, "clock": 1}])


def _watchers(session: Session, learner_ids: list[str]) -> set[str]:
    """Staff who see these learners. Their assignment rows are locked (PostgreSQL): an
    assessor or IQA changed by `server-admin assign` at this moment is bumped either by
    this transaction (it waits for the assignment) or by the assign (which waits for it)."""
    staff: set[str] = set()
    for i in range(0, len(learner_ids), CHUNK):
        for assessor_id, iqa_id in session.execute(
                select(ASSIGNMENT.c.assessor_id, ASSIGNMENT.c.iqa_id)
                .where(ASSIGNMENT.c.learner_id.in_(learner_ids[i:i + CHUNK]))
                .order_by(ASSIGNMENT.c.learner_id).with_for_update()):
            staff.update(s for s in (assessor_id, iqa_id) if s)
    return staff


def bump_watchers(session: Session, staff_ids) -> None:
    """Tell these members of staff's laptops that something they see changed (after the
    scope clocks, in sorted order: the same lock order in every transaction)."""
    staff_ids = sorted(set(staff_ids))
    if not staff_ids:
        return
    bump = _insert(session)(STAFF_CLOCK)
    bump = bump.on_conflict_do_update(index_elements=["staff_id"],
                                      set_={"clock": STAFF_CLOCK.c.clock + 1})
    session.execute(bump, [{"staff_id": s, "clock": 1} for s in staff_ids])


def watch_token(session: Session, staff_id: str, last_seq: int) -> str:
    """What a laptop of `staff_id` has seen when it pulled everything in this snapshot: the
    centre scope's clock, the staff member's clock and the device's last applied change.
    Any change it should receive moves the first or the second; a centre restored from an
    older backup has smaller numbers; either way the token differs."""
    centre = session.execute(select(SCOPE_CLOCK.c.clock).where(
        SCOPE_CLOCK.c.scope == CENTRE_SCOPE)).scalar() or 0
    mine = session.execute(select(STAFF_CLOCK.c.clock).where(
        STAFF_CLOCK.c.staff_id == staff_id)).scalar() or 0
    return f"{centre}.{mine}.{last_seq or 0}"
