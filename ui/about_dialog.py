"""Help -> About Fieldfolio: the version, the licence, the components inside with their
versions and licences (app/about.py; Qt's own versions asked here), the third-party notices,
a button to the folder of full licence texts, and how the window locks (the idle minutes and
whether the centre set them)."""
from __future__ import annotations

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import (QApplication, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from app import __version__
from app.about import Component, components, licences_dir, notices
from ui.system_viewer import open_in_system
from ui.widgets import Dialog


def qt_components() -> list[Component]:
    return [Component("Qt", qVersion(), "LGPL-3.0"),
            Component("PySide6", PySide6.__version__, "LGPL-3.0"),
            Component("FFmpeg", "in Qt Multimedia", "LGPL-2.1 or later"),
            Component("DejaVu fonts", "", "Bitstream Vera, public domain")]


class AboutDialog(Dialog):
    def __init__(self, parent=None, lock_text: str = ""):
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle("About Fieldfolio")
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(QApplication.windowIcon().pixmap(64, 64))
        head.addWidget(icon)
        title = QLabel(f"Fieldfolio {__version__}")
        title.setObjectName("about_version")
        title.setProperty("role", "title")
        head.addWidget(title, 1)
        layout.addLayout(head)
        licence = QLabel("Evidence, signatures and claim forms for vocational assessors.\n"
                         "Copyright © 2026 Fieldfolio. All rights reserved. Licensed to your "
                         "centre under its agreement with Fieldfolio.")
        licence.setWordWrap(True)
        layout.addWidget(licence)
        self.lock_label = QLabel(lock_text, objectName="about_lock")  # who set the lock minutes
        self.lock_label.setWordWrap(True)
        self.lock_label.setVisible(bool(lock_text))
        layout.addWidget(self.lock_label)

        parts = qt_components() + components()
        self.table = QTableWidget(len(parts), 3, objectName="about_components")
        self.table.setHorizontalHeaderLabels(["Component", "Version", "Licence"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        for row, part in enumerate(parts):
            for col, text in enumerate((part.name, part.version, part.licence)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 2)

        self.notices = QPlainTextEdit(notices(), objectName="about_notices")
        self.notices.setReadOnly(True)
        self.notices.setLineWrapMode(QPlainTextEdit.NoWrap)
        layout.addWidget(self.notices, 3)

        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.texts_button = QPushButton("Open the licence texts")
        self.texts_button.setToolTip(str(licences_dir()))
        self.texts_button.clicked.connect(lambda: open_in_system(licences_dir()))
        buttons.addButton(self.texts_button, QDialogButtonBox.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
