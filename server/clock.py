"""Marking server-side writes so pulls find them: the per-scope clock and the change log.

`mark_changed` must be the last thing a writing transaction does. Bumping a scope's clock
takes that row's lock until commit, so writers in one scope get their numbers in commit
order: a laptop whose cursor is N has already seen every change numbered up to N, even
when transactions overlap on PostgreSQL. (A sequence, or a timestamp, is taken early and
committed late, and a cursor moved past it skips that row for ever.)
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import ChangeLog, ScopeClock

SCOPE_CLOCK, CHANGE_LOG = ScopeClock.__table__, ChangeLog.__table__
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
    return clocks
