"""The Qt binding must not corrupt Python's reference counts. PySide6 6.12.0 dropped a
reference to None on every call of a QTableWidgetItem setter; on Python before 3.12 (where
None is an ordinary object) the app then died with "deallocating None" after a learner's
progress grid had been drawn a few dozen times. pyproject.toml keeps that release out; this
test says so at once if a release like it comes back."""
from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QListWidgetItem, QTableWidget, QTableWidgetItem

CALLS = 500


def _none_refs_lost(call) -> int:
    call()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        call()
    return before - sys.getrefcount(None)


def test_widget_item_setters_keep_references_to_none(qapp):
    item = QTableWidgetItem("1.1")
    listed = QListWidgetItem("OBS-001")
    table = QTableWidget(2, 2)
    calls = {
        "QTableWidgetItem.setData": lambda: item.setData(Qt.UserRole + 1, "met"),
        "QTableWidgetItem.setBackground": lambda: item.setBackground(QBrush(QColor("#d4edda"))),
        "QTableWidgetItem.setToolTip": lambda: item.setToolTip("Unit 204 AC 1.1"),
        "QTableWidgetItem.setTextAlignment": lambda: item.setTextAlignment(Qt.AlignCenter),
        "QListWidgetItem.setData": lambda: listed.setData(Qt.UserRole, "record id"),
        "QTableWidget.setItem": lambda: table.setItem(0, 0, QTableWidgetItem("x")),
        "QLabel.setText": lambda: QLabel().setText("Draft"),
    }
    # Other code in the process may take or drop a few references meanwhile; a broken
    # binding loses one per call, hundreds here.
    lost = {name: n for name, call in calls.items() if (n := _none_refs_lost(call)) > CALLS // 10}
    assert lost == {}, f"the Qt binding drops references to None: {lost}"
