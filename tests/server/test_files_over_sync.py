"""Issue 14's "done when", against a real centre process (SQLite and PostgreSQL):

- an assessor's laptop with photos and a discussion recording syncs through a connection cut
  mid-upload, and finishes; the centre holds each file under its SHA-256;
- the IQA's laptop syncs, shows the recording as "not on this laptop", fetches it when
  opened (verified by hash) and gets the very bytes recorded; another assessor cannot;
- a laptop with no network hands its work over on a sync file; the centre imports it twice
  and nothing is duplicated; the centre's file back to the laptop acknowledges its changes.
"""
from __future__ import annotations

import hashlib
import math
import struct
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.caseload.demo import load_demo_caseload
from app.evidence.attachments import attach_file, attachments_of
from app.evidence.records import create_record
from app.models import Enrolment, Learner
from app.models.evidence import Attachment, EvidenceRecord
from app.sync import state
from app.sync.client import CentreClient
from app.sync.engine import run_sync
from app.transfer.download import download_file
from app.transfer.file_states import AT_CENTRE, NOT_HERE, file_states
from app.transfer.laptop_files import attachments_of_store
from app.transfer.sync_step import CENTRE_FILES
from app.transfer.upload import TransferFailed
from server import staff
from server.files.awaiting import records_awaiting_files
from server.files.wiring import centre_files
from tests.server.sync_helpers import assert_laptop_matches_centre, enrolled
from tests.transfer.fault_proxy import FaultProxy

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def discussion_recording(path: Path, seconds: int = 100) -> Path:
    """A real WAV (16 kHz mono, a 440 Hz tone): about 3 MB, something a player can play."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 16000)))
                          for i in range(16000))
        for _ in range(seconds):
            w.writeframes(frames)
    return path


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def amelia(session):
    learner = session.scalars(select(Learner).where(Learner.given_names == "Amelia")).first()
    enrolment = session.scalars(select(Enrolment).where(Enrolment.learner_id == learner.id)).first()
    return learner, enrolment.id


def test_files_survive_a_cut_and_reach_the_iqa(centre, laptops, tmp_path):
    assessor = laptops("assessor")
    assessor.write_now(load_demo_caseload)
    learner, enrolment_id = assessor.read(amelia)
    uln = learner.uln
    record_id = assessor.write_now(create_record, enrolment_id, "PD", title="Complaint handling")
    recording = discussion_recording(tmp_path / "discussion.wav")
    photo = tmp_path / "till.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4000 + b"\xff\xd9")
    attach_file(assessor, record_id, recording)
    attach_file(assessor, record_id, photo)

    proxy = FaultProxy(centre.port)
    try:
        sam = enrolled(assessor, centre, "Sam Patel")
        assessor.write_now(lambda s: state.put(s, "url", proxy.url))  # every sync goes through it
        proxy.cut_after(int(1.5 * MB))   # the recording is mid-upload when the link drops
        outcome = run_sync(assessor)
    finally:
        proxy.close()
    assert proxy.cuts == 1
    assert outcome.files_failed == [] and outcome.files_sent >= 2 and outcome.check_ok
    files = centre_files(centre.open_database())
    for path in (recording, photo):
        assert files.verify(sha_of(path))
    assert records_awaiting_files(centre.open_database(), files) == []
    assert_laptop_matches_centre(assessor, centre, sam, "assessor")
    views = assessor.read(attachments_of, record_id)
    held = attachments_of_store(assessor).exists
    assert {s.state for s in assessor.read(file_states, views, held).values()} == {AT_CENTRE}

    # The IQA's laptop: the record arrives, its files stay at the centre until opened.
    iqa = laptops("iqa")
    iris = enrolled(iqa, centre, "Iris Khan", "iqa")
    centre.admin(staff.assign, uln, None, iris)
    run_sync(iqa)
    views = iqa.read(attachments_of, record_id)
    iqa_files = attachments_of_store(iqa)
    states = iqa.read(file_states, views, iqa_files.exists)
    assert {s.state for s in states.values()} == {NOT_HERE}
    wav = next(v for v in views if v.original_name == "discussion.wav")
    conn = iqa.read(state.connection)
    seen = []
    with CentreClient(conn.url, conn.token) as client:
        download_file(client.http, wav.sha256, iqa_files, Path(iqa.data_dir) / "sync" / "downloads",
                      name=wav.original_name, files_path=CENTRE_FILES,
                      progress=lambda done, total: seen.append(done))
    with iqa_files.open(wav.sha256) as fh:
        assert fh.read() == recording.read_bytes()
    assert seen[-1] == recording.stat().st_size
    with wave.open(str(iqa_files.viewable_copy(wav.sha256, wav.original_name)
                       if hasattr(iqa_files, "viewable_copy") else recording)) as w:
        assert w.getnframes() == 100 * 16000  # a whole, playable recording

    # Assessor B, not assigned to Amelia, cannot fetch her recording by its hash.
    other = laptops("other")
    enrolled(other, centre, "Bea Jones")
    conn = other.read(state.connection)
    with CentreClient(conn.url, conn.token) as client:
        with pytest.raises(TransferFailed):
            download_file(client.http, wav.sha256, attachments_of_store(other),
                          Path(other.data_dir) / "sync" / "downloads", files_path=CENTRE_FILES)
    assert not attachments_of_store(other).exists(wav.sha256)


def fieldfolio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def centre_counts(centre) -> dict:
    db = centre.open_database()
    try:
        with db.reading() as s:
            return {"learners": s.scalar(select(func.count()).select_from(Learner)),
                    "records": s.scalar(select(func.count()).select_from(EvidenceRecord)),
                    "files": s.scalar(select(func.count()).select_from(Attachment))}
    finally:
        db.dispose()


def test_a_laptop_without_network_hands_over_on_a_sync_file(centre, laptops, tmp_path):
    offline = laptops("offline")
    pat = enrolled(offline, centre, "Pat Okafor")  # enrolled once, at the centre's office
    offline.write_now(load_demo_caseload)        # then days at sites with no connection
    _learner, enrolment_id = offline.read(amelia)
    record_id = offline.write_now(create_record, enrolment_id, "PD", title="Team meeting")
    recording = discussion_recording(tmp_path / "meeting.wav", seconds=20)
    attach_file(offline, record_id, recording)
    waiting = offline.read(state.status).waiting
    stick = tmp_path / "stick"
    stick.mkdir()
    export = stick / "offline.ffsync"
    offline.close()  # the command line opens the data folder itself, as support would
    done = fieldfolio("--data-dir", str(offline.data_dir), "export-sync", str(export))
    assert done.returncode == 0, done.stderr
    assert f"{waiting} change(s)" in done.stdout
    assert [p.name for p in stick.iterdir()] == ["offline.ffsync"]

    admin = ["server-admin", "--data-dir", str(centre.data_dir)]
    if centre.database_url:
        admin += ["--database-url", centre.database_url]
    first = fieldfolio(*admin, "import-sync", str(export))
    assert first.returncode == 0, first.stderr
    after_first = centre_counts(centre)
    assert after_first["records"] > 0
    assert centre_files(centre.open_database()).verify(sha_of(recording))
    again = fieldfolio(*admin, "import-sync", str(export))  # the same stick, twice
    assert again.returncode == 0, again.stderr
    assert "0 applied" in again.stdout and f"{waiting} already here" in again.stdout
    assert centre_counts(centre) == after_first

    flipped = stick / "flipped.ffsync"
    data = bytearray(export.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped.write_bytes(bytes(data))
    refused = fieldfolio(*admin, "import-sync", str(flipped))
    assert refused.returncode == 1 and "does not match" in refused.stderr
    cut = stick / "cut.ffsync"
    cut.write_bytes(export.read_bytes()[: len(data) // 2])
    refused = fieldfolio(*admin, "import-sync", str(cut))
    assert refused.returncode == 1 and "cut short" in refused.stderr
    assert not refused.stderr.startswith("fieldfolio: sync file:")   # the sentence alone
    assert centre_counts(centre) == after_first

    # The centre's answer goes back on the stick; the laptop's changes are acknowledged.
    device_id = offline.device_id
    back = stick / "for-offline.ffsync"
    wrote = fieldfolio(*admin, "export-for-device", device_id, str(back))
    assert wrote.returncode == 0, wrote.stderr
    said = []
    for _ in range(2):
        taken = fieldfolio("--data-dir", str(offline.data_dir), "import-sync", str(back))
        assert taken.returncode == 0, taken.stderr
        said.append(taken.stdout.strip())
    assert said[0].startswith("Imported from the centre: ") and " 0 answer" not in said[0]
    # The same file again: its answers were counted the first time, not twice.
    assert said[1] == "Already imported: nothing new in this sync file."
    from app.db.store import Store
    with Store(offline.data_dir) as reopened:
        assert reopened.read(state.status).waiting == 0
        # The bar says the centre's state came on the stick, not "not synced yet".
        words = reopened.read(state.status).bar_words()
        assert "everything is at the centre · sync file imported " in words, words
        assert_laptop_matches_centre(reopened, centre, pat, "assessor")


def test_the_status_area_counts_files_waiting_and_their_bytes(centre, laptops, tmp_path):
    assessor = laptops("assessor")
    assessor.write_now(load_demo_caseload)
    enrolled(assessor, centre, "Sam Patel")
    run_sync(assessor)
    assert "to send" not in assessor.read(state.status).headline()
    _learner, enrolment_id = assessor.read(amelia)
    record_id = assessor.write_now(create_record, enrolment_id, "PD", title="Follow-up")
    recording = discussion_recording(tmp_path / "follow-up.wav", seconds=10)
    attach_file(assessor, record_id, recording)
    attach_file(assessor, record_id, recording)   # the same file twice counts once
    status = assessor.read(state.status)
    assert (status.files_waiting, status.file_bytes_waiting) == (1, recording.stat().st_size)
    assert "1 file (0.3 MB) to send" in status.headline()
    run_sync(assessor)
    after = assessor.read(state.status)
    assert (after.files_waiting, after.file_bytes_waiting) == (0, 0)


def test_a_centre_gone_mid_sync_is_a_clear_failure_not_a_crash(centre, laptops):
    laptop = laptops("assessor")
    laptop.write_now(load_demo_caseload)
    enrolled(laptop, centre, "Sam Patel")
    centre.kill()
    done = fieldfolio("--data-dir", str(laptop.data_dir), "sync")
    assert done.returncode == 1 and "did not answer" in done.stderr
    assert "Traceback" not in done.stderr
