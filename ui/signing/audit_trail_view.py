"""The audit trail as a table: when, who, on which laptop, what, to which record, and what
it said. On the learner page for the whole portfolio; from a record for that record alone."""
from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from app.signing.audit_trail import AuditLine, learner_audit_trail, record_audit_trail
from ui.widgets import Dialog, fit_to_screen, label

COLUMNS = ("When", "Who", "Device", "Action", "Record", "What happened")


def _when(line: AuditLine) -> str:
    at = line.occurred_at
    if at.tzinfo is not None:
        at = at.astimezone()          # the assessor reads local time
    return at.strftime("%d/%m/%Y %H:%M")


class AuditTrailView(QWidget):
    """Newest first: the question is usually "what happened last"."""

    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.lines: list[AuditLine] = []
        self._asked: tuple[str, str] | None = None
        layout = QVBoxLayout(self)
        self.heading = label("", "subtitle")
        layout.addWidget(self.heading)
        self.table = QTableWidget(0, len(COLUMNS), objectName="audit_table")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        header = self.table.horizontalHeader()
        for col in range(4):   # when, who, device, action: short
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.Interactive)   # the record wraps
        header.resizeSection(4, 170)
        header.setSectionResizeMode(5, QHeaderView.Stretch)        # what happened: the rest
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        layout.addWidget(self.table, 1)

    def load_learner(self, learner_id: str | None) -> None:
        self._load(("learner", learner_id), learner_audit_trail)

    def load_record(self, record_id: str | None) -> None:
        self._load(("record", record_id), record_audit_trail)

    def refresh(self) -> None:
        if self._asked:
            kind, key = self._asked
            self._load(self._asked, learner_audit_trail if kind == "learner" else record_audit_trail)

    def _load(self, asked, fn) -> None:
        self._asked = asked
        if not asked[1]:
            self.show_lines([])
            return
        # Answers may arrive after the user moved on: keep only the one last asked for.
        self.bridge.read(fn, asked[1], on_done=lambda lines: asked == self._asked
                         and self.show_lines(lines))

    def show_lines(self, lines: list[AuditLine]) -> None:
        self.lines = list(reversed(lines))
        self.heading.setText(f"{len(lines)} event(s), newest first. The trail cannot be edited "
                             f"or deleted; it travels to the centre with the records."
                             if lines else "Nothing recorded yet.")
        self.table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            for col, text in enumerate((_when(line), line.actor_name, line.device,
                                        line.action.capitalize(), line.record, line.summary)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setTextAlignment(Qt.AlignLeft | Qt.AlignTop)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()


class AuditTrailDialog(Dialog):
    """One record's trail, opened from the record editor."""

    def __init__(self, parent, bridge, record_id: str, title: str):
        super().__init__(parent)
        self.setWindowTitle(f"Audit trail: {title}")
        fit_to_screen(self, 1000, 480)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"Audit trail: {title}", "title"))
        self.view = AuditTrailView(bridge)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.view.load_record(record_id)


def open_audit_trail(parent, bridge, record_id: str, title: str) -> AuditTrailDialog:
    dialog = AuditTrailDialog(parent, bridge, record_id, title)
    dialog.open()
    return dialog
