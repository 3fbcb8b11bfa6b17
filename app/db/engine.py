"""SQLite engines with the settings Fieldfolio relies on.

- WAL, so the window can read while the writer thread commits.
- synchronous=FULL: an assessor's laptop can lose power mid-visit; a commit must be on disk.
- foreign_keys on, busy_timeout so a second process (the CLI) waits instead of failing.
- An encrypted data folder's database is opened through SQLCipher (`sqlcipher3`, the same
  DB-API as the standard library's sqlite3) with the folder's raw key as the first
  statement on every connection; everything else is the same SQL.
- Real transactions: pysqlite's own transaction handling skips BEGIN before DDL and
  SELECT; SQLAlchemy's documented recipe hands BEGIN to us. The writer uses BEGIN
  IMMEDIATE so it takes the write lock up front and never deadlocks on upgrade.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

SQLITE_MAGIC = b"SQLite format 3\x00"
ENCRYPTED_CACHE_KB = -32768   # negative: KiB, per connection


def dbapi_for(key_pragma: str | None):
    """The DB-API module for a plain (sqlite3) or encrypted (sqlcipher3) database."""
    if key_pragma is None:
        return sqlite3
    from sqlcipher3 import dbapi2
    return dbapi2


def connect(path: Path, key_pragma: str | None = None, *, read_only: bool = False):
    """A bare DB-API connection (backups, checks), keyed first if the database is encrypted;
    read_only opens it so that nothing can be written (SQLite's mode=ro)."""
    dbapi = dbapi_for(key_pragma)
    con = (dbapi.connect(f"file:{path}?mode=ro", uri=True) if read_only
           else dbapi.connect(str(path)))
    if key_pragma is not None:
        con.execute(key_pragma)
    return con


def sqlite_engine(path: Path, *, writer: bool, key_pragma: str | None = None) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True, module=dbapi_for(key_pragma))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if key_pragma is not None:
            cur.execute(key_pragma)   # must come before anything reads the file
            # Every page read from disk is decrypted and checked, so keep many more of them:
            # SQLite's default 2 MB held less than the demo caseload, and opening a learner
            # then paid decryption on most reads (1.7x). Memory grows only with pages used.
            cur.execute(f"PRAGMA cache_size = {ENCRYPTED_CACHE_KB}")
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


def set_foreign_keys(conn, on: bool) -> None:
    """Foreign keys on or off for a migration's batch rebuilds, straight on the driver's
    connection before SQLAlchemy begins a transaction: these engines open each transaction
    with BEGIN (above), and inside one SQLite ignores this pragma, so a parent table rebuilt
    under it (revision 0011's learner) was dropped with foreign keys on and refused."""
    driver = conn.connection.driver_connection
    driver.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    if bool(driver.execute("PRAGMA foreign_keys").fetchone()[0]) != on:
        raise RuntimeError("SQLite would not switch foreign keys for the upgrade")
