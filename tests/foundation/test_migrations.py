"""Upgrading a database made by the first schema keeps every row, with a backup first."""
from __future__ import annotations

import sqlite3

from alembic import command

from app.db import migrate
from app.db.engine import sqlite_engine
from app.db.store import Store

FIRST = "0001"


def make_first_schema_database(data_dir):
    """A database exactly as Fieldfolio's first schema left it, filled through raw SQL so
    the test does not depend on today's models."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "fieldfolio.sqlite3"
    engine = sqlite_engine(db, writer=True)
    command.upgrade(migrate.alembic_config(engine), FIRST)
    engine.dispose()
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys=ON")
    stamp = "2026-01-05T09:00:00.000000+00:00"
    synced = "created_at, updated_at, version, device_id"
    vals = f"'{stamp}', '{stamp}', 3, 'dev-1'"
    con.execute(f"INSERT INTO centre (id, name, number, {synced}) VALUES ('c1', 'Riverside', 'RT1', {vals})")
    con.execute(f"INSERT INTO staff_member (id, name, role, email, centre_id, {synced}) "
                f"VALUES ('s1', 'Alex Morgan', 'assessor', '', 'c1', {vals})")
    con.execute(f"INSERT INTO employer (id, name, address, contact_name, contact_role, contact_email, "
                f"contact_phone, {synced}) VALUES ('e1', 'Harbourside', '1 Quay St', 'Priya', "
                f"'Manager', '', '', {vals})")
    for i in range(25):
        con.execute(
            f"INSERT INTO learner (id, given_names, family_name, date_of_birth, uln, "
            f"registration_number, email, phone, employer_id, workplace_address, start_date, "
            f"planned_end_date, notes, {synced}) VALUES (?, ?, 'Hughes', '2001-03-14', NULL, "
            f"'', '', '', 'e1', '', '2026-01-12', '2027-01-12', ?, {vals})",
            (f"l{i}", f"Learner{i}", f"notes of learner {i} — keep me"))
    con.execute(f"INSERT INTO learner (id, given_names, family_name, uln, registration_number, "
                f"email, phone, workplace_address, notes, deleted_at, {synced}) VALUES "
                f"('gone', 'Deleted', 'Person', NULL, '', '', '', '', '', '{stamp}', {vals})")
    con.execute("INSERT INTO outbox (table_name, record_id, version, operation, queued_at) "
                f"VALUES ('learner', 'l1', 3, 'upsert', '{stamp}')")
    con.execute(f"INSERT INTO form_draft (form, record_id, fields_json, saved_at) VALUES "
                f"('learner', 'l2', '{{\"notes\": \"half typed\"}}', '{stamp}')")
    con.commit()
    con.close()
    return db


def snapshot(db, tables):
    con = sqlite3.connect(db)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
    finally:
        con.close()


TABLES = ["centre", "staff_member", "employer", "learner", "outbox", "form_draft"]


def test_upgrading_the_first_schema_keeps_every_row(tmp_path):
    data_dir = tmp_path / "data"
    db = make_first_schema_database(data_dir)
    before = snapshot(db, TABLES)
    with Store(data_dir) as store:
        assert migrate.current_revision(store.write_engine) == migrate.head_revision()
        backup = store.last_backup
    after = snapshot(db, TABLES)
    for table in TABLES:
        # Columns may be added by later schemas; the first schema's columns keep their values.
        width = len(before[table][0]) if before[table] else 0
        assert [row[:width] for row in after[table]] == before[table], table
    assert backup is not None and backup.exists()
    assert snapshot(backup, TABLES) == before
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()


def test_triggers_exist_after_upgrade(tmp_path):
    data_dir = tmp_path / "data"
    make_first_schema_database(data_dir)
    with Store(data_dir):
        pass
    con = sqlite3.connect(data_dir / "fieldfolio.sqlite3")
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    con.close()
    from app.db.triggers import TRIGGERS
    assert set(TRIGGERS) <= names


def test_opening_at_head_makes_no_backup(store):
    assert store.last_backup is None
    assert not store.backups_dir.exists() or not any(store.backups_dir.iterdir())


def test_the_migration_chain_is_a_single_line():
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1
    assert script.get_base() == FIRST


def test_stopping_at_the_first_schema_installs_only_its_triggers(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    engine = sqlite_engine(data_dir / "fieldfolio.sqlite3", writer=True)
    migrate.upgrade(engine, data_dir / "fieldfolio.sqlite3", data_dir / "backups", target=FIRST)
    assert migrate.current_revision(engine) == FIRST
    with engine.connect() as conn:
        names = {r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='trigger'")}
    engine.dispose()
    assert "catalogue_criterion_immutable" in names


def test_the_fast_path_head_matches_alembic():
    # If this fails, a migration was added: set SCHEMA_HEAD in app/db/migrate.py to it.
    assert migrate.SCHEMA_HEAD == migrate.head_revision()
