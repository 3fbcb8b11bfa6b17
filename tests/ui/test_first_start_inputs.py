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


def test_set_up_offers_the_pin_on_a_plain_folder_and_keeps_nothing_half_made(qtbot, store):
    """The PIN that takes the laptop back from a learner is chosen at set-up (an encrypted
    folder: tests/safekeeping/test_app_lock.py); a PIN refused keeps no profile either."""
    from app.safekeeping.pin import has_pin, pin_digits, pin_matches
    assert not store.encrypted
    dialog = SetupDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.pin.isVisible() and dialog.pin_again.isVisible()
    qtbot.keyClicks(dialog.name, "Alex Morgan")
    qtbot.keyClicks(dialog.centre, "Riverside Training")
    qtbot.keyClicks(dialog.centre_number, "RT-04412")
    qtbot.keyClicks(dialog.pin, "1234")
    qtbot.keyClicks(dialog.pin_again, "1234")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
    qtbot.mouseClick(ok, Qt.LeftButton)
    assert "not one digit repeated or a run" in dialog.problems["pin"].text()
    assert store.read(current_profile) is None and not store.read(has_pin)
    dialog.pin.setText("582039")
    qtbot.keyClicks(dialog.pin_again, "582093")
    qtbot.mouseClick(ok, Qt.LeftButton)
    assert "not the same" in dialog.problems["pin"].text() and dialog.pin_again.text() == ""
    assert store.read(current_profile) is None
    qtbot.keyClicks(dialog.pin_again, "582039")
    qtbot.mouseClick(ok, Qt.LeftButton)
    assert dialog.result() == QDialog.Accepted
    assert store.read(current_profile).centre_number == "RT-04412"
    assert store.read(pin_matches, "582039") and store.read(pin_digits) == 6


def test_the_pin_can_wait_for_the_first_hand_over(qtbot, store):
    from app.safekeeping.pin import has_pin
    dialog = SetupDialog(store)
    qtbot.addWidget(dialog)
    dialog.name.setText("Alex Morgan")
    dialog.centre.setText("Riverside Training")
    dialog.centre_number.setText("RT-04412")
    dialog._save()
    assert dialog.result() == QDialog.Accepted and not store.read(has_pin)
