"""The attachment store object: plaintext read back in pieces, copies a viewer can open that
are private and cleaned up, and a changed file caught by `verify`."""
from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys

from app.db.store import Store
from app.evidence.attachment_store import AttachmentStore


def test_what_goes_in_reads_back_the_same_streamed_and_whole(tmp_path):
    source = tmp_path / "workplace-rota.pdf"
    data = os.urandom(2 * 1024 * 1024 + 17)
    source.write_bytes(data)
    store = AttachmentStore(tmp_path / "attachments")
    stored = store.import_file(source)
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    assert store.exists(stored.sha256) and not store.exists("0" * 64)
    with store.open(stored.sha256) as fh:
        assert fh.read() == data
    pieces = list(store.chunks(stored.sha256, size=1024 * 1024))
    assert [len(p) for p in pieces] == [1024 * 1024, 1024 * 1024, 17]
    assert b"".join(pieces) == data
    assert store.verify(stored.sha256)


def test_a_changed_or_missing_file_fails_verify(tmp_path):
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"\xff\xd8 a till receipt " * 1000)
    store = AttachmentStore(tmp_path / "attachments")
    sha = store.import_file(source).sha256
    path = store.stored_path(sha)
    path.chmod(0o644)
    raw = bytearray(path.read_bytes())
    raw[100] ^= 1
    path.write_bytes(bytes(raw))
    assert not store.verify(sha)
    path.unlink()
    assert not store.verify(sha)


def test_viewable_copies_are_private_and_removed_at_close(data_dir, tmp_path):
    source = tmp_path / "discussion.wav"
    source.write_bytes(b"RIFF" + os.urandom(5000))
    with Store(data_dir) as store:
        sha = store.attachments.import_file(source).sha256
        copy = store.attachments.viewable_copy(sha, "discussion.wav")
        assert copy.name == "discussion.wav" and copy.read_bytes() == source.read_bytes()
        assert stat.S_IMODE(copy.parent.parent.stat().st_mode) == 0o700
    assert not copy.exists()


def test_copies_left_by_a_killed_process_go_at_the_next_start(data_dir, tmp_path):
    source = tmp_path / "clip.mp4"
    source.write_bytes(os.urandom(3000))
    with Store(data_dir) as store:
        sha = store.attachments.import_file(source).sha256
    script = (f"import sys, os; sys.path.insert(0, {str(os.getcwd())!r})\n"
              f"from app.evidence.attachment_store import AttachmentStore\n"
              f"print(AttachmentStore({str(data_dir / 'attachments')!r})"
              f".viewable_copy({sha!r}, 'clip.mp4'))\n"
              f"os._exit(0)")   # no clean-up: as if killed
    left = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert os.path.exists(left)
    Store(data_dir).open().close()
    assert not os.path.exists(left)
