"""The question bank as an assessor uses it from a questioning record in the real editor:
ticking bank questions adds them to the record (saved, read back from the database), a
question typed in the record is kept in the bank, the bank is edited in place, and a
signed record offers neither."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.caseload.demo_questions import STARTER
from app.evidence.question_bank import questions_for_units
from app.evidence.records import get_record
from app.signing.sign import sign_record
from evidence_helpers import enrolment_with_rules
from tests.signing.signing_helpers import drawn
from ui.evidence.question_bank_dialog import QUESTION_ROLE
from tests.evidence.window_helpers import evidence_window, new_record

FEATURES = next(q for n, _, q, _ in STARTER if "features" in q)
TRUST = next(q for n, _, q, _ in STARTER if "trust" in q)


@pytest.fixture
def editor(qtbot, demo_store):
    enrolment_id, learner_id, *_ = demo_store.read(enrolment_with_rules)
    win = evidence_window(qtbot, demo_store, learner_id)
    panel = win.page.evidence
    new_record(qtbot, panel, "Q")
    yield panel.editor, demo_store
    win.close()


def question_items(dialog):
    return {item.data(0, QUESTION_ROLE).question: item for item in dialog._items()}


def visible(dialog):
    return [q for q, item in question_items(dialog).items()
            if not item.isHidden() and not item.parent().isHidden()]


def saved_questions(store, record_id):
    return store.read(get_record, record_id).details["questions"]


def test_bank_questions_ticked_in_the_dialog_are_saved_in_the_record(qtbot, editor):
    editor, store = editor
    record_id = editor.record.id
    row = editor.bank_row
    assert row is not None and row.add_button.isEnabled()
    assert not row.save_button.isEnabled()            # nothing selected to keep yet
    qtbot.mouseClick(row.add_button, Qt.LeftButton)
    dialog = row.dialog
    qtbot.waitUntil(dialog.isVisible)
    units = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert units == ["Unit 204: Contribute to a customer focused experience  (2)",
                     "Unit 205: Provide customer service  (4)"]
    assert not dialog.add_button.isEnabled()

    qtbot.keyClicks(dialog.search, "benefits")        # a word of a good answer or question
    assert visible(dialog) == [FEATURES]
    dialog.search.clear()
    assert len(visible(dialog)) == 6
    items = question_items(dialog)
    dialog.tree.setCurrentItem(items[FEATURES])
    assert "ACs 1.3." in dialog.expected.text() and "benefits" in dialog.expected.text()
    items[FEATURES].setCheckState(0, Qt.Checked)
    items[TRUST].setCheckState(0, Qt.Checked)
    assert dialog.add_button.text() == "Add 2 questions to Q-001"
    qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
    assert not dialog.isVisible()

    qtbot.waitUntil(lambda: len(saved_questions(store, record_id)) == 2, timeout=3000)
    assert saved_questions(store, record_id) == [
        {"question": TRUST, "answer": "", "decision": ""},          # the bank's order: 204 first
        {"question": FEATURES, "answer": "", "decision": ""}]
    assert "2 questions added" in row.note.text()
    table = editor.details["questions"].table
    assert table.rowHeight(1) > 32                  # the long question wraps, not cut off

    # asked already: offered again but not for ticking
    qtbot.mouseClick(row.add_button, Qt.LeftButton)
    again = question_items(row.dialog)
    assert not again[FEATURES].flags() & Qt.ItemIsUserCheckable
    assert again[FEATURES].text(1) == "1.3 · in Q-001"
    row.dialog.reject()


def test_a_question_typed_in_the_record_is_kept_and_offered_next_time(qtbot, editor):
    editor, store = editor
    record_id = editor.record.id
    questions = editor.details["questions"]
    questions.add_row({"question": "How do you record a customer's complaint?",
                       "answer": "On the complaints log.", "decision": "Met"})
    questions.table.setCurrentCell(0, 1)
    row = editor.bank_row
    assert row.save_button.isEnabled()
    qtbot.mouseClick(row.save_button, Qt.LeftButton)
    form = row.form
    qtbot.waitUntil(form.isVisible)
    assert form.question.toPlainText() == "How do you record a customer's complaint?"
    assert saved_questions(store, record_id)[0]["answer"] == "On the complaints log."  # flushed
    form.unit.setCurrentIndex(form.unit.findText("Unit 206", Qt.MatchStartsWith))
    form.refs.setText("9.9")                           # not an AC of unit 206
    qtbot.mouseClick(form.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: form.problems["criterion_refs"].isVisible())
    assert "Unit 206 has no AC 9.9" in form.problems["criterion_refs"].text()
    form.refs.setText("4.4")
    form.expected.setPlainText("Logs it the same day, with what was agreed.")
    qtbot.mouseClick(form.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert row.note.text() == "Question kept in the bank for Unit 206."
    unit_id = form.unit.currentData()
    (group,) = store.read(questions_for_units, [unit_id])
    assert [(q.question, q.criterion_refs, q.expected_answer) for q in group.questions] == [
        ("How do you record a customer's complaint?", "4.4",
         "Logs it the same day, with what was agreed.")]

    qtbot.mouseClick(row.add_button, Qt.LeftButton)
    items = question_items(row.dialog)
    assert "How do you record a customer's complaint?" in items   # listed, already asked here
    row.dialog.reject()


def test_bank_questions_added_edited_deleted_and_undone_in_the_dialog(qtbot, editor):
    editor, store = editor
    row = editor.bank_row
    qtbot.mouseClick(row.add_button, Qt.LeftButton)
    dialog = row.dialog
    dialog.tree.setCurrentItem(question_items(dialog)[FEATURES])
    qtbot.mouseClick(dialog.new_button, Qt.LeftButton)
    form = dialog.form
    assert form.unit.currentText().startswith("Unit 205")        # the unit being looked at
    qtbot.mouseClick(form.ok, Qt.LeftButton)                     # nothing typed
    qtbot.waitUntil(lambda: form.problems["question"].isVisible())
    assert "Type the question" in form.problems["question"].text()
    form.question.setPlainText("What does your organisation's code of conduct ask of you?")
    form.refs.setText("2.2")
    qtbot.mouseClick(form.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: "What does your organisation's code of conduct ask of you?"
                    in question_items(dialog))
    assert dialog.tree.topLevelItem(1).text(0).endswith("(5)")

    dialog.tree.setCurrentItem(question_items(dialog)[FEATURES])
    qtbot.mouseClick(dialog.edit_button, Qt.LeftButton)
    edit = dialog.form
    assert not edit.unit.isEnabled() and edit.refs.text() == "1.3"
    edit.question.setPlainText("Choose one product you sell: what are its features and benefits?")
    qtbot.mouseClick(edit.ok, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Choose one product you sell: what are its features and benefits?"
                    in question_items(dialog))
    assert FEATURES not in question_items(dialog)

    dialog.tree.setCurrentItem(question_items(dialog)[TRUST])
    qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
    assert TRUST not in question_items(dialog) and dialog.undo_button.isVisible()
    qtbot.mouseClick(dialog.undo_button, Qt.LeftButton)
    assert TRUST in question_items(dialog) and not dialog.undo_button.isVisible()


def test_a_signed_questioning_record_offers_neither_button(qtbot, editor):
    editor, store = editor
    record_id = editor.record.id
    editor.details["questions"].add_row({"question": "Who are your customers?", "answer": "Shoppers."})
    editor.flush()
    for name, role in (("Amelia Hughes", "learner"), ("Alex Morgan", "assessor")):
        store.write_now(sign_record, "evidence_record", record_id, **drawn(name, role))
    editor.load(record_id)
    assert editor.record.state == "signed"
    editor.details["questions"].table.setCurrentCell(0, 0)
    assert not editor.bank_row.add_button.isEnabled()
    assert not editor.bank_row.save_button.isEnabled()
