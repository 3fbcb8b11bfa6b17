"""kill -9 in the middle of typing: the reopened app has what was typed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.caseload.drafts import drafts_for
from app.caseload.learners import DRAFT_FORM
from app.db.store import Store
from app.models import Learner

ROOT = Path(__file__).resolve().parents[2]

TYPIST = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from PySide6.QtTest import QTest
    from ui.application import make_app
    from ui.main_window import MainWindow
    from app.db.store import Store
    from app.caseload.profile import set_up
    app = make_app()
    store = Store({data!r}).open()
    store.write_now(set_up, "Alex", "assessor", "Riverside", "")
    window = MainWindow(store)
    window.show()
    window.new_learner()
    form = window.page.form
    QTest.keyClicks(form.editors["given_names"], "Amelia")
    {more}
    deadline = time.time() + 1.0        # the promise: at most the last second is lost
    while time.time() < deadline:
        app.processEvents()
        time.sleep(0.02)
    print(form.learner_id, flush=True)
    time.sleep(60)                       # killed long before this ends
""")


def run_and_kill(data_dir: Path, more: str) -> str:
    script = TYPIST.format(root=str(ROOT), data=str(data_dir), more=more)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        learner_id = proc.stdout.readline().strip()
        assert learner_id, proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return learner_id


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_app_keeps_the_learner_being_typed(data_dir):
    learner_id = run_and_kill(data_dir, textwrap.dedent("""
    QTest.keyClicks(form.editors["family_name"], "Hughes")
    QTest.keyClicks(form.editors["notes"], "Observed on the tills; good rapport with customers.")
    """))
    with Store(data_dir) as store:
        learner = store.read(lambda s: s.get(Learner, learner_id))
        assert learner is not None
        assert learner.full_name == "Amelia Hughes"
        assert learner.notes == "Observed on the tills; good rapport with customers."


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_half_typed_new_learner_comes_back_as_a_draft(data_dir, qtbot):
    learner_id = run_and_kill(data_dir, "")
    with Store(data_dir) as store:
        assert store.read(lambda s: s.get(Learner, learner_id)) is None
        assert store.read(drafts_for, DRAFT_FORM)[0][1]["given_names"] == "Amelia"
        from ui.main_window import MainWindow
        window = MainWindow(store)
        qtbot.addWidget(window)
        assert window.page.form.learner_id == learner_id
        assert window.page.form.editors["given_names"].text() == "Amelia"
        assert "Restored a new learner" in window.statusBar().currentMessage()
        window.close()
