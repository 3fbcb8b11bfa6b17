"""The signed original beside its amendment: the reason and every field that changed."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from app.signing.amend import AmendmentComparison, what_changed
from ui.widgets import Dialog, fit_to_screen, label


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("working_towards", "working towards")


def _field(name: str) -> str:
    return (name.replace("details.", "").replace("judgement.", "judgement: ")
            .replace("mappings[", "AC mapping [").replace("attachments[", "file [")
            .replace("_", " ")).capitalize()


class AmendmentComparisonDialog(Dialog):
    def __init__(self, parent, bridge, amended_id: str, record_type: str = "evidence_record"):
        super().__init__(parent)
        self.setWindowTitle("What changed in this amendment")
        fit_to_screen(self, 980, 560)
        layout = QVBoxLayout(self)
        self.heading = label("", "title")
        self.reason = label("", "subtitle")
        self.table = QTableWidget(0, 3, objectName="amendment_changes")
        self.table.setHorizontalHeaderLabels(["Field", "Signed original", "Amendment"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        for w in (self.heading, self.reason, self.table, buttons):
            layout.addWidget(w)
        bridge.read(what_changed, amended_id, record_type, on_done=self.show_comparison)

    def show_comparison(self, c: AmendmentComparison | None) -> None:
        if c is None:
            self.heading.setText("This record is not an amendment.")
            return
        state = "signed" if c.amended_signed else "not signed yet"
        self.heading.setText(f"{c.original.label()}: signed original and amendment ({state})")
        self.reason.setText(f"Reason given by {c.made_by or 'the assessor'}: {c.reason}")
        self.table.setRowCount(len(c.changes) or 1)
        if not c.changes:
            self.table.setItem(0, 0, QTableWidgetItem("Nothing has changed yet"))
        for row, change in enumerate(c.changes):
            for col, text in enumerate((_field(change.field), _text(change.before),
                                        _text(change.after))):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
