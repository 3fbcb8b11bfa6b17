"""Evidence and signatures joined in the window, as an assessor uses them on site: an
observation typed and mapped, marked ready, signed by learner and assessor on the pad,
locked, corrected, and every step in the learner's audit trail."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from app.evidence.mapping import mappings_of
from app.evidence.records import get_record
from app.signing.audit import events_for_record
from app.signing.sign import signing_status
from tests.evidence.evidence_helpers import enrolment_with_rules
from ui.main_window import MainWindow
from ui.signing.amendment_reason import AmendmentReasonDialog

EV = "evidence_record"


def draw(qtbot, pad, points):
    qtbot.mousePress(pad, Qt.LeftButton, pos=QPoint(*points[0]))
    for p in points[1:]:
        qtbot.mouseMove(pad, QPoint(*p))
    qtbot.mouseRelease(pad, Qt.LeftButton, pos=QPoint(*points[-1]))


@pytest.fixture
def window(qtbot, demo_store):
    _enrolment, learner_id, _unit, _other = demo_store.read(enrolment_with_rules)
    win = MainWindow(demo_store)
    qtbot.addWidget(win)
    win.resize(1366, 860)
    win.show()
    win.open_learner(learner_id)
    win.page.tabs.setCurrentWidget(win.page.evidence)
    yield win, learner_id
    win.close()


def first_ac(picker):
    return next(it for it in picker.ac_items() if it.flags() & Qt.ItemIsUserCheckable)


def list_text(panel, record_id):
    for i in range(panel.list.count()):
        if panel.list.item(i).data(Qt.UserRole) == record_id:
            return panel.list.item(i).text()
    raise AssertionError(f"{record_id} not in the record list")


def answer_input_dialog(qtbot, text):
    """The correction reason is asked in a modal dialog: type it and press its button."""
    def fill():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AmendmentReasonDialog):
            QTimer.singleShot(50, fill)
            return
        qtbot.keyClicks(dialog.findChild(QPlainTextEdit), text)
        qtbot.mouseClick(dialog.ok, Qt.LeftButton)
    QTimer.singleShot(50, fill)


def test_observation_ready_signed_locked_corrected_and_audited(qtbot, window):
    win, learner_id = window
    panel, store = win.page.evidence, win.store
    panel.method.setCurrentIndex(panel.method.findData("Obs"))
    qtbot.mouseClick(panel.new_button, Qt.LeftButton)
    editor, bar = panel.editor, panel.editor.signing_bar
    rid = editor.record.id
    assert bar.where.text() == "Draft" and not bar.sign_button.isEnabled()
    assert "Draft" in list_text(panel, rid)

    # Typing that saves on every pause: 50 saves, one "changed" event.
    activities = editor.details["activities"]
    for ch in "Greeted the customer, listened, offered a refund!!":
        qtbot.keyClicks(activities, ch)
        editor.save_now()
        qtbot.waitUntil(lambda: store.read(get_record, rid).details["activities"]
                        == activities.toPlainText())
    assert len(activities.toPlainText()) == 50
    editor.tabs.setCurrentWidget(editor.picker)
    first_ac(editor.picker).setCheckState(2, Qt.Checked)      # met
    qtbot.waitUntil(lambda: len(store.read(mappings_of, rid)) == 1)
    changed = [e for e in store.read(events_for_record, rid) if e.action == "changed"]
    assert len(changed) == 1

    # Not ready while one of the five judgements is left unticked: the bar says which.
    for flag, box in editor.flags.items():
        if flag != "sufficient":
            qtbot.mouseClick(box, Qt.LeftButton)
    assert bar.ready_button.text() == "✓ Ready for signatures"
    qtbot.mouseClick(bar.ready_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "not yet judged sufficient" in bar.problem.text(), timeout=5000)
    assert store.read(get_record, rid).state == "draft"
    qtbot.mouseClick(editor.flags["sufficient"], Qt.LeftButton)
    # Ready for signatures, then the Sign… button says who signs.
    qtbot.mouseClick(bar.ready_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bar.where.text() == "Ready for signatures")
    assert store.read(get_record, rid).state == "ready"
    assert "Ready for signatures" in list_text(panel, rid)
    assert bar.sign_button.isEnabled() and "2 to sign" in bar.sign_button.text()
    assert "Learner" in bar.who.text() and "Assessor" in bar.who.text()

    # The learner, then the assessor, sign on the pad in the real dialog.
    qtbot.mouseClick(bar.sign_button, Qt.LeftButton)
    dialog = bar.dialog
    qtbot.waitUntil(lambda: dialog.sheet is not None and dialog.role.count() == 2)
    assert "Greeted the customer" in dialog.record_view.toPlainText()
    assert dialog.role.currentData() == "learner"
    draw(qtbot, dialog.pad, [(40, 100), (90, 50), (160, 130), (220, 70)])
    qtbot.mouseClick(dialog.sign_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.role.count() == 1)
    # Locked after the first signature; the bar says who is still to sign.
    qtbot.waitUntil(lambda: bar.where.text() == "Part signed — locked")
    assert "Assessor" in bar.who.text()
    assert dialog.role.currentData() == "assessor" and dialog.name.text() == "Alex Morgan"
    draw(qtbot, dialog.pad, [(30, 80), (100, 140), (200, 60)])
    qtbot.mouseClick(dialog.sign_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: store.read(signing_status, EV, rid).complete)
    qtbot.waitUntil(lambda: bar.where.text() == "Signed ✓ — locked")
    dialog.close()

    # The editor reloaded read-only, with the banner; the list says so in words.
    assert editor.record.id == rid and editor.record.state == "signed"
    assert not editor.common["title"].isEnabled() and not editor.details["activities"].isEnabled()
    assert not editor.timer_row.isEnabled() and not editor.note_row.isEnabled()
    assert not bar.ready_button.isVisible() and not bar.sign_button.isVisible()
    qtbot.waitUntil(lambda: editor.banner.isVisible() and "LOCKED" in editor.banner.text.text())
    assert "Signed ✓" in list_text(panel, rid)

    # A correction: the reason asked, the new draft opened in the editor.
    answer_input_dialog(qtbot, "The customer was at the returns desk, not the till")
    qtbot.mouseClick(editor.banner.amend_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: editor.record is not None and editor.record.id != rid, timeout=5000)
    correction = editor.record
    assert correction.amends_id == rid and correction.state == "draft"
    assert editor.common["title"].isEnabled()
    assert bar.where.text() == "Draft"
    qtbot.waitUntil(lambda: "AMENDMENT" in editor.banner.text.text())
    text = list_text(panel, correction.id)
    assert "Correction of OBS-001" in text and "Draft" in text
    assert "Corrected by a later version" in list_text(panel, rid)
    # The banner's link opens the signed original again.
    qtbot.waitUntil(lambda: editor.banner.related_button.isVisible())
    qtbot.mouseClick(editor.banner.related_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: editor.record.id == rid)
    assert not editor.common["title"].isEnabled()

    # The record's own trail, from the editor.
    trail_dialog = bar.show_trail()
    qtbot.waitUntil(lambda: trail_dialog.view.table.rowCount() > 0)
    record_actions = [line.action for line in reversed(trail_dialog.view.lines)]
    assert record_actions == ["created", "changed", "changed", "signed", "signed", "amended"]
    trail_dialog.close()

    # The learner's audit trail tab lists it all, newest first, in words.
    win.page.tabs.setCurrentWidget(win.page.audit)
    view = win.page.audit
    qtbot.waitUntil(lambda: any(line.action == "amended" for line in view.lines))
    table = view.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["When", "Who", "Device", "Action", "Record", "What happened"]
    mine = [line for line in view.lines if line.record_id == rid]
    assert [line.action for line in mine][:3] == ["amended", "signed", "signed"]
    assert all(line.actor_name == "Alex Morgan" and "this laptop" in line.device for line in mine)
    assert sum(1 for line in mine if line.action == "changed" and line.summary == "Edited") == 1
    row0 = [table.item(0, c).text() for c in range(table.columnCount())]
    assert row0[3] == "Created" and "(correction)" in row0[4]
