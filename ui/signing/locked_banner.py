"""The bar above a signed record: locked, by whom, and the way forward (amend, compare)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout

from app.caseload.validation import InvalidInput
from app.signing.amend import amend
from app.signing.sheet import SigningSheet, signing_sheet
from ui.widgets import label


class LockedBanner(QFrame):
    """Call `load(record_type, record_id)`; hidden while the record carries no signature,
    except for an unsigned amendment, which shows what it corrects."""
    amendment_made = Signal(str)    # the new draft's id
    open_record = Signal(str)       # a related record to show (the amendment or original)

    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.setObjectName("locked_banner")
        self.setProperty("banner", "locked")
        # Amber bar with a thick edge; the words LOCKED / AMENDMENT carry the meaning too.
        self.setStyleSheet("#locked_banner { background: #fff4d6; border: 1px solid #c98a00; "
                           "border-left: 6px solid #c98a00; border-radius: 4px; }")
        self.record_type, self.record_id = "evidence_record", None
        self.read_only = False    # an IQA's laptop (ui/evidence/record_editor.py)
        self.sheet: SigningSheet | None = None
        # Words above, buttons below: side by side they set a minimum width that did not
        # fit a 1366-pixel laptop screen.
        outer = QVBoxLayout(self)
        row = QHBoxLayout()
        self.text = label("")
        self.amend_button = QPushButton("Make an amendment…")
        self.amend_button.clicked.connect(self.ask_for_amendment)
        self.compare_button = QPushButton("What changed")
        self.compare_button.clicked.connect(self.show_comparison)
        self.related_button = QPushButton("")
        self.related_button.clicked.connect(self._open_related)
        outer.addWidget(self.text)
        row.addStretch()
        for b in (self.related_button, self.compare_button, self.amend_button):
            b.setMinimumHeight(44)
            row.addWidget(b)
        outer.addLayout(row)
        self.hide()

    def load(self, record_type: str, record_id: str | None) -> None:
        self.record_type, self.record_id = record_type, record_id
        if not record_id:
            self.hide()
            return
        self.bridge.read(signing_sheet, record_type, record_id, on_done=self._show)

    def _show(self, sheet: SigningSheet) -> None:
        self.sheet = sheet
        parts = []
        if sheet.lock_reason:
            parts.append("LOCKED — " + sheet.lock_reason)
        if sheet.amends_id:
            parts.append("AMENDMENT — This is an amendment of a signed record; the original stays on file.")
        self.text.setText(" ".join(parts))
        self.amend_button.setVisible(bool(sheet.lock_reason) and not sheet.amended_by_id
                                     and not self.read_only)   # an IQA does not amend
        self.compare_button.setVisible(bool(sheet.amends_id))
        related = sheet.amended_by_id or sheet.amends_id
        self.related_button.setVisible(bool(related))
        self.related_button.setText("Open the amendment" if sheet.amended_by_id
                                    else "Open the signed original")
        self.setVisible(bool(parts))

    def _open_related(self) -> None:
        if self.sheet:
            self.open_record.emit(self.sheet.amended_by_id or self.sheet.amends_id)

    def ask_for_amendment(self) -> None:
        from ui.signing.amendment_reason import AmendmentReasonDialog
        dialog = AmendmentReasonDialog(self)
        self.reason_dialog = dialog   # for tests, and so it is not collected while open
        if dialog.exec():
            self.make_amendment(dialog.text())

    def make_amendment(self, reason: str) -> None:
        def done(new_id):
            self.amendment_made.emit(new_id)
            self.load(self.record_type, self.record_id)

        def failed(exc):
            if isinstance(exc, InvalidInput):
                self.text.setText("⚠ " + " ".join(exc.problems.values()))
            else:
                raise exc
        self.bridge.write(amend, self.record_id, reason, self.record_type,
                          on_done=done, on_error=failed)

    def show_comparison(self) -> None:
        from ui.signing.amendment_view import AmendmentComparisonDialog
        AmendmentComparisonDialog(self, self.bridge, self.record_id, self.record_type).open()
