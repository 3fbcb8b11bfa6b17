"""Defects seen by a new user at a visit, each tried again through the real window."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.caseload.employers import save_employer
from app.caseload.enrolments import chosen_unit_ids, enrol, unit_options
from app.caseload.learners import autosave_learner, save_learner
from app.caseload.profile import set_up
from app.evidence.records import create_record, get_record, set_record_state
from app.models.evidence import JUDGEMENT_FLAGS
from app.models import Qualification
from ui.enrolments_panel import EnrolDialog
from ui.main_window import MainWindow
from ui.signing import open_signing


def qualification(session, number="2794"):
    return next(q.id for q in session.query(Qualification) if number in (q.ab_number or ""))


def window_on(qtbot, store):
    store.write_now(set_up, "Alex Morgan", "assessor", "Riverside", "RT1")
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    return win


def test_new_learner_opens_on_details_with_the_keys_in_given_names(qtbot, catalogue_store):
    store = catalogue_store
    learner = store.write_now(save_learner, None, {"given_names": "Chloe", "family_name": "Barnes"})
    win = window_on(qtbot, store)
    win.open_learner(learner)
    win.page.tabs.setCurrentWidget(win.page.evidence)
    win.new_action.trigger()
    assert win.page.tabs.currentIndex() == 0
    given = win.page.form.editors["given_names"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is given)
    assert given.isVisible()
    win.close()


def test_enrolling_picks_the_mandatory_units_and_the_caseload_row_follows(qtbot, catalogue_store):
    store = catalogue_store
    learner = store.write_now(save_learner, None, {"given_names": "Chloe", "family_name": "Barnes"})
    win = window_on(qtbot, store)
    qtbot.waitUntil(lambda: win.caseload.model.rowCount() == 1)
    assert win.caseload.model.rows[0].status == "not enrolled"
    win.open_learner(learner)
    panel = win.page.evidence
    assert "Enrolments and units tab" in panel.problem.text()   # where enrolling is done

    dialog = EnrolDialog(win.bridge, learner, win.page.enrolments)
    qtbot.addWidget(dialog)
    dialog.qualification.setCurrentIndex(next(
        i for i in range(dialog.qualification.count()) if "2794" in dialog.qualification.itemText(i)))
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)
    win.page.enrolments.changed.emit()    # as the panel does once its dialog is accepted
    qtbot.waitUntil(lambda: win.caseload.model.rows[0].status != "not enrolled", timeout=5000)
    mandatory = {o.id for o in store.read(unit_options, store.read(qualification)) if o.mandatory}
    assert mandatory and store.read(chosen_unit_ids, dialog.enrolment_id) == mandatory
    win.close()


def test_an_observation_starts_with_the_learners_workplace(catalogue_store):
    store = catalogue_store
    employer = store.write_now(save_employer, None, {"name": "Harbourside Home Stores"})
    learner = store.write_now(save_learner, None, {"given_names": "Chloe", "family_name": "Barnes",
                                                   "employer_id": employer})
    store.write_now(autosave_learner, learner, {"given_names": "Chloe", "family_name": "Barnes",
                                                "employer_id": employer,
                                                "workplace_address": "Quay Street store"})
    enrolment = store.write_now(enrol, learner, store.read(qualification))
    record = store.write_now(create_record, enrolment, "Obs")
    assert store.read(get_record, record).details["workplace"] == \
        "Harbourside Home Stores, Quay Street store"


def test_the_witness_named_in_the_record_is_the_name_offered_to_sign(qtbot, catalogue_store):
    store = catalogue_store
    learner = store.write_now(save_learner, None, {"given_names": "Chloe", "family_name": "Barnes"})
    enrolment = store.write_now(enrol, learner, store.read(qualification), mandatory_units=True)
    record = store.write_now(create_record, enrolment, "Wt")
    from app.evidence.records import autosave_record
    store.write_now(autosave_record, record, {"details": {"witness_name": "Priya Shah"},
                                              **{f: True for f in JUDGEMENT_FLAGS}})
    store.write_now(set_record_state, record, "ready")
    win = window_on(qtbot, store)
    dialog = open_signing(win, win.bridge, "evidence_record", record)
    qtbot.waitUntil(lambda: dialog.role.count() > 0, timeout=5000)
    dialog.role.setCurrentIndex(dialog.role.findData("witness"))
    assert dialog.name.text() == "Priya Shah"
    dialog.close()
    win.close()


def test_help_lists_every_shortcut_with_what_it_does(qtbot, catalogue_store):
    win = window_on(qtbot, catalogue_store)
    assert win.shortcuts_action.shortcut().toString() == "F1"
    dialog = win.show_shortcuts()
    qtbot.addWidget(dialog)
    rows = {(dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text())
            for r in range(dialog.table.rowCount())}
    for keys, words in (("Ctrl+N", "New learner"), ("Ctrl+Z", "Undo"),
                        ("Ctrl+E", "Evidence: new record of the chosen method"),
                        ("Ctrl+Shift+S", "Evidence: collect signatures on the open record (Sign…)"),
                        ("Ctrl+Shift+M", "Sign-off and claims: Make a claim…"),
                        ("Ctrl+P", "Sign-off and claims: Print…")):
        assert (keys, words) in rows, (keys, words)
    dialog.close()
    win.close()
