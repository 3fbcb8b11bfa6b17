"""From an AC to its evidence in one click, and every button of the learner's page in a menu
(issue 15): a covered cell of the progress grid opens the record covering it (the next one
on another click); the Evidence and Sign-off menus press the same buttons, enabled when they
are, and show the keys."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.caseload.profile import set_up
from app.evidence.progress import learner_progress
from app.evidence.records import records_of_learner
from app.models import Learner
from ui.main_window import MainWindow


def window_at(qtbot, store, learner_id):
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    win.resize(1264, 650)
    win.open_learner(learner_id)
    return win


def test_an_ac_in_the_progress_grid_opens_its_evidence_in_one_click(qtbot, demo_store):
    demo_store.write_now(set_up, "Alex Morgan", "assessor", "Riverside", "RT1")

    def a_learner_with_an_ac_covered_twice(session):
        for learner in session.query(Learner):
            for p in learner_progress(session, learner.id):
                for row, unit in enumerate(u for p2 in [p] for u in p2.units):
                    for col, ac in enumerate(unit.criteria):
                        if ac.record_count >= 2:
                            return learner.id, row, col, list(ac.record_ids)
        return None
    learner_id, row, col, record_ids = demo_store.read(a_learner_with_an_ac_covered_twice)
    win = window_at(qtbot, demo_store, learner_id)
    page = win.page
    page.tabs.setCurrentWidget(page.evidence.progress_view)
    table = page.evidence.grid.table
    qtbot.waitUntil(lambda: table.rowCount() > row, timeout=5000)
    cell = table.visualRect(table.model().index(row, col)).center()
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=cell)
    assert page.tabs.currentWidget() is page.evidence
    assert page.evidence.current_record_id() == record_ids[0]
    assert page.evidence.editor.record.id == record_ids[0]
    page.tabs.setCurrentWidget(page.evidence.progress_view)
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=cell)     # the next record covering it
    assert page.evidence.current_record_id() == record_ids[1]
    win.close()


def test_the_learner_pages_buttons_are_in_menus_with_their_keys(qtbot, demo_store):
    demo_store.write_now(set_up, "Alex Morgan", "assessor", "Riverside", "RT1")
    learner_id = demo_store.read(lambda s: next(l.id for l in s.query(Learner)
                                                if l.full_name == "Kwame Mensah"))
    win = window_at(qtbot, demo_store, learner_id)
    titles = [a.text() for a in win.menuBar().actions()]
    assert titles[:5] == ["&File", "&Edit", "&Learner", "E&vidence", "&Sign-off"]
    items = {a.text() for m in ("learner", "evidence", "sign_off") for a in win.menus[m].actions()}
    for text in ("Enrol on a qualification…", "Edit employer…", "New record of the chosen method\tCtrl+E", "Sign…\tCtrl+Shift+S",
                 "Sign off unit…\tCtrl+Shift+O", "Make a claim…\tCtrl+Shift+M",
                 "Save as PDF…\tCtrl+Shift+E", "Print…\tCtrl+P"):
        assert text in items, text

    # Enabled as the button is, when the menu opens: no claim yet for an empty learner.
    sign_off = win.menus["sign_off"]
    sign_off.aboutToShow.emit()            # the hidden panel is read as the menu opens
    assert win.page.claims.units.count() > 0
    claim = win.findChild(type(sign_off.actions()[0]), "act_claim_button")
    assert not claim.isEnabled() and not win.page.claims.claim_button.isEnabled()

    # Evidence → New record: from the Details tab, a new observation on the Evidence tab.
    assert win.page.tabs.currentIndex() == 0
    win.menus["evidence"].aboutToShow.emit()
    win.findChild(type(claim), "act_new_record").trigger()
    assert win.page.tabs.currentWidget() is win.page.evidence
    [record] = demo_store.read(records_of_learner, learner_id)
    assert record.method == "Obs" and win.page.evidence.editor.record.id == record.id
    win.close()
