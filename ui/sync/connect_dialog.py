"""File → Connect to centre…: the server's address and the one-time code from the centre's
admin. Enrolling keeps everything already on this laptop; it goes up at the first sync."""
from __future__ import annotations

import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
)

from app.sync.enrolment import enrol
from ui.widgets import Dialog


class ConnectDialog(Dialog):
    _answered = Signal(object)

    def __init__(self, store, parent=None):
        super().__init__(parent, objectName="connect_dialog")
        self.store = store
        self.setWindowTitle("Connect to centre")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Ask your centre's admin for its address and a one-time code. "
                                "Everything already on this laptop is kept and sent to the "
                                "centre at the first sync."))
        form = QFormLayout()
        self.url = QLineEdit(objectName="connect_url", placeholderText="https://sync.example.ac.uk")
        self.code = QLineEdit(objectName="connect_code", placeholderText="ABCD-EFGH-JKLM")
        form.addRow("Centre address", self.url)
        form.addRow("Enrol code", self.code)
        layout.addLayout(form)
        self.message = QLabel("", objectName="connect_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Connect")
        self.buttons.accepted.connect(self.connect_now)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._answered.connect(self._answer)
        self.answer = None

    def connect_now(self) -> None:
        url, code = self.url.text().strip(), self.code.text().strip()
        if not url or not code:
            self.message.setText("Type the centre's address and the code.")
            return
        self.buttons.setEnabled(False)
        self.message.setText("Connecting…")

        def work():
            try:
                self._answered.emit(enrol(self.store, url, code))
            except Exception as exc:  # shown in the dialog, which stays open
                self._answered.emit(exc)
        threading.Thread(target=work, daemon=True).start()

    def _answer(self, answer) -> None:
        self.buttons.setEnabled(True)
        if isinstance(answer, Exception):
            self.message.setText(f"Not connected: {answer}")
            return
        self.answer = answer
        self.accept()
