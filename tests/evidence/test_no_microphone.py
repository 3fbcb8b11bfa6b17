"""A laptop with no microphone: the discussion's Files tab says so plainly and offers the
way that works (attach a file recorded elsewhere), with no Record button to fail.

Run in a child process pointed at a sound server that does not exist, because the test
process itself has the test microphone (tests/virtual_microphone.py)."""
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

CHECK = CHILD_WINDOW + textwrap.dedent("""
    files = panel.editor.files
    print(files.mic_warning.text())
    print("recorder shown" if files.recorder.isVisibleTo(files) else "recorder hidden")
    print("attach enabled" if files.attach_button.isEnabled() else "attach disabled")
""")


def test_no_microphone_says_so_and_points_to_attaching(demo_store):
    enrolment_id, learner_id, *_ = demo_store.read(enrolment_with_rules)
    record_id = demo_store.write_now(create_record, enrolment_id, "PD")
    demo_store.close()
    script = CHECK.format(root=str(ROOT), data=str(demo_store.data_dir), learner=learner_id,
                          record=record_id)
    env = dict(os.environ, PULSE_SERVER="unix:/nonexistent/fieldfolio/native",
               QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    warning, recorder, attach = out.stdout.strip().splitlines()[-3:]
    assert "No microphone found" in warning and "attach the file" in warning
    assert recorder == "recorder hidden" and attach == "attach enabled"
