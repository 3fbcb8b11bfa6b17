"""Start-up health checks (app/db/health.py) on an encrypted data folder: the quick_check
after an unclean close and the backups it names are read through SQLCipher with the folder's
key, so a sound encrypted database opens and a damaged one is refused, untouched, naming
its newest good (encrypted) backup."""
from __future__ import annotations

import shutil

import pytest

from app.db import health
from app.db.errors import NotADatabase
from app.db.store import Store
from app.safekeeping import keys as folder_keys
from data_folder import snapshot
from tests.safekeeping.safekeeping_helpers import TEST_PASSPHRASE


@pytest.fixture
def encrypted_folder(encrypted_demo_db, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(encrypted_demo_db, target)
    return target


def test_an_encrypted_database_not_closed_cleanly_is_checked_with_its_key_and_opens(
        encrypted_folder):
    (encrypted_folder / health.CLEAN_MARK).unlink(missing_ok=True)   # as after a crash
    db = encrypted_folder / "fieldfolio.sqlite3"
    assert not health.starts_plain(db)
    pragma = folder_keys.unlock(encrypted_folder, TEST_PASSPHRASE).sqlcipher_pragma()
    assert health.quick_check(db, pragma) is None
    assert health.quick_check(db) is not None           # without the key it is noise
    with Store(encrypted_folder, passphrase=TEST_PASSPHRASE) as s:
        assert s.encrypted
    assert health.closed_cleanly(db)


def test_a_damaged_encrypted_database_is_refused_naming_its_encrypted_backup(encrypted_folder):
    db = encrypted_folder / "fieldfolio.sqlite3"
    pragma = folder_keys.unlock(encrypted_folder, TEST_PASSPHRASE).sqlcipher_pragma()
    health.make_private_folder(encrypted_folder / "backups")
    good = health.whole_backup(
        db, encrypted_folder / "backups" / "fieldfolio-before-0009-20261101T090000Z.sqlite3",
        pragma)
    assert not health.starts_plain(good) and health.quick_check(good, pragma) is None
    raw = bytearray(db.read_bytes())
    page = 4096 * (len(raw) // 4096 - 2)            # a table page near the end, not the schema
    raw[page + 200:page + 3000] = b"\x13" * 2800
    db.write_bytes(bytes(raw))
    before = snapshot(encrypted_folder)
    with pytest.raises(NotADatabase) as err:
        Store(encrypted_folder, passphrase=TEST_PASSPHRASE).open()
    assert "is damaged" in str(err.value) and str(good) in str(err.value)
    assert snapshot(encrypted_folder) == before
