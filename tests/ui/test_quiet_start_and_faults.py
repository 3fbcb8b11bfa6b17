"""The window's start and its last net, in a real process: a normal start prints one line
(where the data folder is) and no Qt chatter; an exception escaping a slot becomes one
sentence shown in the window, with the traceback in the data folder's log."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from app.cli import run
from tests.safekeeping.safekeeping_helpers import TEST_PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]

WINDOW = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from ui.application import run_window

    def boom():
        raise RuntimeError("a slot nobody guarded broke")

    def look():
        boxes = [w for w in QApplication.topLevelWidgets()
                 if w.objectName() == "unexpected_problem" and w.isVisible()]
        windows = [w for w in QApplication.topLevelWidgets()
                   if w.objectName() == "main_window" or type(w).__name__ == "MainWindow"]
        print("BOX:", boxes[0].text() if boxes else None, flush=True)
        print("WINDOW:", bool(windows and windows[0].isVisible()), flush=True)
        QApplication.quit()

    QTimer.singleShot(1500, boom)
    QTimer.singleShot(3000, look)
    sys.exit(run_window({data!r}))
""")


def test_quiet_start_then_an_escaped_exception_is_a_sentence_and_a_log(tmp_path):
    data = tmp_path / "data"
    assert run(["--data-dir", str(data), "setup", "--name", "Alex Morgan", "--role",
                "assessor", "--centre", "Riverside"]) == 0
    out = subprocess.run([sys.executable, "-c", WINDOW.format(root=str(ROOT), data=str(data))],
                         capture_output=True, text=True, timeout=120,
                         # A plain folder's start offers to encrypt it (issue 17), a
                         # dialog; a set passphrase answers everything asked at start.
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen",
                                  FIELDFOLIO_PASSPHRASE=TEST_PASSPHRASE))
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip().splitlines() == [f"Fieldfolio data folder: {data}"]
    box = next(line for line in out.stdout.splitlines() if line.startswith("BOX:"))
    assert "a slot nobody guarded broke" in box and str(data / "fieldfolio.log") in box
    assert "WINDOW: True" in out.stdout
    logged = (data / "fieldfolio.log").read_text()
    assert "Traceback" in logged and "RuntimeError: a slot nobody guarded broke" in logged


def test_an_empty_data_dir_does_not_open_the_usual_folder(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", ""],
                         capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert out.returncode == 2 and "--data-dir is empty" in out.stderr
