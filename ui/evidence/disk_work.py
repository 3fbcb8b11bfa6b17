"""Slow file work behind evidence (copying an attached file in, keeping a photo, finishing or
recovering a recording) runs here, one job at a time and off the GUI thread: the window
never waits on a 2 GB video, and two big files never fight over the laptop's disk."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

disk_work = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldfolio-evidence-files")
