"""The signing screens driven as a user would: drawing, handing over, locked, compare, verify."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from app.signing.sign import sign_record, signing_status
from tests.signing.signing_helpers import drawn, make_record, raw
from ui.bridge import Bridge
from ui.signing import open_amendment_comparison, open_signing, open_verify
from ui.signing.locked_banner import LockedBanner
from ui.signing.signature_pad import SignaturePad

EV = "evidence_record"


def draw(qtbot, pad, points):
    qtbot.mousePress(pad, Qt.LeftButton, pos=QPoint(*points[0]))
    for p in points[1:]:
        qtbot.mouseMove(pad, QPoint(*p))
    qtbot.mouseRelease(pad, Qt.LeftButton, pos=QPoint(*points[-1]))


def test_drawing_on_the_pad_records_strokes_and_a_png(qtbot):
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(600, 220)
    pad.show()
    assert pad.is_empty()
    draw(qtbot, pad, [(20, 100), (60, 60), (120, 140), (200, 80)])
    draw(qtbot, pad, [(250, 100), (300, 110)])
    strokes = pad.strokes()
    assert len(strokes) == 2 and strokes[0][0] == [20, 100] and len(strokes[0]) >= 3
    png = pad.to_png()
    assert png.startswith(b"\x89PNG")
    pad.clear()
    assert pad.is_empty()


def test_signing_dialog_saves_the_drawn_signature(qtbot, demo_store):
    rid = demo_store.write_now(make_record)
    bridge = Bridge(demo_store)
    dialog = open_signing(None, bridge, EV, rid)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.sheet is not None and dialog.role.count() == 2)
    assert "Greeted the customer" in dialog.record_view.toPlainText()
    assert dialog.role.currentData() == "learner" and dialog.name.text()
    # The centre's default policy offers drawing and paper, not a typed name.
    tabs = [dialog.methods.tabText(i) for i in range(dialog.methods.count())]
    assert tabs == ["Drawn on the laptop", "Signed on paper (scan attached)"]
    qtbot.mouseClick(dialog.sign_button, Qt.LeftButton)          # nothing drawn yet
    qtbot.waitUntil(lambda: dialog.problem.isVisible())
    assert "Draw the signature" in dialog.problem.text()
    draw(qtbot, dialog.pad, [(40, 100), (90, 50), (160, 130), (220, 70)])
    qtbot.mouseClick(dialog.sign_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: demo_store.read(signing_status, EV, rid).signatures != [])
    [sig] = demo_store.read(signing_status, EV, rid).signatures
    assert sig.role == "learner" and sig.image_png.startswith(b"\x89PNG")
    with demo_store.reading() as s:
        from app.models import Signature
        assert s.get(Signature, sig.id).strokes_json.startswith("[[[40,100]")
    qtbot.waitUntil(lambda: dialog.role.count() == 1)
    assert dialog.role.currentData() == "assessor"


def test_hand_over_hides_the_caseload_until_the_assessor_confirms(qtbot, demo_store):
    """A plain data folder too: a press alone never took the laptop back from a learner who
    could press it; with no PIN yet, the first hand-over asks the assessor for one."""
    from PySide6.QtWidgets import QPushButton

    from app.safekeeping.pin import has_pin, pin_matches
    from ui.lock.unlock_dialog import ATTEMPTS
    from ui.main_window import MainWindow
    ATTEMPTS.succeeded()
    rid = demo_store.write_now(make_record)
    window = MainWindow(demo_store)
    qtbot.addWidget(window)
    window.show()
    dialog = open_signing(window, window.bridge, EV, rid)
    qtbot.waitUntil(lambda: dialog.role.count() == 2)
    qtbot.mouseClick(dialog.hand_over_button, Qt.LeftButton)
    chooser = dialog.pin_dialog                       # no PIN yet: choose one first
    qtbot.waitUntil(chooser.isVisible)
    assert not dialog.handed_over and window.isVisible()
    assert "cannot open the rest of your caseload" in " ".join(
        w.text() for w in chooser.findChildren(type(dialog.thanks)))
    assert not chooser.passphrase.isVisible()         # a plain folder has no passphrase
    qtbot.keyClicks(chooser.first, "4826")
    qtbot.keyClicks(chooser.second, "4826")
    qtbot.mouseClick(chooser.findChild(QPushButton, "pin_set"), Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.handed_over, timeout=5000)
    assert demo_store.read(has_pin) and demo_store.read(pin_matches, "4826")
    assert dialog.isFullScreen() and not window.isVisible()
    assert not dialog.role.isVisible() and not dialog.close_button.isVisible()
    qtbot.keyClick(dialog, Qt.Key_Escape)
    dialog.close()
    assert dialog.isVisible() and not window.isVisible()
    draw(qtbot, dialog.pad, [(40, 100), (90, 50), (160, 130)])
    qtbot.mouseClick(dialog.sign_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    assert "hand the laptop back to Alex Morgan" in dialog.thanks.text()
    assert not window.isVisible()
    page = dialog.take_back_page
    assert page.prompt.text() == "Alex Morgan: type your PIN to take the laptop back."
    back = dialog.pages.widget(1).findChild(type(dialog.sign_button), "laptop_back")
    qtbot.mouseClick(back, Qt.LeftButton)             # a press alone: still handed over
    qtbot.keyClick(dialog, Qt.Key_Escape)
    dialog.close()
    assert dialog.handed_over and not window.isVisible()
    qtbot.keyClicks(page.secret, "4827")
    assert "PIN is wrong" in page.problem.text() and not window.isVisible()
    qtbot.keyClicks(page.secret, "4826")              # the fourth digit takes it back
    assert window.isVisible() and not dialog.isFullScreen() and dialog.pages.currentIndex() == 0
    dialog.close()
    ATTEMPTS.succeeded()


def test_wrong_pins_on_a_plain_folder_back_off(qtbot, demo_store):
    """On a plain data folder the PIN is the only guard: it always counts, and wrong ones
    wait longer and longer, so 10,000 four-digit PINs cannot be tried at typing speed."""
    from app.safekeeping.attempts import Attempts
    from app.safekeeping.pin import PinDay, set_pin
    from ui.lock.take_back import TakeBackPage
    demo_store.write_now(set_pin, "4826")
    now = [0.0]
    tries = Attempts(clock=lambda: now[0])
    page = TakeBackPage(Bridge(demo_store), attempts=tries, pin_day=PinDay())
    qtbot.addWidget(page)
    taken = []
    page.taken_back.connect(lambda: taken.append(True))
    page.show()
    page.start("Thank you.", "Alex Morgan")
    qtbot.keyClicks(page.secret, "letmein")
    qtbot.keyClick(page.secret, Qt.Key_Return)
    assert "4 to 8 digits" in page.problem.text() and tries.wrong == 0
    for guess in ("1111", "2222", "3333", "4444"):
        qtbot.keyClicks(page.secret, guess)
    assert tries.wrong == 4 and tries.wait_left() > 0
    assert not page.secret.isEnabled() and "wait" in page.problem.text()
    qtbot.keyClicks(page.secret, "4826")              # the field is shut while it waits
    assert not taken
    now[0] += 300
    qtbot.waitUntil(page.secret.isEnabled, timeout=3000)
    qtbot.keyClicks(page.secret, "4826")
    assert taken == [True] and tries.wrong == 0     # three wrong PINs never shut it for good


def test_locked_banner_amendment_and_comparison(qtbot, demo_store):
    rid = demo_store.write_now(make_record)
    demo_store.write_now(sign_record, EV, rid, **drawn("Amelia Hughes", "learner"))
    bridge = Bridge(demo_store)
    banner = LockedBanner(bridge)
    qtbot.addWidget(banner)
    banner.show()
    banner.load(EV, rid)
    qtbot.waitUntil(lambda: banner.sheet is not None)
    assert banner.isVisible() and "LOCKED" in banner.text.text() and "Amelia Hughes" in banner.text.text()
    with qtbot.waitSignal(banner.amendment_made) as made:
        banner.make_amendment("Location was wrong")
    new_id = made.args[0]
    from app.evidence.records import autosave_record
    demo_store.write_now(autosave_record, new_id, {"location": "Returns desk"})
    dialog = open_amendment_comparison(None, bridge, new_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() >= 1 and dialog.table.item(0, 0) is not None)
    rows = [[dialog.table.item(r, c).text() for c in range(3)] for r in range(dialog.table.rowCount())]
    assert rows == [["Location", "Shop floor", "Returns desk"]]
    assert "Location was wrong" in dialog.reason.text()


def test_verify_dialog_names_a_record_changed_by_hand(qtbot, demo_store):
    rid = demo_store.write_now(make_record)
    demo_store.write_now(sign_record, EV, rid, **drawn("Amelia Hughes", "learner"))
    raw(demo_store.db_path, f"UPDATE evidence_record SET title = 'x' WHERE id = '{rid}'",
        drop_triggers=True)
    dialog = open_verify(None, Bridge(demo_store))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None)
    assert "1 problem" in dialog.verdict.text()
    assert "OBS-" in dialog.problems.item(0).text()
