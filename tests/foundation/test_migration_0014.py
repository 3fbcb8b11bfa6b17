"""Upgrading a portfolio made at schema 0013 to 0014 (issue 13): every evidence record is
kept as it was, and from then on one reference signed on two laptops can be stored twice
(the other laptop's signed OBS-001 beside this one's), while two unsigned records still
may not share a reference."""
from __future__ import annotations

import sqlite3

import pytest
from alembic import command

from app.db import migrate
from app.db.engine import sqlite_engine
from app.db.store import Store

STAMP = "2026-11-05T09:00:00.000000+00:00"


def _observation(con, parents: dict, record_id: str, ref: str, state: str) -> None:
    con.execute(
        "INSERT INTO evidence_record (id, enrolment_id, learner_id, method, portfolio_ref, "
        "title, location, state, details_json, valid, authentic, current, reliable, sufficient, "
        "created_at, updated_at, version, device_id) VALUES (?, ?, ?, 'Obs', ?, ?, '', ?, "
        f"'{{}}', 0, 0, 0, 0, 0, '{STAMP}', '{STAMP}', 2, 'd1')",
        (record_id, parents["enrolment"], parents["learner"], ref, record_id, state))


def _triggers(con) -> set[tuple[str, str]]:
    return set(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name = 'evidence_record'"))


def _amelia(session) -> dict:
    from sqlalchemy import select

    from app.caseload.enrolments import enrol
    from app.caseload.learners import save_learner
    from app.models import Qualification
    learner = save_learner(session, None, {"given_names": "Amelia", "family_name": "Hughes"})
    qualification = session.scalars(select(Qualification.id).where(
        Qualification.kind == "qualification").order_by(Qualification.sort_order)).first()
    return {"learner": learner, "enrolment": enrol(session, learner, qualification)}


def test_0013_portfolio_upgrades_keeping_its_evidence_and_then_stores_a_reference_signed_twice(
        catalogue_db, tmp_path):
    import shutil
    data = tmp_path / "data"
    shutil.copytree(catalogue_db, data)
    with Store(data) as store:
        parents = store.write_now(_amelia)
    db = data / "fieldfolio.sqlite3"
    engine = sqlite_engine(db, writer=True)
    command.downgrade(migrate.alembic_config(engine), "0013")   # as the previous Fieldfolio left it
    engine.dispose()
    con = sqlite3.connect(db)
    _observation(con, parents, "r1", "OBS-001", "signed")
    _observation(con, parents, "r2", "OBS-002", "draft")
    con.commit()
    with pytest.raises(sqlite3.IntegrityError):   # at 0013, refused whatever its state
        _observation(con, parents, "r3", "OBS-001", "signed")
    triggers = _triggers(con)
    con.close()
    with Store(data) as store:
        assert migrate.current_revision(store.write_engine) == migrate.head_revision()
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT id, portfolio_ref, state, version FROM evidence_record "
                           "ORDER BY id").fetchall() == [("r1", "OBS-001", "signed", 2),
                                                         ("r2", "OBS-002", "draft", 2)]
        _observation(con, parents, "r3", "OBS-001", "signed")   # the other laptop's, beside it
        with pytest.raises(sqlite3.IntegrityError):
            _observation(con, parents, "r4", "OBS-002", "ready")
        # The signing triggers on the table are as they were (the index alone was remade).
        assert _triggers(con) == triggers and triggers
    finally:
        con.close()
    assert list((data / "backups").glob("fieldfolio-before-0013-*.sqlite3"))
