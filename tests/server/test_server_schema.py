"""The centre's migration chain builds exactly the tables the models describe, on SQLite and
PostgreSQL: a laptop migration that changes a synced table fails here until the server's
chain (db/migrations/server) has a revision for it too."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from server.database import open_centre
from server.schema import compare_type, include_object, target_metadata


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
