"""Upgrading a portfolio made at schema 0012 to 0013 (issue 13: enrolments on one
qualification are joined when a learner created twice is merged): every enrolment, its
units, its evidence and its queued change are kept as they were, none joined, and the
signatures on its records still verify."""
from __future__ import annotations

import sqlite3

from alembic import command
from sqlalchemy import select, text

from app.db import migrate
from app.db.engine import sqlite_engine
from app.db.store import Store
from app.models import Enrolment


def test_0012_portfolio_with_signed_work_upgrades_keeping_every_enrolment(tmp_path):
    """Made by today's code, then taken back to 0012 as the previous Fieldfolio left it
    (0013 rebuilds the enrolment table, which evidence, sign-offs and claims point at)."""
    from app.caseload.demo import load_demo_caseload
    from app.caseload.profile import set_up
    from app.catalogue.loader import load_bundled_packs
    from app.claims.sample_portfolio import build_claim_ready_learner
    from app.signing.integrity import verify_integrity

    data = tmp_path / "data"
    with Store(data) as store:
        store.write_now(set_up, "Alex", "assessor", "Riverside", "")
        store.write_now(load_bundled_packs)
        store.write_now(load_demo_caseload)
        ids = store.write_now(lambda s: build_claim_ready_learner(s, units=2, records=4))
        tables = [r[0] for r in store.read(lambda s: s.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'fts_%' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'")).all())]
    db = data / "fieldfolio.sqlite3"
    engine = sqlite_engine(db, writer=True)
    command.downgrade(migrate.alembic_config(engine), "0012")
    engine.dispose()
    con = sqlite3.connect(db)
    try:
        assert "joined_into_id" not in [c[1] for c in con.execute("PRAGMA table_info(enrolment)")]
        before = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
        queued = con.execute("SELECT count(*) FROM outbox WHERE table_name = 'enrolment'"
                             ).fetchone()[0]
    finally:
        con.close()
    assert before["enrolment"] and before["evidence_record"] and queued

    with Store(data) as store:
        assert migrate.current_revision(store.write_engine) == migrate.head_revision()
        report = store.read(verify_integrity)
        assert report.ok and report.signatures_checked > 0, report.problems
        assert store.read(lambda s: s.scalars(select(Enrolment.joined_into_id).where(
            Enrolment.joined_into_id.is_not(None))).all()) == []
        assert store.read(lambda s: s.get(Enrolment, ids["enrolment_id"]).deleted_at) is None
    con = sqlite3.connect(db)
    try:
        after = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
        columns = [c[1] for c in con.execute("PRAGMA table_info(enrolment)")]
    finally:
        con.close()
    # Every row of every table as it was; each enrolment gains only an empty link.
    where = columns.index("joined_into_id")
    assert [r[:where] + r[where + 1:] for r in after["enrolment"]] == before["enrolment"]
    assert all(r[where] is None for r in after["enrolment"])
    assert {t: rows for t, rows in after.items() if t != "enrolment"} == \
        {t: rows for t, rows in before.items() if t != "enrolment"}
    assert list((data / "backups").glob("fieldfolio-before-0012-*.sqlite3"))
