"""Runs one sync (app/sync/engine.run_sync) on a thread of its own, so the window keeps
working while it talks to the centre; progress and the outcome come back as Qt signals on
the GUI thread. Cancel takes effect between steps, each of which is committed whole."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from app.sync.engine import run_sync
from app.sync.revoked import LaptopRevoked


class SyncRunner(QObject):
    progress = Signal(str)
    finished = Signal(object)   # SyncOutcome
    failed = Signal(str)
    revoked = Signal(object)    # LaptopRevoked with the centre's confirmation: wipe now

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy = False
        # Connected first, so it runs before anyone else hears the end: whoever asks
        # `running` from those slots already gets False (the thread itself may still be
        # winding down, which does not matter).
        self.finished.connect(self._settle)
        self.failed.connect(self._settle)
        self.revoked.connect(self._settle)

    @property
    def running(self) -> bool:
        return self._busy

    def _settle(self, _result=None) -> None:
        self._busy = False

    def start(self) -> bool:
        if self._busy:
            return False
        self._busy = True
        self._cancel.clear()
        self._thread = threading.Thread(target=self._run, name="fieldfolio-sync", daemon=True)
        self._thread.start()
        return True

    def cancel(self) -> None:
        self._cancel.set()

    def _run(self) -> None:
        try:
            outcome = run_sync(self.store, progress=self.progress.emit,
                               cancelled=self._cancel.is_set)
        except LaptopRevoked as exc:
            self._emit(self.revoked if exc.confirmation else self.failed,
                       exc if exc.confirmation else exc.message)
            return
        except Exception as exc:  # every failure is shown; nothing is lost by it
            self._emit(self.failed, str(exc) or type(exc).__name__)
            return
        self._emit(self.finished, outcome)

    @staticmethod
    def _emit(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the window closed meanwhile
            pass
