"""Files over sync between encrypted laptops, through a real centre process (SQLite and
PostgreSQL): the assessor's laptop keeps its photo and discussion recording sealed
(AES-GCM chunks), the centre receives the plaintext the SHA-256 names (never the laptop's
sealed chunks), and the IQA's encrypted laptop fetches the recording when opened, seals it
on arrival and plays the very bytes recorded. A sync file written by an encrypted laptop
carries the plaintext too, so the centre imports it and stores each file under its hash.
"""
from __future__ import annotations

import os
import re
import wave
from pathlib import Path

import pytest

from app.caseload.demo import load_demo_caseload
from app.db.store import Store
from app.evidence.attachments import attach_file, attachments_of
from app.evidence.records import create_record
from app.safekeeping.sealed import is_sealed
from app.sync.engine import run_sync
from app.transfer.fetch import fetch_from_centre
from app.transfer.file_states import AT_CENTRE, NOT_HERE, file_states
from app.transfer.upload import TransferCancelled
from server import staff
from server.files.wiring import centre_files
from tests.safekeeping.safekeeping_helpers import TEST_PASSPHRASE
from tests.server.sync_helpers import assert_laptop_matches_centre, enrolled
from tests.server.test_files_over_sync import amelia, discussion_recording, fieldfolio, sha_of


def _plaintext_anywhere(folder: Path, needle: bytes) -> list[Path]:
    """Files under `folder` holding `needle` as it is: what a thief would read off the disk."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and needle in path.read_bytes():
            found.append(path)
    return found


def test_encrypted_laptops_sync_files_through_the_centre(centre, encrypted_laptops, tmp_path):
    assessor = encrypted_laptops("assessor")
    assessor.write_now(load_demo_caseload)
    learner, enrolment_id = assessor.read(amelia)
    record_id = assessor.write_now(create_record, enrolment_id, "PD", title="Complaint handling")
    recording = discussion_recording(tmp_path / "discussion.wav", seconds=150)
    photo = tmp_path / "till.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(300_000) + b"\xff\xd9")
    attach_file(assessor, record_id, recording)
    attach_file(assessor, record_id, photo)
    for path in (recording, photo):  # sealed on the laptop, named by the plaintext's hash
        assert is_sealed(assessor.attachments.stored_path(sha_of(path)))
    marker = photo.read_bytes()[1000:1064]
    assert _plaintext_anywhere(Path(assessor.data_dir), marker) == []

    sam = enrolled(assessor, centre, "Sam Patel")
    outcome = run_sync(assessor)
    assert outcome.files_failed == [] and outcome.files_sent >= 2 and outcome.check_ok
    files = centre_files(centre.open_database())
    for path in (recording, photo):  # the centre holds the plaintext, by its hash
        sha = sha_of(path)
        assert files.verify(sha)
        with files.open(sha) as fh:
            assert fh.read() == path.read_bytes()
    assert_laptop_matches_centre(assessor, centre, sam, "assessor")
    views = assessor.read(attachments_of, record_id)
    held = assessor.attachments.exists
    assert {s.state for s in assessor.read(file_states, views, held).values()} == {AT_CENTRE}

    # The IQA's encrypted laptop: the record arrives; the recording comes when opened.
    iqa = encrypted_laptops("iqa")
    iris = enrolled(iqa, centre, "Iris Khan", "iqa")
    centre.admin(staff.assign, learner.uln, None, iris)
    run_sync(iqa)
    views = iqa.read(attachments_of, record_id)
    states = iqa.read(file_states, views, iqa.attachments.exists)
    assert {s.state for s in states.values()} == {NOT_HERE}
    wav = next(v for v in views if v.original_name == "discussion.wav")

    # Opened, then given up half way (the IQA closes the record): what arrived is kept for
    # the next try, and even that part is sealed, never the recording's plain bytes.
    arrived = []
    with pytest.raises(TransferCancelled):
        fetch_from_centre(iqa, wav.sha256, wav.original_name,
                          progress=lambda done, total: arrived.append(done),
                          cancelled=lambda: bool(arrived) and arrived[-1] >= 2 * 1024 * 1024)
    partial = list((Path(iqa.data_dir) / "sync" / "downloads").glob("*.part"))
    assert partial and partial[0].stat().st_size > 0
    assert _plaintext_anywhere(Path(iqa.data_dir), recording.read_bytes()[-4096:]) == []

    seen = []
    received = fetch_from_centre(iqa, wav.sha256, wav.original_name,
                                 progress=lambda done, total: seen.append(done))
    assert 0 < received < recording.stat().st_size   # the rest, not the whole file again
    assert seen[-1] == recording.stat().st_size
    assert iqa.attachments.verify(wav.sha256)
    assert is_sealed(iqa.attachments.stored_path(wav.sha256))
    with iqa.attachments.open(wav.sha256) as fh:
        assert fh.read() == recording.read_bytes()
    with wave.open(str(iqa.attachments.viewable_copy(wav.sha256, wav.original_name))) as w:
        assert w.getnframes() == 150 * 16000   # a whole, playable recording
    iqa.attachments.clear_viewable_copies()
    assert _plaintext_anywhere(Path(iqa.data_dir), recording.read_bytes()[-4096:]) == []
    states = iqa.read(file_states, [wav], iqa.attachments.exists)
    assert states[wav.id].state == AT_CENTRE


def test_a_sync_file_from_an_encrypted_laptop_imports_at_the_centre(centre, encrypted_laptops,
                                                                     tmp_path, monkeypatch):
    offline = encrypted_laptops("offline")
    enrolled(offline, centre, "Pat Okafor")
    offline.write_now(load_demo_caseload)
    _learner, enrolment_id = offline.read(amelia)
    record_id = offline.write_now(create_record, enrolment_id, "PD", title="Team meeting")
    recording = discussion_recording(tmp_path / "meeting.wav", seconds=20)
    attach_file(offline, record_id, recording)
    offline.close()
    export = tmp_path / "stick" / "offline.ffsync"
    export.parent.mkdir()
    monkeypatch.setenv("FIELDFOLIO_PASSPHRASE", TEST_PASSPHRASE)   # the command line's way
    done = fieldfolio("--data-dir", str(offline.data_dir), "export-sync", str(export))
    assert done.returncode == 0, done.stderr
    carried = int(re.search(r"(\d+) file\(s\)", done.stdout).group(1))

    admin = ["server-admin", "--data-dir", str(centre.data_dir)]
    if centre.database_url:
        admin += ["--database-url", centre.database_url]
    for _ in range(2):   # twice: the second changes nothing
        imported = fieldfolio(*admin, "import-sync", str(export))
        assert imported.returncode == 0, imported.stderr
    files = centre_files(centre.open_database())
    sha = sha_of(recording)
    assert files.verify(sha)
    with files.open(sha) as fh:
        assert fh.read() == recording.read_bytes()
    stored = [p.name for p in Path(files.root).rglob("*")
              if p.is_file() and ".uploads" not in p.parts]
    assert sha in stored and len(stored) == carried   # each carried file once, nothing more


def test_an_encrypted_laptop_takes_files_from_the_centres_sync_file(centre, laptops,
                                                                     encrypted_laptops, tmp_path,
                                                                     monkeypatch):
    """The reverse of a stick: the centre writes a file for the IQA's encrypted laptop with
    the recording made on the assessor's laptop; imported, it is stored sealed, whole."""
    assessor = laptops("assessor")
    assessor.write_now(load_demo_caseload)
    learner, enrolment_id = assessor.read(amelia)
    record_id = assessor.write_now(create_record, enrolment_id, "PD", title="Complaints")
    recording = discussion_recording(tmp_path / "discussion.wav", seconds=60)
    attach_file(assessor, record_id, recording)
    enrolled(assessor, centre, "Sam Patel")
    assert run_sync(assessor).files_failed == []

    iqa = encrypted_laptops("iqa")
    iris = enrolled(iqa, centre, "Iris Khan", "iqa")   # enrolled once at the office
    centre.admin(staff.assign, learner.uln, None, iris)
    device_id, data_dir = iqa.device_id, Path(iqa.data_dir)
    iqa.close()
    stick = tmp_path / "for-iqa.ffsync"
    admin = ["server-admin", "--data-dir", str(centre.data_dir)]
    if centre.database_url:
        admin += ["--database-url", centre.database_url]
    wrote = fieldfolio(*admin, "export-for-device", device_id, str(stick))
    assert wrote.returncode == 0, wrote.stderr
    monkeypatch.setenv("FIELDFOLIO_PASSPHRASE", TEST_PASSPHRASE)
    taken = fieldfolio("--data-dir", str(data_dir), "import-sync", str(stick))
    assert taken.returncode == 0, taken.stderr

    sha = sha_of(recording)
    with Store(data_dir, passphrase=TEST_PASSPHRASE) as reopened:
        assert reopened.attachments.exists(sha) and reopened.attachments.verify(sha)
        assert is_sealed(reopened.attachments.stored_path(sha))
        with reopened.attachments.open(sha) as fh:
            assert fh.read() == recording.read_bytes()
        views = reopened.read(attachments_of, record_id)
        states = reopened.read(file_states, views, reopened.attachments.exists)
        assert {s.state for s in states.values()} == {AT_CENTRE}
    assert list((data_dir / "sync" / "downloads").glob("*")) == []
    assert _plaintext_anywhere(data_dir, recording.read_bytes()[-4096:]) == []


def test_the_iqa_plays_a_recording_on_an_encrypted_laptop(qtbot, centre, encrypted_laptops,
                                                          tmp_path):
    """The files tab on the IQA's encrypted laptop: choosing the recording fetches it (sealed
    as it arrives) and the player plays it."""
    from PySide6.QtCore import Qt
    from PySide6.QtMultimedia import QMediaPlayer

    from app.evidence.records import get_record
    from ui.bridge import Bridge
    from ui.evidence.files_panel import FilesPanel

    assessor = encrypted_laptops("assessor")
    assessor.write_now(load_demo_caseload)
    learner, enrolment_id = assessor.read(amelia)
    record_id = assessor.write_now(create_record, enrolment_id, "PD", title="Complaints")
    recording = discussion_recording(tmp_path / "discussion.wav", 30)
    attach_file(assessor, record_id, recording)
    enrolled(assessor, centre, "Sam Patel")
    assert run_sync(assessor).files_failed == []

    iqa = encrypted_laptops("iqa")
    iris = enrolled(iqa, centre, "Iris Khan", "iqa")
    centre.admin(staff.assign, learner.uln, None, iris)
    run_sync(iqa)
    files = FilesPanel(Bridge(iqa))
    qtbot.addWidget(files)
    files.show()
    files.load(iqa.read(get_record, record_id))
    row = next(i for i in range(files.list.count())
               if "discussion.wav" in files.list.item(i).text())
    assert "at the centre, not on this laptop" in files.list.item(row).text()
    files.list.setCurrentRow(row)     # choosing it fetches it
    qtbot.waitUntil(lambda: files.loaded_sha is not None, timeout=60_000)
    assert files.loaded_sha == sha_of(recording)
    assert is_sealed(iqa.attachments.stored_path(files.loaded_sha))
    qtbot.waitUntil(lambda: files.player.duration() > 29_000, timeout=20_000)
    qtbot.mouseClick(files.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: files.player.playbackState() == QMediaPlayer.PlayingState,
                    timeout=10_000)
    # Paused, not stopped: QMediaPlayer.stop() from Python can deadlock in Qt's FFmpeg
    # backend (caught with py-spy: the main thread, holding the GIL, waits in stop() for a
    # connection lock that a player thread holds while it waits for the GIL to ask PySide's
    # QAudioOutput wrapper about disconnectNotify). It hung CI once; see the stop's note.
    qtbot.mouseClick(files.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: files.player.playbackState() == QMediaPlayer.PausedState,
                    timeout=10_000)
