"""Sync as the assessor sees it in the real window: the status area before and after
connecting, Sync now running in the background, pulled records appearing without a click,
and a conflict in "needs attention" shown side by side and settled field by field."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.caseload.learners import autosave_learner, save_learner
from app.caseload.profile import set_up
from app.models import Learner
from app.sync.engine import run_sync
from tests.server.sync_helpers import enrolled
from ui.main_window import MainWindow
from ui.sync.attention_dialog import AttentionDialog


def _window(qtbot, store):
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    return window


def test_status_area_sync_now_and_a_conflict_side_by_side(qtbot, centre, laptops):
    mine, other = laptops("mine"), laptops("other")
    mine.write_now(set_up, "Sam Patel", "assessor", "Riverside Training", "RT1")
    learner = mine.write_now(save_learner, None, {"given_names": "Chloe", "family_name": "Barnes"})
    window = _window(qtbot, mine)
    area = window.sync_area
    qtbot.waitUntil(lambda: "kept on this laptop only" in area.headline.text(), timeout=5000)
    assert "waiting to go to the centre" not in area.headline.text()
    assert area.connect_button.isVisible() and not area.sync_button.isVisible()

    sam = enrolled(mine, centre, "Sam Patel")
    window.refresh_status()
    qtbot.waitUntil(lambda: "Connected to" in area.headline.text(), timeout=5000)
    assert "waiting" in area.headline.text()
    qtbot.mouseClick(area.sync_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: area.progress.text().startswith("Synced:"), timeout=60000)
    qtbot.waitUntil(lambda: "everything is at the centre" in area.headline.text(), timeout=5000)
    assert window.who_label.text().count(" · ") == 1   # name · role: the headline names the centre

    # Another of Sam's laptops adds a learner: it appears here after Sync now, unclicked.
    enrolled(other, centre, "Sam Patel", staff_id=sam)
    run_sync(other)
    other.write_now(save_learner, None, {"given_names": "Ryan", "family_name": "Patel"})
    other.write_now(autosave_learner, learner, {"notes": "Saturdays only"})
    run_sync(other)
    mine.write_now(autosave_learner, learner, {"notes": "Mornings are best"})
    first = area.last_result
    area.last_result = ""
    qtbot.waitUntil(lambda: area.sync_button.isEnabled(), timeout=10000)
    qtbot.mouseClick(area.sync_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(area.last_result), timeout=90000)
    assert area.last_result.startswith("Synced:"), (first, area.last_result)
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 2, timeout=10000)
    qtbot.waitUntil(lambda: area.attention_button.isVisible(), timeout=10000)
    assert "1 needs attention" in area.attention_button.text()

    dialog = AttentionDialog(window.bridge, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
    row = [dialog.table.item(0, c).text() for c in range(3)]
    assert row == ["notes", "Mornings are best", "Saturdays only"]
    assert dialog.table.isVisible()        # two versions side by side, for a conflict only
    assert not [b for b in dialog.findChildren(type(dialog.keep_button))
                if "overwrite" in b.text().lower()]
    dialog.table.item(0, 0).setCheckState(Qt.Checked)
    qtbot.mouseClick(dialog.keep_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.reason.text() == "Nothing needs attention.", timeout=5000)
    assert not dialog.table.isVisible()
    assert mine.read(lambda s: s.get(Learner, learner).notes) == "Mornings are best"

    # Sync now is in the File menu too, with its key, as every action is (issue 15).
    from ui.shortcuts_help import shortcuts_of
    assert ("F9", "Sync now") in shortcuts_of(window)
    dialog.close()
    area.last_result = ""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key_F9)
    qtbot.waitUntil(lambda: bool(area.last_result), timeout=90000)
    assert area.last_result.startswith("Synced:"), area.last_result
    window.grab().save(str(centre.data_dir.parent / "sync-window.png"))
    window.close()
