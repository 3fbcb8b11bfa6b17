"""A record marked ready goes back to draft when anything in it changes, with the reason in
its audit trail: signers must never be asked to sign what nobody has looked over again."""
from __future__ import annotations

import pytest

from app.evidence.attachments import (
    attach_file, attachments_of, remove_attachment, restore_attachment,
)
from app.evidence.mapping import map_criteria, set_mapping_note, unmap_criteria
from app.evidence.records import (
    BACK_TO_DRAFT, RecordLocked, autosave_record, create_record, get_record, set_record_state,
    state_of,
)
from app.models.evidence import JUDGEMENT_FLAGS
from app.signing.audit import events_for_record
from app.signing.sign import sign_record
from evidence_helpers import criteria_of, enrolment_with_rules

DRAWN = dict(method="drawn", strokes=[[[10, 10], [40, 30], [80, 12]]],
             image_png=b"\x89PNG\r\n\x1a\n-a-rendered-signature")


@pytest.fixture
def ready(demo_store):
    """A complete observation covering one AC, marked ready for signatures."""
    enrolment_id, _learner, unit_id, _other = demo_store.read(enrolment_with_rules)
    acs = demo_store.read(criteria_of, unit_id)
    record_id = demo_store.write_now(create_record, enrolment_id, "Obs",
                                     title="Handling a returned kettle")
    demo_store.write_now(map_criteria, record_id, {acs[0]: "met"})
    demo_store.write_now(autosave_record, record_id, {f: True for f in JUDGEMENT_FLAGS})
    demo_store.write_now(set_record_state, record_id, "ready")
    return record_id, acs


def back_to_draft_events(store, record_id):
    return [e for e in store.read(events_for_record, record_id) if e.summary == BACK_TO_DRAFT]


def assert_back_to_draft(store, record_id):
    assert store.read(state_of, record_id) == "draft"
    assert store.read(get_record, record_id).state == "draft"
    events = back_to_draft_events(store, record_id)
    assert len(events) == 1 and events[0].action == "changed"


def test_typing_a_change_puts_it_back_to_draft(demo_store, ready):
    record_id, _ = ready
    problems = demo_store.write_now(autosave_record, record_id, {"location": "Customer desk"})
    assert problems == {}
    assert_back_to_draft(demo_store, record_id)
    # and the change itself was saved
    assert demo_store.read(get_record, record_id).location == "Customer desk"


def test_judgement_ticks_and_details_count_as_changes(demo_store, ready):
    record_id, _ = ready
    # (Ready needs all five judgements, so the tick that counts as a change is one taken off.)
    demo_store.write_now(autosave_record, record_id, {"sufficient": False})
    assert_back_to_draft(demo_store, record_id)
    demo_store.write_now(autosave_record, record_id, {"sufficient": True})
    demo_store.write_now(set_record_state, record_id, "ready")
    demo_store.write_now(autosave_record, record_id, {"details": {"activities": "Offered a refund"}})
    assert demo_store.read(state_of, record_id) == "draft"
    assert len(back_to_draft_events(demo_store, record_id)) == 2


def test_saving_the_same_values_or_only_invalid_typing_keeps_it_ready(demo_store, ready):
    record_id, _ = ready
    view = demo_store.read(get_record, record_id)
    demo_store.write_now(autosave_record, record_id, view.form_values())   # an editor's resave
    assert demo_store.read(state_of, record_id) == "ready"
    # half-typed date: kept as a draft of the form, the record itself is unchanged
    problems = demo_store.write_now(autosave_record, record_id, {"date": "31/02/20"})
    assert "date" in problems
    assert demo_store.read(state_of, record_id) == "ready"
    assert back_to_draft_events(demo_store, record_id) == []


def test_adding_an_ac_puts_it_back_but_remapping_the_same_does_not(demo_store, ready):
    record_id, acs = ready
    demo_store.write_now(map_criteria, record_id, {acs[0]: "met"})    # nothing new
    assert demo_store.read(state_of, record_id) == "ready"
    demo_store.write_now(map_criteria, record_id, {acs[1]: "working_towards"})
    assert_back_to_draft(demo_store, record_id)


@pytest.mark.parametrize("change", ["status", "note", "removed"])
def test_changing_or_removing_a_mapping_puts_it_back(demo_store, ready, change):
    record_id, acs = ready
    if change == "status":
        demo_store.write_now(map_criteria, record_id, {acs[0]: "working_towards"})
    elif change == "note":
        demo_store.write_now(set_mapping_note, record_id, acs[0], "Seen at the till, not phone")
    else:
        demo_store.write_now(unmap_criteria, record_id, [acs[0]])
    assert_back_to_draft(demo_store, record_id)


def test_removing_an_ac_it_never_had_keeps_it_ready(demo_store, ready):
    record_id, acs = ready
    demo_store.write_now(unmap_criteria, record_id, [acs[2]])
    assert demo_store.read(state_of, record_id) == "ready"


def test_adding_removing_and_restoring_a_file_each_put_it_back(demo_store, ready, tmp_path):
    record_id, _ = ready
    photo = tmp_path / "till-receipt.jpg"
    photo.write_bytes(b"\xff\xd8\xff-a-receipt")
    attach_file(demo_store, record_id, photo)
    assert_back_to_draft(demo_store, record_id)
    (attachment,) = demo_store.read(attachments_of, record_id)
    for change in (remove_attachment, restore_attachment):
        demo_store.write_now(set_record_state, record_id, "ready")
        demo_store.write_now(change, attachment.id)
        assert demo_store.read(state_of, record_id) == "draft"
    assert len(back_to_draft_events(demo_store, record_id)) == 3


def test_a_draft_is_not_moved_and_says_nothing(demo_store, ready):
    record_id, _ = ready
    demo_store.write_now(set_record_state, record_id, "draft")
    demo_store.write_now(autosave_record, record_id, {"location": "Stock room"})
    assert demo_store.read(state_of, record_id) == "draft"
    assert back_to_draft_events(demo_store, record_id) == []


def test_once_signed_nothing_changes_it(demo_store, ready):
    record_id, acs = ready
    demo_store.write_now(sign_record, "evidence_record", record_id, signer_name="Sam Patel", role="learner", **DRAWN)
    assert demo_store.read(state_of, record_id) == "signed"
    with pytest.raises(RecordLocked):
        demo_store.write_now(autosave_record, record_id, {"location": "Stock room"})
    with pytest.raises(RecordLocked):
        demo_store.write_now(map_criteria, record_id, {acs[1]: "met"})
    assert demo_store.read(state_of, record_id) == "signed"
    assert back_to_draft_events(demo_store, record_id) == []


# -- in the editor ---------------------------------------------------------------------------

def test_the_editor_shows_draft_again_after_each_kind_of_change(qtbot, demo_store, tmp_path):
    from PySide6.QtCore import Qt

    from tests.evidence.window_helpers import evidence_window, new_record

    enrolment_id, learner_id, unit_id, _other = demo_store.read(enrolment_with_rules)
    win = evidence_window(qtbot, demo_store, learner_id)
    panel = win.page.evidence
    new_record(qtbot, panel, "Obs")
    editor, bar = panel.editor, panel.editor.signing_bar
    record_id = editor.record.id
    # Nothing ticked yet: the first press records all five judgements and marks it ready.
    assert bar.ready_button.text() == "✓ Ready for signatures\n(judged on all five)"

    def mark_ready():
        qtbot.mouseClick(bar.ready_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: bar.where.text() == "Ready for signatures")
        assert demo_store.read(state_of, record_id) == "ready"
        assert "Ready for signatures" in panel.list.currentItem().text()

    def shows_draft():
        qtbot.waitUntil(lambda: demo_store.read(state_of, record_id) == "draft")
        qtbot.waitUntil(lambda: bar.where.text() == "Draft")
        assert editor.state_label.text().startswith("Draft ·")
        assert bar.ready_button.text() == "✓ Ready for signatures"
        assert not bar.sign_button.isEnabled()
        qtbot.waitUntil(lambda: panel.list.currentItem().text().endswith("Draft"))

    mark_ready()
    assert "Any change puts it back to draft" in bar.who.text()
    qtbot.wait(200)   # let the layout settle before looking
    win.grab().save(str(tmp_path / "ready.png"))
    qtbot.keyClicks(editor.common["location"], "Customer desk")        # typing
    shows_draft()
    assert demo_store.read(get_record, record_id).location == "Customer desk"
    assert editor.common["location"].text() == "Customer desk"          # typing not disturbed

    mark_ready()
    editor.tabs.setCurrentWidget(editor.picker)                          # an AC ticked
    next(editor.picker.ac_items()).setCheckState(1, Qt.Checked)
    shows_draft()

    mark_ready()
    editor.tabs.setCurrentWidget(editor.files)                           # a file attached
    photo = tmp_path / "till-receipt.jpg"
    photo.write_bytes(b"\xff\xd8\xff-a-receipt")
    editor.files.attach_paths([str(photo)])
    shows_draft()

    mark_ready()                         # typing, then Sign… before the autosave timer fires
    editor.tabs.setCurrentIndex(0)
    qtbot.keyClicks(editor.common["title"], " at the till")
    assert bar.sign() is None and bar.dialog is None
    shows_draft()
    assert "back to draft" in bar.problem.text() and bar.problem.isVisible()
    assert demo_store.read(get_record, record_id).title == "Observation at the till"
    qtbot.wait(200)
    win.grab().save(str(tmp_path / "draft.png"))
    assert len(back_to_draft_events(demo_store, record_id)) == 4
    win.close()
