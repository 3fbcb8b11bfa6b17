"""Fixtures for the centre server: a real server process per test, on SQLite and (where
configured) PostgreSQL, and laptops (data folders with the catalogue loaded).

Loading the catalogue into a new centre takes seconds, so one centre of each kind is made
per run and copied (a folder for SQLite, CREATE DATABASE … TEMPLATE for PostgreSQL)."""
from __future__ import annotations

import shutil
import sqlite3
import uuid

import pytest

from app.db.store import Store
from tests.server.centre_process import NO_POSTGRES, CentreProcess, ScratchPostgres, postgres_url


@pytest.fixture(scope="session")
def centre_template_dir(tmp_path_factory):
    from server.database import open_centre
    path = tmp_path_factory.mktemp("centre-template") / "centre"
    open_centre(path).dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template():
    base = postgres_url()
    if not base:
        yield None
        return
    from server.database import open_centre
    template = ScratchPostgres(base)
    open_centre("/tmp", template.url).dispose()
    yield template.name
    template.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def centre_database_url(request):
    """None for the centre's own SQLite file, else a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        yield None
        return
    base = postgres_url()
    if not base:
        pytest.skip(NO_POSTGRES)
    scratch = ScratchPostgres(base, template=request.getfixturevalue("postgres_template"))
    try:
        yield scratch.url
    finally:
        scratch.close()


@pytest.fixture
def centre(tmp_path, centre_database_url, centre_template_dir):
    template = None if centre_database_url else centre_template_dir
    process = CentreProcess(tmp_path / "centre", centre_database_url, template).start()
    yield process
    process.stop()


@pytest.fixture
def laptops(catalogue_db, tmp_path):
    """make(name) -> an open Store on a new laptop data folder with the catalogue loaded."""
    opened = []

    def make(name: str) -> Store:
        target = tmp_path / name
        shutil.copytree(catalogue_db, target)
        con = sqlite3.connect(target / "fieldfolio.sqlite3")  # a laptop of its own
        con.execute("UPDATE device SET id = ?", (str(uuid.uuid4()),))
        con.commit()
        con.close()
        store = Store(target).open()
        opened.append(store)
        return store
    yield make
    for store in opened:
        store.close()


@pytest.fixture
def encrypted_laptops(catalogue_db, tmp_path):
    """make(name) -> an open Store on a new *encrypted* laptop with the catalogue loaded."""
    opened = []

    def make(name: str) -> Store:
        target = tmp_path / name
        shutil.copytree(catalogue_db, target)
        con = sqlite3.connect(target / "fieldfolio.sqlite3")  # a laptop of its own
        con.execute("UPDATE device SET id = ?", (str(uuid.uuid4()),))
        con.commit()
        con.close()
        from app.safekeeping import convert
        from tests.safekeeping.safekeeping_helpers import TEST_PASSPHRASE
        convert.encrypt_data_folder(target, TEST_PASSPHRASE)
        store = Store(target, passphrase=TEST_PASSPHRASE).open()
        assert store.encrypted
        opened.append(store)
        return store
    yield make
    for store in opened:
        store.close()
