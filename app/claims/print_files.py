"""Where a PDF waits while the system's viewer or the printer dialog uses it.

Learners' names, dates of birth and ULNs are on every page, so the copy is private to the
user: a folder only they can open, in their own cache folder (the system's temporary folder
is shared by every account on the machine, and a folder of a known name there can be made
first by someone else), files only they can read. A copy is needed only until it has been
printed: copies older than a day are removed whenever another is made.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import platformdirs

from app.claims.export import write_pdf

KEEP_SECONDS = 24 * 3600


def print_folder(root: str | os.PathLike | None = None) -> Path:
    """The user's private folder for print copies (mode 0700, re-tightened if it was not)."""
    base = Path(root) if root is not None else Path(
        platformdirs.user_cache_dir("Fieldfolio", "Fieldfolio"))
    folder = base / "print"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(folder, 0o700)  # mkdir's mode passes through the umask
    return folder


def write_print_copy(name: str, pdf: bytes, root: str | os.PathLike | None = None,
                     now: float | None = None) -> Path:
    """Write `pdf` as `name` in the private folder, readable by the user alone, and clear
    out copies old enough to have been printed."""
    folder = print_folder(root)
    now = time.time() if now is None else now
    for old in folder.glob("*.pdf"):
        try:
            if now - old.stat().st_mtime > KEEP_SECONDS:
                old.unlink()
        except OSError:
            pass  # a viewer on Windows may hold it open; it goes next time
    return write_pdf(folder / name, pdf, private=True)
