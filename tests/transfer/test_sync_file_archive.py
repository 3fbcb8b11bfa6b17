"""The sync file's container on its own: sealed, checked byte for byte, refused naming what
failed when altered or cut short, never left half-written under its name."""
from __future__ import annotations

import hashlib
import io
import os
import subprocess
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.sync_file import archive
from app.sync_file.archive import (
    LAPTOP_TO_CENTRE, Attachment, DeviceSeal, SyncFileCancelled, SyncFileFailed, SyncFileRefused,
    TokenSeal, check_device_seal, check_token_seal, open_sync_file, write_sync_file,
)

KEY = Ed25519PrivateKey.generate()
FILES = {hashlib.sha256(b).hexdigest(): b for b in (os.urandom(300_000), b"photo bytes" * 999)}
CHANGES = {"mutations": [{"id": "m1", "table": "learner", "row": {"name": "Amelia Hughes"}}]}


def opener(sha):
    return io.BytesIO(FILES[sha])


def trust_this_key(manifest, manifest_bytes, seal):
    return manifest["public_key"] == DeviceSeal(KEY).public_hex() and \
        check_device_seal(manifest_bytes, seal, manifest["public_key"])


def export(path, **kw):
    return write_sync_file(path, direction=LAPTOP_TO_CENTRE, device_id="laptop-1",
                           changes=CHANGES, open_file=opener, seal=DeviceSeal(KEY),
                           files=[Attachment(s, len(b)) for s, b in FILES.items()], **kw)


def read(path):
    return open_sync_file(path, direction=LAPTOP_TO_CENTRE, check_seal=trust_this_key)


def test_written_then_read_back_whole(tmp_path):
    path = tmp_path / "stick" / "sync.ffsync"
    path.parent.mkdir()
    seen = []
    export(path, progress=lambda d, t: seen.append((d, t)))
    assert os.listdir(path.parent) == ["sync.ffsync"]
    with read(path) as sync:
        assert sync.changes == CHANGES and sync.device_id == "laptop-1"
        assert sorted(sync.files) == sorted(FILES)
        for sha in FILES:
            with sync.open_file(sha) as fh:
                assert fh.read() == FILES[sha]
    assert seen[-1][0] == seen[-1][1]


def flip(path, at):
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_byte_flipped_anywhere_is_refused(tmp_path):
    path = tmp_path / "sync.ffsync"
    export(path)
    clean = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        info = {i.filename: i for i in zf.infolist()}
    for name in ("changes.json", f"files/{next(iter(FILES))}", "manifest.json"):
        path.write_bytes(clean)
        # a byte in the middle of the entry's data (after its local header)
        start = info[name].header_offset + 30 + len(name.encode())
        flip(path, start + info[name].compress_size // 2)
        with pytest.raises(SyncFileRefused) as refused:
            read(path)
        message = str(refused.value)
        assert name in message or "seal" in message or "damaged" in message, message
    for at in (0, len(clean) // 3, len(clean) - 10):  # headers and the directory too
        path.write_bytes(clean)
        flip(path, at)
        with pytest.raises(SyncFileRefused):
            read(path)


def test_a_file_cut_short_is_refused(tmp_path):
    path = tmp_path / "sync.ffsync"
    export(path)
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(SyncFileRefused) as refused:
        read(path)
    assert "cut short" in str(refused.value)


def test_a_seal_by_another_key_is_refused(tmp_path):
    path = tmp_path / "sync.ffsync"
    write_sync_file(path, direction=LAPTOP_TO_CENTRE, device_id="laptop-1", changes=CHANGES,
                    files=[], open_file=opener, seal=DeviceSeal(Ed25519PrivateKey.generate()))
    with pytest.raises(SyncFileRefused) as refused:
        read(path)
    assert "seal" in str(refused.value)


def test_the_centre_seals_for_one_laptop_with_its_token_hash(tmp_path):
    path = tmp_path / "for-laptop.ffsync"
    token_hash = hashlib.sha256(b"the laptop's token").hexdigest()
    write_sync_file(path, direction=archive.CENTRE_TO_LAPTOP, device_id="laptop-1",
                    changes=CHANGES, files=[], open_file=opener, seal=TokenSeal(token_hash))
    mine = open_sync_file(path, direction=archive.CENTRE_TO_LAPTOP,
                          check_seal=lambda m, b, s: check_token_seal(b, s, token_hash))
    mine.close()
    other = hashlib.sha256(b"another laptop").hexdigest()
    with pytest.raises(SyncFileRefused):
        open_sync_file(path, direction=archive.CENTRE_TO_LAPTOP,
                       check_seal=lambda m, b, s: check_token_seal(b, s, other))
    with pytest.raises(SyncFileRefused) as wrong_way:
        open_sync_file(path, direction=LAPTOP_TO_CENTRE, check_seal=lambda *a: True)
    assert "not a laptop's export" in str(wrong_way.value)


@pytest.fixture
def small_stick(tmp_path):
    """A real 1 MB file system (tmpfs), where the machine lets us mount one (root on Linux)."""
    mount = tmp_path / "stick"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


@pytest.mark.parametrize("checked_first", [True, False])
def test_a_full_stick_leaves_nothing_under_the_name(small_stick, monkeypatch, checked_first):
    if not checked_first:  # the room looked enough, then the write itself runs out
        monkeypatch.setattr(archive, "_check_room", lambda folder, needed: None)
    big = os.urandom(3 * 1024 * 1024)
    sha = hashlib.sha256(big).hexdigest()
    with pytest.raises(SyncFileFailed) as failed:
        write_sync_file(small_stick / "sync.ffsync", direction=LAPTOP_TO_CENTRE,
                        device_id="laptop-1", changes=CHANGES, files=[Attachment(sha, len(big))],
                        open_file=lambda s: io.BytesIO(big), seal=DeviceSeal(KEY))
    assert "not enough room" in str(failed.value) and "3 MB" in str(failed.value)
    assert os.listdir(small_stick) == []


def test_a_cancelled_export_leaves_nothing(tmp_path):
    path = tmp_path / "sync.ffsync"
    with pytest.raises(SyncFileCancelled):
        export(path, cancelled=lambda: True)
    assert os.listdir(tmp_path) == []


def test_an_evidence_file_not_matching_its_hash_is_not_exported(tmp_path):
    path = tmp_path / "sync.ffsync"
    bad = hashlib.sha256(b"what it was").hexdigest()
    with pytest.raises(SyncFileRefused) as refused:
        write_sync_file(path, direction=LAPTOP_TO_CENTRE, device_id="laptop-1", changes=CHANGES,
                        files=[Attachment(bad, 9)], open_file=lambda sha: io.BytesIO(b"changed!!"),
                        seal=DeviceSeal(KEY))
    assert bad[:12] in str(refused.value)
    assert os.listdir(tmp_path) == []
