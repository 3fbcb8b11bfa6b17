"""Tools → Lock PIN…: the assessor chooses (or removes) a shorter PIN for the lock screen and
for taking the laptop back from a learner, proving who they are with the passphrase first
(app/safekeeping/pin.py says when the PIN counts: only after the passphrase has been typed
that day, a few wrong ones at most).

On a plain data folder there is no passphrase to prove anything with, and none is asked:
whoever has this window open already sees the whole caseload, and a learner handed the
laptop never reaches it. There the PIN guards only the hand-over, so it cannot be removed,
only changed; the first hand-over asks for one (`why` says so in one sentence)."""
from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout

from app.caseload.validation import InvalidInput
from app.safekeeping import keys as folder_keys
from app.safekeeping.pin import (MAX_DIGITS, MIN_DIGITS, PIN_DAY, WRONG_PINS_ALLOWED,
                                 check_new_pin, clear_pin, has_pin, pin_matches, set_pin)
from ui.widgets import Dialog, ProblemLabel, button_row, label


def pin_checker(store):
    """What a lock screen calls to check a typed PIN against this data folder's verifier."""
    return lambda pin: store.read(pin_matches, pin)


class PinDialog(Dialog):
    def __init__(self, bridge, parent=None, *, why: str = ""):
        super().__init__(parent)
        self.bridge = bridge
        self.encrypted = bool(getattr(bridge.store, "encrypted", False))
        self.setObjectName("pin_dialog")
        self.setWindowTitle("Lock PIN")
        self.setMinimumWidth(520)
        self.result_text = ""
        layout = QVBoxLayout(self)
        if why:
            layout.addWidget(label("Choose a PIN first", "title"))
            layout.addWidget(label(why, "subtitle"))
        else:
            layout.addWidget(label("A PIN for the lock screen" if self.encrypted else
                                   "A PIN for taking the laptop back", "title"))
        layout.addWidget(label(
            f"Once you have typed your passphrase today, a PIN of {MIN_DIGITS} to {MAX_DIGITS} "
            f"digits also opens the lock screen, after the laptop sat idle or when you take "
            f"it back from a learner. After {WRONG_PINS_ALLOWED} wrong PINs only the passphrase "
            f"will do, and each morning starts with the passphrase. The PIN is kept only as a "
            f"check value, never as the digits." if self.encrypted else
            f"A PIN of {MIN_DIGITS} to {MAX_DIGITS} digits: you type it to take the laptop back "
            f"each time a learner has signed on it. It is kept only as a check value, never "
            f"as the digits.", "subtitle"))
        self.passphrase = QLineEdit(objectName="pin_passphrase")
        self.first = QLineEdit(objectName="pin_new")
        self.second = QLineEdit(objectName="pin_again")
        for field, hint in ((self.passphrase, "Your passphrase (to show it is you)"),
                            (self.first, f"New PIN ({MIN_DIGITS}-{MAX_DIGITS} digits)"),
                            (self.second, "The same PIN again")):
            field.setEchoMode(QLineEdit.Password)
            field.setPlaceholderText(hint)
            layout.addWidget(field)
        self.passphrase.setVisible(self.encrypted)
        self.second.returnPressed.connect(self.choose)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)
        self.remove_button = QPushButton("Remove PIN", objectName="pin_remove")
        self.remove_button.clicked.connect(self.remove)
        self.remove_button.setVisible(self.encrypted and bridge.store.read(has_pin))
        row, _ok = button_row(("Set PIN", "pin_set"), self.choose, ("Cancel", "pin_cancel"),
                              self.reject, left=[self.remove_button])
        layout.addLayout(row)

    def _is_you(self) -> bool:
        if not self.encrypted:
            return True          # no passphrase exists: see the module's note
        try:
            folder_keys.unlock(self.bridge.store.data_dir, self.passphrase.text())
        except folder_keys.WrongPassphrase:
            self.problem.show_problem("That is not this laptop's passphrase; the PIN is as "
                                      "it was.")
            self.passphrase.clear()
            return False
        PIN_DAY.passphrase_typed()
        return True

    def choose(self) -> None:
        pin = self.first.text()
        try:
            check_new_pin(pin)
        except InvalidInput as exc:
            self.problem.show_problem(exc.problems["pin"])
            return
        if pin != self.second.text():
            self.problem.show_problem("The two PINs are not the same; type them again.")
            self.second.clear()
            return
        if self._is_you():
            self._save(set_pin, pin, done="PIN set: it opens the lock screen from now on, "
                                          "until tomorrow's first start." if self.encrypted else
                                          "PIN set: it takes the laptop back from a learner.")

    def remove(self) -> None:
        if self._is_you():
            self._save(clear_pin, done="PIN removed: only the passphrase opens the lock screen.")

    def _save(self, fn, *args, done: str) -> None:
        def saved(_result=None):
            self.result_text = done
            self.accept()
        self.bridge.write(fn, *args, on_done=saved,
                          on_error=lambda exc: self.problem.show_problem(str(exc)))
