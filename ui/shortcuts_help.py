"""Help → Keyboard shortcuts: every shortcut the window knows, with what it does.

Read from the window itself (its menu actions, and the shortcuts screens register with a
`whatsThis` saying what they do), so the list cannot drift from what the keys really do.
"""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout

from ui.widgets import Dialog, fit_to_screen, label


def shortcuts_of(window) -> list[tuple[str, str]]:
    """(keys, what they do), menu actions first, then the screens' own, without repeats."""
    seen, out = set(), []
    for action in window.findChildren(QAction):
        keys = action.shortcut().toString(QKeySequence.NativeText)
        if keys and action.text() and (keys, action.text()) not in seen:
            seen.add((keys, action.text()))
            out.append((keys, action.text().replace("&", "")))
    for shortcut in window.findChildren(QShortcut):
        keys = shortcut.key().toString(QKeySequence.NativeText)
        if keys and shortcut.whatsThis() and (keys, shortcut.whatsThis()) not in seen:
            seen.add((keys, shortcut.whatsThis()))
            out.append((keys, shortcut.whatsThis()))
    return out


class ShortcutsDialog(Dialog):
    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        fit_to_screen(self, 640, 560)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Every action is also in a menu or on a button.", "hint"))
        rows = shortcuts_of(window)
        self.table = QTableWidget(len(rows), 2, objectName="shortcuts_table")
        self.table.setHorizontalHeaderLabels(["Keys", "What it does"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, (keys, words) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(words))
        self.table.resizeColumnToContents(0)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
