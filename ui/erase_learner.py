"""Tools → Erase learner's data on request…: the window's side of app/caseload/erasure.py.

Asks first, saying exactly what goes and what is kept (erasing cannot be undone, so it is
not on Edit → Undo); then erases through the writer, takes the files off the laptop and says
what was done. A learner left with no signed work leaves the caseload; one with signed work
stays, showing what was kept."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app.caseload.erasure import erase_learner, erasure_preview, remove_files


def erase_current_learner(window) -> QMessageBox | None:
    learner_id = window.page.learner_id if window.right.currentWidget() is window.page else None
    if not learner_id:
        window.show_failure("choose the learner whose data is to be erased first",
                            typing_kept=False)
        return None
    preview = window.store.read(erasure_preview, learner_id)
    if QMessageBox.question(window, "Erase a learner's data on request", preview.plan(),
                            QMessageBox.Yes | QMessageBox.No,
                            QMessageBox.No) != QMessageBox.Yes:
        return None
    window.page.form.flush()
    done = remove_files(window.store, window.store.write_now(erase_learner, learner_id))
    window.caseload.refresh()
    if not done.identity_kept:
        window.caseload.clear_selection()
        window.right.setCurrentIndex(0)
    else:
        window.open_learner(learner_id)
    box = QMessageBox(QMessageBox.Information, "Learner's data erased", done.words(),
                      QMessageBox.Close, window)
    box.setObjectName("erased_message")
    box.open()
    window.erased_message = box
    return box
