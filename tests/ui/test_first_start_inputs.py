"""First start, typed as a person would: Esc asks before quitting (it once quit without a
word), and a centre number with an emoji in it (printed in every PDF header) is refused."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from app.caseload.profile import current_profile
from ui.setup_dialog import SetupDialog


def answer_quit_question(dialog, button: str) -> None:
    def press():
        box = next(b for b in dialog.findChildren(QMessageBox, "quit_setup") if b.isVisible())
        assert "Nothing has been saved" in box.text()
        next(b for b in box.buttons() if b.text() == button).click()
    QTimer.singleShot(200, press)


def test_escape_on_first_start_asks_and_keeps_setting_up(qtbot, store):
    dialog = SetupDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Alex Morgan")
    answer_quit_question(dialog, "Keep setting up")
    qtbot.keyClick(dialog, Qt.Key_Escape)
    assert dialog.isVisible() and dialog.name.text() == "Alex Morgan"
    answer_quit_question(dialog, "Quit Fieldfolio")
    qtbot.keyClick(dialog, Qt.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.Rejected
    assert store.read(current_profile) is None


def test_a_centre_number_with_an_emoji_is_refused(qtbot, store):
    dialog = SetupDialog(store)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Alex Morgan")
    qtbot.keyClicks(dialog.centre, "Riverside Training")
    dialog.centre_number.setText("RT-044😀12")          # pasted, as emoji usually arrive
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
    qtbot.mouseClick(ok, Qt.LeftButton)
    assert "Letters and digits" in dialog.problems["centre_number"].text()
    assert store.read(current_profile) is None
    dialog.centre_number.setText("RT-０４４１２")          # full-width digits: kept as ASCII
    qtbot.mouseClick(ok, Qt.LeftButton)
    assert store.read(current_profile).centre_number == "RT-04412"
