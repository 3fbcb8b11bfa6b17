"""The local database: settings, outbox, tombstones, and refusing what it cannot open."""
from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import select, text

from app.caseload.learners import save_learner
from app.db.errors import DataDirNotWritable, NewerDatabase, NotADatabase
from app.db.outbox import HardDeleteRefused
from app.db.store import Store
from app.models import Learner, OutboxEntry

AMELIA = {"given_names": "Amelia", "family_name": "Hughes", "uln": "9276308686"}


def test_database_is_wal_with_foreign_keys(store):
    with store.write_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_data_lives_in_the_chosen_folder(store, data_dir):
    assert store.db_path == data_dir / "fieldfolio.sqlite3"
    assert store.db_path.exists()


def test_env_variable_points_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDFOLIO_DATA_DIR", str(tmp_path / "portable"))
    with Store() as s:
        assert s.data_dir == (tmp_path / "portable").resolve()
    assert (tmp_path / "portable" / "fieldfolio.sqlite3").exists()


def test_a_change_and_its_outbox_entry_commit_together(store):
    learner_id = store.write_now(save_learner, None, AMELIA)
    rows = store.read(lambda s: [(o.table_name, o.record_id, o.version, o.operation)
                                 for o in s.scalars(select(OutboxEntry))])
    # The learner and its audit event ("created") travel together.
    assert [r for r in rows if r[0] != "audit_event"] == [("learner", learner_id, 1, "upsert")]
    assert [r[0] for r in rows].count("audit_event") == 1

    def change_then_fail(session):
        session.get(Learner, learner_id).notes = "lost"
        session.flush()
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        store.write_now(change_then_fail)
    learner = store.read(lambda s: s.get(Learner, learner_id))
    assert learner.notes == "" and learner.version == 1
    assert store.read(lambda s: s.scalars(select(OutboxEntry.version).where(
        OutboxEntry.table_name == "learner")).one()) == 1


def test_each_change_bumps_the_version_and_names_the_device(store):
    learner_id = store.write_now(save_learner, None, AMELIA)
    store.write_now(save_learner, learner_id, {**AMELIA, "notes": "prefers mornings"})
    learner = store.read(lambda s: s.get(Learner, learner_id))
    assert learner.version == 2
    assert learner.device_id == store.device_id != ""
    assert store.read(lambda s: s.scalars(select(OutboxEntry.version).where(
        OutboxEntry.table_name == "learner")).one()) == 2


def test_synced_records_are_never_hard_deleted(store):
    learner_id = store.write_now(save_learner, None, AMELIA)
    with pytest.raises(HardDeleteRefused):
        store.write_now(lambda s: s.delete(s.get(Learner, learner_id)))
    assert store.read(lambda s: s.get(Learner, learner_id)) is not None


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(data_dir):
    db = data_dir / "fieldfolio.sqlite3"
    db.write_bytes(b"This is a shopping list, not a database.\n" * 20)
    before = db.read_bytes()
    with pytest.raises(NotADatabase) as err:
        Store(data_dir).open()
    assert "not an SQLite file" in str(err.value) and "left untouched" in str(err.value)
    assert db.read_bytes() == before
    assert sorted(p.name for p in data_dir.iterdir()) == ["fieldfolio.sqlite3"]


def test_a_damaged_sqlite_file_is_refused_and_left_untouched(data_dir):
    with Store(data_dir) as s:
        s.write_now(save_learner, None, AMELIA)
    db = data_dir / "fieldfolio.sqlite3"
    raw = bytearray(db.read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)   # scribble over the schema page
    db.write_bytes(bytes(raw))
    for extra in ("-wal", "-shm"):
        (data_dir / f"fieldfolio.sqlite3{extra}").unlink(missing_ok=True)
    with pytest.raises(NotADatabase):
        Store(data_dir).open()
    assert db.read_bytes() == bytes(raw)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root ignores folder permissions")
def test_read_only_data_folder_gets_a_clear_message(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(DataDirNotWritable) as err:
            Store(folder).open()
        assert "cannot write to its data folder" in str(err.value)
    finally:
        folder.chmod(0o700)


def test_unwritable_data_folder_gets_a_clear_message(tmp_path):
    # Works even as root: the "folder" is a file, so nothing can be created inside it.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(DataDirNotWritable) as err:
        Store(blocker / "data").open()
    assert "cannot write to its data folder" in str(err.value)
    assert blocker.read_text() == "x"


def test_a_database_from_a_newer_fieldfolio_is_refused(data_dir):
    with Store(data_dir) as s:
        s.write_now(save_learner, None, AMELIA)
    con = sqlite3.connect(data_dir / "fieldfolio.sqlite3")
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    with pytest.raises(NewerDatabase) as err:
        Store(data_dir).open()
    assert "newer version of Fieldfolio" in str(err.value)
    con = sqlite3.connect(data_dir / "fieldfolio.sqlite3")
    assert con.execute("SELECT count(*) FROM learner").fetchone()[0] == 1
    con.close()


def test_writes_run_on_one_thread(store):
    import threading
    names = {store.write_now(lambda s: threading.current_thread().name) for _ in range(5)}
    assert names == {"fieldfolio-writer"}


def test_reads_see_committed_writes_from_another_thread(store):
    learner_id = store.write_now(save_learner, None, AMELIA)
    got = store.read_async(lambda s: s.get(Learner, learner_id).full_name).result()
    assert got == "Amelia Hughes"
    with store.write_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM learner")).scalar() == 1
