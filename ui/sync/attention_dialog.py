"""Needs attention: changes the centre refused and records changed on two devices.

A conflict is shown side by side (this laptop | the centre), field by field; the assessor
ticks the fields to keep from this laptop (the rest stay as the centre has them) and saves
that as a new version. There is no "overwrite" button in either direction.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout,
)

from app.sync.attention import acknowledge, open_items, resolve_conflict
from app.sync.learners_twice import LEARNER_TWICE, may_merge
from ui.widgets import Dialog


class AttentionDialog(Dialog):
    records_changed = Signal()   # a conflict settled or a learner merged: lists redraw

    def __init__(self, bridge, parent=None):
        super().__init__(parent, objectName="attention_dialog")
        self.bridge = bridge
        self.setWindowTitle("Needs attention")
        self.resize(900, 520)
        layout = QHBoxLayout(self)
        self.list = QListWidget(objectName="attention_list")
        self.list.setMinimumWidth(280)
        self.list.setWordWrap(True)
        layout.addWidget(self.list)
        right = QVBoxLayout()
        self.reason = QLabel("", objectName="attention_reason")
        self.reason.setWordWrap(True)
        self.reason.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        right.addWidget(self.reason)
        self.table = QTableWidget(0, 3, objectName="attention_versions")
        self.table.setHorizontalHeaderLabels(["Field", "On this laptop", "At the centre"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(1, 240)
        right.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.keep_button = QPushButton("Save my choice as a new version", objectName="attention_keep")
        self.keep_button.setToolTip("Ticked fields keep this laptop's value; the others keep "
                                    "the centre's.")
        self.keep_button.clicked.connect(self._resolve)
        self.read_button = QPushButton("I have read this", objectName="attention_read")
        self.read_button.clicked.connect(self._acknowledge)
        # A learner made twice is settled by merging, not by reading (ui/sync/merge_dialog.py).
        self.merge_button = QPushButton("Compare and merge…", objectName="attention_merge")
        self.merge_button.setProperty("primary", True)
        self.merge_button.clicked.connect(self._merge)
        buttons.addStretch()
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.keep_button)
        right.addLayout(buttons)
        layout.addLayout(right, 1)
        self.items = []
        self.list.currentRowChanged.connect(self._show)
        self.refresh()

    def refresh(self) -> None:
        self.bridge.read(open_items, on_done=self._fill)

    def _fill(self, items) -> None:
        self.items = items
        self.list.clear()
        for item in items:
            mark = {"conflict": "⇄ ", LEARNER_TWICE: "⚠ "}.get(item.kind, "✗ ")
            QListWidgetItem(mark + item.title, self.list)
        if items:
            self.list.setCurrentRow(0)
        else:
            self._show(-1)

    def _show(self, row: int) -> None:
        item = self.items[row] if 0 <= row < len(self.items) else None
        self.table.setRowCount(0)
        self.keep_button.setVisible(bool(item and item.kind == "conflict"))
        self.read_button.setVisible(bool(item and item.kind not in ("conflict", LEARNER_TWICE)))
        self.merge_button.setVisible(bool(item and item.kind == LEARNER_TWICE
                                          and may_merge(item.title)))
        if item is None:
            self.table.hide()
            self.reason.setText("Nothing needs attention.")
            return
        if item.kind == LEARNER_TWICE:
            self.table.hide()
            if may_merge(item.title):
                more = ("The same learner was added on two devices. Compare and merge shows the "
                        "two records side by side: keep one, and the other's enrolments and "
                        "work join it. Nothing is deleted, and signed records stay exactly as "
                        "signed.")
            elif "at the centre already" in item.title:
                more = ("Your record stays on this laptop, with everything recorded for it, "
                        "until the two can be merged here.")
            else:
                more = ""
            self.reason.setText(_sentence(item.reason) + (f"\n\n{more}" if more else ""))
            return
        self.reason.setText(f"{item.title}\n\n{_sentence(item.reason)}")
        self.table.setVisible(bool(item.differences))   # only a conflict has two versions
        for field, mine, theirs in item.differences:
            r = self.table.rowCount()
            self.table.insertRow(r)
            name = QTableWidgetItem(field.replace("_", " "))
            name.setFlags(Qt.ItemIsUserCheckable | Qt.ItemIsEnabled)
            name.setCheckState(Qt.Unchecked)
            name.setData(Qt.UserRole, field)
            self.table.setItem(r, 0, name)
            self.table.setItem(r, 1, QTableWidgetItem("" if mine is None else str(mine)))
            self.table.setItem(r, 2, QTableWidgetItem("" if theirs is None else str(theirs)))

    def _current(self):
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _resolve(self) -> None:
        item = self._current()
        if item is None:
            return
        keep = {self.table.item(r, 0).data(Qt.UserRole) for r in range(self.table.rowCount())
                if self.table.item(r, 0).checkState() == Qt.Checked}
        self.bridge.write(resolve_conflict, item.id, keep, on_done=lambda _: self._settled())

    def _merge(self) -> None:
        item = self._current()
        if item is not None:
            self.open_merge(item.id).exec()

    def open_merge(self, attention_id: int):
        from ui.sync.merge_dialog import MergeLearnersDialog
        dialog = MergeLearnersDialog(self.bridge, attention_id, self)
        dialog.accepted.connect(self._settled)
        return dialog

    def _settled(self) -> None:
        self.refresh()
        self.records_changed.emit()

    def _acknowledge(self) -> None:
        item = self._current()
        if item is not None:
            self.bridge.write(acknowledge, item.id, on_done=lambda _: self.refresh())


def _sentence(reason: str) -> str:
    """A reason as a sentence of its own: capitalised, ending once (some end in "…")."""
    reason = reason.strip()
    if not reason:
        return ""
    return reason[0].upper() + reason[1:] + ("" if reason[-1] in ".…!?" else ".")
