"""A delete in the Employers window that the centre refuses (another assessor's learner is
placed there, server/employers.py) comes back with the next sync: the window shows the
employer again with the centre's reason, and its Undo no longer offers to undo a delete
that has been reversed (undoing it would change nothing). Deletes the centre took stay on
the Undo, in their order."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.caseload.employers import save_employer
from app.caseload.learners import save_learner
from app.models import Employer
from app.sync.engine import run_sync
from tests.server.sync_helpers import enrolled
from tests.ui.test_employers_window import SHOP, _names, answer
from ui.main_window import MainWindow

KEPT = ("Harbourside Home Stores was not deleted: 1 learner at the centre is placed there "
        "(perhaps another assessor's). It is kept as the centre has it; it can be deleted "
        "once every learner there has another employer on their Details")


def _delete(qtbot, dialog, employer_id: str) -> None:
    dialog.table.setCurrentCell([r.id for r in dialog.rows].index(employer_id), 0)
    answer(QMessageBox.Yes)
    qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)


def _kwame_placed_there_then_sams_window(qtbot, sam, ruth, shop: str) -> MainWindow:
    """Ruth, after a sync, places Kwame at the shop and syncs, so the centre will refuse
    Sam's delete of it; then Sam's main window, connected. Returns the window."""
    run_sync(ruth)
    ruth.write_now(save_learner, None, {"given_names": "Kwame", "family_name": "Mensah",
                                        "employer_id": shop})
    assert run_sync(ruth).rejected == 0
    window = MainWindow(sam)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Connected to" in window.sync_area.headline.text(), timeout=10_000)
    return window


def test_undo_stops_offering_a_delete_the_centre_refused(qtbot, centre, laptops):
    sam, ruth = laptops("sam"), laptops("ruth")
    enrolled(sam, centre, "Sam Patel")
    enrolled(ruth, centre, "Ruth Okafor")
    shop = sam.write_now(save_employer, None, SHOP)
    calls = sam.write_now(save_employer, None, {"name": "Northgate Energy"})
    society = sam.write_now(save_employer, None, {"name": "Calder Valley Building Society"})
    assert run_sync(sam).rejected == 0
    window = _kwame_placed_there_then_sams_window(qtbot, sam, ruth, shop)
    dialog = window.open_employers()
    # Sam's laptop holds nobody placed at the shop, so all three deletes go through here;
    # the shop's is between two the centre will take.
    for employer_id in (calls, shop, society):
        _delete(qtbot, dialog, employer_id)
    assert _names(dialog) == []
    assert dialog.status.text() == \
        "Deleted Calder Valley Building Society. Undo delete brings it back."

    window.sync_area.sync_now()                  # while the window is open, as automatic sync
    qtbot.waitUntil(lambda: window.sync_area.last_result.startswith("Synced:"), timeout=90_000)
    assert sam.read(lambda s: s.get(Employer, shop).deleted_at) is None

    # The shop is back, saying why; the last delete, which stands, is still what Undo offers.
    qtbot.waitUntil(lambda: _names(dialog) == ["Harbourside Home Stores"], timeout=10_000)
    assert dialog.problem.isVisibleTo(dialog) and dialog.problem.text() == f"⚠ {KEPT}."
    assert dialog.status.text() == \
        "Deleted Calder Valley Building Society. Undo delete brings it back."
    assert dialog.undo_button.text().startswith("Undo delete Calder Valley")
    qtbot.mouseClick(dialog.undo_button, Qt.LeftButton)
    assert _names(dialog) == ["Calder Valley Building Society", "Harbourside Home Stores"]
    # Next is Northgate's delete: not the shop's, which the centre has already undone.
    assert window.undo_action.text() == "Undo delete Northgate Energy"
    assert dialog.undo_button.text() == "Undo delete Northgate Energy"
    qtbot.mouseClick(dialog.undo_button, Qt.LeftButton)
    assert _names(dialog) == ["Calder Valley Building Society", "Harbourside Home Stores",
                              "Northgate Energy"]
    assert not window.undo_action.isEnabled()
    assert not dialog.undo_button.isVisibleTo(dialog)
    dialog.close()
    window.close()


def test_the_window_says_so_when_the_one_delete_made_was_refused(qtbot, centre, laptops):
    """The line saying "Deleted …, Undo delete brings it back" would now be untrue."""
    sam, ruth = laptops("sam"), laptops("ruth")
    enrolled(sam, centre, "Sam Patel")
    enrolled(ruth, centre, "Ruth Okafor")
    shop = sam.write_now(save_employer, None, SHOP)
    assert run_sync(sam).rejected == 0
    window = _kwame_placed_there_then_sams_window(qtbot, sam, ruth, shop)
    dialog = window.open_employers(shop)
    _delete(qtbot, dialog, shop)
    assert dialog.undo_button.isVisibleTo(dialog)

    window.sync_area.sync_now()
    qtbot.waitUntil(lambda: window.sync_area.last_result.startswith("Synced:"), timeout=90_000)
    qtbot.waitUntil(lambda: _names(dialog) == ["Harbourside Home Stores"], timeout=10_000)
    assert dialog.employer_id == shop                       # shown, details and all
    assert dialog.editors["contact_name"].text() == SHOP["contact_name"]
    assert dialog.problem.text() == f"⚠ {KEPT}."
    assert dialog.status.text() == ""
    assert not dialog.undo_button.isVisibleTo(dialog)
    assert not window.undo_action.isEnabled() and not window.toolbar_undo.isEnabled()
    dialog.close()
    window.close()
