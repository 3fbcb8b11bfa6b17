"""Rows pulled by sync reach the screens through the same path as local changes."""
from __future__ import annotations

from app.caseload.learners import save_learner
from app.caseload.profile import set_up
from app.db.changes import mark_pulled
from ui.main_window import MainWindow


def test_a_pulled_learner_appears_in_the_caseload_without_a_click(qtbot, store):
    store.write_now(set_up, "Alex", "assessor", "Riverside", "")
    store.write_now(save_learner, None, {"given_names": "Chloe", "family_name": "Barnes"})
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 1, timeout=3000)

    def pulled(session):      # what the sync engine does with a row from the centre
        mark_pulled(session)
        return save_learner(session, None, {"given_names": "Ryan", "family_name": "Patel"})

    store.write_now(pulled)
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 2, timeout=3000)
    assert sorted(r.name for r in window.caseload.model.rows) == ["Chloe Barnes", "Ryan Patel"]
    window.close()
