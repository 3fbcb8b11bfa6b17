"""The window's side of a laptop the centre marked lost (app/sync/revoked.py): once the centre
has confirmed it holds everything, the window settles what was typed, closes the data folder,
wipes it and says why; every later start says it again (`explain_at_start`), and the
assessor may set Fieldfolio up afresh or quit."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox

from app.safekeeping import wipe
from app.sync.revoked import LaptopRevoked, wipe_after_hand_in


def wipe_revoked_laptop(window, revoked: LaptopRevoked) -> QMessageBox:
    """On the GUI thread, after a sync ended revoked with the centre's confirmation. The
    message stays on screen alone; closing it ends Fieldfolio (no window is left)."""
    window.settle()
    wiped, sentence = wipe_after_hand_in(window.store, revoked)
    box = QMessageBox(QMessageBox.Warning,
                      "This laptop's caseload was wiped" if wiped else "This laptop was revoked",
                      sentence, QMessageBox.Close)
    box.setObjectName("wiped_message")
    box.setInformativeText(
        "Everything it held is at the centre." if wiped else
        "Nothing has been wiped: everything is still on this laptop.")
    box.show()
    for other in QApplication.topLevelWidgets():
        if other is not box and other.isVisible():
            other.hide()
    window.wiped_message = box
    return box


def explain_at_start(folder) -> bool:
    """A folder wiped by the centre: say why. True to set Fieldfolio up afresh in it."""
    wipe.finish_wipe(folder)           # a wipe a kill interrupted is finished first
    box = QMessageBox(QMessageBox.Warning, "This laptop's caseload was wiped",
                      wipe.notice(folder))
    box.setObjectName("wiped_at_start")
    again = box.addButton("Set up again", QMessageBox.AcceptRole)
    box.addButton("Quit", QMessageBox.RejectRole)
    box.exec()
    if box.clickedButton() is not again:
        return False
    wipe.start_again(folder)
    return True
