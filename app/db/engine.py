"""SQLite engines with the settings Fieldfolio relies on.

- WAL, so the window can read while the writer thread commits.
- synchronous=FULL: an assessor's laptop can lose power mid-visit; a commit must be on disk.
- foreign_keys on, busy_timeout so a second process (the CLI) waits instead of failing.
- Real transactions: pysqlite's own transaction handling skips BEGIN before DDL and
  SELECT; SQLAlchemy's documented recipe hands BEGIN to us. The writer uses BEGIN
  IMMEDIATE so it takes the write lock up front and never deadlocks on upgrade.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_engine(path: Path, *, writer: bool) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 10000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql(begin)

    return engine
