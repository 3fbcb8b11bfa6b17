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
    from ui.main_window import MainWindow
    rid = demo_store.write_now(make_record)
    window = MainWindow(demo_store)
    qtbot.addWidget(window)
    window.show()
    dialog = open_signing(window, window.bridge, EV, rid)
    qtbot.waitUntil(lambda: dialog.role.count() == 2)
    qtbot.mouseClick(dialog.hand_over_button, Qt.LeftButton)
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
    back = dialog.pages.widget(1).findChild(type(dialog.sign_button), "laptop_back")
    assert back.text() == "Alex Morgan: I have the laptop back"
    qtbot.mouseClick(back, Qt.LeftButton)    # one press: a plain folder has no passphrase
    assert window.isVisible() and not dialog.isFullScreen() and dialog.pages.currentIndex() == 0
    dialog.close()


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
