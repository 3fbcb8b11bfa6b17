"""The Employers window from the real main window: a new store manager typed in shows in the
caseload and on the learner page; a mistyped email waits with its message, even after
closing; delete is refused while a learner is placed there, asked about first otherwise,
and undone."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from app.caseload.drafts import load_draft
from app.caseload.employers import DRAFT_FORM, save_employer
from app.caseload.learners import save_learner
from app.caseload.profile import set_up
from app.models import Employer, Learner
from ui.main_window import MainWindow

SHOP = {"name": "Harbourside Home Stores", "address": "Unit 4, Harbour Retail Park",
        "contact_name": "Priya Shah", "contact_role": "Store manager",
        "contact_email": "priya.shah@harbourside.example", "contact_phone": "01632 960111"}


def _retype(qtbot, editor, text):
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key_Backspace)
    qtbot.keyClicks(editor, text)


def answer(button, asked: list | None = None):
    """Press `button` on the question the Employers window is about to ask, noting its
    words in `asked`."""
    def press():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "confirm_delete_employer":
            if asked is not None:
                asked.append(box.text())
            box.button(button).click()
        else:
            QTimer.singleShot(20, press)
    QTimer.singleShot(20, press)


def _names(dialog):
    return [dialog.table.item(i, 0).text() for i in range(dialog.table.rowCount())]


def test_edit_an_employer_from_the_learner_page_and_the_tools_menu(qtbot, store):
    store.write_now(set_up, "Alex Morgan", "assessor", "Riverside", "RT1")
    shop = store.write_now(save_employer, None, SHOP)
    calls = store.write_now(save_employer, None, {"name": "Northgate Energy"})
    amelia = store.write_now(save_learner, None, {"given_names": "Amelia", "family_name": "Hughes",
                                                  "employer_id": shop})
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 1, timeout=3000)
    window.open_learner(amelia)
    form = window.page.form
    assert form.edit_employer.isEnabled()

    # From beside the employer chooser: the window opens at Amelia's employer.
    qtbot.mouseClick(form.edit_employer, Qt.LeftButton)
    dialog = window.employers_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Employers"
    assert dialog.employer_id == shop
    assert _names(dialog) == ["Harbourside Home Stores", "Northgate Energy"]
    assert [dialog.table.item(0, c).text() for c in range(3)] == [
        "Harbourside Home Stores", "Priya Shah, Store manager", "1"]
    assert dialog.placed.text() == "1 learner placed here: Amelia Hughes."
    assert dialog.editors["contact_email"].text() == SHOP["contact_email"]

    # A new store manager, and the shop renamed: saved as typed, shown everywhere.
    _retype(qtbot, dialog.editors["contact_name"], "Tom Reilly")
    _retype(qtbot, dialog.editors["name"], "Harbourside Homes")
    qtbot.waitUntil(lambda: store.read(lambda s: s.get(Employer, shop).name) == "Harbourside Homes",
                    timeout=3000)
    assert store.read(lambda s: s.get(Employer, shop).contact_name) == "Tom Reilly"
    qtbot.waitUntil(lambda: window.caseload.model.rows[0].employer == "Harbourside Homes",
                    timeout=3000)
    assert dialog.table.item(0, 1).text() == "Tom Reilly, Store manager"
    assert window.page.subtitle.text().endswith("Harbourside Homes")
    assert form.editors["employer_id"].currentText() == "Harbourside Homes"
    assert form.editors["employer_id"].currentData() == shop
    filter_names = [window.caseload.employer_filter.itemText(i)
                    for i in range(window.caseload.employer_filter.count())]
    assert "Harbourside Homes" in filter_names and "Harbourside Home Stores" not in filter_names

    # A mistyped email: the message shows, the saved email stays, the typing is kept.
    _retype(qtbot, dialog.editors["contact_email"], "tom.reilly@")
    problem = dialog.problem_labels["contact_email"]
    qtbot.waitUntil(lambda: problem.isVisibleTo(dialog), timeout=3000)
    assert problem.text() == "⚠ 'tom.reilly@' does not look like an email address."
    assert store.read(lambda s: s.get(Employer, shop).contact_email) == SHOP["contact_email"]

    # Delete is refused while Amelia is placed there, and says so by name.
    qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
    assert dialog.problem.isVisibleTo(dialog)
    assert "Harbourside Homes cannot be deleted while a learner is placed there: Amelia Hughes" \
        in dialog.problem.text()
    assert _names(dialog) == ["Harbourside Homes", "Northgate Energy"]
    dialog.close()
    assert not dialog.isVisible()

    # Tools → Employers…: the typed email is still there, with its message.
    assert window.employers_action in window.menus["tools"].actions()
    window.employers_action.trigger()
    dialog = window.employers_dialog
    assert dialog.employer_id == shop
    assert dialog.editors["contact_email"].text() == "tom.reilly@"
    problem = dialog.problem_labels["contact_email"]
    qtbot.waitUntil(lambda: problem.isVisibleTo(dialog), timeout=3000)
    assert store.read(load_draft, DRAFT_FORM, shop)["contact_email"] == "tom.reilly@"
    _retype(qtbot, dialog.editors["contact_email"], "tom.reilly@harbourside.example")
    qtbot.waitUntil(lambda: not problem.isVisibleTo(dialog), timeout=3000)
    assert store.read(lambda s: s.get(Employer, shop).contact_email) == \
        "tom.reilly@harbourside.example"

    # An employer nobody is placed with is deleted, and Undo delete brings it back.
    dialog.table.setCurrentCell(1, 0)
    assert dialog.employer_id == calls
    assert dialog.placed.text() == "No learners are placed here."
    assert not dialog.undo_button.isVisibleTo(dialog)
    asked = []
    answer(QMessageBox.No, asked)                # asked first: "Keep it" keeps it
    qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
    assert asked and asked[0].startswith("Delete Northgate Energy for everyone at the centre?")
    assert _names(dialog) == ["Harbourside Homes", "Northgate Energy"]
    assert store.read(lambda s: s.get(Employer, calls).deleted_at) is None
    answer(QMessageBox.Yes)
    qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
    assert _names(dialog) == ["Harbourside Homes"]
    assert dialog.status.text() == "Deleted Northgate Energy. Undo delete brings it back."
    assert store.read(lambda s: s.get(Employer, calls).deleted_at) is not None
    assert form.editors["employer_id"].findData(calls) == -1
    qtbot.mouseClick(dialog.undo_button, Qt.LeftButton)
    assert _names(dialog) == ["Harbourside Homes", "Northgate Energy"]
    assert dialog.employer_id == calls
    assert store.read(lambda s: s.get(Employer, calls).deleted_at) is None
    assert form.editors["employer_id"].findData(calls) >= 0
    assert form.editors["employer_id"].currentData() == shop     # Amelia's choice untouched

    # New employer… adds one with the same checks, then shows it ready to edit.
    qtbot.mouseClick(dialog.new_button, Qt.LeftButton)
    adding = dialog.new_dialog
    assert adding.isVisible()
    qtbot.keyClicks(adding.editors["name"], "Calder Valley Building Society")
    adding.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).click()
    assert _names(dialog) == ["Calder Valley Building Society", "Harbourside Homes",
                              "Northgate Energy"]
    assert dialog.editors["name"].text() == "Calder Valley Building Society"
    assert form.editors["employer_id"].findText("Calder Valley Building Society") >= 0
    dialog.close()
    window.close()


def test_closing_the_app_mid_typing_keeps_the_employer_change(qtbot, store):
    shop = store.write_now(save_employer, None, SHOP)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_employers()
    assert dialog.employer_id == shop
    _retype(qtbot, dialog.editors["contact_phone"], "01632 960999")
    assert dialog._timer.isActive()           # not saved yet: the app closes first
    window.close()
    assert store.read(lambda s: s.get(Employer, shop).contact_phone) == "01632 960999"


def test_an_employer_delete_is_on_the_windows_one_undo(qtbot, store):
    """No private Undo: the delete made in the Employers window is the top of Edit → Undo,
    which takes it back after the dialog is closed, and Redo deletes it again."""
    store.write_now(set_up, "Alex Morgan", "assessor", "Riverside", "RT1")
    calls = store.write_now(save_employer, None, {"name": "Northgate Energy"})
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_employers(calls)
    assert not dialog.undo_button.isVisibleTo(dialog) and not window.undo_action.isEnabled()
    answer(QMessageBox.Yes)
    qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
    assert _names(dialog) == []
    assert window.undo_action.text() == "Undo delete Northgate Energy"
    assert dialog.undo_button.isVisibleTo(dialog)
    assert dialog.undo_button.text() == "Undo delete Northgate Energy"
    dialog.close()

    window.undo_action.trigger()                                   # Edit → Undo
    assert store.read(lambda s: s.get(Employer, calls).deleted_at) is None
    qtbot.waitUntil(lambda: window.caseload.employer_filter.findData(calls) >= 0, timeout=3000)
    assert _names(dialog) == ["Northgate Energy"] and dialog.status.text() == "Northgate Energy is back."
    assert not dialog.undo_button.isVisibleTo(dialog)
    window.redo_action.trigger()                                   # Edit → Redo
    assert store.read(lambda s: s.get(Employer, calls).deleted_at) is not None
    assert _names(dialog) == [] and dialog.status.text() == "Deleted Northgate Energy again."
    assert window.open_employers() is dialog and dialog.status.text() == ""   # opened afresh
    window.close()


def test_an_iqas_laptop_shows_employers_and_changes_none(qtbot, store):
    """Employers are the assessors' to keep (app/sync/iqa_laptop.py): on an IQA's laptop
    Edit employer… is not offered and the Employers window shows them read only."""
    from app.sync import state
    store.write_now(set_up, "Iris Khan", "iqa", "Riverside", "RT1")
    shop = store.write_now(save_employer, None, SHOP)
    amelia = store.write_now(save_learner, None, {"given_names": "Amelia",
                                                  "family_name": "Hughes", "employer_id": shop})
    store.write_now(state.put, "role", "iqa")     # as enrolment at the centre leaves it
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.open_learner(amelia)
    form = window.page.form
    assert form.editors["employer_id"].currentData() == shop
    assert not form.edit_employer.isEnabled() and not form.new_employer.isEnabled()

    window.employers_action.trigger()                              # Tools → Employers…
    dialog = window.employers_dialog
    assert dialog.employer_id == shop
    assert dialog.read_only_line.isVisibleTo(dialog)
    assert dialog.read_only_line.text() == ("Read only: employers are kept by the assessors "
                                            "whose learners work there.")
    assert not dialog.new_button.isEnabled() and not dialog.delete_button.isEnabled()
    phone = dialog.editors["contact_phone"]
    assert phone.isReadOnly() and not dialog.save_hint.isVisibleTo(dialog)
    phone.setFocus()
    qtbot.keyClicks(phone, "9")
    assert phone.text() == SHOP["contact_phone"]
    assert store.read(lambda s: s.get(Employer, shop).contact_phone) == SHOP["contact_phone"]
    dialog.close()
    window.close()


def test_a_learner_placed_at_a_deleted_employer_keeps_it(qtbot, store):
    """An employer the centre let another laptop delete while learners were placed there
    (before it refused that, server/employers.py) arrives deleted: the learner's Details
    name it as deleted, and typing in them does not quietly take it away."""
    from app.db.base import utcnow
    store.write_now(set_up, "Sam Patel", "assessor", "Riverside", "RT1")
    shop = store.write_now(save_employer, None, SHOP)
    amelia = store.write_now(save_learner, None, {"given_names": "Amelia",
                                                  "family_name": "Hughes", "employer_id": shop})
    store.write_now(lambda s: setattr(s.get(Employer, shop), "deleted_at", utcnow()))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.open_learner(amelia)
    form = window.page.form
    chooser = form.editors["employer_id"]
    assert (chooser.currentData(), chooser.currentText()) == \
        (shop, "Harbourside Home Stores (deleted)")
    _retype(qtbot, form.editors["phone"], "07700 900100")
    qtbot.waitUntil(lambda: store.read(lambda s: s.get(Learner, amelia).phone) == "07700 900100",
                    timeout=3000)
    assert store.read(lambda s: s.get(Learner, amelia).employer_id) == shop
    window.page.employers_changed()                 # another employer edited meanwhile
    assert chooser.currentData() == shop
    window.close()
