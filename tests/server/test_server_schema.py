"""The centre's migration chain builds exactly the tables the models describe, on SQLite and
PostgreSQL: a laptop migration that changes a synced table fails here until the server's
chain (db/migrations/server) has a revision for it too."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from server.database import open_centre
from server.schema import compare_type, include_object, target_metadata


def alembic_head() -> str:
    """The newest server revision: an upgrade test asks for it, not for the number that was
    newest when it was written, so the next revision does not break it."""
    from alembic.script import ScriptDirectory
    from server.schema import alembic_config
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_server_schema_matches_the_models(tmp_path, centre_database_url):
    centre = open_centre(tmp_path / "c", centre_database_url)
    try:
        with centre.write_engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": compare_type, "include_object": include_object,
                "version_table": "server_alembic_version", "target_metadata": target_metadata()})
            diffs = compare_metadata(context, target_metadata())
        assert diffs == []
        tables = set(inspect(centre.write_engine).get_table_names())
        assert {"learner", "signature", "scope_clock", "change_log", "sync_device"} <= tables
        assert not tables & {"outbox", "form_draft", "local_setting", "device"}
        centre.upgrade()  # a second start changes nothing
    finally:
        centre.dispose()


def test_a_centre_from_before_the_audit_upgrades_keeping_its_laptops(tmp_path, centre_database_url):
    """s0002 → s0003 (the centre's audit, issue 17): an enrolled, revoked laptop stays as it
    was, and revoking it again is now noted in the new table."""
    from alembic import command
    from server import staff
    from server.audit import audit
    from server.database import CentreDatabase
    from server.models import SyncDevice
    from server.schema import alembic_config, current_revision
    old = CentreDatabase(tmp_path / "c", centre_database_url)
    try:
        command.upgrade(alembic_config(old.write_engine), "s0002")
        with old.write_engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO sync_device (id, staff_id, name, token_hash, public_key, "
                "key_fingerprint, enrolled_at, revoked_at, last_seq, chain_sequence, "
                "chain_head_hash) VALUES ('dev-1', 'staff-1', 'Sam''s laptop', 'hash', '', '', "
                "'2026-12-01T09:00:00+00:00', '2026-12-02T09:00:00+00:00', 41, 0, '')")
    finally:
        old.dispose()
    centre = open_centre(tmp_path / "c", centre_database_url)
    try:
        assert current_revision(centre.write_engine) == alembic_head()  # s0003 and after
        with centre.writing() as session:
            device = session.get(SyncDevice, "dev-1")
            assert (device.name, device.last_seq) == ("Sam's laptop", 41)
            assert device.revoked_at is not None and audit(session) == []
            device.revoked_at = None
            session.flush()
            staff.revoke(session, "dev-1")
        with centre.reading() as session:
            assert [e["kind"] for e in audit(session, "dev-1")] == ["device_revoked"]
    finally:
        centre.dispose()


def test_a_centre_from_before_merging_upgrades_keeping_its_learners(tmp_path, centre_database_url):
    """s0003 → s0004 (issue 13: a learner created twice is merged): the centre's learners
    are kept as they were, none merged, and the unique index on live ULNs still holds."""
    import pytest
    from alembic import command
    from sqlalchemy.exc import IntegrityError
    from server.database import CentreDatabase
    from server.schema import alembic_config, current_revision
    old = CentreDatabase(tmp_path / "c", centre_database_url)
    insert = ("INSERT INTO learner (id, given_names, family_name, uln, registration_number, "
              "email, phone, workplace_address, notes, created_at, updated_at, version, "
              "device_id) VALUES ('{id}', 'Amelia', 'Hughes', '5423232219', '', '', '', '', "
              "'keep me', '2026-12-01T09:00:00+00:00', '2026-12-01T09:00:00+00:00', 3, 'd1')")
    try:
        command.upgrade(alembic_config(old.write_engine), "s0003")
        with old.write_engine.begin() as conn:
            conn.exec_driver_sql(insert.format(id="l1"))
    finally:
        old.dispose()
    centre = open_centre(tmp_path / "c", centre_database_url)
    try:
        assert current_revision(centre.write_engine) == alembic_head()  # s0004 and after
        with centre.write_engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT id, notes, version, merged_into_id FROM learner"
                                        ).fetchall() == [("l1", "keep me", 3, None)]
        with pytest.raises(IntegrityError), centre.write_engine.begin() as conn:
            conn.exec_driver_sql(insert.format(id="l2"))
    finally:
        centre.dispose()
