"""The attachment store: by content hash, streamed, stored once, failing clearly and safely."""
from __future__ import annotations

import errno
import hashlib
import os
import tracemalloc

import pytest

from app.evidence import attachment_store as store_module
from app.evidence.attachment_store import AttachmentStore
from app.evidence.attachments import (
    AttachmentFailed, attach_file, attachments_of,
)
from app.evidence.records import create_record, get_record
from evidence_helpers import enrolment_with_rules


@pytest.fixture
def record(demo_store):
    enrolment_id, *_ = demo_store.read(enrolment_with_rules)
    return demo_store.write_now(create_record, enrolment_id, "P")


def blobs(store, besides=frozenset()):
    """Files in the store, less `besides` (the demo's signed records carry photos and a
    recording of their own: app/caseload/demo_media.py)."""
    return sorted(p for p in store.attachments_dir.rglob("*") if p.is_file() and p not in besides)


def test_same_file_twice_is_stored_once(demo_store, record, tmp_path):
    demo = set(blobs(demo_store))
    photo = tmp_path / "till-receipt.jpg"
    photo.write_bytes(os.urandom(300_000))
    copy = tmp_path / "same-receipt-renamed.jpg"
    copy.write_bytes(photo.read_bytes())
    first = attach_file(demo_store, record, photo)
    second = attach_file(demo_store, record, copy)
    assert first != second
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert blobs(demo_store, demo) == [demo_store.attachments.stored_path(sha)]
    views = demo_store.read(attachments_of, record)
    assert [(v.original_name, v.sha256, v.size, v.kind, v.media_type) for v in views] == [
        ("till-receipt.jpg", sha, 300_000, "photo", "image/jpeg"),
        ("same-receipt-renamed.jpg", sha, 300_000, "photo", "image/jpeg")]
    assert demo_store.attachments.verify(sha)
    assert demo_store.read(get_record, record).attachment_count == 2


def test_large_file_is_streamed_not_loaded_whole(tmp_path):
    video = tmp_path / "discussion.mp4"
    size = 48 * 1024 * 1024
    digest = hashlib.sha256()
    with open(video, "wb") as fh:
        block = os.urandom(1024 * 1024)
        for i in range(48):
            chunk = bytes([i]) + block[1:]
            fh.write(chunk)
            digest.update(chunk)
    tracemalloc.start()
    try:
        stored = AttachmentStore(tmp_path / "attachments").import_file(video)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.sha256 == digest.hexdigest() and stored.size == size
    assert stored.kind == "video"
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes: the file was held in memory"
    assert AttachmentStore(tmp_path / "attachments").stored_path(stored.sha256).stat().st_size == size


def test_missing_source_gives_clear_message_and_record_intact(demo_store, record, tmp_path):
    with pytest.raises(AttachmentFailed, match="could not be found.*record has not changed"):
        attach_file(demo_store, record, tmp_path / "gone.jpg")
    assert demo_store.read(attachments_of, record) == []
    assert demo_store.read(get_record, record).portfolio_ref == "PE-001"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads anything")
def test_unreadable_source_gives_clear_message(demo_store, record, tmp_path):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(b"%PDF-1.4")
    locked.chmod(0)
    try:
        with pytest.raises(AttachmentFailed, match="permission denied"):
            attach_file(demo_store, record, locked)
    finally:
        locked.chmod(0o600)
    assert demo_store.read(attachments_of, record) == []


def test_full_disk_gives_clear_message_leaves_nothing_half_written(demo_store, record, tmp_path,
                                                                   monkeypatch):
    big = tmp_path / "recording.wav"
    big.write_bytes(os.urandom(3 * 1024 * 1024))
    real_write = os.write
    calls = []

    def write_until_full(fd, data):
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    demo = set(blobs(demo_store))
    monkeypatch.setattr(store_module.os, "write", write_until_full)
    with pytest.raises(AttachmentFailed, match="disk is full.*record has not changed"):
        attach_file(demo_store, record, big)
    monkeypatch.undo()
    assert blobs(demo_store, demo) == []        # no partial file, no temp file
    assert demo_store.read(attachments_of, record) == []
    # once space is back the same file goes in whole
    attach_file(demo_store, record, big)
    assert demo_store.attachments.verify(hashlib.sha256(big.read_bytes()).hexdigest())


def test_folder_instead_of_file_is_refused_clearly(demo_store, record, tmp_path):
    with pytest.raises(AttachmentFailed, match="is a folder"):
        attach_file(demo_store, record, tmp_path)
    assert demo_store.read(attachments_of, record) == []
