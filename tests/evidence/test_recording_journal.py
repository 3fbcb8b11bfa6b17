"""The recording journal without Qt: what is appended is on disk as a WAV, a crash at any
step of finishing is resumed, and nothing is attached twice."""
from __future__ import annotations

import json
import os
import struct
import wave

import pytest

from app.evidence.attachments import attachments_of
from app.evidence.recording import (
    HEADER_BYTES, PcmFormat, RecordingJournal, _adopt, finish, fix_header, interrupted_recordings,
    peak_level, recover,
)
from app.evidence.records import create_record, delete_record
from evidence_helpers import enrolment_with_rules

SPEECH = PcmFormat(16000, 1)


@pytest.fixture
def discussion(demo_store):
    enrolment_id, *_ = demo_store.read(enrolment_with_rules)
    return demo_store.write_now(create_record, enrolment_id, "PD")


def tone(seconds: float, level: int = 8000) -> bytes:
    n = int(SPEECH.sample_rate * seconds)
    return struct.pack(f"<{n}h", *([level, -level] * (n // 2)))


def test_a_stopped_recording_is_one_wav_attached_to_its_record(demo_store, discussion):
    journal = RecordingJournal(demo_store.attachments, discussion, SPEECH)
    for _ in range(10):
        journal.append(tone(0.25))
    assert journal.recorded_ms == 2500
    attachment_id = finish(demo_store, journal)
    [stored] = demo_store.read(attachments_of, discussion)
    assert stored.id == attachment_id and stored.original_name == journal.name
    assert stored.kind == "audio" and stored.size == HEADER_BYTES + 2500 * 32
    assert stored.duration_ms == 2500
    with wave.open(demo_store.attachments.open(stored.sha256)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getnframes()) == (16000, 1, 40000)
        assert wav.readframes(2) == tone(0.25)[:4]
    assert not journal.manifest_path.exists() and not journal.wav_path.exists()


def test_a_torn_last_frame_is_dropped_and_the_header_tells_the_truth(tmp_path):
    stereo = PcmFormat(48000, 2)
    path = tmp_path / "r.wav"
    path.write_bytes(b"\0" * HEADER_BYTES + b"\1" * (4 * 1000 + 3))   # crash mid-frame
    assert fix_header(path, stereo) == 4000
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getnframes()) == (2, 48000, 1000)


def test_the_level_meter_reads_the_loudest_sample():
    assert peak_level(tone(0.1, 16384), SPEECH) == pytest.approx(0.5)
    assert peak_level(bytes(320), SPEECH) == 0.0
    floats = PcmFormat(48000, 1, 4, True)
    assert peak_level(struct.pack("<3f", 0.1, -0.8, 0.2), floats) == pytest.approx(0.8)


def _leave_as_if_crashed(journal: RecordingJournal) -> None:
    """What kill -9 leaves: the data written so far, the placeholder header, and a manifest
    naming a process that no longer exists."""
    journal._queue.put(None)
    journal._thread.join()
    journal._file.close()
    manifest = json.loads(journal.manifest_path.read_text())
    manifest["pid"] = 2 ** 22 + 1          # above Linux's pid_max: never a live process
    journal.manifest_path.write_text(json.dumps(manifest))


def test_a_crashed_recording_is_found_and_attached_once(demo_store, discussion):
    journal = RecordingJournal(demo_store.attachments, discussion, SPEECH)
    journal.append(tone(3.0))
    assert interrupted_recordings(demo_store.attachments) == []   # ours, still running
    _leave_as_if_crashed(journal)
    [found] = interrupted_recordings(demo_store.attachments)
    assert found.record_id == discussion and found.recorded_ms == 3000
    recover(demo_store, found)
    [stored] = demo_store.read(attachments_of, discussion)
    with wave.open(demo_store.attachments.open(stored.sha256)) as wav:
        assert wav.getnframes() == 48000
    assert interrupted_recordings(demo_store.attachments) == []


def test_a_crash_after_the_file_moved_into_the_store_still_links_it(demo_store, discussion):
    journal = RecordingJournal(demo_store.attachments, discussion, SPEECH)
    journal.append(tone(1.0))
    _leave_as_if_crashed(journal)
    fix_header(journal.wav_path, SPEECH)
    manifest = json.loads(journal.manifest_path.read_text())
    _adopt(demo_store.attachments, journal.manifest_path, manifest, journal.wav_path)
    assert not journal.wav_path.exists()          # renamed into the store, not yet linked
    [found] = interrupted_recordings(demo_store.attachments)
    recover(demo_store, found)
    recover_again = interrupted_recordings(demo_store.attachments)
    assert recover_again == []
    assert len(demo_store.read(attachments_of, discussion)) == 1


def test_a_recording_whose_record_was_deleted_is_kept_not_lost(demo_store, discussion):
    journal = RecordingJournal(demo_store.attachments, discussion, SPEECH)
    journal.append(tone(1.0))
    _leave_as_if_crashed(journal)
    demo_store.write_now(delete_record, discussion)
    [found] = interrupted_recordings(demo_store.attachments)
    with pytest.raises(Exception, match="deleted"):
        recover(demo_store, found)
    [still] = interrupted_recordings(demo_store.attachments)   # tried again next start
    manifest = json.loads(still.manifest_path.read_text())
    assert os.path.exists(demo_store.attachments.stored_path(manifest["sha256"]))
