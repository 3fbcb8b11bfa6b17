"""Upgrading a portfolio made at schema 0006, with the EDI pack loaded as it shipped (its
"different customers on different occasions" sentence read as a required "Other" record),
to 0007: the 23 rules become sufficiency rules where they are, under the same ids, every
other row stays as it was, and the catalogue is then the one a new laptop loads."""
from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from sqlalchemy.orm import Session

from app.catalogue.browse import list_catalogue
from app.catalogue.corrected_in_place import CORRECTS
from app.catalogue.loader import load_bundled_packs, load_pack_data
from app.db import migrate
from app.db.engine import sqlite_engine
from app.db.store import Store
from packs_as_shipped import before_0009

BEFORE = "0006"
EDI = "edi-l2-nvq-customer-service"
STAMP = "2026-10-05T09:00:00.000000+00:00"
SYNCED = "created_at, updated_at, version, device_id"
VALS = f"'{STAMP}', '{STAMP}', 2, 'dev-1'"
CATALOGUE = ["spec_pack", "qualification", "qualification_unit", "unit", "learning_outcome",
             "assessment_criterion", "assessment_rule"]
CASELOAD = ["centre", "staff_member", "learner", "enrolment", "enrolment_unit",
            "evidence_record", "criterion_mapping", "audit_event", "signature"]


def corrected_edi_text() -> str:
    """The EDI pack as 0007 corrected it (as it was until 0009 corrected it again)."""
    return before_0009(EDI)


def shipped_edi_text() -> str:
    """The EDI pack file as Fieldfolio shipped it before 0007: the pack 0007 corrected to,
    with its sufficiency rules read back as required "Other" records. That it hashes to the
    SHA-256 that shipped proves the reading of that sentence is the only change."""
    data = json.loads(corrected_edi_text())
    for unit in data["units"]:
        for rule in unit["assessment_rules"]:
            if rule["kind"] == "sufficiency":
                rule.update(kind="required", method="Ot")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_corrected_pack_differs_from_the_shipped_one_only_in_that_sentence():
    shipped = sha(shipped_edi_text())
    corrected = sha(corrected_edi_text())
    assert CORRECTS[corrected] == shipped
    assert shipped == "be4c722d0f06da065553cbf47c220e0bc5cef8c568a882e4aa8977643b9a75c9"


def make_0006_database(data_dir):
    """A database as Fieldfolio at schema 0006 left it, triggers installed: the EDI pack
    loaded as it shipped (by the loader, which makes a pack's ids from its own SHA-256 as it
    always did), a learner on unit CU792 with every AC met by a signed observation, and
    the caseload rows written in raw SQL so they do not depend on today's models."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "fieldfolio.sqlite3"
    engine = sqlite_engine(db, writer=True)
    migrate.upgrade(engine, db, data_dir / "backups", target=BEFORE)
    assert migrate.current_revision(engine) == BEFORE
    text = shipped_edi_text()
    with Session(engine) as session, session.begin():
        load_pack_data(session, json.loads(text), sha(text))
    engine.dispose()
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys=ON")
    (qual,) = con.execute("SELECT id FROM qualification").fetchone()
    (unit,) = con.execute("SELECT id FROM unit WHERE number = 'CU792'").fetchone()
    acs = [r[0] for r in con.execute("SELECT id FROM assessment_criterion WHERE unit_id = ?",
                                     (unit,))]
    for statement in [
        f"INSERT INTO centre (id, name, number, {SYNCED}) VALUES ('c1', 'Riverside', 'RT1', {VALS})",
        f"INSERT INTO staff_member (id, name, role, email, centre_id, {SYNCED}) VALUES "
        f"('s1', 'Alex Morgan', 'assessor', '', 'c1', {VALS})",
        f"INSERT INTO learner (id, given_names, family_name, uln, registration_number, email, "
        f"phone, workplace_address, notes, {SYNCED}) VALUES ('l1', 'Daniel', 'Okafor', NULL, "
        f"'', '', '', '', '', {VALS})",
        f"INSERT INTO enrolment (id, learner_id, qualification_id, registration_number, "
        f"assessor_id, status, {SYNCED}) VALUES ('e1', 'l1', '{qual}', 'EDI1', 's1', 'active', "
        f"{VALS})",
        f"INSERT INTO enrolment_unit (id, enrolment_id, unit_id, {SYNCED}) VALUES "
        f"('eu1', 'e1', '{unit}', {VALS})",
        "INSERT INTO evidence_record (id, enrolment_id, learner_id, method, portfolio_ref, "
        "title, date, location, state, details_json, valid, authentic, current, reliable, "
        f"sufficient, {SYNCED}) VALUES ('r1', 'e1', 'l1', 'Obs', 'OBS-001', 'At the counter', "
        f"'2026-10-01', 'Shop floor', 'signed', '{{}}', 1, 1, 1, 1, 1, {VALS})",
    ]:
        con.execute(statement)
    for n, ac in enumerate(acs):
        con.execute(f"INSERT INTO criterion_mapping (id, record_id, criterion_id, unit_id, "
                    f"status, note, {SYNCED}) VALUES (?, 'r1', ?, ?, 'met', '', {VALS})",
                    (f"m{n}", ac, unit))
    con.execute(f"INSERT INTO audit_event (id, action, record_type, record_id, learner_id, "
                f"actor_name, summary, related_id, occurred_at, {SYNCED}) VALUES ('ev1', "
                f"'created', 'evidence_record', 'r1', 'l1', 'Alex Morgan', 'OBS-001 created', "
                f"'', '{STAMP}', {VALS})")
    con.execute(f"INSERT INTO signature (id, record_type, record_id, record_version, learner_id, "
                f"content_hash, signer_name, role, method, on_behalf_by, strokes_json, "
                f"scan_sha256, typed_name, signed_at, signing_device_id, key_fingerprint, "
                f"sequence, previous_signature_hash, signature_hash, device_signature, {SYNCED}) "
                f"VALUES ('sig1', 'evidence_record', 'r1', 2, 'l1', '{'d' * 64}', 'Daniel Okafor', "
                f"'learner', 'typed', '', '[]', '', 'Daniel Okafor', '{STAMP}', 'dev-1', "
                f"'{'e' * 64}', 1, '', '{'f' * 64}', '{'0' * 128}', {VALS})")
    con.commit()
    con.close()
    return db


def rows(db, tables):
    """table -> {id or whole row: {column: value}}, so each row is compared with itself."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        out = {}
        for t in tables:
            table = {}
            for r in con.execute(f"SELECT * FROM {t}"):
                r = dict(r)
                table[r.get("id") or str(sorted(r.items()))] = r
            out[t] = table
        return out
    finally:
        con.close()


@pytest.fixture
def at_0007(tmp_path):
    """Upgraded to 0007 and no further (0009 corrects the rules again)."""
    data_dir = tmp_path / "data"
    db = make_0006_database(data_dir)
    before = rows(db, CATALOGUE + CASELOAD)
    engine = sqlite_engine(db, writer=True)
    backup = migrate.upgrade(engine, db, data_dir / "backups", target="0007")
    assert migrate.current_revision(engine) == "0007"
    engine.dispose()
    return db, before, backup


@pytest.fixture
def upgraded(tmp_path):
    data_dir = tmp_path / "data"
    db = make_0006_database(data_dir)
    before = rows(db, CATALOGUE + CASELOAD)
    store = Store(data_dir).open()
    yield store, db, before
    store.close()


def test_the_23_rules_become_sufficiency_rules_and_nothing_else_changes(at_0007):
    db, before, backup_path = at_0007
    after = rows(db, CATALOGUE + CASELOAD)
    # Columns later migrations add are theirs to test (0008's in test_migration_0008.py);
    # here every column that existed at 0006 keeps its value.
    after = {t: {i: {k: r[k] for k in before[t].get(i, r)} for i, r in table.items()}
             for t, table in after.items()}
    for table in CATALOGUE + CASELOAD:
        assert after[table].keys() == before[table].keys() and before[table], table
        if table not in ("assessment_rule", "spec_pack"):
            assert after[table] == before[table], table
    changed = {i: (before["assessment_rule"][i], r) for i, r in after["assessment_rule"].items()
               if r != before["assessment_rule"][i]}
    assert len(changed) == 23
    for old, new in changed.values():
        assert (old["kind"], old["method"], new["kind"], new["method"]) == (
            "required", "Ot", "sufficiency", None)
        assert {k: v for k, v in new.items() if k not in ("kind", "method")} == \
               {k: v for k, v in old.items() if k not in ("kind", "method")}
    assert not any(r["kind"] == "required" for r in after["assessment_rule"].values())
    (pack_id, old_pack), = before["spec_pack"].items()
    new_pack = after["spec_pack"][pack_id]
    assert (old_pack["sha256"], new_pack["sha256"]) == (sha(shipped_edi_text()),
                                                        sha(corrected_edi_text()))
    assert {**new_pack, "sha256": old_pack["sha256"]} == old_pack
    backup = rows(backup_path, CATALOGUE + CASELOAD)
    assert backup == before


def test_the_catalogue_stays_immutable_and_whole(at_0007):
    from app.db.triggers import TRIGGERS
    db, _, _ = at_0007
    con = sqlite3.connect(db)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        assert set(TRIGGERS) <= names
        for statement in ("UPDATE assessment_rule SET method = 'Ot'",
                          "UPDATE spec_pack SET sha256 = 'x'", "DELETE FROM assessment_rule"):
            with pytest.raises(sqlite3.IntegrityError, match="immutable"):
                con.execute(statement)
        with pytest.raises(sqlite3.IntegrityError, match="signed evidence cannot be changed"):
            con.execute("UPDATE criterion_mapping SET status = 'working_towards'")
        indexes = {r[1] for r in con.execute("PRAGMA index_list(assessment_rule)")}
        assert "ix_assessment_rule_unit_id" in indexes
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()


def test_the_upgraded_catalogue_is_the_one_a_new_laptop_loads(upgraded, tmp_path):
    """Same rows under the same ids, and one EDI qualification, not a copy beside it."""
    store, db, _ = upgraded
    loaded = store.write_now(load_bundled_packs)
    assert EDI not in loaded and len(loaded) == 4
    assert [q.pack_id for q in store.read(list_catalogue)].count(EDI) == 1
    with Store(tmp_path / "fresh") as fresh:
        fresh.write_now(load_bundled_packs)
    new_laptop = rows(tmp_path / "fresh" / "fieldfolio.sqlite3", CATALOGUE)
    upgraded_laptop = rows(db, CATALOGUE)
    for table in CATALOGUE:
        if table == "spec_pack":
            for r in (*new_laptop[table].values(), *upgraded_laptop[table].values()):
                del r["loaded_at"]
        assert upgraded_laptop[table] == new_laptop[table], table


def test_importing_the_pack_as_it_shipped_changes_nothing(upgraded, tmp_path):
    from app.catalogue.importer import import_pack_file
    store, db, _ = upgraded
    before = rows(db, CATALOGUE)
    old_file = tmp_path / f"{EDI}.json"
    old_file.write_text(shipped_edi_text(), encoding="utf-8")
    result = import_pack_file(store, old_file)
    assert not result.new
    assert rows(db, CATALOGUE) == before


def test_downgrading_gives_back_the_0006_rows(at_0007):
    from alembic import command
    db, before, _ = at_0007
    engine = sqlite_engine(db, writer=True)
    command.downgrade(migrate.alembic_config(engine), BEFORE)
    engine.dispose()
    assert rows(db, CATALOGUE + CASELOAD) == before


def test_the_edi_learner_waits_for_a_second_occasion_not_for_an_other_record(upgraded):
    from app.claims.sign_off import unit_readiness
    from app.evidence.progress import enrolment_progress
    store, _, _ = upgraded
    (unit,) = store.read(enrolment_progress, "e1").units
    gap = ("Different occasions: the ACs met so far were met on 1 date (01/10/2026); the unit "
           "needs evidence from different occasions (at least 2 dates).")
    assert unit.percent == 100 and unit.still_needed() == [gap]
    (readiness,) = store.read(unit_readiness, "e1")
    assert readiness.missing == [gap]
