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
        assert migrate.current_revision(store.write_engine) == migrate.head_revision()  # 0011 and after
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


def test_a_demo_caseload_at_0010_upgrades_with_every_row(tmp_path):
    """Revision 0011 rebuilds the learner table, which enrolments, evidence, sign-offs and
    claims point at: the rebuild must run with foreign keys off, or SQLite refuses to drop
    the old table and no portfolio with work in it can open (seen on the demo caseload)."""
    from sqlalchemy import text

    from app.caseload.demo import load_demo_caseload
    from app.caseload.profile import set_up
    from app.catalogue.loader import load_bundled_packs
    from app.signing.integrity import verify_integrity

    data = tmp_path / "data"
    with Store(data) as store:
        store.write_now(set_up, "Alex", "assessor", "Riverside", "")
        store.write_now(load_bundled_packs)
        store.write_now(load_demo_caseload)
        engine = store.write_engine
        tables = [r[0] for r in store.read(lambda s: s.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'fts_%' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'")).all())]
        before = {t: store.read(lambda s, t=t: s.execute(text(f"SELECT count(*) FROM {t}"))
                                .scalar()) for t in tables}
    engine = sqlite_engine(data / "fieldfolio.sqlite3", writer=True)
    command.downgrade(migrate.alembic_config(engine), "0010")   # as the previous Fieldfolio left it
    engine.dispose()
    assert before["enrolment"] > 0 and before["evidence_record"] > 0
    with Store(data) as store:
        assert migrate.current_revision(store.write_engine) == migrate.head_revision()  # 0011 and after
        after = {t: store.read(lambda s, t=t: s.execute(text(f"SELECT count(*) FROM {t}"))
                               .scalar()) for t in tables}
        assert after == before
        report = store.read(verify_integrity)
        assert report.ok, report.problems
