"""The window as an assessor meets it: typing into real widgets, then reopening the app."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.caseload.employers import live_employers, save_employer
from app.caseload.profile import current_profile, set_up
from app.db.store import Store
from app.models import Learner
from ui.enrolments_panel import EnrolDialog
from ui.main_window import MainWindow
from ui.setup_dialog import SetupDialog


def open_window(qtbot, data_dir):
    from app.catalogue.loader import load_bundled_packs
    store = Store(data_dir).open()
    store.write_now(load_bundled_packs)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    return store, window


def close_window(store, window):
    window.close()
    store.close()


def type_into(qtbot, widget, text):
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_first_start_set_up_by_typing(qtbot, store):
    dialog = SetupDialog(store)
    qtbot.addWidget(dialog)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
    qtbot.mouseClick(ok, Qt.LeftButton)
    assert dialog.problems["name"].text().startswith("⚠ Your name is required")
    type_into(qtbot, dialog.name, "Alex Morgan")
    type_into(qtbot, dialog.centre, "Riverside Training")
    type_into(qtbot, dialog.centre_number, "RT-04412")
    qtbot.mouseClick(ok, Qt.LeftButton)
    profile = store.read(current_profile)
    assert (profile.name, profile.role, profile.centre_name) == ("Alex Morgan", "assessor",
                                                                 "Riverside Training")


def test_create_enrol_choose_units_and_find_it_all_after_restart(qtbot, data_dir):
    store, window = open_window(qtbot, data_dir)
    store.write_now(set_up, "Alex Morgan", "assessor", "Riverside", "RT1")
    store.write_now(save_employer, None, {"name": "Harbourside Home Stores"})

    assert window.new_action.shortcut().toString() == "Ctrl+N"
    window.new_action.trigger()
    form = window.page.form
    assert form.learner_id and window.page.title.text() == "New learner"
    type_into(qtbot, form.editors["given_names"], "Amelia")
    type_into(qtbot, form.editors["family_name"], "Hughes")
    type_into(qtbot, form.editors["uln"], "9276308687")        # one digit wrong
    type_into(qtbot, form.editors["date_of_birth"], "14/03/2001")
    form.set_employers(store.read(lambda s: [(e.id, e.name) for e in live_employers(s)]))
    combo = form.editors["employer_id"]
    combo.setCurrentIndex(combo.findText("Harbourside Home Stores"))
    notes = form.editors["notes"]
    notes.setFocus()
    qtbot.keyClicks(notes, "Works Saturdays on the tills.")
    qtbot.waitUntil(lambda: form.problem_labels["uln"].isVisibleTo(form), timeout=3000)
    assert "check digit is wrong" in form.problem_labels["uln"].text()

    # Fix the ULN: the message goes and the learner appears in the caseload.
    form.editors["uln"].clear()
    type_into(qtbot, form.editors["uln"], "9276308686")
    qtbot.waitUntil(lambda: not form.problem_labels["uln"].isVisibleTo(form), timeout=3000)
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 1, timeout=3000)
    assert window.caseload.model.rows[0].name == "Amelia Hughes"
    assert window.page.title.text() == "Amelia Hughes"
    learner_id = form.learner_id

    dialog = EnrolDialog(window.bridge, learner_id, window)
    qtbot.addWidget(dialog)
    index = next(i for i in range(dialog.qualification.count())
                 if "2794" in dialog.qualification.itemText(i))
    dialog.qualification.setCurrentIndex(index)
    type_into(qtbot, dialog.registration, "CG-778812")
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert dialog.enrolment_id
    window.page.enrolments.load(learner_id)
    chooser = window.page.enrolments.choosers[0]
    assert "not yet met" in chooser.verdict.text()
    tree = chooser.tree
    groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    for group in groups:
        for i in range(group.childCount()):
            item = group.child(i)
            if "(mandatory)" in item.text(1):
                item.setCheckState(0, Qt.Checked)
    optional = next(g for g in groups if "ptional" in g.text(0))
    optional.child(0).setCheckState(0, Qt.Checked)
    qtbot.waitUntil(lambda: "meets the rules" in chooser.verdict.text(), timeout=3000)
    chosen = chooser.chosen()
    close_window(store, window)

    # Reopen on the same data folder: everything is there.
    store, window = open_window(qtbot, data_dir)
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 1, timeout=3000)
    window.open_learner(learner_id)
    form = window.page.form
    assert form.editors["uln"].text() == "9276308686"
    assert form.editors["date_of_birth"].text() == "14/03/2001"
    assert form.editors["employer_id"].currentText() == "Harbourside Home Stores"
    assert form.editors["notes"].toPlainText() == "Works Saturdays on the tills."
    chooser = window.page.enrolments.choosers[0]
    assert chooser.chosen() == chosen
    assert "meets the rules" in chooser.verdict.text()
    close_window(store, window)


def test_delete_and_undo_from_the_keyboard(qtbot, data_dir):
    from app.caseload.learners import save_learner
    store, window = open_window(qtbot, data_dir)
    learner_id = store.write_now(save_learner, None, {"given_names": "Chloe", "family_name": "Barnes"})
    window.caseload.refresh()
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 1, timeout=3000)
    window.open_learner(learner_id)
    window.delete_action.trigger()
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 0, timeout=3000)
    assert "Deleted Chloe Barnes" in window.statusBar().currentMessage()
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 1, timeout=3000)
    assert store.read(lambda s: s.get(Learner, learner_id)).deleted_at is None
    close_window(store, window)


def test_demo_caseload_is_one_click_away(qtbot, data_dir):
    store, window = open_window(qtbot, data_dir)
    # the empty state offers the demo
    qtbot.waitUntil(lambda: window.caseload.stack.currentIndex() == 1, timeout=3000)
    qtbot.mouseClick(window.caseload.demo_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 12, timeout=10000)
    assert window.caseload.stack.currentIndex() == 0
    # Progress shows both its lines: met (and the last evidence date), then how much is signed.
    table = window.caseload.table
    model = window.caseload.model
    qtbot.waitUntil(lambda: "signed" in model.data(model.index(0, 3)), timeout=10000)
    lines = model.data(model.index(0, 3)).count("\n") + 1
    assert table.rowHeight(0) >= lines * table.fontMetrics().lineSpacing() + 8   # and margins
    close_window(store, window)


def test_a_laptop_set_up_for_an_iqa_points_to_the_centre_not_the_demo(qtbot, data_dir):
    """Before it connects an IQA's laptop is just a laptop (the demo is refused only once
    the centre says whose it is), but the big demo button invited her to fill it with
    learners the centre would refuse from an IQA: the empty caseload points to the centre."""
    store = Store(data_dir).open()
    store.write_now(set_up, "Iris K", "iqa", "Riverside", "")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.caseload.stack.currentIndex() == 1, timeout=3000)
    assert not window.caseload.demo_button.isVisible()
    assert window.caseload.empty_text.text() == (
        "No learners yet: connect to your centre (File → Connect to centre…) and it sends "
        "the learners you sample.")
    close_window(store, window)
