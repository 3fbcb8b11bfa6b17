"""The centre's file store on its own: a file counts only when whole and matching its hash,
a damaged or cut chunk leaves nothing behind, a stored file is never replaced, and an upload
carries on in a new process (a restarted server) from the bytes on disk."""
from __future__ import annotations

import base64
import hashlib
import os
import time
import zlib

import pytest

from server.files.store import (
    ChunkCorrupt, FileMismatch, FolderFileStore, OffsetMismatch, UnknownUpload, UploadBusy,
    parse_checksum,
)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checksum(data: bytes):
    return parse_checksum("sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode())


def send(store, upload_id, offset, data, check=True):
    chunk = store.receive(upload_id, offset, "sha256" if check else None)
    try:
        chunk.write(data)
        return chunk.commit(checksum(data) if check else None)
    finally:
        chunk.abandon()


@pytest.fixture
def store(tmp_path):
    return FolderFileStore(tmp_path / "files")


def test_chunks_make_a_stored_file_under_its_hash(store):
    data = os.urandom(300_000)
    up = store.begin(len(data), sha(data), owner="laptop-a", name="obs.mp4")
    assert store.lacking([sha(data)]) == [sha(data)]
    state = send(store, up.id, 0, data[:100_000])
    assert state.offset == 100_000 and not store.has(sha(data))
    assert store.upload(up.id).offset == 100_000  # on disk, not only in memory
    send(store, up.id, 100_000, data[100_000:])
    assert store.has(sha(data)) and store.lacking([sha(data)]) == []
    assert b"".join(store.open_range(sha(data), 0, len(data) - 1)) == data
    assert b"".join(store.open_range(sha(data), 10, 19)) == data[10:20]
    assert store.verify(sha(data))
    with pytest.raises(UnknownUpload):
        store.upload(up.id)  # finished uploads leave no partial behind
    assert os.listdir(store.uploads) == []


def test_a_corrupted_chunk_is_refused_and_nothing_of_it_kept(store):
    data = os.urandom(50_000)
    up = store.begin(len(data), sha(data), owner="a")
    send(store, up.id, 0, data[:20_000])
    damaged = bytearray(data[20_000:40_000])
    damaged[5] ^= 1
    chunk = store.receive(up.id, 20_000, "sha256")
    chunk.write(bytes(damaged))
    with pytest.raises(ChunkCorrupt):
        chunk.commit(checksum(data[20_000:40_000]))
    assert store.upload(up.id).offset == 20_000
    assert (store.uploads / f"{up.id}.part").stat().st_size == 20_000
    send(store, up.id, 20_000, data[20_000:])
    assert store.verify(sha(data))


def crc32_checksum(data: bytes):
    return parse_checksum("crc32 " + base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode())


def test_a_crc32_chunk_checksum_takes_good_pieces_and_refuses_a_damaged_chunk(store):
    """The cheap per-chunk check laptops now choose still catches a flipped bit, and the
    whole file is stored only once its SHA-256 (worked out as it was written) matches."""
    data = os.urandom(90_000)
    up = store.begin(len(data), sha(data), owner="a")
    chunk = store.receive(up.id, 0, "crc32")
    chunk.write(data[:10_000], data[10_000:25_000], data[25_000:30_000])  # as they came in
    chunk.commit(crc32_checksum(data[:30_000]))
    assert store.upload(up.id).offset == 30_000
    damaged = bytearray(data[30_000:60_000])
    damaged[777] ^= 0x10
    chunk = store.receive(up.id, 30_000, "crc32")
    chunk.write(bytes(damaged))
    with pytest.raises(ChunkCorrupt):
        chunk.commit(crc32_checksum(data[30_000:60_000]))
    assert store.upload(up.id).offset == 30_000
    assert (store.uploads / f"{up.id}.part").stat().st_size == 30_000
    chunk = store.receive(up.id, 30_000, "crc32")
    chunk.write(data[30_000:])
    chunk.commit(crc32_checksum(data[30_000:]))
    assert store.verify(sha(data)) and os.listdir(store.uploads) == []


def test_a_chunk_cut_short_is_dropped_and_the_offset_stays(store):
    data = os.urandom(40_000)
    up = store.begin(len(data), sha(data), owner="a")
    chunk = store.receive(up.id, 0)
    chunk.write(data[:7_000])  # the connection drops here
    chunk.abandon()
    assert store.upload(up.id).offset == 0
    with pytest.raises(OffsetMismatch) as stale:
        store.receive(up.id, 7_000)
    assert stale.value.expected == 0
    send(store, up.id, 0, data)
    assert store.verify(sha(data))


def test_a_restarted_server_carries_on_from_the_bytes_on_disk(store, tmp_path):
    data = os.urandom(90_000)
    up = store.begin(len(data), sha(data), owner="a")
    send(store, up.id, 0, data[:30_000])
    # a killed process may leave bytes past the committed offset: they must not count
    with open(store.uploads / f"{up.id}.part", "ab") as fh:
        fh.write(b"junk from a killed request")
    restarted = FolderFileStore(tmp_path / "files")  # no memory of the running hash
    send(restarted, up.id, 30_000, data[30_000:])
    assert restarted.verify(sha(data))


def test_a_whole_file_not_matching_its_announced_hash_is_discarded(store):
    data = os.urandom(10_000)
    up = store.begin(len(data), sha(b"something else"), owner="a")
    with pytest.raises(FileMismatch):
        send(store, up.id, 0, data)
    assert not store.has(sha(b"something else")) and not store.has(sha(data))
    assert os.listdir(store.uploads) == []


def test_a_stored_file_is_never_replaced_and_the_same_file_twice_is_stored_once(store):
    data = os.urandom(20_000)
    first = store.begin(len(data), sha(data), owner="laptop-a")
    second = store.begin(len(data), sha(data), owner="laptop-b")  # two laptops at once
    send(store, first.id, 0, data[:10_000])
    send(store, second.id, 0, data[:10_000])
    send(store, first.id, 10_000, data[10_000:])
    before = os.stat(store.path_of(sha(data)))
    send(store, second.id, 10_000, data[10_000:])
    after = os.stat(store.path_of(sha(data)))
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert store.verify(sha(data))
    assert not os.access(store.path_of(sha(data)), os.W_OK) or os.geteuid() == 0
    assert oct(after.st_mode & 0o777) == oct(0o444)
    files = [p for p in store.root.rglob("*") if p.is_file() and ".uploads" not in p.parts]
    assert files == [store.path_of(sha(data))]


def test_one_writer_per_upload(store):
    data = os.urandom(1_000)
    up = store.begin(len(data), sha(data), owner="a")
    first = store.receive(up.id, 0)
    with pytest.raises(UploadBusy):
        store.receive(up.id, 0)
    first.abandon()
    send(store, up.id, 0, data)
    assert store.has(sha(data))


def test_an_empty_file_is_stored_at_once(store):
    up = store.begin(0, sha(b""), owner="a")
    assert up.complete and store.has(sha(b""))


def test_bad_hashes_and_ids_are_refused(store):
    from server.files.store import FileStoreError
    with pytest.raises(FileStoreError):
        store.begin(10, "../../etc/passwd", owner="a")
    with pytest.raises(UnknownUpload):
        store.upload("../x")
    with pytest.raises(FileStoreError):
        store.lacking(["nothex"])


def test_an_upload_whose_state_was_lost_in_a_power_cut_starts_again(store):
    data = os.urandom(5_000)
    up = store.begin(len(data), sha(data), owner="a")
    send(store, up.id, 0, data[:2_000])
    (store.uploads / f"{up.id}.json").write_text("")  # renamed, but its bytes never reached disk
    with pytest.raises(UnknownUpload):
        store.receive(up.id, 2_000, "sha256")
    assert os.listdir(store.uploads) == []
    again = store.begin(len(data), sha(data), owner="a")
    send(store, again.id, 0, data)
    assert store.verify(sha(data))


def test_put_a_whole_file_checks_it_like_an_upload(store):
    import io
    data = os.urandom(3 * 1024 * 1024 + 5)
    assert store.put(sha(data), len(data), io.BytesIO(data)) is True
    assert store.verify(sha(data))
    assert store.put(sha(data), len(data), io.BytesIO(b"never read")) is False
    with pytest.raises(FileMismatch):
        store.put(sha(b"other"), len(data), io.BytesIO(data))
    assert not store.has(sha(b"other")) and os.listdir(store.uploads) == []


def test_partials_idle_past_the_keep_time_are_swept_and_nothing_else(tmp_path):
    """The sweep's clock is the `now` it is given: uploads idle longer than keep_partial go
    (part, state and lock), a fresh one, one being written and every stored file stay."""
    store = FolderFileStore(tmp_path / "files", keep_partial=3600)
    done = os.urandom(5_000)
    send(store, store.begin(len(done), sha(done), "a").id, 0, done)
    idle = os.urandom(9_000)
    idle_up = store.begin(len(idle), sha(idle), "a")
    send(store, idle_up.id, 0, idle[:4_000])
    busy = os.urandom(9_000)
    busy_up = store.begin(len(busy), sha(busy), "a")
    fresh = os.urandom(9_000)
    fresh_up = store.begin(len(fresh), sha(fresh), "a")
    later = time.time() + 2 * 3600
    for up in (idle_up, busy_up):  # both last heard of two hours before `later`
        for suffix in (".part", ".json"):
            os.utime(store.uploads / f"{up.id}{suffix}", (later - 7200, later - 7200))
    assert store.expires(idle_up.id) == pytest.approx(later - 3600)
    os.utime(store.uploads / f"{fresh_up.id}.part", (later - 60, later - 60))
    chunk = store.receive(busy_up.id, 0)  # a request is writing it right now
    try:
        assert store.sweep_expired(now=later) == [idle_up.id]
    finally:
        chunk.abandon()
    assert {n.split(".")[0] for n in os.listdir(store.uploads)} == {busy_up.id, fresh_up.id}
    with pytest.raises(UnknownUpload):
        store.upload(idle_up.id)
    assert store.verify(sha(done))
    assert store.sweep_expired(now=later) == [busy_up.id]  # once its writer has gone
