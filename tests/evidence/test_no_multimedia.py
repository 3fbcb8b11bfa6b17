"""A laptop where Qt Multimedia cannot load (no libpulse.so.0): the window still starts, the
discussion's Files tab greys Record, Play and Take photo with the reason, and attaching a file
recorded elsewhere still works.

Run in a child process whose import of Qt Multimedia fails the way it does on such a laptop
(the test process itself has loaded Qt Multimedia for the recording tests)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from app.evidence.records import create_record
from evidence_helpers import enrolment_with_rules
from tests.evidence.window_helpers import CHILD_WINDOW

ROOT = Path(__file__).resolve().parents[2]

# Refuse Qt Multimedia as the dynamic loader does when libpulse.so.0 is absent.
NO_PULSE = textwrap.dedent("""
    import importlib.abc, sys
    class NoPulse(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.startswith("PySide6.QtMultimedia"):
                raise ImportError("libpulse.so.0: cannot open shared object file: "
                                  "No such file or directory")
    sys.meta_path.insert(0, NoPulse())
""")

CHECK = NO_PULSE + CHILD_WINDOW + textwrap.dedent("""
    files = panel.editor.files
    print("multimedia loaded" if any(m.startswith("PySide6.QtMultimedia") for m in sys.modules)
          else "no multimedia")
    print(files.take_photo.hint.text() if files.take_photo.hint.isVisibleTo(files) else "")
    print("record " + ("enabled" if files.recorder.record_button.isEnabled() else "greyed")
          + ": " + files.recorder.record_button.toolTip())
    print("play " + ("enabled" if files.play_button.isEnabled() else "greyed"))
    print("photo " + ("enabled" if files.take_photo.button.isEnabled() else "greyed")
          + ": " + files.take_photo.hint.text())
    print("attach " + ("enabled" if files.attach_button.isEnabled() else "greyed"))
    files.attach_paths([{wav!r}])
    deadline = time.time() + 20
    while time.time() < deadline and files.list.count() == 0:
        app.processEvents(); time.sleep(0.05)
    print("attached", files.list.count())
    window.close()
""")


def test_window_starts_without_multimedia_and_greys_recording_with_the_reason(demo_store,
                                                                               tmp_path):
    enrolment_id, learner_id, *_ = demo_store.read(enrolment_with_rules)
    record_id = demo_store.write_now(create_record, enrolment_id, "PD")
    demo_store.close()
    wav = tmp_path / "phone-recording.wav"
    wav.write_bytes(b"RIFF....WAVEfmt not really sound, still a file the assessor keeps")
    script = CHECK.format(root=str(ROOT), data=str(demo_store.data_dir), learner=learner_id,
                          record=record_id, wav=str(wav))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=120)
    assert out.returncode == 0, out.stderr
    loaded, warning, record, play, photo, attach, attached = out.stdout.strip().splitlines()[-7:]
    assert loaded == "no multimedia"
    assert "libpulse.so.0" in warning and "Attach files recorded on a phone" in warning
    assert record.startswith("record greyed: ") and "libpulse.so.0" in record
    assert play == "play greyed"
    assert photo.startswith("photo greyed: ") and "libpulse.so.0" in photo
    assert attach == "attach enabled" and attached == "attached 1"
