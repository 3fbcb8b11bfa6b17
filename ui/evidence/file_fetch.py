"""The files tab's download of a file that is at the centre, not on this laptop: runs off the
GUI thread (app/transfer/fetch.py), shows "Downloading NAME… N%" and opens the file when it
has arrived whole and verified."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from app.transfer.fetch import fetch_from_centre


class FileFetch(QObject):
    progress = Signal(str, int)          # name, percent
    arrived = Signal(str)                # sha256
    failed = Signal(str)                 # words for the assessor

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.busy: set[str] = set()

    def start(self, sha256: str, name: str) -> None:
        if sha256 in self.busy:
            return
        self.busy.add(sha256)
        threading.Thread(target=self._run, args=(sha256, name), daemon=True,
                         name="fieldfolio-fetch").start()

    def _run(self, sha256: str, name: str) -> None:
        try:
            fetch_from_centre(self.store, sha256, name, progress=lambda done, total:
                              self.progress.emit(name, int(100 * done / total) if total else 100))
        except Exception as exc:  # every failure is shown in the files tab
            self.failed.emit(str(exc))
        else:
            self.arrived.emit(sha256)
        finally:
            self.busy.discard(sha256)
