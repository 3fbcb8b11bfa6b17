"""Fixtures for the centre server: a real server process per test, on SQLite and (where
configured) PostgreSQL."""
from __future__ import annotations

import pytest

from tests.server.centre_process import NO_POSTGRES, CentreProcess, ScratchPostgres, postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def centre_database_url(request):
    """None for the centre's own SQLite file, else a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        yield None
        return
    base = postgres_url()
    if not base:
        pytest.skip(NO_POSTGRES)
    scratch = ScratchPostgres(base)
    try:
        yield scratch.url
    finally:
        scratch.close()


@pytest.fixture
def centre(tmp_path, centre_database_url):
    process = CentreProcess(tmp_path / "centre", centre_database_url).start()
    yield process
    process.stop()
