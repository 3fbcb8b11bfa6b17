"""The foot of each lock dialog: what may stand on the left (Forgot…, Remove PIN), then
the way out, then the one primary button that Enter presses."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget


def button_row(primary: tuple[str, str], on_primary, leave: tuple[str, str] | None = None,
               on_leave=None, left: list[QWidget] = ()) -> tuple[QHBoxLayout, QPushButton]:
    """`primary` and `leave` are (text, objectName). Returns the row and the primary button."""
    row = QHBoxLayout()
    for widget in left:
        row.addWidget(widget)
    row.addStretch(1)
    if leave is not None:
        out = QPushButton(leave[0], objectName=leave[1])
        out.clicked.connect(on_leave)
        row.addWidget(out)
    ok = QPushButton(primary[0], objectName=primary[1])
    ok.setProperty("primary", True)
    ok.setDefault(True)
    ok.clicked.connect(on_primary)
    row.addWidget(ok)
    return row, ok
