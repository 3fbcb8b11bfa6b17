"""Starts a sync by itself (app/sync/automatic.py decides when) through the status area's
own Sync now, so an automatic sync looks and cancels exactly like a pressed one."""
from __future__ import annotations

import os
import threading

from PySide6.QtCore import QObject, QTimer, Signal

from app.sync import automatic


def every_ms() -> int:
    """How often to consider a sync: FIELDFOLIO_AUTO_SYNC_SECONDS (default 60; 0 turns the
    timer off, as the test suite does so no sync starts in a test that did not ask)."""
    try:
        return max(0, int(os.environ.get("FIELDFOLIO_AUTO_SYNC_SECONDS", "60"))) * 1000
    except ValueError:
        return 60_000


class AutoSync(QObject):
    _answered = Signal(bool)

    def __init__(self, area, every: int | None = None):
        super().__init__(area)
        self.area = area
        self._asking = False
        self._answered.connect(self._go)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        every = every_ms() if every is None else every
        if every:
            self.timer.start(every)

    def tick(self) -> None:
        if self._asking or self.area.runner.running:
            return
        self._asking = True
        if self.area.bridge.read(automatic.plan, on_done=self._decide,
                                 on_error=lambda _e: self._go(False)) is None:
            self._asking = False

    def _decide(self, plan: automatic.Plan) -> None:
        if not plan.worth_a_sync():
            self._asking = False
            return
        threading.Thread(target=lambda: self._emit(automatic.centre_answers(plan.url)),
                         name="fieldfolio-centre-probe", daemon=True).start()

    def _emit(self, answered: bool) -> None:
        try:
            self._answered.emit(answered)
        except RuntimeError:  # the window closed meanwhile
            pass

    def _go(self, answered: bool) -> None:
        self._asking = False
        if answered and not self.area.runner.running:
            self.area.sync_now()


def add_automatic_action(window, menu) -> None:
    """File → Sync automatically (checked while on), saved on this laptop."""
    from PySide6.QtGui import QAction
    act = QAction("Sync automatically when the centre can be reached", window)
    act.setObjectName("act_sync_automatically")
    act.setCheckable(True)
    act.setChecked(True)
    window.bridge.read(automatic.is_on, on_done=act.setChecked)
    act.toggled.connect(lambda on: window.bridge.write(automatic.turn, on))
    menu.addAction(act)
    window.sync_automatically_action = act
