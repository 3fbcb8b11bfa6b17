"""Enter does one thing in every dialog (ui/widgets.py Dialog): in a field that acts on
Enter, that alone (Qt also passed the key to the dialog, which pressed its default button:
a PIN was chosen twice, a printed page's code checked twice); on a button tabbed to, that
button; elsewhere the dialog's default button, once."""
from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtCore import Qt

from ui.bridge import Bridge
from ui.lock.pin_dialog import PinDialog
from ui.widgets import Dialog

UI = Path(__file__).resolve().parents[2] / "ui"


def test_enter_does_one_thing_in_every_dialog(qtbot, catalogue_store, monkeypatch):
    # Every dialog of the window is a Dialog, so all of them behave as this one does.
    plain = [f"{path.relative_to(UI)}: {node.name}" for path in UI.rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.ClassDef) and node.name != "Dialog"
             and any(getattr(base, "id", "") == "QDialog" for base in node.bases)]
    assert plain == []
    assert issubclass(PinDialog, Dialog)

    chosen = []
    monkeypatch.setattr(PinDialog, "choose", lambda self: chosen.append(self.second.text()))
    dialog = PinDialog(Bridge(catalogue_store))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for field in (dialog.first, dialog.second):    # clicked into and typed, as by hand
        qtbot.mouseClick(field, Qt.LeftButton)
        qtbot.keyClicks(field, "4821")
    qtbot.keyClick(dialog.second, Qt.Key_Return)   # acts on Enter itself: once, not twice
    assert chosen == ["4821"]
    qtbot.mouseClick(dialog.first, Qt.LeftButton)
    qtbot.keyClick(dialog.first, Qt.Key_Return)    # a plain field: the default, Set PIN
    assert chosen == ["4821", "4821"]
    cancel = dialog.findChild(type(dialog.remove_button), "pin_cancel")
    cancel.setFocus()
    qtbot.keyClick(cancel, Qt.Key_Return)          # a button tabbed to: that button alone
    assert chosen == ["4821", "4821"] and not dialog.isVisible()
