"""A shorter PIN for the lock screen (issue 17): kept only as an Argon2id verifier, accepted
only after the passphrase has been typed that day, and a few wrong PINs fall back to the
passphrase; set in the window (Tools → Lock PIN…) with the passphrase, and accepted by the
idle lock and at hand-over."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.caseload.validation import InvalidInput
from app.models.local import LocalSetting
from app.safekeeping.attempts import Attempts
from app.safekeeping.pin import (PIN_DAY, PIN_KEY, PinDay, has_pin, pin_digits, pin_matches,
                                 set_pin)
from tests.safekeeping.safekeeping_helpers import TEST_PASSPHRASE
from tests.safekeeping.test_app_lock import type_into
from tests.signing.signing_helpers import make_record
from ui.lock.pin_dialog import pin_checker
from ui.lock.unlock_dialog import ATTEMPTS, UnlockDialog

PIN = "730519"


def test_the_pin_is_kept_only_as_a_verifier(encrypted_store):
    encrypted_store.write_now(set_pin, PIN)
    stored = encrypted_store.read(lambda s: s.get(LocalSetting, PIN_KEY).value)
    assert PIN not in stored and "argon2id" in stored
    assert encrypted_store.read(pin_matches, PIN)
    assert not encrypted_store.read(pin_matches, "730518")
    for weak in ("123", "1234", "0000", "12ab34", "123456789"):
        with pytest.raises(InvalidInput):
            encrypted_store.write_now(set_pin, weak)
    assert encrypted_store.read(pin_matches, PIN)     # a refused one changed nothing


def test_a_pin_counts_only_after_the_passphrase_that_day_and_a_few_wrong_ones():
    day = PinDay()
    today = date(2026, 12, 5)
    assert not day.pin_allowed(today)                 # the day starts with the passphrase
    day.passphrase_typed(today)
    assert day.pin_allowed(today) and not day.pin_allowed(today + timedelta(days=1))
    for _ in range(3):
        day.wrong_pin()
    assert not day.pin_allowed(today)                 # three wrong: the passphrase again
    day.passphrase_typed(today)
    assert day.pin_allowed(today)


def test_the_idle_lock_opens_with_the_pin_until_three_wrong_ones(qtbot, encrypted_store):
    ATTEMPTS.succeeded()
    encrypted_store.write_now(set_pin, PIN)
    day = PinDay()
    dialog = UnlockDialog(encrypted_store.data_dir, "Locked.", pin_check=pin_checker(
        encrypted_store), pin_day=day)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog, PIN)                    # not yet: no passphrase typed today
    assert dialog.result() != UnlockDialog.Accepted and dialog.isVisible()
    assert dialog.field.placeholderText() == "Passphrase"
    type_into(qtbot, dialog, TEST_PASSPHRASE)
    assert dialog.result() == UnlockDialog.Accepted and not dialog.used_pin

    again = UnlockDialog(encrypted_store.data_dir, "Locked.", pin_check=pin_checker(
        encrypted_store), pin_day=day)
    qtbot.addWidget(again)
    again.show()
    assert again.field.placeholderText() == "Passphrase or PIN"
    type_into(qtbot, again, PIN)
    assert again.result() == UnlockDialog.Accepted and again.used_pin

    now = [0.0]
    tries = Attempts(clock=lambda: now[0])        # wrong PINs are wrong tries: they back off
    third = UnlockDialog(encrypted_store.data_dir, "Locked.", pin_check=pin_checker(
        encrypted_store), pin_day=day, attempts=tries)
    qtbot.addWidget(third)
    third.show()
    type_into(qtbot, third, "111222")
    assert "PIN is wrong" in third.problem.text()
    type_into(qtbot, third, "111223")
    type_into(qtbot, third, "111224")
    assert "only the passphrase" in third.problem.text()
    type_into(qtbot, third, PIN)                      # right, but too late today
    assert third.isVisible() and third.result() != UnlockDialog.Accepted
    assert tries.wrong == 4 and tries.wait_left() > 0
    now[0] += 300
    qtbot.waitUntil(third.field.isEnabled, timeout=3000)   # the lock screen sees the wait end
    type_into(qtbot, third, TEST_PASSPHRASE)
    assert third.result() == UnlockDialog.Accepted
    ATTEMPTS.succeeded()


def test_set_in_the_window_and_taken_at_hand_over(qtbot, encrypted_store):
    from ui.main_window import MainWindow
    from ui.signing import open_signing
    ATTEMPTS.succeeded()
    window = MainWindow(encrypted_store)
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_pin()
    qtbot.keyClicks(dialog.first, PIN)
    qtbot.keyClicks(dialog.second, PIN)
    qtbot.keyClicks(dialog.passphrase, "not the passphrase")
    qtbot.mouseClick(dialog.findChild(QPushButton, "pin_set"), Qt.LeftButton)
    assert "not this laptop's passphrase" in dialog.problem.text()
    assert not encrypted_store.read(has_pin)
    qtbot.keyClicks(dialog.passphrase, TEST_PASSPHRASE)
    qtbot.mouseClick(dialog.findChild(QPushButton, "pin_set"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert encrypted_store.read(pin_matches, PIN)
    assert "PIN set" in window.statusBar().currentMessage()

    # Hand-over: the learner cannot guess back in; the assessor's PIN takes the laptop back,
    # typed on the hand-back page itself, with no Enter: it is checked at its length.
    rid = encrypted_store.write_now(make_record)
    signing = open_signing(window, window.bridge, "evidence_record", rid)
    qtbot.waitUntil(lambda: signing.role.count() == 2)
    qtbot.mouseClick(signing.hand_over_button, Qt.LeftButton)
    signing._finish_turn("Sam")
    page = signing.take_back_page
    assert PIN_DAY.pin_allowed()                       # the passphrase was typed just now
    assert page.prompt.text().startswith("Alex Morgan: type your PIN to take the laptop back")
    qtbot.keyClicks(page.secret, "99999")
    assert page.problem.text() == "" and page.secret.text() == "99999"   # not checked yet
    qtbot.keyClicks(page.secret, "9")
    assert "PIN is wrong" in page.problem.text() and page.secret.text() == ""
    assert signing.handed_over and not window.isVisible()
    qtbot.keyClicks(page.secret, PIN)
    qtbot.waitUntil(window.isVisible)
    assert not signing.handed_over
    signing.close()
    PIN_DAY.passphrase_day = None
    ATTEMPTS.succeeded()


def test_the_pins_length_is_kept_and_an_older_pin_learns_it_when_typed(qtbot, encrypted_store):
    """A PIN set before its length was kept is checked on Enter; typed right once, it is
    checked at its length from then on."""
    import json
    from ui.lock.take_back import TakeBackPage
    from ui.main_window import MainWindow
    encrypted_store.write_now(set_pin, PIN)
    assert encrypted_store.read(pin_digits) == len(PIN)

    def forget_length(session):
        row = session.get(LocalSetting, PIN_KEY)
        record = json.loads(row.value)
        del record["digits"]
        row.value = json.dumps(record)
    encrypted_store.write_now(forget_length)
    assert encrypted_store.read(pin_digits) is None
    window = MainWindow(encrypted_store)
    qtbot.addWidget(window)
    day = PinDay()
    day.passphrase_typed()
    page = TakeBackPage(window.bridge, attempts=Attempts(), pin_day=day)
    qtbot.addWidget(page)
    taken = []
    page.taken_back.connect(lambda: taken.append(True))
    page.show()
    page.start("Thank you.", "Alex Morgan")
    assert "press Enter" in page.prompt.text()
    qtbot.keyClicks(page.secret, PIN)
    assert not taken                                  # its length unknown: waits for Enter
    qtbot.keyClick(page.secret, Qt.Key_Return)
    assert taken == [True]
    qtbot.waitUntil(lambda: encrypted_store.read(pin_digits) == len(PIN), timeout=5000)
    assert encrypted_store.read(pin_matches, PIN)     # the verifier is as it was
    page.start("Thank you.", "Alex Morgan")
    assert "press Enter" not in page.prompt.text()
    qtbot.keyClicks(page.secret, PIN)
    assert taken == [True, True]
