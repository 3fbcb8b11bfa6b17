"""A copy waiting to be printed carries learners' personal data: only its user can read it,
in a folder only they can open, and it is cleared out once old enough to have been printed."""
from __future__ import annotations

import os
import stat
import time

import pytest

from app.claims.print_files import KEEP_SECONDS, print_folder, write_print_copy

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@posix_only
def test_print_copies_are_private(tmp_path):
    path = write_print_copy("Claim pack - Amelia Hughes.pdf", b"%PDF-1.4 personal", root=tmp_path)
    assert path.read_bytes() == b"%PDF-1.4 personal"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.parent == tmp_path / "print"


@posix_only
def test_a_folder_left_open_by_an_older_fieldfolio_is_closed(tmp_path):
    (tmp_path / "print").mkdir(mode=0o777)
    os.chmod(tmp_path / "print", 0o777)
    assert stat.S_IMODE(print_folder(tmp_path).stat().st_mode) == 0o700


def test_copies_older_than_a_day_are_removed_when_another_is_made(tmp_path):
    old = write_print_copy("old.pdf", b"%PDF old", root=tmp_path)
    recent = write_print_copy("recent.pdf", b"%PDF recent", root=tmp_path)
    then = time.time() - KEEP_SECONDS - 60
    os.utime(old, (then, then))
    write_print_copy("new.pdf", b"%PDF new", root=tmp_path)
    assert not old.exists()
    assert recent.exists()
