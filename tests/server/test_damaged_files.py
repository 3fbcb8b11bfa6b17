"""A file whose bytes no longer match their SHA-256, on the laptop or at the centre (SQLite
and PostgreSQL): the files tab says "damaged", nothing opens, plays or sends it as if it
were good, and a good copy puts it right.

Through the real operations (sync with a centre process, the fetch an IQA's click starts)
and the real files tab (qtbot)."""
from __future__ import annotations

import os
from pathlib import Path

from app.caseload.demo import load_demo_caseload
from app.evidence.attachments import attach_file, attachments_of
from app.evidence.records import create_record, get_record
from app.sync.engine import run_sync
from app.transfer.file_states import DAMAGED, file_states
from server import staff
from server.files.awaiting import records_awaiting_files
from server.files.wiring import centre_files
from tests.server.sync_helpers import enrolled
from tests.server.test_files_over_sync import amelia, discussion_recording, sha_of
from ui.bridge import Bridge
from ui.evidence.files_panel import FilesPanel

DAMAGED_WORDS = "damaged: not opened or sent"


def _flip_a_byte(path: Path, at: int | None = None) -> None:
    """What a failing disk or a hand at work does to a stored file."""
    os.chmod(path, 0o644)
    with open(path, "r+b") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(size // 2 if at is None else at)
        byte = fh.read(1)
        fh.seek(-1, os.SEEK_CUR)
        fh.write(bytes([byte[0] ^ 0x01]))
    os.chmod(path, 0o444)


def _row(files: FilesPanel, name: str) -> int:
    return next(i for i in range(files.list.count()) if name in files.list.item(i).text())


def _panel(qtbot, store, record_id) -> FilesPanel:
    files = FilesPanel(Bridge(store))
    qtbot.addWidget(files)
    files.show()
    files.load(store.read(get_record, record_id))
    return files


def _record_with_files(laptop, tmp_path):
    laptop.write_now(load_demo_caseload)
    learner, enrolment_id = laptop.read(amelia)
    record_id = laptop.write_now(create_record, enrolment_id, "PD", title="Complaints")
    recording = discussion_recording(tmp_path / "discussion.wav", seconds=20)
    photo = tmp_path / "till.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(50_000) + b"\xff\xd9")
    attach_file(laptop, record_id, recording)
    attach_file(laptop, record_id, photo)
    return learner, record_id, recording, photo


def _damaged_on_the_laptop(qtbot, laptop, centre, tmp_path):
    """Shared by the plain and the encrypted laptop: damaged, shown, refused, not sent, put
    right by a good copy."""
    _learner, record_id, recording, photo = _record_with_files(laptop, tmp_path)
    sha = sha_of(recording)
    _flip_a_byte(laptop.attachments.stored_path(sha))

    files = _panel(qtbot, laptop, record_id)   # a discussion: the recording loads to play
    qtbot.waitUntil(lambda: DAMAGED_WORDS in files.list.item(_row(files, "discussion.wav")).text(),
                    timeout=10_000)
    assert "damaged" in files.message.text()
    assert files.loaded_sha is None and files.player.source().isEmpty()
    views = list((laptop.attachments.folder / ".view").rglob("discussion.wav"))
    assert views == []                         # no copy for a viewer or player to open
    files.list.setCurrentRow(_row(files, "discussion.wav"))
    files.open_selected()
    assert "damaged" in files.message.text() and files.loaded_sha is None
    assert DAMAGED_WORDS not in files.list.item(_row(files, "till.jpg")).text()

    enrolled(laptop, centre, "Sam Patel")
    outcome = run_sync(laptop)
    assert len(outcome.files_failed) == 1 and "damaged" in outcome.files_failed[0]
    db = centre.open_database()
    try:
        store = centre_files(db)
        assert not store.has(sha) and store.verify(sha_of(photo))   # the good one went
        assert [r["record_id"] for r in records_awaiting_files(db, store)] == [record_id]
    finally:
        db.dispose()

    # The assessor copies the recording in again from the recorder: the good copy replaces
    # the damaged one, and the next sync sends it.
    laptop.attachments.import_file(recording)
    assert laptop.attachments.verify(sha) and not laptop.attachments.known_damaged(sha)
    outcome = run_sync(laptop)
    assert outcome.files_failed == [] and outcome.files_sent == 1
    db = centre.open_database()
    try:
        assert centre_files(db).verify(sha)
        assert records_awaiting_files(db, centre_files(db)) == []
    finally:
        db.dispose()
    files.load(laptop.read(get_record, record_id))
    assert "at the centre" in files.list.item(_row(files, "discussion.wav")).text()
    qtbot.waitUntil(lambda: files.loaded_sha == sha, timeout=10_000)


def test_a_file_damaged_on_a_plain_laptop(qtbot, centre, laptops, tmp_path):
    _damaged_on_the_laptop(qtbot, laptops("assessor"), centre, tmp_path)


def test_a_file_damaged_on_an_encrypted_laptop(qtbot, centre, encrypted_laptops, tmp_path):
    """A sealed chunk that no longer checks out: caught by AES-GCM's tag when read."""
    _damaged_on_the_laptop(qtbot, encrypted_laptops("assessor"), centre, tmp_path)


def test_a_file_damaged_at_the_centre_is_refused_set_aside_and_sent_again(qtbot, centre, laptops,
                                                                          tmp_path):
    assessor = laptops("assessor")
    learner, record_id, recording, _photo = _record_with_files(assessor, tmp_path)
    sha = sha_of(recording)
    enrolled(assessor, centre, "Sam Patel")
    assert run_sync(assessor).files_failed == []
    files_root = Path(centre.data_dir) / "files"
    _flip_a_byte(files_root / sha[:2] / sha)

    iqa = laptops("iqa")
    iris = enrolled(iqa, centre, "Iris Khan", "iqa")
    centre.admin(staff.assign, learner.uln, None, iris)
    run_sync(iqa)
    files = _panel(qtbot, iqa, record_id)
    row = _row(files, "discussion.wav")
    assert "not on this laptop" in files.list.item(row).text()
    files.list.setCurrentRow(row)              # the IQA chooses it: fetched, refused
    qtbot.waitUntil(lambda: "damaged" in files.message.text(), timeout=30_000)
    assert files.loaded_sha is None and not iqa.attachments.exists(sha)
    assert "not on this laptop" in files.list.item(_row(files, "discussion.wav")).text()
    assert not (files_root / sha[:2] / sha).exists()          # set aside, never served
    log = Path(centre.log_path).read_text(errors="replace")
    assert f"download cut short: the stored file {sha} no longer matches" in log
    assert "Traceback" not in log and "Exception in ASGI application" not in log
    assert [p.name.split(".")[0] for p in (files_root / ".damaged").iterdir()] == [sha]
    db = centre.open_database()
    try:
        assert [r["record_id"] for r in records_awaiting_files(db, centre_files(db))] == [record_id]
    finally:
        db.dispose()

    # The assessor's laptop still holds a good copy: its next sync sends it again.
    outcome = run_sync(assessor)
    assert outcome.files_failed == [] and outcome.files_sent == 1
    files.list.setCurrentRow(-1)
    files.list.setCurrentRow(_row(files, "discussion.wav"))
    qtbot.waitUntil(lambda: files.loaded_sha == sha, timeout=30_000)
    with iqa.attachments.open(sha) as fh:
        assert fh.read() == recording.read_bytes()
    views = iqa.read(attachments_of, record_id)
    assert all(DAMAGED_WORDS not in files.states[v.id].words() for v in views)


def _damaged_found_by_sync(laptop, centre, tmp_path):
    """Damaged before anyone opened it: the upload finds it (the centre's whole-file check on
    a plain laptop, AES-GCM's tag on an encrypted one), the sync names it, and from then on
    the files tab says damaged and no sync tries it again."""
    _learner, record_id, recording, _photo = _record_with_files(laptop, tmp_path)
    sha = sha_of(recording)
    _flip_a_byte(laptop.attachments.stored_path(sha))
    enrolled(laptop, centre, "Sam Patel")
    outcome = run_sync(laptop)
    assert len(outcome.files_failed) == 1 and "damaged" in outcome.files_failed[0]
    assert outcome.check_ok                       # the records went; the file did not
    assert laptop.attachments.known_damaged(sha)
    views = laptop.read(attachments_of, record_id)
    states = laptop.read(file_states, views, laptop.attachments.exists,
                         laptop.attachments.known_damaged)
    wav = next(v for v in views if v.original_name == "discussion.wav")
    assert states[wav.id].state == DAMAGED
    db = centre.open_database()
    try:
        assert not centre_files(db).has(sha)
        assert list((Path(centre.data_dir) / "files" / ".uploads").glob("*.part")) == []
    finally:
        db.dispose()
    again = run_sync(laptop)
    assert again.files_sent == 0 and len(again.files_failed) == 1


def test_a_sync_finds_a_file_damaged_on_a_plain_laptop(centre, laptops, tmp_path):
    _damaged_found_by_sync(laptops("assessor"), centre, tmp_path)


def test_a_sync_finds_a_file_damaged_on_an_encrypted_laptop(centre, encrypted_laptops, tmp_path):
    _damaged_found_by_sync(encrypted_laptops("assessor"), centre, tmp_path)


def test_a_file_damaged_on_the_laptop_is_fetched_again_from_the_centre(qtbot, centre, laptops,
                                                                       tmp_path):
    """The centre has a good copy: opening the damaged file fetches it, checks it and puts
    it in the damaged one's place."""
    laptop = laptops("assessor")
    _learner, record_id, recording, _photo = _record_with_files(laptop, tmp_path)
    sha = sha_of(recording)
    enrolled(laptop, centre, "Sam Patel")
    assert run_sync(laptop).files_failed == []
    _flip_a_byte(laptop.attachments.stored_path(sha))

    files = _panel(qtbot, laptop, record_id)
    row = _row(files, "discussion.wav")
    qtbot.waitUntil(lambda: "open it to fetch the centre's copy" in files.list.item(
        _row(files, "discussion.wav")).text(), timeout=10_000)
    assert files.loaded_sha is None
    files.list.setCurrentRow(row)              # chosen: fetched again, checked, loaded
    qtbot.waitUntil(lambda: files.loaded_sha == sha, timeout=30_000)
    assert laptop.attachments.verify(sha) and not laptop.attachments.known_damaged(sha)
    with laptop.attachments.open(sha) as fh:
        assert fh.read() == recording.read_bytes()
    assert "at the centre" in files.list.item(_row(files, "discussion.wav")).text()
