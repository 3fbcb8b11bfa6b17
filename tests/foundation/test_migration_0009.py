"""Upgrading a portfolio made at schema 0008 to 0009, which corrects four packs' assessment
rules where they are loaded: simulation and a realistic working environment told apart, a
bar on self-assessment instead of on "Other", unit 228, the sources' guidance. A record of
method "Sim" made before the split keeps its method, its mappings and its signature, and
every rule that applied to it still does; the catalogue is then the one a new laptop loads,
and downgrading gives the 0008 rows back."""
from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy.orm import Session

from app.catalogue.loader import load_bundled_packs, load_pack_data, pack_files
from app.db import migrate
from app.db.engine import sqlite_engine
from app.db.store import Store
from packs_as_shipped import before_0009, sha, shipped_0009_sha
from test_migration_0007 import CASELOAD, CATALOGUE, SYNCED, VALS, rows

BEFORE = "0008"
CORRECTED = ["cg-2794-02", "cg-customer-service-units", "edi-l2-nvq-customer-service",
             "sfj-l3-diploma-customer-service"]


def make_0008_database(data_dir):
    """Every pack as 0008 held it; a learner on C&G 2794 unit 201 whose LO 1 is met by a
    signed record of method "Sim" (simulation / RWE as it then was), in raw SQL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "fieldfolio.sqlite3"
    engine = sqlite_engine(db, writer=True)
    migrate.upgrade(engine, db, data_dir / "backups", target=BEFORE)
    with Session(engine) as session, session.begin():
        for path in pack_files():
            text = before_0009(path.stem)
            load_pack_data(session, json.loads(text), sha(text))
    engine.dispose()
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys=ON")
    (qual,) = con.execute("SELECT q.id FROM qualification q JOIN spec_pack p ON "
                          "p.id = q.pack_row_id WHERE p.pack_id = 'cg-2794-02'").fetchone()
    (unit,) = con.execute("SELECT u.id FROM unit u JOIN qualification_unit qu ON qu.unit_id = "
                          "u.id WHERE qu.qualification_id = ? AND u.number = '201'",
                          (qual,)).fetchone()
    acs = [r[0] for r in con.execute(
        "SELECT c.id FROM assessment_criterion c JOIN learning_outcome lo ON lo.id = c.lo_id "
        "WHERE c.unit_id = ? AND lo.number = '1'", (unit,))]
    for statement in [
        f"INSERT INTO centre (id, name, number, {SYNCED}) VALUES ('c1', 'Riverside', 'RT1', {VALS})",
        f"INSERT INTO staff_member (id, name, role, email, centre_id, {SYNCED}) VALUES "
        f"('s1', 'Alex Morgan', 'assessor', '', 'c1', {VALS})",
        f"INSERT INTO learner (id, given_names, family_name, uln, registration_number, email, "
        f"phone, workplace_address, notes, {SYNCED}) VALUES ('l1', 'Priya', 'Shah', NULL, "
        f"'', '', '', '', '', {VALS})",
        f"INSERT INTO enrolment (id, learner_id, qualification_id, registration_number, "
        f"assessor_id, status, {SYNCED}) VALUES ('e1', 'l1', '{qual}', 'CG1', 's1', 'active', "
        f"{VALS})",
        f"INSERT INTO enrolment_unit (id, enrolment_id, unit_id, {SYNCED}) VALUES "
        f"('eu1', 'e1', '{unit}', {VALS})",
        "INSERT INTO evidence_record (id, enrolment_id, learner_id, method, portfolio_ref, "
        "title, date, location, state, details_json, valid, authentic, current, reliable, "
        f"sufficient, {SYNCED}) VALUES ('r1', 'e1', 'l1', 'Sim', 'SIM-001', 'Training counter', "
        f"'2026-10-01', 'Training room', 'signed', "
        f"'{{\"scenario\": \"Mock shop counter run as a real shift\"}}', 1, 1, 1, 1, 1, {VALS})",
    ]:
        con.execute(statement)
    for n, ac in enumerate(acs):
        con.execute(f"INSERT INTO criterion_mapping (id, record_id, criterion_id, unit_id, "
                    f"status, note, {SYNCED}) VALUES (?, 'r1', ?, ?, 'met', '', {VALS})",
                    (f"m{n}", ac, unit))
    con.execute(f"INSERT INTO signature (id, record_type, record_id, record_version, learner_id, "
                f"content_hash, signer_name, role, method, on_behalf_by, strokes_json, "
                f"scan_sha256, typed_name, signed_at, signing_device_id, key_fingerprint, "
                f"sequence, previous_signature_hash, signature_hash, device_signature, {SYNCED}) "
                f"VALUES ('sig1', 'evidence_record', 'r1', 2, 'l1', '{'d' * 64}', 'Priya Shah', "
                f"'learner', 'typed', '', '[]', '', 'Priya Shah', '2026-10-05T09:00:00+00:00', "
                f"'dev-1', '{'e' * 64}', 1, '', '{'f' * 64}', '{'0' * 128}', {VALS})")
    con.commit()
    con.close()
    return db, unit, acs


@pytest.fixture
def upgraded(tmp_path):
    data_dir = tmp_path / "data"
    db, unit, acs = make_0008_database(data_dir)
    before = rows(db, CATALOGUE + CASELOAD)
    store = Store(data_dir).open()
    yield store, db, before, unit, acs
    store.close()


def test_the_sim_record_keeps_its_method_mappings_and_signature(upgraded):
    store, db, before, unit, acs = upgraded
    assert migrate.current_revision(store.write_engine) == migrate.head_revision()  # 0009 and after
    after = rows(db, CATALOGUE + CASELOAD)
    for table in CASELOAD:   # every value kept; a later revision's new column (0011) aside
        kept = {rid: {k: row[k] for k in before[table][rid]} for rid, row in after[table].items()}
        assert kept == before[table], table
    assert after["learner"]["l1"]["merged_into_id"] is None
    assert after["evidence_record"]["r1"]["method"] == "Sim"
    for table in ("qualification", "qualification_unit", "unit", "learning_outcome",
                  "assessment_criterion"):
        assert after[table] == before[table], table
    from app.evidence.progress import enrolment_progress
    (progress,) = store.read(enrolment_progress, "e1").units
    met = {c.id for c in progress.criteria if c.status == "met"}
    assert met == set(acs)


def test_only_the_corrected_packs_change_and_each_records_its_new_sha(upgraded):
    store, db, before, _, _ = upgraded
    after = rows(db, ["spec_pack"])["spec_pack"]
    by_pack = {r["pack_id"]: r for r in after.values()}
    for pack_id in CORRECTED:
        old, new = shipped_0009_sha(pack_id)
        assert by_pack[pack_id]["sha256"] == new
        was = next(r for r in before["spec_pack"].values() if r["pack_id"] == pack_id)
        assert was["sha256"] == old and {**by_pack[pack_id], "sha256": old} == was
    vtct = by_pack["vtct-customer-service-bank"]
    assert vtct == next(r for r in before["spec_pack"].values() if r["id"] == vtct["id"])
    rules = rows(db, ["assessment_rule"])["assessment_rule"].values()
    # the bar on "Other" (C&G 2794, line 315) became a bar on a self-assessment
    line_315 = [r for r in rules if r["source_line"] == 315]
    assert line_315 and all((r["kind"], r["method"], r["evidence"]) ==
                            ("barred", "RA", "self-assessment") for r in line_315)
    assert any(r["method"] == "RWE" and r["kind"] == "barred" and r["source_line"] == 5119
               for r in rules)


def test_the_upgraded_catalogue_is_the_one_a_new_laptop_loads(upgraded, tmp_path):
    store, db, _, _, _ = upgraded
    assert store.write_now(load_bundled_packs) == []
    with Store(tmp_path / "fresh") as fresh:
        fresh.write_now(load_bundled_packs)
    new_laptop = rows(tmp_path / "fresh" / "fieldfolio.sqlite3", CATALOGUE)
    upgraded_laptop = rows(db, CATALOGUE)
    for table in CATALOGUE:
        if table == "spec_pack":
            for r in (*new_laptop[table].values(), *upgraded_laptop[table].values()):
                del r["loaded_at"]
        assert upgraded_laptop[table] == new_laptop[table], table


def test_the_catalogue_stays_immutable(upgraded):
    store, db, _, _, _ = upgraded
    con = sqlite3.connect(db)
    try:
        for statement in ("UPDATE assessment_rule SET evidence = 'x'",
                          "DELETE FROM assessment_rule", "UPDATE spec_pack SET sha256 = 'x'"):
            with pytest.raises(sqlite3.IntegrityError, match="immutable"):
                con.execute(statement)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


def test_downgrading_gives_back_the_0008_rows(upgraded):
    from alembic import command
    store, db, before, _, _ = upgraded
    store.close()
    engine = sqlite_engine(db, writer=True)
    command.downgrade(migrate.alembic_config(engine), BEFORE)
    engine.dispose()
    assert rows(db, CATALOGUE + CASELOAD) == before
