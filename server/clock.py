"""Marking server-side writes so pulls find them: the per-scope clock and the change log.

`mark_changed` must be the last thing a writing transaction does. Bumping a scope's clock
takes that row's lock until commit, so writers in one scope get their numbers in commit
order: a laptop whose cursor is N has already seen every change numbered up to N, even
when transactions overlap on PostgreSQL. (A sequence, or a timestamp, is taken early and
committed late, and a cursor moved past it skips that row for ever.)
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from server.models import ChangeLog, ScopeClock


def _bump(session: Session, scope: str) -> int:
    """One statement that creates or bumps the row, so two first writers in a scope cannot
    both take number 1."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(ScopeClock).values(scope=scope, clock=1)
    statement = statement.on_conflict_do_update(
        index_elements=["scope"], set_={"clock": ScopeClock.clock + 1}).returning(ScopeClock.clock)
    return session.execute(statement).scalar_one()


def mark_changed(session: Session, changes: Iterable[tuple[str, str, str, int]]) -> dict[str, int]:
    """changes: (table_name, record_id, scope, version). Returns each scope's new clock.
    Scopes are bumped in sorted order so two transactions never wait on each other in a
    circle."""
    by_scope: dict[str, dict[tuple[str, str], int]] = {}
    for table_name, record_id, scope, version in changes:
        by_scope.setdefault(scope, {})[(table_name, record_id)] = version
    clocks: dict[str, int] = {}
    for scope in sorted(by_scope):
        clock = clocks[scope] = _bump(session, scope)
        rows = by_scope[scope]
        existing = {(c.table_name, c.record_id): c for c in session.scalars(
            select(ChangeLog).where(ChangeLog.record_id.in_([r for _, r in rows])))}
        for (table_name, record_id), version in rows.items():
            entry = existing.get((table_name, record_id))
            if entry is None:
                session.add(ChangeLog(table_name=table_name, record_id=record_id, scope=scope,
                                      clock=clock, version=version))
            else:
                entry.scope, entry.clock, entry.version = scope, clock, version
    session.flush()
    return clocks
