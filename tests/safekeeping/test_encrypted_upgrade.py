"""An encrypted data folder made at the previous schema opens after an upgrade: the database
is migrated inside SQLCipher and the backup taken before migrating is encrypted too."""
from __future__ import annotations

from sqlalchemy import text

from app import paths
from app.db import migrate
from app.db.engine import SQLITE_MAGIC, connect, sqlite_engine
from app.db.store import Store
from app.safekeeping import keys as folder_keys
from tests.safekeeping.safekeeping_helpers import TEST_PASSPHRASE


def test_an_encrypted_folder_at_the_previous_schema_opens_after_upgrade(tmp_path):
    folder = tmp_path / "data"
    keys = folder_keys.create(folder, TEST_PASSPHRASE)
    db = folder / paths.DATABASE_NAME
    previous = f"{int(migrate.SCHEMA_HEAD) - 1:04d}"
    engine = sqlite_engine(db, writer=True, key_pragma=keys.sqlcipher_pragma())
    migrate.upgrade(engine, db, folder / "backups", target=previous,
                    key_pragma=keys.sqlcipher_pragma())
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO centre (id, name, number, created_at, updated_at, version, "
                          "device_id) VALUES ('c1', 'Northgate Training', '12345', "
                          "'2026-11-01T09:00:00+00:00', '2026-11-01T09:00:00+00:00', 1, 'd1')"))
    engine.dispose()
    assert migrate.current_revision(sqlite_engine(
        db, writer=False, key_pragma=keys.sqlcipher_pragma())) == previous

    with Store(folder, passphrase=TEST_PASSPHRASE) as store:
        assert store.encrypted and store.last_backup is not None
        assert migrate.current_revision(store.read_engine) == migrate.SCHEMA_HEAD
        assert store.read(lambda s: s.execute(text("SELECT name FROM centre")).scalar()) == \
            "Northgate Training"
        backup = store.last_backup
    for path in (db, backup):
        with open(path, "rb") as fh:
            assert fh.read(16) != SQLITE_MAGIC, f"{path.name} is readable as plain SQLite"
        assert b"Northgate Training" not in path.read_bytes()
    con = connect(backup, keys.sqlcipher_pragma())
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == previous
    finally:
        con.close()
