"""The evidence tab as an assessor uses it: typing an observation, mapping ACs in two
units, attaching files, and watching the grid change."""
from __future__ import annotations

import math
import struct
import wave

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from app.evidence.attachments import attachments_of
from app.evidence.mapping import mappings_of
from app.models import AssessmentCriterion
from app.evidence.progress import MET, MET_UNSIGNED, NOT_STARTED, WORKING
from app.evidence.records import get_record, records_of_learner
from evidence_helpers import enrolment_with_rules, unit_number
from tests.evidence.window_helpers import evidence_window, new_record
from ui.evidence.criteria_picker import AC_ROLE


@pytest.fixture
def window(qtbot, demo_store):
    enrolment_id, learner_id, ruled, other = demo_store.read(enrolment_with_rules)
    win = evidence_window(qtbot, demo_store, learner_id)
    yield win, learner_id, demo_store.read(unit_number, ruled), demo_store.read(unit_number, other)
    win.close()


def ac_item(picker, unit, index):
    return [it for it in picker.ac_items()
            if it.parent().parent().text(0).startswith(f"Unit {unit}:")][index]


def grid_row(grid, unit):
    for row in range(grid.table.rowCount()):
        if f" {unit} " in grid.table.verticalHeaderItem(row).text():
            return row
    raise AssertionError(unit)


def test_observation_typed_mapped_in_two_units_turns_grid_amber_and_green(qtbot, window, tmp_path):
    win, learner_id, unit_a, unit_b = window
    panel = win.page.evidence
    store = win.store if hasattr(win, "store") else panel.bridge.store
    record_id = new_record(qtbot, panel, "Obs")
    editor = panel.editor
    assert editor.heading.text() == "OBS-001 · Observation"
    editor.common["title"].selectAll()
    qtbot.keyClicks(editor.common["title"], "Complaint at the till")
    qtbot.mouseClick(editor.start_button, Qt.LeftButton)
    assert editor.details["start_time"].text() and not editor.start_button.isEnabled()
    qtbot.keyClicks(editor.details["activities"], "Dealt with a refund request calmly.")
    qtbot.keyClicks(editor.note_input, "Greets the customer by name")
    qtbot.keyClick(editor.note_input, Qt.Key_Return)
    qtbot.mouseClick(editor.stop_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: store.read(get_record, record_id).title == "Complaint at the till")
    qtbot.waitUntil(lambda: store.read(get_record, record_id).details["notes"] != [])
    saved = store.read(get_record, record_id)
    assert saved.details["activities"] == "Dealt with a refund request calmly."
    assert saved.details["notes"][0]["text"] == "Greets the customer by name"
    assert saved.details["end_time"]

    grid = panel.grid
    row_a, row_b = grid_row(grid, unit_a), grid_row(grid, unit_b)
    assert grid.status_at(row_a, 0) == NOT_STARTED
    editor.tabs.setCurrentWidget(editor.picker)
    ac_item(editor.picker, unit_a, 0).setCheckState(1, Qt.Checked)     # working towards
    qtbot.waitUntil(lambda: grid.status_at(row_a, 0) == WORKING)
    assert grid.table.item(row_a, 0).text().startswith("◐")
    ac_item(editor.picker, unit_b, 0).setCheckState(2, Qt.Checked)     # met
    qtbot.waitUntil(lambda: grid.status_at(row_b, 0) == MET)
    # Met by a draft: shown apart from met-and-signed (issue 12), not green at once.
    assert grid.table.item(row_b, 0).text().startswith("◕")
    assert grid.shown_at(row_b, 0) == MET_UNSIGNED
    ac_item(editor.picker, unit_a, 0).setCheckState(2, Qt.Checked)     # now met
    qtbot.waitUntil(lambda: grid.status_at(row_a, 0) == MET)
    mapped = store.read(mappings_of, record_id)
    assert {(m.unit_number, m.status) for m in mapped} == {(unit_a, "met"), (unit_b, "met")}
    assert "OBS-001" in panel.list.item(0).text() and "2 AC(s)" in panel.list.item(0).text()

    photo = tmp_path / "till.jpg"
    image = QImage(320, 240, QImage.Format_RGB32)
    image.fill(QColor("#4a7bb7"))
    image.save(str(photo))
    editor.files.attach_paths([str(photo), str(photo)])
    qtbot.waitUntil(lambda: editor.files.list.count() == 2, timeout=5000)
    assert not editor.files.list.item(0).icon().isNull()   # a thumbnail
    assert len({a.sha256 for a in store.read(attachments_of, record_id)}) == 1


def test_barred_method_refused_in_the_picker_with_the_reason(qtbot, window):
    win, learner_id, unit_a, unit_b = window
    panel = win.page.evidence
    new_record(qtbot, panel, "Sim")
    picker = panel.editor.picker
    panel.editor.tabs.setCurrentWidget(picker)      # the assessor opens "Criteria covered"
    unit_item = next(picker.tree.topLevelItem(i) for i in range(picker.tree.topLevelItemCount())
                     if picker.tree.topLevelItem(i).text(0).startswith(f"Unit {unit_a}:"))
    assert unit_item.isDisabled() and "cannot be used" in unit_item.toolTip(0)
    assert "barred" in unit_item.text(0)   # the rule itself, under the unit, not in a tooltip


def test_witness_and_discussion_with_recording_and_bookmark(qtbot, window, tmp_path):
    win, learner_id, unit_a, unit_b = window
    panel = win.page.evidence
    store = panel.bridge.store
    witness = new_record(qtbot, panel, "Wt")
    editor = panel.editor
    qtbot.keyClicks(editor.details["witness_name"], "Priya Shah")
    qtbot.keyClicks(editor.details["relationship"], "Line manager")
    qtbot.waitUntil(lambda: store.read(get_record, witness).details["relationship"] == "Line manager")
    assert store.read(get_record, witness).details["witness_name"] == "Priya Shah"

    discussion = new_record(qtbot, panel, "PD")
    assert store.read(get_record, witness).portfolio_ref == "WT-001"
    sound = tmp_path / "discussion.wav"
    with wave.open(str(sound), "wb") as wf:
        wf.setnchannels(1), wf.setsampwidth(2), wf.setframerate(8000)
        wf.writeframes(b"".join(struct.pack("<h", int(6000 * math.sin(i / 8000 * 2764)))
                                for i in range(8000 * 5)))
    ac_item(editor.picker, unit_a, 0).setCheckState(1, Qt.Checked)
    qtbot.waitUntil(lambda: len(store.read(mappings_of, discussion)) == 1)
    editor.files.attach_paths([str(sound)])
    qtbot.waitUntil(lambda: editor.files.list.count() == 1, timeout=5000)
    assert not editor.files.recording_box.isHidden()
    from PySide6.QtMultimedia import QMediaDevices
    # With the test microphone the warning is hidden; test_no_microphone covers the other case.
    assert editor.files.mic_warning.isHidden() == bool(QMediaDevices.audioInputs())
    assert editor.files.ac_choice.currentData()
    qtbot.mouseClick(editor.files.bookmark_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: store.read(get_record, discussion).details["bookmarks"] != [])
    mark = store.read(get_record, discussion).details["bookmarks"][0]
    assert mark["recording"] == "discussion.wav" and f"Unit {unit_a} AC" in mark["criterion"]


def test_delete_and_undo_from_the_list(qtbot, window):
    win, learner_id, *_ = window
    panel = win.page.evidence
    store = panel.bridge.store
    record_id = new_record(qtbot, panel, "RA")
    qtbot.mouseClick(panel.delete_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.list.count() == 0)
    assert store.read(records_of_learner, learner_id) == []
    # the window's one Undo, as for every delete (Edit → Undo, Ctrl+Z)
    assert win.undo_action.isEnabled() and "RA-001" in win.undo_action.text()
    win.undo_action.trigger()
    qtbot.waitUntil(lambda: panel.list.count() == 1)
    assert panel.current_record_id() == record_id


def test_a_whole_outcome_ticked_at_once_reads_in_full_and_is_undone(qtbot, window):
    win, learner_id, unit_a, unit_b = window
    panel = win.page.evidence
    store = panel.bridge.store
    record_id = new_record(qtbot, panel, "Obs")
    picker = panel.editor.picker
    panel.editor.tabs.setCurrentWidget(picker)
    first = ac_item(picker, unit_a, 0)
    lo = first.parent()
    ac_ids = [lo.child(i).data(0, AC_ROLE) for i in range(lo.childCount())]
    # the AC's whole text is on its row, with where the learner stands under it
    full_text = store.read(lambda s: s.get(AssessmentCriterion, ac_ids[0]).text)
    assert full_text in first.text(0) and "not started" in first.text(0)
    rect = picker.tree.visualItemRect(first)
    assert rect.height() > picker.tree.fontMetrics().height() * 1.8   # both lines shown

    lo.setCheckState(2, Qt.Checked)          # every AC of the outcome, met
    qtbot.waitUntil(lambda: win.undo_action.isEnabled())
    assert len(store.read(mappings_of, record_id)) == len(ac_ids)
    assert {m.status for m in store.read(mappings_of, record_id)} == {"met"}
    assert ac_item(picker, unit_a, 0).checkState(2) == Qt.Checked
    assert "tick LO" in win.undo_action.text()

    win.undo_action.trigger()                 # one Undo puts them all back
    qtbot.waitUntil(lambda: store.read(mappings_of, record_id) == [])
    win.redo_action.trigger()
    qtbot.waitUntil(lambda: len(store.read(mappings_of, record_id)) == len(ac_ids))
    win.undo_action.trigger()
    qtbot.waitUntil(lambda: store.read(mappings_of, record_id) == [])
    ac_item(picker, unit_a, 0).setCheckState(1, Qt.Checked)   # one, working towards
    qtbot.waitUntil(lambda: len(store.read(mappings_of, record_id)) == 1)
    qtbot.waitUntil(lambda: ac_item(picker, unit_a, 0).parent().checkState(1)
                    == Qt.PartiallyChecked)


def test_the_observation_timer_leaves_the_form_where_it_was(qtbot, window):
    win, *_ = window
    panel = win.page.evidence
    new_record(qtbot, panel, "Obs")
    editor = panel.editor
    win.resize(1264, 650)                  # a laptop: the form scrolls
    form_scroll = editor.tabs.widget(0)
    qtbot.wait(50)
    before = (form_scroll.verticalScrollBar().value(), editor.scroll.verticalScrollBar().value())
    qtbot.mouseClick(editor.start_button, Qt.LeftButton)
    qtbot.wait(50)
    assert QApplication.focusWidget() is editor.stop_button
    assert (form_scroll.verticalScrollBar().value(),
            editor.scroll.verticalScrollBar().value()) == before
    qtbot.mouseClick(editor.stop_button, Qt.LeftButton)
    qtbot.wait(50)
    assert QApplication.focusWidget() is editor.start_button
    assert (form_scroll.verticalScrollBar().value(),
            editor.scroll.verticalScrollBar().value()) == before
    assert editor.details["learner_comments"].toPlainText() == ""
