"""A save that fails is said in the window, and what was typed stays to be saved again."""
from __future__ import annotations

from sqlalchemy import text

from app.caseload.learners import save_learner
from app.caseload.profile import set_up
from app.models import Learner
from ui.main_window import MainWindow


def test_a_failed_autosave_is_shown_in_the_window_and_the_typing_is_kept(qtbot, store, capfd):
    store.write_now(set_up, "Alex", "assessor", "Riverside", "")
    learner_id = store.write_now(save_learner, None, {"given_names": "Chloe", "family_name": "Barnes"})
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.open_learner(learner_id)
    window.page.tabs.setCurrentIndex(0)
    # A real SQLite failure on the writer, as a full disk or a damaged file would give.
    store.write_now(lambda s: s.execute(text(
        "CREATE TRIGGER refuse BEFORE UPDATE ON learner "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")))
    notes = window.page.form.editors["notes"]
    notes.setFocus()
    qtbot.keyClicks(notes, "Works Saturdays")
    qtbot.waitUntil(lambda: window.failure_bar.isVisible(), timeout=5000)
    assert "database or disk is full" in window.failure_text.text()
    assert "Traceback" not in capfd.readouterr().err
    assert notes.toPlainText() == "Works Saturdays"

    store.write_now(lambda s: s.execute(text("DROP TRIGGER refuse")))
    qtbot.keyClicks(notes, " on the tills")
    qtbot.waitUntil(lambda: store.read(lambda s: s.get(Learner, learner_id).notes)
                    == "Works Saturdays on the tills", timeout=5000)
    qtbot.mouseClick(window.findChild(type(window.failure_bar.children()[-1]), "failure_dismiss"),
                     __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.LeftButton)
    assert not window.failure_bar.isVisible()
    window.close()
