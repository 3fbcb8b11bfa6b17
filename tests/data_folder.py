"""Helpers for tests that check a data folder is left exactly as it was."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Callable

from app.caseload.demo import load_demo_caseload
from app.db.store import Store


def snapshot(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under `folder` (but those named in `skip`) -> SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in skip}


def demo_folder(target: Path, catalogue_db: Path, more: Callable | None = None):
    """A copy of the catalogue with the demo caseload (and `more(store)`), opened once more
    so the planner's statistics are settled: later opens that only read change no byte."""
    shutil.copytree(catalogue_db, target)
    with Store(target) as store:
        store.write_now(load_demo_caseload)
        extra = more(store) if more else None
    Store(target).open().close()
    return extra
