"""Editors for the method-specific fields described in app/evidence/methods.py."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QPlainTextEdit,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from app.evidence.methods import DetailField


class ListField(QWidget):
    """Rows of sub-fields (questions and answers, timestamped notes, bookmarks)."""

    edited = Signal()
    row_activated = Signal(int)

    def __init__(self, spec: DetailField, parent=None):
        super().__init__(parent)
        self.spec = spec
        self.keys = [k for k, _ in spec.columns]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(spec.columns), objectName=f"list_{spec.key}")
        self.table.setHorizontalHeaderLabels([label for _, label in spec.columns])
        self.table.verticalHeader().setDefaultSectionSize(32)
        self.table.setWordWrap(True)
        self.table.setMinimumHeight(120)
        self.table.setEditTriggers(QAbstractItemView.AllEditTriggers)
        header = self.table.horizontalHeader()
        for i in range(len(self.keys)):
            header.setSectionResizeMode(i, QHeaderView.Stretch if i == len(self.keys) - 1
                                        or spec.key == "questions" else QHeaderView.ResizeToContents)
        self.table.itemChanged.connect(lambda *_: self._changed())
        if spec.key == "questions":
            # Questions (from the bank especially) run past one line: rows grow to show them.
            header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            header.sectionResized.connect(lambda *_: self._fit_rows())
            self.table.itemChanged.connect(lambda *_: self._fit_rows())
        for i, (_, text) in enumerate(spec.columns):
            self.table.horizontalHeaderItem(i).setToolTip(text)   # narrow columns clip it
        self.table.cellDoubleClicked.connect(lambda row, _col: self.row_activated.emit(row))
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        add = QPushButton("Add a row", objectName=f"add_{spec.key}")
        add.clicked.connect(lambda: self.add_row({}, edit=True))
        remove = QPushButton("Remove selected row")
        remove.clicked.connect(self._remove)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        layout.addLayout(buttons)
        self._loading = False

    def _changed(self) -> None:
        if not self._loading:
            self.edited.emit()

    def set_value(self, rows: list[dict]) -> None:
        self._loading = True
        self.table.setRowCount(0)
        for row in rows or []:
            self.add_row(row)
        self._loading = False
        self._fit_rows()

    def _fit_rows(self) -> None:
        if self.spec.key != "questions":
            return
        self.table.resizeRowsToContents()
        for row in range(self.table.rowCount()):   # never below the touch-sized default
            if self.table.rowHeight(row) < 32:
                self.table.setRowHeight(row, 32)
        # The list grows with its questions (the record page scrolls), up to a screenful.
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        wanted = rows + self.table.horizontalHeader().height() + 2 * self.table.frameWidth() + 36
        self.table.setMinimumHeight(max(120, min(wanted, 460)))

    def add_row(self, values: dict, edit: bool = False) -> int:
        was = self._loading
        self._loading = True
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, key in enumerate(self.keys):
            self.table.setItem(row, col, QTableWidgetItem(str(values.get(key, ""))))
        self._loading = was
        self._fit_rows()
        if edit:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(self.table.item(row, 0))
        self._changed()
        return row

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._changed()

    def value(self) -> list[dict]:
        out = []
        for row in range(self.table.rowCount()):
            values = {key: (self.table.item(row, col).text() if self.table.item(row, col) else "")
                      for col, key in enumerate(self.keys)}
            if any(v.strip() for v in values.values()):
                out.append(values)
        return out


def make_field(spec: DetailField, on_edit) -> QWidget:
    if spec.kind == "list":
        widget = ListField(spec)
        widget.edited.connect(on_edit)
    elif spec.kind.startswith("choice:"):
        widget = QComboBox(objectName=f"detail_{spec.key}")
        widget.addItem("—", "")
        for choice in spec.kind[7:].split("|"):
            widget.addItem(choice.capitalize(), choice)
        widget.currentIndexChanged.connect(on_edit)
    elif spec.kind == "text":
        widget = QPlainTextEdit(objectName=f"detail_{spec.key}")
        widget.setTabChangesFocus(True)
        widget.setMinimumHeight(70)
        widget.textChanged.connect(on_edit)
    else:
        widget = QLineEdit(objectName=f"detail_{spec.key}")
        if spec.kind == "time":
            widget.setPlaceholderText("HH:MM")
        widget.textEdited.connect(on_edit)
    return widget


def field_value(widget: QWidget):
    if isinstance(widget, ListField):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentData() or ""
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    return widget.text()


def set_field_value(widget: QWidget, value) -> None:
    if isinstance(widget, ListField):
        widget.set_value(value if isinstance(value, list) else [])
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(widget.findData(value or ""), 0))
    elif isinstance(widget, QPlainTextEdit):
        if widget.toPlainText() != (value or ""):
            widget.setPlainText(value or "")
    else:
        widget.setText(value or "")
