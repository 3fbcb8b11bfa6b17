"""Turning a plain data folder (from before encryption) into an encrypted one, in place,
so that a kill or power cut at any moment leaves either the old folder or the new one
working, never neither.

The key file is the commit point. Until `fieldfolio.keys` exists the plain database is the
truth, and everything the conversion made (`fieldfolio.keys.pending`, the encrypted copy
`fieldfolio.sqlite3.encrypting`) is scratch that the next attempt throws away. Before that
point the encrypted copy has been proved to hold every row of every table and to pass
SQLite's integrity check, and a verified plain backup has been taken. Renaming the key file
into place commits; what follows (`finish`) is safe to repeat and runs again at every open
of an encrypted folder until it has nothing left to do: the encrypted copy replaces the
plain database, each attachment is sealed in place (a plain one is still readable
meanwhile), backups are re-written encrypted, the signing key is encrypted, and last the
plain backup is removed.

`on_step(name)` is called between steps; tests use it to kill the process at each one.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Callable

from app import paths
from app.db.engine import connect
from app.db.errors import StorageError
from app.db.health import starts_plain
from app.safekeeping import keys as folder_keys
from app.safekeeping.sealed import SealedWriter, is_sealed

PENDING_KEYS = folder_keys.KEYS_NAME + ".pending"
ENCRYPTING = paths.DATABASE_NAME + ".encrypting"
PLAIN_BACKUP = "plain-before-encryption.sqlite3"
UNFINISHED = "encryption-unfinished"   # present from before the commit until `finish` is done
Step = Callable[[str], None]


class ConversionFailed(StorageError):
    """The encrypted copy could not be made or proved; the plain folder is as it was."""


def _nothing(_name: str) -> None:
    pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _row_counts(con) -> dict[str, int]:
    names = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}


def _prove(path: Path, key_pragma: str | None, expected: dict[str, int]) -> None:
    con = connect(path, key_pragma)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        counts = _row_counts(con)
    finally:
        con.close()
    if ok != "ok" or counts != expected:
        raise ConversionFailed(f"The copy {path.name} did not check out ({ok}); the data folder "
                               f"has been left unencrypted and unchanged.")


def _export_encrypted(plain: Path, target: Path, keys: folder_keys.Keys) -> None:
    """A whole encrypted copy of a plain database, written by SQLCipher's own export."""
    target.unlink(missing_ok=True)
    from sqlcipher3 import dbapi2
    con = dbapi2.connect(str(plain))
    try:
        con.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{keys.database.hex()}'\"",
                    (str(target),))
        con.execute("SELECT sqlcipher_export('encrypted')")
        version = con.execute("PRAGMA main.user_version").fetchone()[0]
        con.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        con.execute("DETACH DATABASE encrypted")
    finally:
        con.close()
    _fsync(target)
    os.chmod(target, 0o600)


def encrypt_data_folder(data_dir: Path, passphrase: str, on_step: Step = _nothing,
                        cost: dict | None = None) -> folder_keys.Keys:
    """Convert the plain folder `data_dir` (not open elsewhere). Raises ConversionFailed or
    WeakPassphrase with the folder unchanged; returns the keys once committed and finished."""
    data_dir = Path(data_dir)
    db = data_dir / paths.DATABASE_NAME
    if folder_keys.is_encrypted(data_dir):
        raise ConversionFailed(f"{data_dir} is already encrypted.")
    folder_keys.check_new_passphrase(passphrase)
    for scratch in (PENDING_KEYS, ENCRYPTING):    # a conversion killed before its commit
        (data_dir / scratch).unlink(missing_ok=True)
    on_step("start")
    con = sqlite3.connect(str(db))
    try:   # everything into the main file, so the copies below see every commit
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        expected = _row_counts(con)
    finally:
        con.close()
    on_step("checkpointed")
    backups = data_dir / "backups"
    backups.mkdir(exist_ok=True)
    plain_copy = backups / PLAIN_BACKUP
    src, dst = sqlite3.connect(str(db)), sqlite3.connect(str(plain_copy))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    os.chmod(plain_copy, 0o600)
    _prove(plain_copy, None, expected)
    on_step("plain backup verified")
    (data_dir / UNFINISHED).write_bytes(b"")
    keys = folder_keys.create(data_dir, passphrase, cost=cost, name=PENDING_KEYS)
    on_step("keys written aside")
    _export_encrypted(db, data_dir / ENCRYPTING, keys)
    on_step("encrypted copy written")
    _prove(data_dir / ENCRYPTING, keys.sqlcipher_pragma(), expected)
    on_step("encrypted copy verified")
    os.replace(data_dir / PENDING_KEYS, data_dir / folder_keys.KEYS_NAME)   # the commit
    _fsync(data_dir)
    on_step("committed")
    finish(data_dir, keys, on_step)
    return keys


def finish(data_dir: Path, keys: folder_keys.Keys, on_step: Step = _nothing) -> None:
    """Complete a committed conversion; does nothing on a folder already complete. Called at
    every open of an encrypted folder, before the database is opened."""
    data_dir = Path(data_dir)
    db = data_dir / paths.DATABASE_NAME
    encrypting = data_dir / ENCRYPTING
    if encrypting.exists():
        for side in ("-wal", "-shm"):   # the plain database's, meaningless to the new file
            db.with_name(db.name + side).unlink(missing_ok=True)
        os.replace(encrypting, db)
        _fsync(data_dir)
        on_step("database replaced")
    elif starts_plain(db):
        raise StorageError(f"The data folder {data_dir} has a key file but its database is not "
                           f"encrypted and no encrypted copy is waiting: it has been changed by "
                           f"hand. Nothing has been done; ask for support.")
    if not (data_dir / UNFINISHED).exists():
        return      # the usual case: a start-up pays for one file check
    attachments = data_dir / "attachments"
    for path in sorted(attachments.glob("??/*")) if attachments.exists() else []:
        if path.is_file() and not path.name.startswith(".") and not is_sealed(path):
            _seal_in_place(path, keys.files)
            on_step(f"sealed {path.name[:12]}")
    backups = data_dir / "backups"
    for path in sorted(backups.glob("*.sqlite3")) if backups.exists() else []:
        if path.name != PLAIN_BACKUP and starts_plain(path):
            _backup_in_place(path, keys)
            on_step(f"backup encrypted {path.name}")
    _encrypt_signing_key(data_dir, keys)
    on_step("signing key encrypted")
    plain_copy = backups / PLAIN_BACKUP
    if plain_copy.exists():
        plain_copy.unlink()     # the encrypted database is in place and was proved above
        on_step("plain backup removed")
    (data_dir / UNFINISHED).unlink()
    _fsync(data_dir)
    on_step("finished")


def _seal_in_place(path: Path, key: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".sealing-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            writer = SealedWriter(out.write, key)
            for chunk in iter(lambda: src.read(1024 * 1024), b""):
                writer.write(chunk)
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o444)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _backup_in_place(path: Path, keys: folder_keys.Keys) -> None:
    con = sqlite3.connect(str(path))
    try:
        expected = _row_counts(con)
    finally:
        con.close()
    tmp = path.with_name(path.name + ".encrypting")
    _export_encrypted(path, tmp, keys)
    _prove(tmp, keys.sqlcipher_pragma(), expected)
    os.replace(tmp, path)


def _encrypt_signing_key(data_dir: Path, keys: folder_keys.Keys) -> None:
    from app.signing.device_key import KEY_FILE, reseal_key_file
    reseal_key_file(data_dir / KEY_FILE, keys.signing)
