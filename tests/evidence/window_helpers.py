"""The real main window opened on a learner's evidence tab, as the window tests need it."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.caseload.profile import set_up
from ui.main_window import MainWindow


def evidence_window(qtbot, store, learner_id: str) -> MainWindow:
    """Set up as an assessor, open the learner, show the evidence tab. The caller closes it."""
    store.write_now(set_up, "Alex", "assessor", "Riverside", "")
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    win.open_learner(learner_id)
    win.page.tabs.setCurrentWidget(win.page.evidence)
    return win


def new_record(qtbot, panel, method: str) -> str:
    """Choose the method and press New record, as the assessor does."""
    panel.method.setCurrentIndex(panel.method.findData(method))
    qtbot.mouseClick(panel.new_button, Qt.LeftButton)
    return panel.editor.record.id


# What a child process runs first to have the real window showing one record: for tests that
# kill the window or give it a different sound server than this process has.
CHILD_WINDOW = """
import sys, time
sys.path.insert(0, {root!r})
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.db.store import Store
from ui.main_window import MainWindow
window = MainWindow(Store({data!r}).open())
window.show()
window.open_learner({learner!r})
panel = window.page.evidence
panel._open_record({record!r})
"""
