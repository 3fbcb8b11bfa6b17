"""Opening another discussion while a recording plays: the player stops and loads the new
record's recording, time after time. The player's stop and source changes are made from
Qt's event loop, never straight from Python, because called from Python they can deadlock
in Qt's FFmpeg backend (ui/evidence/media_support.py `stop_player`); the suite's watchdog
(tests/conftest.py) ends a run stuck that way with every stack."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer

from app.evidence.attachments import attach_file
from test_evidence_window import window  # noqa: F401  (fixture)
from tests.evidence.media_files import write_wav
from tests.evidence.window_helpers import new_record

SECONDS = {0: 20, 1: 26}     # two recordings told apart by their length


def test_switching_discussions_while_one_plays(qtbot, window, tmp_path):
    win, _learner_id, _unit_a, _unit_b = window
    panel = win.page.evidence
    store = panel.bridge.store
    records = []
    for n, seconds in SECONDS.items():
        record_id = new_record(qtbot, panel, "PD")
        attach_file(store, record_id, write_wav(tmp_path / f"talk{n}.wav", seconds))
        records.append(record_id)
    files = panel.editor.files

    for turn in range(8):
        n = turn % 2
        panel._open_record(records[n])
        qtbot.waitUntil(lambda: files.record is not None and files.record.id == records[n],
                        timeout=5000)
        wanted = SECONDS[n] * 1000
        qtbot.waitUntil(lambda: abs(files.player.duration() - wanted) < 500, timeout=10_000)
        assert files.player.playbackState() != QMediaPlayer.PlayingState   # the last one stopped
        qtbot.mouseClick(files.play_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: files.player.playbackState() == QMediaPlayer.PlayingState,
                        timeout=10_000)
        qtbot.waitUntil(lambda: files.player.position() > 0, timeout=10_000)
    qtbot.mouseClick(files.play_button, Qt.LeftButton)     # paused before the window closes
    qtbot.waitUntil(lambda: files.player.playbackState() == QMediaPlayer.PausedState,
                    timeout=10_000)
