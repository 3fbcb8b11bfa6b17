"""The sync file's container on its own: sealed, checked byte for byte, refused naming what
failed when altered or cut short, never left half-written under its name."""
from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tracemalloc
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.sync.protocol import PROTOCOL_VERSION
from app.sync_file import archive
from app.sync_file.archive import (
    CENTRE_TO_LAPTOP, LAPTOP_TO_CENTRE, Attachment, DeviceSeal, SyncFileCancelled, SyncFileFailed, SyncFileRefused,
    TokenSeal, check_device_seal, check_token_seal, open_sync_file, write_sync_file,
)
from tests.transfer.sync_file_v1 import write_version_1

KEY = Ed25519PrivateKey.generate()
FILES = {hashlib.sha256(b).hexdigest(): b for b in (os.urandom(300_000), b"photo bytes" * 999)}
CHANGES = {"mutations": [{"id": "m1", "table": "learner", "row": {"name": "Amelia Hughes"}}]}
TOKEN_HASH = hashlib.sha256(b"laptop-1's token").hexdigest()   # as the centre keeps it


def opener(sha):
    return io.BytesIO(FILES[sha])


def trust_this_key(manifest, manifest_bytes, seal):
    return manifest["public_key"] == DeviceSeal(KEY).public_hex() and \
        check_device_seal(manifest_bytes, seal, manifest["public_key"])


def export(path, **kw):
    return write_sync_file(path, direction=LAPTOP_TO_CENTRE, device_id="laptop-1",
                           changes=CHANGES, open_file=opener, seal=DeviceSeal(KEY),
                           token_hash=TOKEN_HASH,
                           files=[Attachment(s, len(b)) for s, b in FILES.items()], **kw)


def read(path, token_hash=TOKEN_HASH):
    return open_sync_file(path, direction=LAPTOP_TO_CENTRE, check_seal=trust_this_key,
                          token_hash=lambda manifest: token_hash)


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
    manifest = export(path)
    clean = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        info = {i.filename: i for i in zf.infolist()}
    member = {e["name"]: e["entry"] for e in manifest["entries"]}   # sealed/<n>
    member["manifest.json"] = "manifest.json"
    for name in ("changes.json", f"files/{next(iter(FILES))}", "manifest.json"):
        path.write_bytes(clean)
        # a byte in the middle of the entry's data (after its local header)
        start = info[member[name]].header_offset + 30 + len(member[name].encode())
        flip(path, start + info[member[name]].compress_size // 2)
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
                    files=[], open_file=opener, seal=DeviceSeal(Ed25519PrivateKey.generate()),
                    token_hash=TOKEN_HASH)
    with pytest.raises(SyncFileRefused) as refused:
        read(path)
    assert "seal" in str(refused.value)


def test_the_centre_seals_for_one_laptop_with_its_token_hash(tmp_path):
    path = tmp_path / "for-laptop.ffsync"
    token_hash = hashlib.sha256(b"the laptop's token").hexdigest()
    write_sync_file(path, direction=archive.CENTRE_TO_LAPTOP, device_id="laptop-1",
                    changes=CHANGES, files=[], open_file=opener, seal=TokenSeal(token_hash),
                    token_hash=token_hash)
    mine = open_sync_file(path, direction=archive.CENTRE_TO_LAPTOP,
                          check_seal=lambda m, b, s: check_token_seal(b, s, token_hash),
                          token_hash=lambda m: token_hash)
    mine.close()
    other = hashlib.sha256(b"another laptop").hexdigest()
    with pytest.raises(SyncFileRefused):
        open_sync_file(path, direction=archive.CENTRE_TO_LAPTOP,
                       check_seal=lambda m, b, s: check_token_seal(b, s, other),
                       token_hash=lambda m: other)
    with pytest.raises(SyncFileRefused) as wrong_way:
        open_sync_file(path, direction=LAPTOP_TO_CENTRE, check_seal=lambda *a: True,
                       token_hash=lambda m: token_hash)
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
                        open_file=lambda s: io.BytesIO(big), seal=DeviceSeal(KEY),
                        token_hash=TOKEN_HASH)
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
                        seal=DeviceSeal(KEY), token_hash=TOKEN_HASH)
    assert bad[:12] in str(refused.value)
    assert os.listdir(tmp_path) == []


# -- encrypted (format version 2) ---------------------------------------------------------
def test_nothing_on_the_stick_is_in_the_clear(tmp_path):
    """A thief with the stick finds no learner's name, no evidence bytes, not even the
    evidence files' SHA-256s (which would let them confirm a photo they hold is on it)."""
    path = tmp_path / "sync.ffsync"
    manifest = export(path)
    raw = path.read_bytes()
    assert b"Amelia Hughes" not in raw and b"Amelia" not in raw
    for sha, content in FILES.items():
        for at in (0, len(content) // 2, len(content) - 64):
            assert content[at:at + 64] not in raw
        assert sha.encode() not in raw and bytes.fromhex(sha) not in raw
    with zipfile.ZipFile(path) as zf:
        names = sorted(zf.namelist())
        shown = json.loads(zf.read("manifest.json"))
    assert names == ["manifest.json", "manifest.sig", "sealed/0", "sealed/1", "sealed/2"]
    assert shown["version"] == 3 and "entries" not in shown
    assert shown["protocol"] == PROTOCOL_VERSION     # the sync protocol its changes are in
    assert shown["sealed"]["cipher"] == "aes-256-gcm-chunks" and shown["sealed"]["kdf"] == "hkdf-sha256"
    assert sorted(e["name"] for e in manifest["entries"]) == sorted(
        ["changes.json"] + [f"files/{sha}" for sha in FILES])


def test_a_file_for_one_laptop_cannot_be_read_with_anothers_key(tmp_path):
    path = tmp_path / "sync.ffsync"
    export(path)
    laptop_b = hashlib.sha256(b"laptop-2's token").hexdigest()
    with pytest.raises(SyncFileRefused) as refused:
        read(path, token_hash=laptop_b)
    assert "cannot be decrypted" in str(refused.value) and "another laptop" in str(refused.value)
    with read(path) as sync:   # its own key still opens it
        assert sync.changes == CHANGES and sync.encrypted


def test_each_sync_file_has_its_own_key(tmp_path):
    """A fresh salt a file: the same changes written twice share no ciphertext."""
    export(tmp_path / "one.ffsync")
    export(tmp_path / "two.ffsync")
    with zipfile.ZipFile(tmp_path / "one.ffsync") as one, \
            zipfile.ZipFile(tmp_path / "two.ffsync") as two:
        assert one.read("sealed/0")[20:] != two.read("sealed/0")[20:]
        assert json.loads(one.read("manifest.json"))["sealed"]["salt"] != \
            json.loads(two.read("manifest.json"))["sealed"]["salt"]


def rebuilt(path, target, change):
    """`path`'s ZIP written again with `change(name, data)` applied to each member: a stick
    edited by someone who knows the ZIP format, so the ZIP itself reads fine."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                out.writestr(info.filename, data)


def test_a_sealed_entry_cut_short_or_swapped_is_refused(tmp_path):
    path = tmp_path / "sync.ffsync"
    manifest = export(path)
    big = next(e for e in manifest["entries"] if e["size"] == 300_000)
    cut = tmp_path / "cut.ffsync"
    rebuilt(path, cut, lambda name, data: data[:-100] if name == big["entry"] else data)
    with pytest.raises(SyncFileRefused) as refused:
        read(cut)
    assert big["name"] in str(refused.value) and "does not decrypt" in str(refused.value)

    swapped = tmp_path / "swapped.ffsync"
    with zipfile.ZipFile(path) as zf:
        one, two = zf.read("sealed/1"), zf.read("sealed/2")
    rebuilt(path, swapped, lambda name, data: {"sealed/1": two, "sealed/2": one}.get(name, data))
    with pytest.raises(SyncFileRefused) as refused:
        read(swapped)
    assert "does not match its SHA-256" in str(refused.value)

    extra = tmp_path / "extra.ffsync"
    rebuilt(path, extra, lambda name, data: data)
    with zipfile.ZipFile(extra, "a") as zf:
        zf.writestr("sealed/3", b"slipped in")
    with pytest.raises(SyncFileRefused) as refused:
        read(extra)
    assert "sealed/3" in str(refused.value) and "does not list" in str(refused.value)


# -- format versions 1 and 2, written in sync protocol 1 -------------------------------------
def test_a_file_from_before_the_protocol_changed_is_refused_saying_who_must_update(tmp_path,
                                                                                 monkeypatch):
    """Files before version 3 carry rows of sync protocol 1 (before merged learners): refused
    before anything is read, naming the side to update, exactly as over the network."""
    laptops_file, centres_file = tmp_path / "old.ffsync", tmp_path / "old-centre.ffsync"
    write_version_1(laptops_file, direction=LAPTOP_TO_CENTRE, device_id="laptop-1",
                    changes=CHANGES, files=FILES, seal=DeviceSeal(KEY))
    with pytest.raises(SyncFileRefused) as refused:
        read(laptops_file)
    assert "please update Fieldfolio on that laptop" in str(refused.value)
    assert "Nothing was imported" in str(refused.value)

    monkeypatch.setattr(archive, "VERSION", 2)          # as the centre wrote it before
    write_sync_file(centres_file, direction=CENTRE_TO_LAPTOP, device_id="laptop-1",
                    changes=CHANGES, files=[], open_file=opener, seal=DeviceSeal(KEY),
                    token_hash=TOKEN_HASH)
    monkeypatch.undo()
    with pytest.raises(SyncFileRefused) as refused:
        open_sync_file(centres_file, direction=CENTRE_TO_LAPTOP, check_seal=trust_this_key,
                       token_hash=lambda manifest: TOKEN_HASH)
    assert "ask the centre to update its server" in str(refused.value)


def test_a_large_video_is_sealed_and_read_back_streamed(tmp_path):
    """Memory stays flat: a 96 MB clip is encrypted into the sync file and decrypted back
    (checked, then copied out) with a few MB of Python memory at most."""
    clip = tmp_path / "clip.mp4"
    digest = hashlib.sha256()
    with open(clip, "wb") as fh:
        for _ in range(96):
            piece = os.urandom(1024 * 1024)
            fh.write(piece)
            digest.update(piece)
    sha, size = digest.hexdigest(), clip.stat().st_size
    path = tmp_path / "sync.ffsync"
    tracemalloc.start()
    try:
        write_sync_file(path, direction=LAPTOP_TO_CENTRE, device_id="laptop-1", changes=CHANGES,
                        files=[Attachment(sha, size)], open_file=lambda s: open(clip, "rb"),
                        seal=DeviceSeal(KEY), token_hash=TOKEN_HASH)
        written = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        copied = hashlib.sha256()
        with read(path) as sync:
            assert sync.size_of(sha) == size
            with sync.open_file(sha) as fh:
                for piece in iter(lambda: fh.read(1024 * 1024), b""):
                    copied.update(piece)
        read_back = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert copied.hexdigest() == sha
    assert written < 16 * 1024 * 1024 and read_back < 16 * 1024 * 1024, (written, read_back)
    assert clip.read_bytes()[50_000_000:50_000_064] not in path.read_bytes()
