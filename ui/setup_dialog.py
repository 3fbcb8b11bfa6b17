"""First start: who is using this laptop, and for which centre.

Esc (or closing the window) once quit Fieldfolio without a word, which looked like a crash
to someone who pressed it by mistake. Now it asks first, and says nothing is lost.

It also offers the PIN, on an encrypted data folder and a plain one alike: the assessor
types it to take the laptop back each time a learner has signed on it (and, encrypted, it
opens the lock screen once the passphrase has been typed that day). Left empty, the first
hand-over asks for one; nothing else waits on it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialogButtonBox, QFormLayout, QLineEdit, QMessageBox, QVBoxLayout,
)

from app.caseload.profile import ROLE_LABELS, set_up
from app.caseload.validation import InvalidInput
from app.db.store import Store
from app.safekeeping.pin import MAX_DIGITS, MIN_DIGITS, check_new_pin, set_pin
from ui.widgets import Dialog, ProblemLabel, label, set_invalid


class SetupDialog(Dialog):
    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.profile = None
        self.setWindowTitle("Welcome to Fieldfolio")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Welcome to Fieldfolio", "title"))
        layout.addWidget(label("Fieldfolio keeps everything on this laptop and works without a "
                               "connection. Tell it who you are; this goes on every record "
                               "and form you sign.", "subtitle"))
        form = QFormLayout()
        self.name = QLineEdit(objectName="setup_name")
        self.role = QComboBox(objectName="setup_role")
        for key, text in ROLE_LABELS.items():
            self.role.addItem(text, key)
        self.centre = QLineEdit(objectName="setup_centre")
        self.centre_number = QLineEdit(objectName="setup_centre_number")
        self.centre_number.setPlaceholderText("as your awarding body wrote it, e.g. RT-04412")
        self.pin = QLineEdit(objectName="setup_pin")
        self.pin_again = QLineEdit(objectName="setup_pin_again")
        for field, hint in ((self.pin, f"{MIN_DIGITS} to {MAX_DIGITS} digits"),
                            (self.pin_again, "The same PIN again")):
            field.setEchoMode(QLineEdit.Password)
            field.setPlaceholderText(hint)
        self.problems = {k: ProblemLabel() for k in ("name", "role", "centre_name",
                                                     "centre_number", "pin")}
        form.addRow("Your name", self.name)
        form.addRow("", self.problems["name"])
        form.addRow("Your role", self.role)
        form.addRow("Centre name", self.centre)
        form.addRow("", self.problems["centre_name"])
        form.addRow("Centre number", self.centre_number)
        form.addRow("", self.problems["centre_number"])
        # A full-width row of its own: wrapped in the field column it was cut off.
        self.pin_why = label(
            "A PIN: you type it to take the laptop back after a learner signs on it, so they "
            "cannot open the rest of your caseload." + (
                " Once you have typed your passphrase that day, it also opens the lock screen."
                if getattr(store, "encrypted", False) else "")
            + " You can leave it for now: the first hand-over asks for one.", "subtitle")
        form.addRow(self.pin_why)
        form.addRow("PIN", self.pin)
        form.addRow("PIN again", self.pin_again)
        form.addRow("", self.problems["pin"])
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok)
        buttons.button(QDialogButtonBox.Ok).setText("Start using Fieldfolio")
        buttons.button(QDialogButtonBox.Ok).setProperty("primary", True)
        buttons.accepted.connect(self._save)
        layout.addWidget(buttons)

    def _save(self) -> None:
        try:
            self.profile = self.store.write_now(
                _set_up_with_pin, self.name.text(), self.role.currentData(), self.centre.text(),
                self.centre_number.text(), self.pin.text(), self.pin_again.text())
        except InvalidInput as exc:
            if "pin" in exc.problems:
                self.pin_again.clear()
            for key, widget in self.problems.items():
                widget.show_problem(exc.problems.get(key))
            set_invalid(self.name, "name" in exc.problems)
            set_invalid(self.centre, "centre_name" in exc.problems)
            set_invalid(self.pin, "pin" in exc.problems)
            self.adjustSize()        # room for the messages, none cut off
            return
        self.accept()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape:
            self._ask_before_quitting()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        # The window's close button (spontaneous) asks too; close() from code does not.
        if event.spontaneous() and self.isVisible() and not self._quit_asked():
            event.ignore()
            return
        super().closeEvent(event)

    def _ask_before_quitting(self) -> None:
        if self._quit_asked():
            self.reject()

    def _quit_asked(self) -> bool:
        """Asked, not assumed: quitting here leaves nothing half-made."""
        box = QMessageBox(QMessageBox.Question, "Quit Fieldfolio?",
                          "Fieldfolio needs your name and centre before it can start. Quit "
                          "now? Nothing has been saved; it will ask again next time.",
                          QMessageBox.NoButton, self)
        box.setObjectName("quit_setup")
        keep = box.addButton("Keep setting up", QMessageBox.RejectRole)
        box.addButton("Quit Fieldfolio", QMessageBox.DestructiveRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        quit_ = box.clickedButton() is not keep
        box.deleteLater()
        return quit_


def _set_up_with_pin(session, name: str, role: str, centre_name: str, centre_number: str,
                     pin: str, pin_again: str):
    """The profile and the PIN in one transaction: neither is kept without the other, and
    every field's problem is told at once."""
    problems = {}
    if pin or pin_again:
        try:
            check_new_pin(pin)
        except InvalidInput as exc:
            problems.update(exc.problems)
        else:
            if pin != pin_again:
                problems["pin"] = "The two PINs are not the same; type them again."
    try:
        profile = set_up(session, name, role, centre_name, centre_number)
    except InvalidInput as exc:
        raise InvalidInput({**exc.problems, **problems}) from None
    if problems:
        raise InvalidInput(problems)      # the profile just made is rolled back with it
    if pin:
        set_pin(session, pin)
    return profile
