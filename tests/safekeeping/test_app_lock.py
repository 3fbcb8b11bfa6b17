"""The app lock as an assessor meets it: a learner handed the laptop cannot get back to the
caseload without the passphrase, a laptop left idle locks itself, wrong tries back off, and
first start asks for a passphrase and encrypts the new folder."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

from app.db.store import Store
from app.safekeeping.attempts import Attempts
from app.safekeeping.keys import is_encrypted
from app.safekeeping.lock_policy import DEFAULT_IDLE_MINUTES, idle_minutes, set_idle_minutes
from app.safekeeping.pin import PIN_DAY, pin_matches
from tests.safekeeping.safekeeping_helpers import TEST_PASSPHRASE
from tests.signing.signing_helpers import make_record
from ui.lock.unlock_dialog import ATTEMPTS, UnlockDialog

EV = "evidence_record"


def type_into(qtbot, dialog: UnlockDialog, text: str) -> None:
    dialog.field.clear()
    qtbot.keyClicks(dialog.field, text)
    qtbot.mouseClick(dialog.unlock_button, Qt.LeftButton)


def test_a_learner_cannot_take_the_laptop_back_without_the_passphrase(qtbot, encrypted_store):
    from ui.main_window import MainWindow
    from ui.signing import open_signing
    ATTEMPTS.succeeded()
    rid = encrypted_store.write_now(make_record)
    window = MainWindow(encrypted_store)
    qtbot.addWidget(window)
    window.show()
    dialog = open_signing(window, window.bridge, EV, rid)
    qtbot.waitUntil(lambda: dialog.role.count() == 2)
    qtbot.mouseClick(dialog.hand_over_button, Qt.LeftButton)
    assert not window.isVisible()
    dialog._finish_turn("Sam")               # "Please hand the laptop back": the field shows
    page = dialog.take_back_page
    assert page.isVisible() and dialog.focusWidget() is page.secret
    assert "passphrase" in page.prompt.text() and "Enter" in page.prompt.text()
    confirm = dialog.pages.widget(1).findChild(QPushButton, "laptop_back")
    qtbot.mouseClick(confirm, Qt.LeftButton)       # a press alone does nothing
    assert dialog.handed_over and not window.isVisible()
    qtbot.keyClicks(page.secret, "let me see the others")
    qtbot.keyClick(page.secret, Qt.Key_Return)
    assert "does not open" in page.problem.text()
    assert page.isVisible() and not window.isVisible() and dialog.handed_over
    qtbot.keyClick(dialog, Qt.Key_Escape)
    dialog.close()
    assert dialog.isVisible() and dialog.handed_over and not window.isVisible()
    qtbot.keyClicks(page.secret, TEST_PASSPHRASE)
    qtbot.mouseClick(confirm, Qt.LeftButton)       # the button checks it as Enter does
    qtbot.waitUntil(window.isVisible)
    assert not dialog.handed_over and dialog.pages.currentIndex() == 0
    dialog.close()


def test_a_laptop_left_idle_locks_and_opens_again_with_the_passphrase(qtbot, encrypted_store):
    from ui.lock.idle_lock import IdleLock
    from ui.main_window import MainWindow
    ATTEMPTS.succeeded()
    assert encrypted_store.read(idle_minutes) == DEFAULT_IDLE_MINUTES
    encrypted_store.write_now(set_idle_minutes, 1)
    window = MainWindow(encrypted_store)
    qtbot.addWidget(window)
    window.show()
    lock = IdleLock(encrypted_store.data_dir, encrypted_store.read(idle_minutes), window)
    assert lock.timer.interval() == 60_000
    lock.timer.setInterval(100)              # a minute is too long for a test
    lock.timer.start()
    qtbot.waitUntil(lambda: lock.locked, timeout=5000)
    assert not window.isVisible() and lock.dialog.isVisible()
    assert "1 minute without use" in " ".join(
        w.text() for w in lock.dialog.findChildren(QLabel))
    lock.dialog.close()                      # cannot be closed or escaped
    qtbot.keyClick(lock.dialog, Qt.Key_Escape)
    assert lock.dialog.isVisible()
    lock.dialog.findChild(QPushButton, "unlock_forgot").click()
    assert "re-enrol" in lock.dialog.forgotten.text() and lock.dialog.forgotten.isVisible()
    type_into(qtbot, lock.dialog, TEST_PASSPHRASE)
    qtbot.waitUntil(window.isVisible)
    assert not lock.locked
    lock.stop()


def test_wrong_tries_back_off_and_a_right_one_resets():
    now = [1000.0]
    tries = Attempts(clock=lambda: now[0])
    assert [tries.failed() for _ in range(3)] == [0.0, 0.0, 0.0]      # everyone mistypes
    assert tries.failed() == 2.0 and tries.wait_left() == 2.0        # the fourth waits
    assert "wait 2 s" in tries.words()
    now[0] += 2.0
    assert tries.wait_left() == 0 and tries.failed() == 4.0
    for _ in range(20):
        tries.failed()
    assert tries.wait_left() == 300.0         # never more than five minutes
    tries.succeeded()
    assert tries.wait_left() == 0 and tries.wrong == 0


def test_a_backed_off_lock_screen_refuses_even_the_right_passphrase_until_the_wait_ends(
        qtbot, encrypted_store):
    now = [0.0]
    tries = Attempts(clock=lambda: now[0])
    dialog = UnlockDialog(encrypted_store.data_dir, "Locked.", attempts=tries)
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(4):
        type_into(qtbot, dialog, "guess")
    assert not dialog.unlock_button.isEnabled() and "wait 2 s" in dialog.problem.text()
    dialog.field.setText(TEST_PASSPHRASE)
    dialog.try_passphrase()
    assert dialog.passphrase is None
    now[0] += 2.5
    dialog.try_passphrase()
    assert dialog.passphrase == TEST_PASSPHRASE


def test_first_start_asks_for_a_passphrase_and_creates_an_encrypted_folder(qtbot, tmp_path):
    from ui.application import start_window
    folder = tmp_path / "new-laptop"

    def answer():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "new_passphrase_dialog":
            QTimer.singleShot(50, answer)
            return
        dialog.findChild(QLineEdit, "new_passphrase").setText("short")
        dialog.findChild(QLineEdit, "new_passphrase_again").setText("short")
        dialog.choose()
        assert "at least 8" in dialog.problem.text()
        dialog.findChild(QLineEdit, "new_passphrase").setText(TEST_PASSPHRASE)
        dialog.findChild(QLineEdit, "new_passphrase_again").setText(TEST_PASSPHRASE)
        dialog.choose()
        QTimer.singleShot(50, fill_setup)

    def fill_setup():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.findChild(QLineEdit, "setup_name") is None:
            QTimer.singleShot(50, fill_setup)
            return
        dialog.name.setText("Alex Morgan")
        dialog.centre.setText("Northgate Training")
        dialog.pin.setText("582039")          # offered at set-up: a new user's default
        dialog.pin_again.setText("582039")
        dialog._save()

    QTimer.singleShot(0, answer)
    store, window = start_window(folder)
    try:
        assert store is not None and store.encrypted and is_encrypted(folder)
        assert window.idle_lock.minutes == DEFAULT_IDLE_MINUTES
        assert store.read(pin_matches, "582039") and PIN_DAY.pin_allowed()
        window.idle_lock.stop()
        PIN_DAY.passphrase_day = None
    finally:
        store.close()
    assert b"Alex Morgan" not in (folder / "fieldfolio.sqlite3").read_bytes()
    with Store(folder, passphrase=TEST_PASSPHRASE) as again:
        assert again.encrypted
