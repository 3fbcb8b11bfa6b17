"""Why a signed record is amended: typed where its length rule shows as it is typed (at
most REASON_MAX characters, and not empty), so the refusal never comes as a surprise."""
from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout

from app.signing.amend import REASON_MAX
from ui.length_rule import LengthRule
from ui.widgets import Dialog, button_row, label


class AmendmentReasonDialog(Dialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Amend a signed record")
        layout = QVBoxLayout(self)
        layout.addWidget(label("Why does the signed record need amending? The signed version "
                               "stays on file; the amendment starts as a copy and needs its own "
                               "signatures."))
        self.reason = QPlainTextEdit(objectName="amendment_reason")
        self.reason.setTabChangesFocus(True)
        layout.addWidget(self.reason)
        self.rule = LengthRule(self.reason, max_chars=REASON_MAX, required=True)
        layout.addWidget(self.rule)
        row, self.ok = button_row(("Start the amendment", "amendment_start"), self._start,
                                  ("Cancel", "amendment_cancel"), self.reject)
        layout.addLayout(row)
        self.reason.textChanged.connect(self._follow)
        self._follow()

    def _follow(self) -> None:
        self.ok.setEnabled(not self.rule.words()[1])

    def _start(self) -> None:
        if not self.rule.words()[1]:
            self.accept()

    def text(self) -> str:
        return self.reason.toPlainText()
