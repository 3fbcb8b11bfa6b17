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
from sqlalchemy.orm import Session

from server.models import ChangeLog, ScopeClock


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def mark_changed(session: Session, changes: Iterable[tuple[str, str, str, int]],
                 device_id: str = "centre") -> dict[str, int]:
    """changes: (table_name, record_id, scope, version). Returns each scope's new clock.

    Two statements whatever the batch: one upsert bumps (or creates) every scope's clock,
    in sorted order so two transactions never wait on each other in a circle; one upsert
    files every record under its scope's new number."""
    latest: dict[tuple[str, str], tuple[str, int]] = {}
    for table_name, record_id, scope, version in changes:
        latest[(table_name, record_id)] = (scope, version)
    if not latest:
        return {}
    insert = _insert(session)
    scopes = sorted({scope for scope, _ in latest.values()})
    bump = insert(ScopeClock).values([{"scope": s, "clock": 1} for s in scopes])
    bump = bump.on_conflict_do_update(index_elements=["scope"],
                                      set_={"clock": ScopeClock.clock + 1})
    clocks = dict(session.execute(bump.returning(ScopeClock.scope, ScopeClock.clock)).all())
    rows = [{"table_name": t, "record_id": r, "scope": scope, "clock": clocks[scope],
             "version": version, "device_id": device_id}
            for (t, r), (scope, version) in latest.items()]
    filed = insert(ChangeLog)
    filed = filed.on_conflict_do_update(
        index_elements=["table_name", "record_id"],
        set_={"scope": filed.excluded.scope, "clock": filed.excluded.clock,
              "version": filed.excluded.version, "device_id": filed.excluded.device_id})
    session.execute(filed, rows)
    return clocks
