"""Whether the Fieldfolio process that left a file behind is still running.

A recording in progress and a viewable copy a player has open both belong to a live process;
the same files left by one that crashed or was killed are for the next start to finish or
remove. Deciding which needs the process id written beside them and this one check.
"""
from __future__ import annotations

import os
from pathlib import Path


def still_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    if os.name != "posix":
        return False   # one Fieldfolio per laptop: a journal at start-up is left by a crash
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    # A zombie (killed, not yet reaped by its parent) is not recording any more.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True
