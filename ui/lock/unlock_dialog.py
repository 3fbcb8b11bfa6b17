"""The lock screen: the passphrase (or, once it has been typed that day, the assessor's PIN:
app/safekeeping/pin.py), wrong tries backing off, and what to do if it is forgotten.

One dialog for the three moments the assessor proves it is them: opening Fieldfolio, coming
back to a laptop that locked itself, and taking the laptop back from a learner. The wrong-try
count lives for the whole run (`ATTEMPTS`), so closing and reopening the lock does not reset
it. Checking a passphrase costs one Argon2id derivation (a fifth of a second) on the GUI
thread: short enough that the wait reads as "checking".
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QLineEdit, QPushButton, QVBoxLayout,
)

from app.safekeeping import keys as folder_keys
from app.safekeeping.attempts import Attempts
from app.safekeeping.pin import PIN_DAY, PinDay
from app.safekeeping.proof import Guard
from ui.widgets import Dialog, ProblemLabel, button_row, label

ATTEMPTS = Attempts()


class UnlockDialog(Dialog):
    """Accepts only the data folder's passphrase. `leave` names a way out ("Quit" at start,
    "Back" at hand-over); the idle lock has none and cannot be dismissed any other way."""

    def __init__(self, data_dir: Path, reason: str, parent=None, *, leave: str | None = None,
                 attempts: Attempts = ATTEMPTS, pin_check: Callable[[str], bool] | None = None,
                 pin_day: PinDay = PIN_DAY):
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.attempts = attempts
        self.pin_check, self.pin_day = pin_check, pin_day   # None: the passphrase only
        self.passphrase: str | None = None
        self.used_pin = False
        self.can_quit = leave is not None
        self.setWindowTitle("Fieldfolio is locked")
        self.setObjectName("unlock_dialog")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Fieldfolio is locked", "title"))
        layout.addWidget(label(reason, "subtitle"))
        self.field = QLineEdit(objectName="unlock_passphrase")
        self.field.setEchoMode(QLineEdit.Password)
        self.field.setPlaceholderText("Passphrase or PIN" if self._pin_allowed() else
                                      "Passphrase")
        self.field.returnPressed.connect(self.try_passphrase)
        layout.addWidget(self.field)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)
        self.forgotten = label(folder_keys.FORGOTTEN)
        self.forgotten.setObjectName("unlock_forgotten")
        self.forgotten.hide()
        layout.addWidget(self.forgotten)
        forgot = QPushButton("Forgot passphrase?", objectName="unlock_forgot")
        forgot.setFlat(True)
        forgot.clicked.connect(self._toggle_forgotten)
        row, self.unlock_button = button_row(
            ("Unlock", "unlock_button"), self.try_passphrase,
            (leave, "unlock_quit") if leave is not None else None, super().reject, left=[forgot])
        layout.addLayout(row)
        self._wait_timer = QTimer(self, interval=500)
        self._wait_timer.timeout.connect(self._tick)
        self._tick()

    def _toggle_forgotten(self) -> None:
        self.forgotten.setVisible(not self.forgotten.isVisible())
        self.adjustSize()

    def try_passphrase(self) -> None:
        if self.attempts.wait_left() > 0:
            self._tick()
            return
        answer = self._guard().prove(self.field.text())
        if not answer.opened:
            self.field.clear()
            self.field.setPlaceholderText("Passphrase or PIN" if self._pin_allowed() else
                                          "Passphrase")
            self.problem.show_problem(answer.problem)
            self._tick()
            self.adjustSize()
            return
        self.used_pin, self.passphrase = answer.used_pin, answer.passphrase
        self.accept()

    def _guard(self) -> Guard:
        return Guard(self.data_dir, True, self.pin_check, self.pin_day, self.attempts)

    def _pin_allowed(self) -> bool:
        return self._guard().pin_allowed()

    def _tick(self) -> None:
        waiting = self.attempts.wait_left() > 0
        self.unlock_button.setEnabled(not waiting)
        self.field.setEnabled(not waiting)
        if waiting:
            self.problem.show_problem(self.attempts.words())
            self._wait_timer.start()
        else:
            self._wait_timer.stop()
            self.field.setFocus()

    def reject(self) -> None:
        if self.can_quit:
            super().reject()      # Escape at start means "not now": Fieldfolio closes

    def closeEvent(self, event) -> None:
        if self.can_quit:
            super().closeEvent(event)
        else:
            event.ignore()
