"""Damaged files and bad luck: a damaged page, a 0-byte database beside backups, a backup
killed part-way, a retried upgrade, a full disk. Each is refused with words a user can act
on, before anything is written; and the data folder is private."""
from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from alembic import command

from app.caseload.learners import save_learner
from app.cli import run
from app.db import health
from app.db.errors import NotADatabase, StorageError
from app.db.store import Store
from data_folder import snapshot
from test_migrations import make_first_schema_database

AMELIA = {"given_names": "Amelia", "family_name": "Hughes", "uln": "9276308686"}


def files(folder: Path) -> dict[str, str]:
    return snapshot(folder)


def caseload_with_a_backup(data_dir: Path) -> Path:
    with Store(data_dir) as s:
        for n in range(60):
            s.write_now(save_learner, None, {**AMELIA, "uln": "", "given_names": f"L{n}",
                                             "notes": "x" * 400})
    backups = data_dir / "backups"
    backups.mkdir()
    good = backups / "fieldfolio-before-0006-20261101T090000Z.sqlite3"
    src, dst = sqlite3.connect(data_dir / "fieldfolio.sqlite3"), sqlite3.connect(good)
    src.backup(dst)
    src.close()
    dst.close()
    return good


def test_a_damaged_page_is_refused_before_anything_is_written(data_dir):
    good = caseload_with_a_backup(data_dir)
    db = data_dir / "fieldfolio.sqlite3"
    raw = bytearray(db.read_bytes())
    page = 4096 * (len(raw) // 4096 - 2)            # a table page near the end, not the schema
    raw[page + 200:page + 3000] = b"\x13" * 2800
    db.write_bytes(bytes(raw))
    before = files(data_dir)
    with pytest.raises(NotADatabase) as err:
        Store(data_dir).open()
    assert "is damaged" in str(err.value) and "Nothing has been written to it" in str(err.value)
    assert str(good) in str(err.value)
    assert files(data_dir) == before                # not a byte, no -wal or -shm left


def test_a_cleanly_closed_database_is_not_checked_again_until_it_changes(data_dir):
    with Store(data_dir) as s:
        s.write_now(save_learner, None, AMELIA)
    db = data_dir / "fieldfolio.sqlite3"
    assert health.closed_cleanly(db)
    with Store(data_dir) as s:                   # written to: not clean until closed
        s.write_now(save_learner, None, {**AMELIA, "uln": "", "given_names": "Bea"})
        assert not health.closed_cleanly(db)
    assert health.closed_cleanly(db)
    os.utime(db, ns=(db.stat().st_atime_ns, db.stat().st_mtime_ns + 1))   # touched elsewhere
    assert not health.closed_cleanly(db)


def test_an_empty_database_beside_backups_is_refused_naming_the_newest(data_dir):
    good = caseload_with_a_backup(data_dir)
    older = good.with_name("fieldfolio-before-0005-20261001T090000Z.sqlite3")
    older.write_bytes(good.read_bytes())
    os.utime(older, (1_700_000_000, 1_700_000_000))
    (data_dir / "fieldfolio.sqlite3").write_bytes(b"")
    before = files(data_dir)
    with pytest.raises(NotADatabase) as err:
        Store(data_dir).open()
    assert "is empty (0 bytes)" in str(err.value) and str(good) in str(err.value)
    assert files(data_dir) == before


def test_an_empty_database_with_no_backups_is_a_first_start(data_dir):
    (data_dir / "fieldfolio.sqlite3").write_bytes(b"")
    with Store(data_dir) as s:
        assert s.write_now(save_learner, None, AMELIA)


def test_a_backup_is_whole_or_not_there_and_a_retry_reuses_it(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    make_first_schema_database(data_dir)
    backups = data_dir / "backups"
    backups.mkdir()
    killed = backups / "fieldfolio-before-0001-20261101T090000Z.sqlite3.partial"
    killed.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)   # a copy killed part-way
    real_upgrade = command.upgrade

    def failing(*args, **kwargs):
        raise RuntimeError("the upgrade stopped part-way")
    monkeypatch.setattr(command, "upgrade", failing)
    for _attempt in range(3):
        with pytest.raises(RuntimeError):
            Store(data_dir).open()
    made = sorted(backups.iterdir())
    assert len(made) == 1 and made[0].suffix == ".sqlite3", made     # one, whole, no .partial
    assert health.quick_check(made[0]) is None
    monkeypatch.setattr(command, "upgrade", real_upgrade)
    with Store(data_dir) as s:
        assert s.last_backup == made[0]
    assert sorted(backups.iterdir()) == made


def test_a_new_data_folder_is_private(tmp_path):
    if os.name != "posix":
        pytest.skip("folder modes are POSIX")
    folder = tmp_path / "new" / "data"
    with Store(folder) as s:
        s.write_now(save_learner, None, AMELIA)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "fieldfolio.sqlite3").stat().st_mode & 0o777 == 0o600


# -- a full disk ---------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): full disk untested")
    yield mount
    subprocess.run(["umount", str(mount)], capture_output=True)


def fill(disk: Path, leave: int) -> None:
    import shutil
    free = shutil.disk_usage(disk).free
    with open(disk / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))


def test_a_full_disk_is_called_full_not_damaged(small_disk, capsys):
    data = small_disk / "data"
    assert run(["--data-dir", str(data), "setup", "--name", "Alex Morgan", "--role", "assessor",
                "--centre", "Riverside"]) == 0
    fill(small_disk, leave=4096)
    before = files(data)
    capsys.readouterr()
    assert run(["--data-dir", str(data), "learner-add", "--given-names", "Amelia",
                "--family-name", "Hughes"]) == 1
    err = capsys.readouterr().err
    assert "is full" in err and "Nothing is damaged" in err and "Traceback" not in err
    assert "cannot be read as a database" not in err
    assert files(data) == before
    with pytest.raises(StorageError) as refused:
        Store(data).open()
    assert "is full" in str(refused.value)


def test_demo_on_a_nearly_full_disk_says_so_and_keeps_the_database(small_disk, capsys):
    data = small_disk / "data"
    assert run(["--data-dir", str(data), "setup", "--name", "Alex Morgan", "--role", "assessor",
                "--centre", "Riverside"]) == 0
    fill(small_disk, leave=1_500_000)       # room to open, not to load the catalogue and demo
    before = files(data)
    capsys.readouterr()
    assert run(["--data-dir", str(data), "demo"]) == 1
    err = capsys.readouterr().err
    assert "is full" in err and "Traceback" not in err
    assert files(data)["fieldfolio.sqlite3"] == before["fieldfolio.sqlite3"]
