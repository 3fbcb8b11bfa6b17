"""Wiping a lost laptop's caseload, once the centre has confirmed it holds all of it
(app/sync/revoked.py decides when; this module only does it, and remembers that it did).

What "wipe" means on a lost laptop: everything Fieldfolio keeps in the data folder that names
a learner or could be used to sign as the assessor: the database and its journal files, every
backup (encrypted or the plain one kept during a conversion), every attachment and viewable
copy, the recording journal, the sync folder's partial uploads and downloads, the device
signing key and the newest-signature note, the log (it may name learners' files), and the
key file. Nothing else is touched: the folder may be one the user chose (--data-dir), so only
names Fieldfolio makes are removed.

Order, so a kill at any moment leaves a folder that is either whole or known to be wiped:
1. `WIPED-BY-CENTRE.txt` is written (fsync) first: it says why, in words with no personal
   data, and is the mark every later start looks for (`finish_wipe` completes the job).
2. The key file is overwritten and removed: in an encrypted folder this alone makes the
   rest unreadable (the data key existed only sealed in it).
3. The rest is removed.
In a plain folder (never encrypted) the files are deleted, which a disk tool may undo;
encryption is what makes a wipe final, which is why new folders are encrypted.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from app import paths
from app.safekeeping import keys as folder_keys

NOTICE = "WIPED-BY-CENTRE.txt"
# What Fieldfolio makes in a data folder: files by name or prefix, and whole folders.
_FILE_PREFIXES = (paths.DATABASE_NAME, folder_keys.KEYS_NAME, "fieldfolio.log",
                  "plain-before-encryption", "encryption-unfinished", ".closed-cleanly",
                  ".write-test-")
_FOLDERS = ("attachments", "backups", "keys", "sync")


def notice_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / NOTICE


def was_wiped(data_dir: Path | str) -> bool:
    return notice_path(data_dir).exists()


def notice(data_dir: Path | str) -> str:
    try:
        return notice_path(data_dir).read_text(encoding="utf-8").strip()
    except OSError:
        return "Fieldfolio wiped this laptop's caseload."


def wipe_caseload(data_dir: Path | str, why: str) -> None:
    """Remove the caseload from `data_dir` (see the module docstring). `why` becomes the
    notice every later start shows; it must not name a learner."""
    data_dir = Path(data_dir)
    _write_durably(notice_path(data_dir), why.strip() + "\n")
    _shred(data_dir / folder_keys.KEYS_NAME)
    folder_keys.forget(data_dir)
    finish_wipe(data_dir)


def finish_wipe(data_dir: Path | str) -> None:
    """Remove whatever of the caseload is left (a wipe a kill interrupted); safe to repeat."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return
    for entry in data_dir.iterdir():
        if entry.name == NOTICE:
            continue
        if entry.is_dir() and not entry.is_symlink() and entry.name in _FOLDERS:
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(_FILE_PREFIXES):
            if entry.name.startswith(folder_keys.KEYS_NAME):
                _shred(entry)
            entry.unlink(missing_ok=True)
    _fsync_dir(data_dir)


def start_again(data_dir: Path | str) -> None:
    """The assessor sets Fieldfolio up afresh in a wiped folder: the notice goes (the rest
    went with the wipe)."""
    finish_wipe(data_dir)
    notice_path(data_dir).unlink(missing_ok=True)


def _shred(path: Path) -> None:
    """Overwrite a small file before removing it, so its bytes are not simply left on the
    disk's free space (best effort: an SSD may keep the old block; the key file is tiny)."""
    try:
        size = path.stat().st_size
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, os.urandom(size))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass
    path.unlink(missing_ok=True)


def _write_durably(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    from app.transfer.durable import fsync_dir
    fsync_dir(folder)
