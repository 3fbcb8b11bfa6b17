"""Checks on a data folder before anything is written to it, and backups that are whole.

Bad luck this guards against, each seen in testing:
- a database with a damaged page was opened, written to (its bytes changed), then crashed:
  a database not closed cleanly last time is checked (PRAGMA quick_check, read-only) before
  the store writes anything, and refused, naming the newest backup that passes the same check;
- a 0-byte database beside backups was silently recreated as an empty caseload: refused;
- a kill during the pre-upgrade backup left a truncated file under the real backup name:
  backups are written to a temporary name, checked, then renamed; and a retried upgrade
  reuses the backup of an unchanged database instead of writing another full copy each time;
- a full disk was reported as a damaged database: it is said to be full.

"Closed cleanly" is remembered in a small file beside the database (its size and
modification time at the last close); quick_check, which reads every page, runs only when
that does not match, so a normal start stays fast.

An encrypted data folder's database and backups are checked the same way, through SQLCipher
with the folder's key (`key_pragma`, see app/db/engine.py); a file that still starts with
SQLite's plain header (the plain backup a conversion keeps until it finishes) is checked as
plain.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from app.db.engine import SQLITE_MAGIC, connect
from app.db.errors import NotADatabase, StorageError

CLEAN_MARK = ".closed-cleanly"
PARTIAL = ".partial"
# Below this much free space SQLite's "disk I/O error" on open means the disk is full.
NEARLY_FULL = 1_000_000


class DamagedDatabase(NotADatabase):
    pass


class EmptyDatabaseBesideBackups(NotADatabase):
    pass


class DiskFull(StorageError):
    pass


# -- private files ------------------------------------------------------------------------
def make_private_folder(folder: Path) -> None:
    """Create the data folder readable by its owner only (POSIX), as learners' data needs."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        if os.name == "posix":
            os.chmod(folder, 0o700)      # mkdir's mode is filtered by the umask


def create_private_file(path: Path) -> None:
    """An empty file only its owner can read, for SQLite to fill (it keeps the mode, and
    gives its -wal and -shm files the same)."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)


# -- before opening -----------------------------------------------------------------------
def check_before_open(db_path: Path, backups_dir: Path, key_pragma: str | None = None) -> None:
    """Raise a StorageError with words for the user if the database must not be opened."""
    if not db_path.exists():
        return
    if db_path.stat().st_size == 0:
        newest = newest_good_backup(backups_dir, key_pragma)
        if newest is not None:
            raise EmptyDatabaseBesideBackups(
                f"{db_path} is empty (0 bytes), but backups of an earlier caseload exist. "
                f"Fieldfolio has not started a new, empty caseload over it. To restore the "
                f"newest backup, close Fieldfolio and copy {newest} to {db_path}.")
        return
    if closed_cleanly(db_path):
        return
    problem = quick_check(db_path, key_pragma)
    if problem is not None:
        raise DamagedDatabase(damaged_message(db_path, problem,
                                              newest_good_backup(backups_dir, key_pragma)))


def damaged_message(db_path: Path, problem: str, newest: Path | None) -> str:
    restore = (f"The newest good backup is {newest}: close Fieldfolio, move the damaged file "
               f"aside and copy the backup to {db_path}." if newest is not None else
               "There is no backup in its data folder; keep the file for a specialist.")
    return (f"{db_path} is damaged ({problem}). Nothing has been written to it. {restore}")


@contextmanager
def read_only(db_path: Path, key_pragma: str | None = None) -> Iterator[sqlite3.Connection]:
    """A read-only connection that leaves no trace: a look at a WAL database makes empty
    -wal and -shm files, removed again here if they were not there before. Keyed first when
    the database is encrypted."""
    sides = [db_path.with_name(db_path.name + end) for end in ("-wal", "-shm")]
    had = [p.exists() for p in sides]
    con = connect(db_path, key_pragma, read_only=True)
    try:
        yield con
    finally:
        con.close()
        if not any(had) and (not sides[0].exists() or sides[0].stat().st_size == 0):
            for side in sides:
                side.unlink(missing_ok=True)


def starts_plain(path: Path) -> bool:
    """Whether the file starts with SQLite's plain header (an encrypted one starts with noise)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def quick_check(db_path: Path, key_pragma: str | None = None) -> str | None:
    """None if SQLite's quick_check passes on a read-only connection, else what it found."""
    if key_pragma is not None and starts_plain(db_path):
        key_pragma = None
    try:
        with read_only(db_path, key_pragma) as con:
            rows = [r[0] for r in con.execute("PRAGMA quick_check(3)")]
    except (sqlite3.DatabaseError, cipher_error()) as exc:
        rows = [str(exc)]
    words = " ".join("; ".join(r.strip() for r in rows).split())
    return None if rows == ["ok"] else words[:300]


def cipher_error() -> type[Exception]:
    """SQLCipher's DatabaseError (its own class, not the standard library's), if installed."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        return sqlite3.DatabaseError
    return dbapi2.DatabaseError


def newest_good_backup(backups_dir: Path, key_pragma: str | None = None) -> Path | None:
    if not backups_dir.is_dir():
        return None
    found = sorted((p for p in backups_dir.glob("*.sqlite3") if p.stat().st_size > 0),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    return next((p for p in found if quick_check(p, key_pragma) is None), None)


# -- after closing ------------------------------------------------------------------------
def _fingerprint(db_path: Path) -> dict:
    st = db_path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def closed_cleanly(db_path: Path) -> bool:
    mark = db_path.parent / CLEAN_MARK
    wal = db_path.with_name(db_path.name + "-wal")
    try:
        if wal.exists() and wal.stat().st_size > 0:
            return False
        return json.loads(mark.read_text(encoding="utf-8")) == _fingerprint(db_path)
    except (OSError, ValueError):
        return False


def mark_closed_cleanly(db_path: Path) -> None:
    """After the last connection closed (SQLite removed the -wal file): remember the file as
    it is. Written only when it differs, so a command that only reads changes nothing."""
    wal = db_path.with_name(db_path.name + "-wal")
    if not db_path.exists() or (wal.exists() and wal.stat().st_size > 0):
        return
    mark = db_path.parent / CLEAN_MARK
    text = json.dumps(_fingerprint(db_path))
    try:
        if mark.exists() and mark.read_text(encoding="utf-8") == text:
            return
        tmp = mark.with_name(mark.name + PARTIAL)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, mark)
    except OSError:
        pass        # a full disk at close: the next start runs the check, nothing is lost


# -- disk full ----------------------------------------------------------------------------
def disk_is_full(folder: Path, exc: BaseException | None = None) -> bool:
    text = str(exc or "").lower()
    if "database or disk is full" in text or "no space left" in text:
        return True
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL
    except OSError:
        return False


def disk_full_message(folder: Path) -> str:
    return (f"The disk holding {folder} is full, so Fieldfolio cannot work with its data. "
            f"Nothing is damaged and nothing has been changed: free some space (empty the "
            f"recycle bin, move large files off this disk), then try again.")


# -- backups ------------------------------------------------------------------------------
def whole_backup(db_path: Path, target: Path, key_pragma: str | None = None) -> Path:
    """Copy with SQLite's backup API to a temporary name, check the copy, then rename: a kill
    or a full disk part-way leaves a ``.partial`` file, never a damaged one under the real
    name. Raises StorageError if the copy fails its check. An encrypted database is copied
    into a file keyed with the same key."""
    partial = target.with_name(target.name + PARTIAL)
    partial.unlink(missing_ok=True)
    create_private_file(partial)
    try:
        src = connect(db_path, key_pragma)
        dst = connect(partial, key_pragma)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        problem = quick_check(partial, key_pragma)
        if problem is not None:
            raise StorageError(f"The backup of {db_path} taken before upgrading failed its "
                               f"check ({problem}); the database was not upgraded.")
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def reusable_backup(db_path: Path, backups_dir: Path, label: str) -> Path | None:
    """A whole backup taken before upgrading from ``label`` that is newer than every change
    to the database and its write-ahead log: an upgrade that failed and rolled back, retried."""
    if not backups_dir.is_dir():
        return None
    wal = db_path.with_name(db_path.name + "-wal")
    changed = max(db_path.stat().st_mtime_ns,
                  wal.stat().st_mtime_ns if wal.exists() and wal.stat().st_size else 0)
    for p in sorted(backups_dir.glob(f"fieldfolio-before-{label}-*.sqlite3"), reverse=True):
        if p.stat().st_mtime_ns >= changed and p.stat().st_size > 0:
            return p
    return None
