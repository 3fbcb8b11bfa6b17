"""kill -9 in the middle of recording a professional discussion in the real window: the
next start attaches the recording to its record, missing at most the last second or so."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import wave
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.db.store import Store
from app.evidence.attachments import attachments_of
from app.evidence.recording import interrupted_recordings
from app.evidence.records import create_record
from evidence_helpers import enrolment_with_rules
from ui.main_window import MainWindow
from tests.evidence.window_helpers import CHILD_WINDOW

ROOT = Path(__file__).resolve().parents[2]

RECORDING = CHILD_WINDOW + textwrap.dedent("""
    recorder = panel.editor.files.recorder
    recorder.start()
    while True:                       # the parent kills us once enough is reported
        app.processEvents()
        time.sleep(0.02)
        print(recorder.position_ms, flush=True)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_while_recording_keeps_all_but_the_last_second(qtbot, demo_store, microphone):
    enrolment_id, learner_id, *_ = demo_store.read(enrolment_with_rules)
    record_id = demo_store.write_now(create_record, enrolment_id, "PD")
    path = demo_store.data_dir
    demo_store.close()
    script = RECORDING.format(root=str(ROOT), data=str(path), learner=learner_id, record=record_id)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    reported = 0
    try:
        while reported < 3000:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            reported = int(line)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with Store(path) as store:
        assert len(interrupted_recordings(store.attachments)) == 1
        window = MainWindow(store)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: store.read(attachments_of, record_id) != [], timeout=10000)
        stored = store.read(attachments_of, record_id)[0]
        with wave.open(store.attachments.open(stored.sha256)) as wav:
            seconds = wav.getnframes() / wav.getframerate()
        assert reported / 1000 - 1.0 <= seconds <= reported / 1000 + 1.5
        # The link is made (step 4) just before the manifest goes (step 5): wait for both.
        qtbot.waitUntil(lambda: interrupted_recordings(store.attachments) == [], timeout=10000)
        box = window.findChild(QMessageBox, "recording_recovered")
        qtbot.waitUntil(lambda: window.findChild(QMessageBox, "recording_recovered") is not None)
        box = window.findChild(QMessageBox, "recording_recovered")
        assert "PD-001" in box.text() and stored.original_name in box.text()
        box.close()
        window.close()
