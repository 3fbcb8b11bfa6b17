"""Erasing a learner's personal data on request (issue 17): contact details, unsigned work and
its files go; signed work, sign-offs, claims and the identity they are about stay (the
awarding body requires them) and still verify; the operation is audited and says what it
kept; a learner with no signed work loses their name too. Through the operation, on a real
data folder, and through `fieldfolio learner-erase` (which changes nothing without --yes)."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app.caseload.erasure import erase_learner, remove_files
from app.caseload.learners import autosave_learner, learner_form_values
from app.evidence.attachments import attach_file
from app.models import EvidenceRecord, Learner
from app.models.signing import AuditEvent
from app.signing.integrity import verify_integrity

ROOT = Path(__file__).resolve().parents[2]
PHOTO = b"\x89PNG a photo of Daniel at work " * 100


def _learner(store, uln):
    return store.read(lambda s: s.scalars(select(Learner).where(Learner.uln == uln)).one().id)


def _records(store, learner_id):
    return store.read(lambda s: [(r.id, r.title, r.deleted_at is not None) for r in s.scalars(
        select(EvidenceRecord).where(EvidenceRecord.learner_id == learner_id))])


def test_unsigned_work_and_contact_details_go_signed_work_stays(demo_store, tmp_path):
    amelia = _learner(demo_store, "1927383659")          # signed work, signed off, claimed
    form = demo_store.read(lambda s: learner_form_values(s.get(Learner, amelia)))
    demo_store.write_now(autosave_learner, amelia, {**form, "email": "amelia@example.com",
                                                   "phone": "07700 900123"})
    before = _records(demo_store, amelia)
    result = remove_files(demo_store, demo_store.write_now(erase_learner, amelia))
    assert result.identity_kept and result.records_kept == 5 and result.records_erased == 3
    assert "Kept, because the awarding body requires them" in result.words()
    row = demo_store.read(lambda s: s.get(Learner, amelia))
    assert (row.given_names, row.family_name, row.uln) == ("Amelia", "Hughes", "1927383659")
    assert (row.email, row.phone, row.notes, row.workplace_address) == ("", "", "", "")
    after = {rid: (title, gone) for rid, title, gone in _records(demo_store, amelia)}
    assert sum(gone for _, gone in after.values()) == 3
    assert all(title == "" for title, gone in after.values() if gone)
    assert [t for rid, t, _ in before if not after[rid][1]] == [t for t, g in after.values() if not g]
    assert demo_store.read(verify_integrity).ok          # every signed thing still checks
    event = demo_store.read(lambda s: s.scalars(select(AuditEvent).where(
        AuditEvent.action == "erased")).one())
    assert event.learner_id == amelia and "Amelia" not in event.summary
    assert "awarding body" in event.summary


def test_a_learner_with_no_signed_work_loses_name_and_files(demo_store, tmp_path):
    daniel = _learner(demo_store, "6002287786")
    record = _records(demo_store, daniel)[0][0]
    photo = tmp_path / "daniel.png"
    photo.write_bytes(PHOTO)
    attach_file(demo_store, record, photo)
    sha = hashlib.sha256(PHOTO).hexdigest()
    assert demo_store.attachments.exists(sha)
    result = remove_files(demo_store, demo_store.write_now(erase_learner, daniel))
    assert not result.identity_kept and result.records_erased == 5 and result.files_removed == 1
    assert not demo_store.attachments.exists(sha)
    row = demo_store.read(lambda s: s.get(Learner, daniel))
    assert (row.given_names, row.family_name, row.uln, row.date_of_birth) == (
        "Erased", "learner", None, None)
    assert row.deleted_at is not None
    dump = b"".join(p.read_bytes() for p in demo_store.attachments.folder.rglob("*") if p.is_file())
    assert PHOTO not in dump


def test_the_command_asks_for_yes_and_says_what_it_kept(tmp_path):
    data = tmp_path / "data"

    def cli(*args):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data),
                               *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                              env={k: v for k, v in __import__("os").environ.items()
                                   if k != "FIELDFOLIO_PASSPHRASE"})
    assert cli("demo").returncode == 0
    dry = cli("learner-erase", "1927383659")
    assert dry.returncode == 1 and "Nothing has been changed" in dry.stderr
    done = cli("learner-erase", "1927383659", "--yes")
    assert done.returncode == 0, done.stderr
    assert "Erased Amelia Hughes's personal data" in done.stdout and "Kept" in done.stdout
    assert cli("verify").returncode == 0
    assert cli("learner-erase", "0000000000", "--yes").returncode == 1


def test_the_window_asks_then_erases_and_says_what_it_kept(qtbot, demo_store):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.main_window import MainWindow
    amelia = _learner(demo_store, "1927383659")
    window = MainWindow(demo_store)
    qtbot.addWidget(window)
    window.show()
    window.open_learner(amelia)
    asked: list[str] = []

    def answer(button):
        def press():
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(50, press)
                return
            asked.append(box.text())
            box.button(button).click()
        QTimer.singleShot(50, press)

    answer(QMessageBox.No)                       # asked first; No changes nothing
    window.erase_action.trigger()
    assert "Erase Amelia Hughes's personal data" in asked[0] and "cannot be undone" in asked[0]
    assert sum(gone for *_, gone in _records(demo_store, amelia)) == 0
    answer(QMessageBox.Yes)
    window.erase_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "erased_message", None) is not None)
    box = window.erased_message
    assert box.isVisible() and "Kept, because the awarding body requires them" in box.text()
    assert sum(gone for *_, gone in _records(demo_store, amelia)) == 3
    assert window.page.learner_id == amelia       # signed work stays, and so does she
    box.close()
