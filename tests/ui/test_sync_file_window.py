"""File → "Export for sync…" from the real main window: the file is written with progress,
says what it holds, and a cancelled export leaves nothing under the chosen name. "Import
from centre…" refuses a file altered on the way and says what failed."""
from __future__ import annotations

import gc
import os
import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from app.evidence.attachments import attach_file
from app.evidence.records import create_record
from app.models import Enrolment
from app.sync import state
from app.sync_file.archive import LAPTOP_TO_CENTRE, check_device_seal, open_sync_file
from app.sync_file.laptop import token_hash_of
from ui.main_window import MainWindow
from ui.sync_file_actions import export_for_sync, import_from_centre


def connected(store):
    """As after enrolment (the centre itself is not needed to write a sync file)."""
    def remember(session):
        state.put(session, "url", "http://127.0.0.1:9")
        state.put(session, "token", "t" * 43)
        state.put(session, "centre_name", "Riverside Training")
    store.write_now(remember)


def with_video(store, tmp_path, size):
    enrolment_id = store.read(lambda s: s.query(Enrolment.id).first()[0])
    record_id = store.write_now(create_record, enrolment_id, "Obs", title="On the shop floor")
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(os.urandom(size))
    attach_file(store, record_id, clip)


def window_on(qtbot, store):
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    return window


def test_export_for_sync_from_the_file_menu(qtbot, demo_store, tmp_path):
    connected(demo_store)
    with_video(demo_store, tmp_path, 3 * 1024 * 1024)
    window = window_on(qtbot, demo_store)
    names = [a.text() for a in window.menus["file"].actions()]
    assert "Export for sync…" in names and "Import from centre…" in names
    target = tmp_path / "stick" / "work.ffsync"
    target.parent.mkdir()
    run = export_for_sync(window, str(target))
    qtbot.waitUntil(run.done.is_set, timeout=60_000)
    assert run.error is None, run.error
    box = window.sync_file_message
    assert box.icon() == QMessageBox.Information and "change(s)" in box.text()
    assert os.listdir(target.parent) == ["work.ffsync"]
    with open_sync_file(target, direction=LAPTOP_TO_CENTRE,
                        check_seal=lambda m, b, s: check_device_seal(b, s, m["public_key"]),
                        token_hash=lambda m: token_hash_of("t" * 43)) as f:
        assert len(f.changes["mutations"]) > 100 and len(f.files) >= 1
        assert f.encrypted


def test_a_cancelled_export_leaves_nothing(qtbot, demo_store, tmp_path):
    connected(demo_store)
    with_video(demo_store, tmp_path, 40 * 1024 * 1024)
    window = window_on(qtbot, demo_store)
    target = tmp_path / "work.ffsync"
    run = export_for_sync(window, str(target))
    cancel = run.dialog.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.LeftButton)
    qtbot.waitUntil(run.done.is_set, timeout=60_000)
    assert type(run.error).__name__ == "SyncFileCancelled"
    assert [p for p in tmp_path.iterdir() if p.name.startswith((".work", "work"))] == []


def test_import_refuses_an_altered_file_and_says_why(qtbot, demo_store, tmp_path):
    connected(demo_store)
    window = window_on(qtbot, demo_store)
    bad = tmp_path / "from-centre.ffsync"
    bad.write_bytes(b"PK\x03\x04 not really a sync file")
    run = import_from_centre(window, str(bad))
    qtbot.waitUntil(run.done.is_set, timeout=30_000)
    box = window.sync_file_message
    assert box.icon() == QMessageBox.Warning and "cut short" in box.text()


def test_the_menu_s_export_ends_with_its_message(qtbot, demo_store, tmp_path):
    """As File → Export for sync… calls it: nobody keeps the run, so the window must. Seen
    under Xvfb: the progress dialog stayed at 99% for good once the worker thread ended
    and took the run, with the signal that closes the dialog, with it."""
    connected(demo_store)
    with_video(demo_store, tmp_path, 1024 * 1024)
    window = window_on(qtbot, demo_store)
    target = tmp_path / "work.ffsync"
    export_for_sync(window, str(target))   # the result dropped, as the menu's lambda does
    for worker in [t for t in threading.enumerate() if t.name == "fieldfolio-sync-file"]:
        worker.join(60)   # done before the window hears of it: what a loaded laptop meets
    gc.collect()
    qtbot.waitUntil(lambda: getattr(window, "sync_file_message", None) is not None,
                    timeout=15_000)
    assert "encrypted" in window.sync_file_message.text()
    progress = window.findChild(QProgressDialog, "sync_file_progress")
    assert progress is None or not progress.isVisible()
