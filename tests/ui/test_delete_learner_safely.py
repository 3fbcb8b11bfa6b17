"""Deleting a learner: asked first when they have evidence, refused when they have signed
work, and restorable at any time (the caseload's Deleted filter, after a restart too, and the
command line)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.caseload.deletion import ALLOWED, ASK, REFUSED, deletion_check
from app.caseload.learners import delete_learner, save_learner
from app.caseload.profile import set_up
from app.caseload.validation import InvalidInput
from app.db.store import Store
from app.models import Learner, Signature
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def learner(store, name):
    return store.read(lambda s: next(l.id for l in s.query(Learner) if l.full_name == name))


def signed_and_unsigned(store):
    """A demo learner with signatures, and one with evidence but none."""
    def read(session):
        signed = {s.learner_id for s in session.query(Signature)}
        rows = session.query(Learner).all()
        with_signed = next(l.id for l in rows if l.id in signed)
        from app.models import EvidenceRecord
        with_evidence = {r.learner_id for r in session.query(EvidenceRecord)}
        unsigned = next(l.id for l in rows if l.id in with_evidence and l.id not in signed)
        return with_signed, unsigned
    return store.read(read)


def test_the_rules_below_the_window(demo_store):
    signed, unsigned = signed_and_unsigned(demo_store)
    assert demo_store.read(deletion_check, signed).verdict == REFUSED
    with pytest.raises(InvalidInput, match="signed work"):
        demo_store.write_now(delete_learner, signed)
    assert demo_store.read(lambda s: s.get(Learner, signed).deleted_at) is None
    check = demo_store.read(deletion_check, unsigned)
    assert check.verdict == ASK and "evidence record" in check.words
    empty = demo_store.write_now(save_learner, None, {"given_names": "New", "family_name": "One"})
    assert demo_store.read(deletion_check, empty).verdict == ALLOWED


def answer(button):
    """Press `button` on the question box the window is about to show."""
    def press():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(button).click()
        else:
            QTimer.singleShot(20, press)
    QTimer.singleShot(20, press)


def test_delete_asks_refuses_and_restores_after_a_restart(qtbot, demo_store):
    store = demo_store
    store.write_now(set_up, "Alex Morgan", "assessor", "Riverside", "RT1")
    signed, unsigned = signed_and_unsigned(store)
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    win.open_learner(signed)
    win.delete_action.trigger()
    assert win.failure_bar.isVisible() and "signed work" in win.failure_text.text()
    assert store.read(lambda s: s.get(Learner, signed).deleted_at) is None

    win.open_learner(unsigned)
    answer(QMessageBox.No)
    win.delete_action.trigger()
    assert store.read(lambda s: s.get(Learner, unsigned).deleted_at) is None
    answer(QMessageBox.Yes)
    win.delete_action.trigger()
    assert store.read(lambda s: s.get(Learner, unsigned).deleted_at) is not None
    name = store.read(lambda s: s.get(Learner, unsigned).full_name)
    win.close()
    data_dir = store.data_dir
    store.close()

    # After a restart: the Deleted filter lists them, and choosing one offers to restore.
    again = Store(data_dir).open()
    try:
        win = MainWindow(again)
        qtbot.addWidget(win)
        win.show()
        status = win.caseload.status_filter
        status.setCurrentIndex(status.findData("deleted"))
        qtbot.waitUntil(lambda: [r.name for r in win.caseload.model.rows] == [name], timeout=5000)
        answer(QMessageBox.Yes)
        win.caseload.table.selectRow(0)
        qtbot.waitUntil(lambda: again.read(lambda s: s.get(Learner, unsigned).deleted_at) is None,
                        timeout=5000)
        qtbot.waitUntil(lambda: win.page.learner_id == unsigned, timeout=5000)
        win.close()
    finally:
        again.close()


def test_restore_from_the_command_line(demo_store):
    _, unsigned = signed_and_unsigned(demo_store)
    uln = demo_store.read(lambda s: s.get(Learner, unsigned).uln)
    demo_store.write_now(delete_learner, unsigned)
    data_dir = demo_store.data_dir
    demo_store.close()

    def cli(*args):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir),
                               *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    listed = cli("learners", "--deleted")
    assert listed.returncode == 0 and uln in listed.stdout
    out = cli("learner-restore", uln)
    assert out.returncode == 0 and out.stdout.startswith("Restored"), out.stderr
    assert uln not in cli("learners", "--deleted").stdout
    assert uln in cli("learners").stdout
    assert cli("learner-restore", "0000000000").returncode == 1
