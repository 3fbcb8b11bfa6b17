"""Recording a professional discussion from the microphone, in the real window: the level
meter moves, pause stops the clock, a bookmark lands on the recording's own time, and Stop
attaches a WAV that plays for as long as was recorded."""
from __future__ import annotations

import wave

from PySide6.QtCore import Qt

from app.evidence.attachments import attachments_of
from app.evidence.mapping import mappings_of
from app.evidence.records import get_record
from test_evidence_window import ac_item, window  # noqa: F401  (fixture)
from tests.evidence.window_helpers import new_record


def test_record_pause_bookmark_and_stop_attaches_the_recording(qtbot, window, microphone):
    win, learner_id, unit_a, unit_b = window
    panel = win.page.evidence
    store = panel.bridge.store
    record_id = new_record(qtbot, panel, "PD")
    editor = panel.editor
    ac_item(editor.picker, unit_a, 0).setCheckState(1, Qt.Checked)
    qtbot.waitUntil(lambda: len(store.read(mappings_of, record_id)) == 1)
    editor.tabs.setCurrentWidget(editor.files)
    recorder = editor.files.recorder
    assert editor.files.mic_warning.isHidden() and recorder.isVisibleTo(editor.files)
    assert recorder.record_button.isEnabled() and not recorder.stop_button.isEnabled()

    qtbot.mouseClick(recorder.record_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: recorder.position_ms >= 1500, timeout=8000)
    assert recorder.meter.value() > 50                 # a tone at half scale: clearly heard
    assert "● Recording" in editor.tabs.tabText(editor.tabs.indexOf(editor.files))

    microphone.loud = False                            # silence: the meter falls back
    qtbot.waitUntil(lambda: recorder.meter.value() < 10, timeout=5000)
    microphone.loud = True

    qtbot.mouseClick(recorder.pause_button, Qt.LeftButton)
    assert recorder.pause_button.text() == "▶ Resume"
    paused_at = recorder.position_ms
    qtbot.wait(800)
    assert recorder.position_ms - paused_at < 150       # the clock stands still while paused
    qtbot.mouseClick(recorder.pause_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: recorder.position_ms >= paused_at + 1000, timeout=8000)

    # Ctrl+B while recording: the bookmark names this recording and its recorded time.
    editor.tabs.setCurrentIndex(0)                     # typing on the Record tab meanwhile
    qtbot.mouseClick(editor.files.bookmark_button, Qt.LeftButton)
    at_bookmark = recorder.position_ms
    qtbot.waitUntil(lambda: store.read(get_record, record_id).details["bookmarks"] != [])
    mark = store.read(get_record, record_id).details["bookmarks"][0]
    assert mark["recording"] == recorder.recording_name
    minutes, seconds = mark["at"].split(":")
    assert abs(int(minutes) * 60 + int(seconds) - at_bookmark // 1000) <= 1

    name = recorder.recording_name
    recorded_ms = recorder.position_ms
    qtbot.mouseClick(recorder.stop_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any(a.original_name == name for a in store.read(attachments_of, record_id)),
                    timeout=10000)
    assert "Recording" not in editor.tabs.tabText(editor.tabs.indexOf(editor.files))
    stored = next(a for a in store.read(attachments_of, record_id) if a.original_name == name)
    assert stored.kind == "audio" and stored.media_type == "audio/wav"
    with wave.open(store.attachments.open(stored.sha256)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
    # what the clock showed is what was kept (the last read after Stop may add a little)
    assert recorded_ms / 1000 - 0.05 <= seconds <= recorded_ms / 1000 + 0.5
    # The link (step 4) comes just before the journal's manifest goes (step 5): wait for both.
    journal = store.attachments.journal_dir
    qtbot.waitUntil(lambda: not journal.exists() or not any(journal.iterdir()), timeout=10000)

    # The bookmark jumps into the recording just made.
    editor._jump_to_bookmark(0)
    qtbot.waitUntil(lambda: editor.files.player.duration() > 0, timeout=5000)
    assert abs(editor.files.player.position() - at_bookmark) < 1500


def test_a_signed_discussion_cannot_be_recorded_into(qtbot, window, microphone):
    win, *_ = window
    panel = win.page.evidence
    new_record(qtbot, panel, "PD")
    recorder = panel.editor.files.recorder
    assert recorder.record_button.isEnabled()
    panel.editor.record.state = "signed"          # as loaded for a signed record
    recorder.set_record(panel.editor.record)
    assert not recorder.record_button.isEnabled()
