"""The real main window opened on a learner's "Sign-off and claims" tab, and signing in the
signing dialog by drawing on its pad, as the claims window tests need them."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from app.signing.sign import signing_status
from tests.evidence.window_helpers import evidence_window
from ui.main_window import MainWindow


def claims_window(qtbot, store, learner_id: str) -> MainWindow:
    """The learner open on the tab (set up as "Alex", as the evidence window tests are) once
    its units are listed. The caller closes the window."""
    win = evidence_window(qtbot, store, learner_id)
    win.page.tabs.setCurrentWidget(win.page.claims)
    qtbot.waitUntil(lambda: win.page.claims.units.count() > 0, timeout=5000)
    return win


def select_unit(qtbot, panel, number: str) -> None:
    row = next(i for i in range(panel.units.count())
               if panel.units.item(i).text()[2:].startswith(f"Unit {number}:"))
    rect = panel.units.visualItemRect(panel.units.item(row))
    qtbot.mouseClick(panel.units.viewport(), Qt.LeftButton, pos=rect.center())
    assert panel.units.currentRow() == row


def select_claim(qtbot, panel, reference: str) -> None:
    row = next(i for i in range(panel.claims.count())
               if reference in panel.claims.item(i).text())
    rect = panel.claims.visualItemRect(panel.claims.item(row))
    qtbot.mouseClick(panel.claims.viewport(), Qt.LeftButton, pos=rect.center())
    assert panel.claims.currentRow() == row


def draw(qtbot, pad, points):
    qtbot.mousePress(pad, Qt.LeftButton, pos=QPoint(*points[0]))
    for p in points[1:]:
        qtbot.mouseMove(pad, QPoint(*p))
    qtbot.mouseRelease(pad, Qt.LeftButton, pos=QPoint(*points[-1]))


def sign_all(qtbot, store, dialog, record_type, record_id, roles):
    qtbot.waitUntil(lambda: dialog.sheet is not None, timeout=5000)
    for n, role in enumerate(roles):
        qtbot.waitUntil(lambda: dialog.role.currentData() == role, timeout=5000)
        draw(qtbot, dialog.pad, [(40, 100), (90, 50 + n * 10), (160, 130), (220, 70)])
        qtbot.mouseClick(dialog.sign_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: role in {s.role for s in store.read(
            signing_status, record_type, record_id).signatures}, timeout=5000)
