"""Choosing the passphrase that encrypts this laptop's data: on first start, and when a data
folder from before encryption is opened (it is then converted)."""
from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QVBoxLayout

from app.safekeeping import keys as folder_keys
from ui.widgets import Dialog, ProblemLabel, button_row, label

FIRST_START = ("Fieldfolio keeps learners' names, dates of birth, ULNs, signatures and "
               "recordings on this laptop. Choose a passphrase to encrypt them: a found or "
               "stolen laptop then shows nothing. You type it when Fieldfolio starts and "
               "after it has been left idle.")
CONVERTING = ("This laptop's Fieldfolio data is not encrypted yet. Choose a passphrase: "
              "Fieldfolio will encrypt the database, its backups, every photo and recording and "
              "the signing key, keeping a checked copy until the encrypted one is proved good.")


class NewPassphraseDialog(Dialog):
    def __init__(self, explanation: str = FIRST_START, parent=None, *, not_now: bool = False):
        super().__init__(parent)
        self.passphrase: str | None = None
        self.setWindowTitle("Protect this laptop's data")
        self.setObjectName("new_passphrase_dialog")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Choose a passphrase", "title"))
        layout.addWidget(label(explanation, "subtitle"))
        self.first = QLineEdit(objectName="new_passphrase")
        self.second = QLineEdit(objectName="new_passphrase_again")
        for field, hint in ((self.first, f"Passphrase (at least {folder_keys.MIN_PASSPHRASE} "
                                          f"characters; a few words is best)"),
                            (self.second, "The same again")):
            field.setEchoMode(QLineEdit.Password)
            field.setPlaceholderText(hint)
            layout.addWidget(field)
        self.second.returnPressed.connect(self.choose)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)
        layout.addWidget(label("It cannot be recovered if forgotten: the centre can re-enrol "
                               "the laptop and send back what was synced, nothing more.",
                               "subtitle"))
        row, _ok = button_row(("Encrypt and continue", "new_passphrase_ok"), self.choose,
                              ("Not now" if not_now else "Quit", "new_passphrase_quit"),
                              self.reject)
        layout.addLayout(row)

    def choose(self) -> None:
        first, second = self.first.text(), self.second.text()
        try:
            folder_keys.check_new_passphrase(first)
        except folder_keys.WeakPassphrase as exc:
            self.problem.show_problem(str(exc))
            return
        if first != second:
            self.problem.show_problem("The two passphrases are not the same; type them again.")
            self.second.clear()
            return
        self.passphrase = first
        self.accept()
