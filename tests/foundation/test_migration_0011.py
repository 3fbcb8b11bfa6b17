"""Upgrading a portfolio made at schema 0010 to 0011 (issue 13: a learner created twice is
kept and merged, not refused by the pull): every learner is kept as it was, none merged, and
a second live learner with the same ULN (the centre's copy arriving) can now be stored."""
from __future__ import annotations

import sqlite3

from alembic import command

from app.db import migrate
from app.db.engine import sqlite_engine
from app.db.store import Store

STAMP = "2026-11-05T09:00:00.000000+00:00"
ROW = ("INSERT INTO learner (id, given_names, family_name, uln, registration_number, email, "
       "phone, workplace_address, notes, created_at, updated_at, version, device_id) VALUES "
       f"(?, 'Amelia', 'Hughes', '5423232219', '', '', '', '', 'keep me', '{STAMP}', '{STAMP}', "
       "4, 'd1')")


def test_0010_portfolio_upgrades_keeping_its_learners(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    db = data / "fieldfolio.sqlite3"
    engine = sqlite_engine(db, writer=True)
    command.upgrade(migrate.alembic_config(engine), "0010")
    engine.dispose()
    con = sqlite3.connect(db)
    con.execute(ROW, ("l1",))
    con.execute("INSERT INTO outbox (table_name, record_id, version, operation, queued_at, "
                f"base_version) VALUES ('learner', 'l1', 4, 'upsert', '{STAMP}', 3)")
    con.commit()
    try:
        con.execute(ROW, ("l2",))
        raise AssertionError("at 0010 a second live learner with the ULN was refused")
    except sqlite3.IntegrityError:
        pass
    con.close()
    with Store(data) as store:
        assert migrate.current_revision(store.write_engine) == "0011"
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT id, notes, version, merged_into_id FROM learner").fetchall() \
            == [("l1", "keep me", 4, None)]
        assert con.execute("SELECT record_id, version, base_version FROM outbox").fetchall() == [
            ("l1", 4, 3)]
        con.execute(ROW, ("l2",))  # the centre's copy of the same learner, kept beside it
        assert con.execute("SELECT count(*) FROM learner WHERE uln = '5423232219'").fetchone() == (2,)
    finally:
        con.close()
    assert list((data / "backups").glob("fieldfolio-before-0010-*.sqlite3"))
