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
