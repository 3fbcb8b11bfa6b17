"""The page a learner hands the laptop back on: "Please hand the laptop back to …", and the
assessor's PIN field, already focused, on the same page (not behind a button and a dialog:
three times a visit, a press and a dialog were one action too many each time).

Typing a PIN takes the laptop back as soon as its last digit is typed, phone-style: the
PIN's number of digits is kept beside its verifier, so it is checked once, at that length
(one Argon2id derivation, a fifth of a second), not at every key. A PIN set before the count
was kept, or a passphrase, is checked on Enter (or the button). Wrong tries back off as on
the lock screen, with the same count (ui/lock/unlock_dialog.py: ATTEMPTS), and nothing on
this page leads anywhere but back to signing.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.safekeeping import keys as folder_keys
from app.safekeeping.attempts import Attempts
from app.safekeeping.pin import PIN_DAY, PinDay, pin_digits, remember_pin_digits
from app.safekeeping.proof import Guard
from ui.lock.pin_dialog import pin_checker
from ui.lock.unlock_dialog import ATTEMPTS
from ui.widgets import ProblemLabel, label

COLUMN_WIDTH = 640
PLAIN_FORGOTTEN = ("Forgot the PIN? Close Fieldfolio (from the task manager if need be: every "
                   "signature is already saved), open it again and choose a new PIN under "
                   "Tools → Lock PIN….")


class TakeBackPage(QWidget):
    taken_back = Signal()

    def __init__(self, bridge, parent=None, *, attempts: Attempts = ATTEMPTS,
                 pin_day: PinDay = PIN_DAY):
        super().__init__(parent)
        store = bridge.store
        self.bridge = bridge
        self.encrypted = bool(getattr(store, "encrypted", False))
        self.guard = Guard(store.data_dir, self.encrypted, pin_checker(store), pin_day, attempts)
        self.digits: int | None = None
        self.thanks = label("", "title")
        self.prompt = label("", "subtitle")
        self.secret = QLineEdit(objectName="take_back_secret")
        self.secret.setEchoMode(QLineEdit.Password)
        self.secret.setMinimumHeight(48)
        self.secret.setFixedWidth(360)
        self.secret.textChanged.connect(self._typed)
        self.secret.returnPressed.connect(self.try_it)   # once: Enter goes no further (Dialog)
        self.problem = ProblemLabel()
        self.back_button = QPushButton("Take the laptop back", objectName="laptop_back")
        self.back_button.setMinimumSize(200, 56)
        self.back_button.clicked.connect(self.try_it)
        forgot = QPushButton("Forgot it?", objectName="take_back_forgot")
        forgot.setFlat(True)
        self.forgotten = label(folder_keys.FORGOTTEN if self.encrypted else PLAIN_FORGOTTEN)
        self.forgotten.hide()
        forgot.clicked.connect(self._toggle_forgotten)
        # One centred column of a readable width: the words wrap inside it, the field and
        # the buttons sit in its middle.
        column = QWidget(objectName="take_back_column")
        column.setFixedWidth(COLUMN_WIDTH)
        inner = QVBoxLayout(column)
        inner.setSpacing(12)
        for widget in (self.thanks, self.prompt, self.problem, self.forgotten):
            widget.setAlignment(Qt.AlignCenter)
        for widget in (self.thanks, self.prompt, self.secret, self.problem, self.back_button,
                       forgot, self.forgotten):
            if widget in (self.secret, self.back_button, forgot):
                inner.addWidget(widget, 0, Qt.AlignHCenter)
            else:
                inner.addWidget(widget)
        middle = QHBoxLayout()      # not an aligned item: that would take the column's
        middle.addStretch(1)        # height from its unwrapped size and clip the words
        middle.addWidget(column)
        middle.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(middle)
        layout.addStretch(2)
        self._wait_timer = QTimer(self, interval=500)
        self._wait_timer.timeout.connect(self._tick)

    def start(self, thanks: str, assessor: str) -> None:
        """The learner's turn is over: ask for the assessor's PIN (or passphrase)."""
        self.assessor = assessor
        self.thanks.setText(thanks)
        self.secret.clear()
        self.problem.show_problem(None)
        self.forgotten.hide()
        self._ask()
        self._tick()
        self.window().activateWindow()     # the keys go to the PIN field, not elsewhere
        self.secret.setFocus()

    def _toggle_forgotten(self) -> None:
        self.forgotten.setVisible(not self.forgotten.isVisible())

    def _ask(self) -> None:
        self.digits = self.bridge.store.read(pin_digits) if self.guard.pin_allowed() else None
        what = self.guard.what_to_type()
        if self.digits:
            words = "type your PIN to take the laptop back" + (
                " (or your passphrase, then Enter)." if self.encrypted else ".")
        else:
            words = f"type your {what} and press Enter to take the laptop back."
        self.prompt.setText(f"{self.assessor}: {words}")
        self.secret.setPlaceholderText(what[0].upper() + what[1:])

    def _typed(self, text: str) -> None:
        if self.digits and len(text) == self.digits and text.isdigit() \
                and self.guard.pin_allowed():
            self.try_it()

    def try_it(self) -> None:
        if self.guard.attempts.wait_left() > 0:
            self._tick()
            return
        typed = self.secret.text()
        if not typed:
            return
        answer = self.guard.prove(typed)
        self.secret.blockSignals(True)
        self.secret.clear()
        self.secret.blockSignals(False)
        if not answer.opened:
            self.problem.show_problem(answer.problem)
            self._ask()           # three wrong PINs: the passphrase now
            self._tick()
            return
        if answer.used_pin and self.digits is None:
            self.bridge.write(remember_pin_digits, typed)   # next time, no Enter
        self.problem.show_problem(None)
        self.taken_back.emit()

    def _tick(self) -> None:
        waiting = self.guard.attempts.wait_left() > 0
        self.secret.setEnabled(not waiting)
        self.back_button.setEnabled(not waiting)
        if waiting:
            self.problem.show_problem(self.guard.attempts.words())
            self._wait_timer.start()
        else:
            if self._wait_timer.isActive():
                self._wait_timer.stop()
                self.problem.show_problem(None)    # the wait is over: try again
            self.secret.setFocus()
