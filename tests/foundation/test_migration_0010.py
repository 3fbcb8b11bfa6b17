"""Upgrading a portfolio made at schema 0009 to 0010 (sync queue, cursors, needs attention):
every row is kept, and every change queued before is waiting to go to the centre as a
record the centre never had (base version 0)."""
from __future__ import annotations

import sqlite3

from alembic import command

from app.db import migrate
from app.db.engine import sqlite_engine
from app.db.store import Store

STAMP = "2026-11-05T09:00:00.000000+00:00"


def make_0009_database(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "fieldfolio.sqlite3"
    engine = sqlite_engine(db, writer=True)
    command.upgrade(migrate.alembic_config(engine), "0009")
    engine.dispose()
    con = sqlite3.connect(db)
    synced = "created_at, updated_at, version, device_id"
    for i in range(3):
        con.execute(f"INSERT INTO learner (id, given_names, family_name, registration_number, "
                    f"email, phone, workplace_address, notes, {synced}) VALUES "
                    f"(?, 'Amelia', 'Hughes', '', '', '', '', 'keep me', '{STAMP}', '{STAMP}', 4, 'd1')",
                    (f"l{i}",))
        con.execute("INSERT INTO outbox (table_name, record_id, version, operation, queued_at) "
                    f"VALUES ('learner', ?, 4, 'upsert', '{STAMP}')", (f"l{i}",))
    con.commit()
    con.close()
    return db


def test_0009_portfolio_upgrades_with_its_queue_intact(tmp_path):
    db = make_0009_database(tmp_path / "data")
    with Store(tmp_path / "data") as store:
        assert migrate.current_revision(store.write_engine) == migrate.head_revision()  # 0010 and after
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT id, notes, version FROM learner ORDER BY id").fetchall() == [
            ("l0", "keep me", 4), ("l1", "keep me", 4), ("l2", "keep me", 4)]
        assert con.execute("SELECT record_id, version, base_version FROM outbox ORDER BY record_id"
                           ).fetchall() == [("l0", 4, 0), ("l1", 4, 0), ("l2", 4, 0)]
        for table in ("sync_mutation", "sync_cursor", "sync_attention"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    finally:
        con.close()
    assert list((tmp_path / "data" / "backups").glob("fieldfolio-before-0009-*.sqlite3"))
