"""Upgrading a portfolio made at schema 0005 to 0006 (question bank, clip lengths): every row
as it was, a signed record still locked, files of unknown length rather than a guessed one."""
from __future__ import annotations

import sqlite3

import pytest

from app.db import migrate
from app.db.engine import sqlite_engine
from app.db.store import Store

BEFORE = "0005"
STAMP = "2026-10-05T09:00:00.000000+00:00"
SYNCED = "created_at, updated_at, version, device_id"
VALS = f"'{STAMP}', '{STAMP}', 2, 'dev-1'"
TABLES = ["spec_pack", "qualification", "unit", "qualification_unit", "learning_outcome",
          "assessment_criterion", "assessment_rule", "centre", "staff_member", "learner",
          "enrolment", "enrolment_unit", "evidence_record", "criterion_mapping", "attachment",
          "audit_event", "signature"]


def make_0005_database(data_dir):
    """A database as Fieldfolio at schema 0005 left it (its triggers installed too), filled
    through raw SQL so the test does not depend on today's models: a one-unit C&G pack with
    the video rule, a learner enrolled on it, a draft observation with a video and an AC
    mapped, and a signed record whose recording is locked by its signature."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "fieldfolio.sqlite3"
    engine = sqlite_engine(db, writer=True)
    migrate.upgrade(engine, db, data_dir / "backups", target=BEFORE)
    assert migrate.current_revision(engine) == BEFORE
    engine.dispose()
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys=ON")
    sql = [
        "INSERT INTO spec_pack (id, pack_id, sha256, kind, awarding_body, missing_json, "
        "corrections_json, listed_not_specified_json, loaded_at) VALUES ('p1', 'cg-2794-02', "
        f"'{'a' * 64}', 'qualification', 'City & Guilds', '[]', '[]', '[]', '{STAMP}')",
        "INSERT INTO qualification (id, pack_row_id, kind, title, awarding_body, ab_number, "
        "missing_json, sort_order) VALUES ('q1', 'p1', 'qualification', 'Level 2 Diploma for "
        "Customer Service Practitioners', 'City & Guilds', '2794-02', '[]', 0)",
        "INSERT INTO unit (id, pack_row_id, number, title, missing_json, sort_order) VALUES "
        "('u1', 'p1', '202', 'Recognition of regulations and legislation', '[]', 0)",
        "INSERT INTO qualification_unit (qualification_id, unit_id, sort_order) VALUES ('q1', 'u1', 0)",
        "INSERT INTO learning_outcome (id, unit_id, number, title, sort_order) VALUES "
        "('lo1', 'u1', '1', 'Understand regulations', 0)",
        "INSERT INTO assessment_criterion (id, lo_id, unit_id, number, text, sort_order) VALUES "
        "('ac1', 'lo1', 'u1', '1.1', 'identify the different regulations', 0), "
        "('ac2', 'lo1', 'u1', '1.2', 'explain how regulations affect the organisation', 1)",
        "INSERT INTO assessment_rule (id, unit_id, kind, method, count, count_of, source_line, "
        "source_text, sort_order) VALUES ('rule1', 'u1', 'allowed', 'Ot', 10, 'minutes of video "
        "clips in total', 306, 'video clips (maximum duration in total = 10 minutes)', 0)",
        f"INSERT INTO centre (id, name, number, {SYNCED}) VALUES ('c1', 'Riverside', 'RT1', {VALS})",
        f"INSERT INTO staff_member (id, name, role, email, centre_id, {SYNCED}) VALUES "
        f"('s1', 'Alex Morgan', 'assessor', '', 'c1', {VALS})",
        f"INSERT INTO learner (id, given_names, family_name, uln, registration_number, email, "
        f"phone, workplace_address, notes, {SYNCED}) VALUES ('l1', 'Amelia', 'Hughes', NULL, "
        f"'', '', '', '', 'keeps her notes — “quoted”', {VALS})",
        f"INSERT INTO enrolment (id, learner_id, qualification_id, registration_number, "
        f"assessor_id, status, {SYNCED}) VALUES ('e1', 'l1', 'q1', 'CG123', 's1', 'active', {VALS})",
        f"INSERT INTO enrolment_unit (id, enrolment_id, unit_id, {SYNCED}) VALUES "
        f"('eu1', 'e1', 'u1', {VALS})",
    ]
    record = ("INSERT INTO evidence_record (id, enrolment_id, learner_id, method, portfolio_ref, "
              "title, date, location, state, details_json, valid, authentic, current, reliable, "
              f"sufficient, {SYNCED}) VALUES (?, 'e1', 'l1', ?, ?, ?, '2026-10-01', 'Shop floor', "
              f"?, ?, 1, 1, 0, 1, 0, {VALS})")
    attachment = ("INSERT INTO attachment (id, record_id, sha256, original_name, media_type, "
                  f"size, kind, caption, {SYNCED}) VALUES (?, ?, ?, ?, ?, ?, ?, '', {VALS})")
    for statement in sql:
        con.execute(statement)
    con.execute(record, ("r1", "Obs", "OBS-001", "Refund at the till", "draft",
                         '{"activities": "Greeted the customer"}'))
    con.execute(record, ("r2", "PD", "PD-001", "Discussion of legislation", "signed",
                         '{"topics": "Data protection"}'))
    con.execute(attachment, ("a1", "r1", "b" * 64, "till.mp4", "video/mp4", 48_000_000, "video"))
    con.execute(attachment, ("a2", "r2", "c" * 64, "discussion.wav", "audio/x-wav", 9_000_000,
                             "audio"))
    con.execute(f"INSERT INTO criterion_mapping (id, record_id, criterion_id, unit_id, status, "
                f"note, {SYNCED}) VALUES ('m1', 'r1', 'ac1', 'u1', 'met', 'at the till', {VALS})")
    con.execute(f"INSERT INTO audit_event (id, action, record_type, record_id, learner_id, "
                f"actor_name, summary, related_id, occurred_at, {SYNCED}) VALUES ('ev1', "
                f"'created', 'evidence_record', 'r1', 'l1', 'Alex Morgan', 'OBS-001 created', '', "
                f"'{STAMP}', {VALS})")
    # Signed last: from here on the triggers lock r2, its mapping and its files.
    con.execute(f"INSERT INTO signature (id, record_type, record_id, record_version, learner_id, "
                f"content_hash, signer_name, role, method, on_behalf_by, strokes_json, "
                f"scan_sha256, typed_name, signed_at, signing_device_id, key_fingerprint, "
                f"sequence, previous_signature_hash, signature_hash, device_signature, {SYNCED}) "
                f"VALUES ('sig1', 'evidence_record', 'r2', 2, 'l1', '{'d' * 64}', 'Amelia Hughes', "
                f"'learner', 'typed', '', '[]', '', 'Amelia Hughes', '{STAMP}', 'dev-1', "
                f"'{'e' * 64}', 1, '', '{'f' * 64}', '{'0' * 128}', {VALS})")
    con.commit()
    try:   # as at 0005 in the field: the signing triggers already guard r2
        con.execute("UPDATE attachment SET caption = 'x' WHERE id = 'a2'")
        raise AssertionError("the 0005 database has no signing triggers")
    except sqlite3.IntegrityError:
        pass
    con.close()
    return db


def rows(db, tables=TABLES):
    """table -> rows as {column: value}, sorted, so added columns do not hide changed ones."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return {t: sorted((dict(r) for r in con.execute(f"SELECT * FROM {t}")),
                          key=lambda r: str(sorted(r.items()))) for t in tables}
    finally:
        con.close()


@pytest.fixture
def upgraded(tmp_path):
    data_dir = tmp_path / "data"
    db = make_0005_database(data_dir)
    before = rows(db)
    store = Store(data_dir).open()
    yield store, db, before
    store.close()


def test_every_row_is_kept_and_lengths_are_unknown(upgraded):
    store, db, before = upgraded
    assert migrate.current_revision(store.write_engine) == migrate.head_revision()
    after = rows(db)
    for table in TABLES:
        assert len(after[table]) == len(before[table]) > 0, table
        kept = [{k: r[k] for k in old} for r, old in zip(after[table], before[table])]
        assert kept == before[table], table
    assert [(a["id"], a["duration_ms"]) for a in after["attachment"]] == [("a1", None), ("a2", None)]
    # the only new column anywhere in these tables is the playing time, besides those later
    # migrations add (0008, 0009, 0011, 0013: tested in test_migration_0008.py, _0009.py,
    # _0011.py, _0013.py)
    later = {"audit_event": {"chain_sequence", "previous_entry_hash", "entry_hash"},
             "signature": {"content_rule"}, "assessment_rule": {"evidence"},
             "learner": {"merged_into_id"}, "enrolment": {"joined_into_id"}}
    assert {t: set(after[t][0]) - set(before[t][0]) for t in TABLES if
            set(after[t][0]) != set(before[t][0])} == {"attachment": {"duration_ms"}, **later}
    assert store.last_backup is not None and rows(store.last_backup) == before


def test_question_bank_table_is_there_and_empty(upgraded):
    store, db, _ = upgraded
    con = sqlite3.connect(db)
    try:
        columns = {r[1] for r in con.execute("PRAGMA table_info(question_bank_entry)")}
        assert {"unit_id", "unit_reference", "criterion_refs", "question", "expected_answer",
                "id", "version", "deleted_at", "device_id"} <= columns
        assert con.execute("SELECT COUNT(*) FROM question_bank_entry").fetchone() == (0,)
        indexes = {r[1] for r in con.execute("PRAGMA index_list(question_bank_entry)")}
        assert {"ix_question_bank_entry_unit_id", "ix_question_bank_entry_unit_reference"} <= indexes
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()


def test_the_signed_record_stays_locked_and_the_cap_names_the_unknown_clip(upgraded):
    from app.db.triggers import TRIGGERS
    from app.evidence.attachments import RecordLocked, set_attachment_duration
    from app.evidence.progress import enrolment_progress
    from app.evidence.video_cap import video_cap

    store, db, _ = upgraded
    con = sqlite3.connect(db)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        assert set(TRIGGERS) <= names
        with pytest.raises(sqlite3.IntegrityError, match="signed evidence cannot be changed"):
            con.execute("UPDATE attachment SET duration_ms = 1000 WHERE id = 'a2'")
    finally:
        con.close()
    with pytest.raises(RecordLocked):
        store.write_now(set_attachment_duration, "a2", 1000)
    cap = store.read(video_cap, "e1")
    assert cap.text == ("Video clips: 0 s of the 10 minutes allowed. 1 video of unknown length "
                        "(OBS-001 till.mp4): check how long it plays.")
    (unit,) = store.read(enrolment_progress, "e1").units
    assert cap.text in unit.still_needed()
    # the draft's clip can be measured now that the column exists
    assert store.write_now(set_attachment_duration, "a1", 95_000) is True
    assert store.read(video_cap, "e1").text == "Video clips: 1 min 35 s of the 10 minutes allowed."
