"""A revoked laptop in the real window (issue 17): Sync now sends the last changes, the
centre confirms, the window wipes the caseload and says why on a message of its own; the
next start says it again and offers to set up afresh or quit."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.caseload.learners import save_learner
from app.caseload.profile import set_up
from app.safekeeping import wipe
from app.sync.engine import run_sync
from server import staff
from tests.server.sync_helpers import enrolled
from ui.application import start_window
from ui.main_window import MainWindow


def test_sync_now_on_a_revoked_laptop_wipes_it_and_says_why(qtbot, centre, laptops):
    laptop = laptops("lost")
    laptop.write_now(set_up, "Sam Patel", "assessor", "Riverside Training", "RT1")
    enrolled(laptop, centre, "Sam Patel")
    run_sync(laptop)
    laptop.write_now(save_learner, None, {"given_names": "Zebedee", "family_name": "Quillfeather"})
    centre.admin(staff.revoke, laptop.device_id)
    window = MainWindow(laptop)
    qtbot.addWidget(window)
    window.show()
    area = window.sync_area
    qtbot.waitUntil(lambda: area.sync_button.isVisible(), timeout=5000)
    qtbot.mouseClick(area.sync_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: getattr(window, "wiped_message", None) is not None, timeout=60000)
    box = window.wiped_message
    qtbot.addWidget(box)
    assert box.isVisible() and not window.isVisible()
    assert "wiped this laptop's caseload" in box.text() and "revoked" in box.text()
    data_dir = laptop.data_dir
    assert sorted(p.name for p in data_dir.iterdir()) == [wipe.NOTICE]
    box.close()

    # The next start explains before anything else; Quit leaves the folder as it is.
    def answer(button_text):
        def press():
            shown = QApplication.activeModalWidget()
            if not isinstance(shown, QMessageBox):
                QTimer.singleShot(50, press)
                return
            seen.append(shown.text())
            next(b for b in shown.buttons() if b.text() == button_text).click()
        return press
    seen: list[str] = []
    QTimer.singleShot(50, answer("Quit"))
    assert start_window(data_dir) == (None, None)
    assert "revoked" in seen[0]
    assert sorted(p.name for p in data_dir.iterdir()) == [wipe.NOTICE]
