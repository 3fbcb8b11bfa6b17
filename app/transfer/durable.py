"""Making a rename survive a power cut: after a file is renamed into place, its folder is
flushed too (POSIX), or the new name may be lost with the power. Shared by the sync file
writer and the centre's file store."""
from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries; a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
