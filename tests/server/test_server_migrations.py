"""A centre's database made by the previous server schema is upgraded in place, keeping
what it holds (devices, assignments, clocks), on SQLite and PostgreSQL: s0001 → head."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from server import schema
from server.clock import bump_watchers, watch_token
from server.database import CentreDatabase
from tests.server.centre_process import NO_POSTGRES, ScratchPostgres, postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_centre(request, tmp_path):
    if request.param == "sqlite":
        yield CentreDatabase(tmp_path / "centre")
        return
    if not postgres_url():
        pytest.skip(NO_POSTGRES)
    scratch = ScratchPostgres(postgres_url())
    db = CentreDatabase(tmp_path / "centre", scratch.url)
    try:
        yield db
    finally:
        db.dispose()
        scratch.close()


def test_a_centre_at_s0001_is_upgraded_keeping_its_rows(empty_centre):
    db = empty_centre
    command.upgrade(schema.alembic_config(db.write_engine), "s0001")
    with db.write_engine.begin() as conn:
        conn.execute(text("INSERT INTO scope_clock (scope, clock) VALUES ('centre', 7), ('L1', 3)"))
        conn.execute(text("INSERT INTO learner_assignment (learner_id, assessor_id, assigned_at) "
                          "VALUES ('L1', 'S1', '2026-12-01T10:00:00+00:00')"))
    schema.upgrade(db.write_engine)
    head = ScriptDirectory.from_config(schema.alembic_config()).get_current_head()
    assert schema.current_revision(db.write_engine) == head
    with db.writing() as session:
        assert session.execute(text("SELECT scope, clock FROM scope_clock ORDER BY scope")).all() \
            == [("L1", 3), ("centre", 7)]
        assert session.execute(text("SELECT learner_id, assessor_id FROM learner_assignment")
                               ).all() == [("L1", "S1")]
        assert watch_token(session, "S1", 0) == "7.0.0"   # no row yet: 0
        bump_watchers(session, ["S1"])
    with db.reading() as session:
        assert watch_token(session, "S1", 4) == "7.1.4"
    db.dispose()


def test_a_centre_at_s0004_gains_pack_files_keeping_its_catalogue(empty_centre):
    """s0004 → s0005 (packs travel over sync, issue 13): the catalogue and devices stay, and
    a pack a laptop sends up is kept with its file for the other laptops."""
    import json
    from pathlib import Path

    from app.catalogue.importer import prepare_pack_bytes
    from app.catalogue.pack_documents import document_of
    from server.packs import add_pack
    db = empty_centre
    command.upgrade(schema.alembic_config(db.write_engine), "s0004")
    with db.write_engine.begin() as conn:
        conn.execute(text("INSERT INTO spec_pack (id, pack_id, sha256, kind, awarding_body, "
                          "missing_json, corrections_json, listed_not_specified_json, loaded_at) "
                          "VALUES ('p1', 'held-before', :sha, 'qualification', 'EDI', '[]', "
                          "'[]', '[]', '2026-12-01T10:00:00+00:00')"), {"sha": "b" * 64})
        conn.execute(text("INSERT INTO scope_clock (scope, clock) VALUES ('centre', 7)"))
    schema.upgrade(db.write_engine)
    head = ScriptDirectory.from_config(schema.alembic_config()).get_current_head()
    assert schema.current_revision(db.write_engine) == head  # s0005 and after
    edi = Path(__file__).resolve().parents[2] / "specs" / "edi-l2-nvq-customer-service.json"
    data = json.loads(edi.read_text(encoding="utf-8"))
    data["pack_id"] = "edi-centre-edition"
    raw = json.dumps(data).encode()
    prepared = prepare_pack_bytes(raw, "centre-edition.json")
    with db.writing() as session:
        assert session.execute(text("SELECT pack_id FROM spec_pack WHERE id = 'p1'")).all() \
            == [("held-before",)]
        assert add_pack(session, prepared).new
    with db.reading() as session:
        assert document_of(session, prepared.sha256) == raw
        # Announced: every laptop's next sync is a full one, whose pull names the pack.
        assert session.execute(text("SELECT clock FROM scope_clock WHERE scope = 'centre'")
                               ).scalar() == 8
    db.dispose()


def test_a_centre_holding_enrolled_learners_upgrades_from_s0003(empty_centre):
    """s0004 rebuilds the learner table on SQLite, which enrolments point at: with foreign
    keys left on, SQLite refused to drop the old table and a centre with any enrolled learner
    could not start (seen on a real centre's data folder)."""
    from server.catalogue import load_shipped_packs
    db = empty_centre
    command.upgrade(schema.alembic_config(db.write_engine), "s0003")
    stamp = "2026-11-05T09:00:00.000000+00:00"
    with db.writing() as session:
        load_shipped_packs(session)
        qualification = session.execute(text("SELECT id FROM qualification LIMIT 1")).scalar()
        _amelia(session, stamp, notes="keep me", enrolled_on=qualification)
    schema.upgrade(db.write_engine)
    head = ScriptDirectory.from_config(schema.alembic_config()).get_current_head()
    assert schema.current_revision(db.write_engine) == head
    with db.reading() as session:
        assert session.execute(text("SELECT id, notes, version, merged_into_id FROM learner")
                               ).all() == [("L1", "keep me", 4, None)]
        assert session.execute(text("SELECT id, learner_id FROM enrolment")).all() == [("E1", "L1")]
    db.dispose()


def test_a_centre_holding_enrolments_upgrades_from_s0005_keeping_them(empty_centre):
    """s0005 → s0006 (issue 13: enrolments on one qualification are joined at a merge):
    the enrolment table gains an empty link, rebuilt on SQLite under the evidence and
    enrolment units that point at it, every row kept as it was."""
    from server.catalogue import load_shipped_packs
    db = empty_centre
    command.upgrade(schema.alembic_config(db.write_engine), "s0005")
    stamp = "2026-11-05T09:00:00.000000+00:00"
    with db.writing() as session:
        load_shipped_packs(session)
        qualification, unit = session.execute(text(
            "SELECT q.id, qu.unit_id FROM qualification q JOIN qualification_unit qu "
            "ON qu.qualification_id = q.id LIMIT 1")).one()
        _amelia(session, stamp)
        for enrolment, deleted in (("E1", None), ("E2", stamp)):
            session.execute(text(
                "INSERT INTO enrolment (id, learner_id, qualification_id, registration_number, "
                "status, created_at, updated_at, deleted_at, version, device_id) VALUES "
                "(:e, 'L1', :q, 'R1', 'active', :t, :t, :d, 3, 'd1')"),
                {"e": enrolment, "q": qualification, "t": stamp, "d": deleted})
        session.execute(text(
            "INSERT INTO enrolment_unit (id, enrolment_id, unit_id, created_at, updated_at, "
            "version, device_id) VALUES ('EU1', 'E1', :u, :t, :t, 1, 'd1')"),
            {"u": unit, "t": stamp})
    schema.upgrade(db.write_engine)
    head = ScriptDirectory.from_config(schema.alembic_config()).get_current_head()
    assert schema.current_revision(db.write_engine) == head
    with db.reading() as session:
        assert session.execute(text(
            "SELECT id, learner_id, registration_number, deleted_at IS NULL, version, "
            "joined_into_id FROM enrolment ORDER BY id")).all() == [
            ("E1", "L1", "R1", True, 3, None), ("E2", "L1", "R1", False, 3, None)]
        assert session.execute(text("SELECT id, enrolment_id FROM enrolment_unit")).all() \
            == [("EU1", "E1")]
    with db.writing() as session:   # and a join arriving from a laptop can be stored
        session.execute(text("UPDATE enrolment SET joined_into_id = 'E1' WHERE id = 'E2'"))
    db.dispose()


def _amelia(session, stamp: str, notes: str = "", enrolled_on: str | None = None) -> None:
    """Learner L1 as a centre of that revision holds her, and her enrolment E1 if asked."""
    session.execute(text(
        "INSERT INTO learner (id, given_names, family_name, uln, registration_number, email, "
        "phone, workplace_address, notes, created_at, updated_at, version, device_id) VALUES "
        "('L1', 'Amelia', 'Hughes', '5423232219', '', '', '', '', :n, :t, :t, 4, 'd1')"),
        {"t": stamp, "n": notes})
    if enrolled_on is not None:
        session.execute(text(
            "INSERT INTO enrolment (id, learner_id, qualification_id, registration_number, "
            "status, created_at, updated_at, version, device_id) VALUES "
            "('E1', 'L1', :q, 'R1', 'active', :t, :t, 2, 'd1')"), {"q": enrolled_on, "t": stamp})


def _observation(session, record_id: str, ref: str, state: str, stamp: str) -> None:
    session.execute(text(
        "INSERT INTO evidence_record (id, enrolment_id, learner_id, method, portfolio_ref, "
        "title, location, state, details_json, valid, authentic, current, reliable, "
        "sufficient, created_at, updated_at, version, device_id) VALUES (:id, 'E1', 'L1', "
        "'Obs', :ref, :id, '', :state, '{}', false, false, false, false, false, :t, :t, 2, 'd1')"),
        {"id": record_id, "ref": ref, "state": state, "t": stamp})


def test_a_centre_at_s0006_keeps_its_evidence_and_then_one_reference_signed_twice(empty_centre):
    """s0006 → s0007 (issue 13): the unique live reference no longer covers signed records,
    so a second laptop's signed OBS-001 is kept beside the first; an unsigned record still
    may not share a reference with another unsigned one."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    from server.catalogue import load_shipped_packs
    db = empty_centre
    command.upgrade(schema.alembic_config(db.write_engine), "s0006")
    stamp = "2026-11-05T09:00:00.000000+00:00"
    with db.writing() as session:
        load_shipped_packs(session)
        qualification = session.execute(text("SELECT id FROM qualification LIMIT 1")).scalar()
        _amelia(session, stamp, enrolled_on=qualification)
        _observation(session, "R1", "OBS-001", "signed", stamp)
        _observation(session, "R2", "OBS-002", "draft", stamp)
    with pytest.raises(IntegrityError):   # before: one live record per reference, signed or not
        with db.writing() as session:
            _observation(session, "R3", "OBS-001", "signed", stamp)
    schema.upgrade(db.write_engine)
    head = ScriptDirectory.from_config(schema.alembic_config()).get_current_head()
    assert schema.current_revision(db.write_engine) == head
    with db.writing() as session:
        assert session.execute(text("SELECT id, portfolio_ref, state, version FROM "
                                    "evidence_record ORDER BY id")).all() == [
            ("R1", "OBS-001", "signed", 2), ("R2", "OBS-002", "draft", 2)]
        _observation(session, "R3", "OBS-001", "signed", stamp)   # signed on another laptop
    with pytest.raises(IntegrityError):
        with db.writing() as session:
            _observation(session, "R4", "OBS-002", "ready", stamp)
    with db.reading() as session:
        assert session.execute(text("SELECT count(*) FROM evidence_record")).scalar() == 3
    db.dispose()
