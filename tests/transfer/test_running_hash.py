"""The whole file's SHA-256 worked out behind the chunks (server/files/running_hash.py), from
the part file as written: it counts only committed chunks, in order, whatever a chunk that
was not committed wrote (even when that chunk was cut off the file before the hash read it),
and it tells the writer to wait once it is too far behind."""
from __future__ import annotations

import hashlib
import os
import threading

from server.files import running_hash
from server.files.running_hash import RunningFileHash


class PartFile:
    """The upload's part file, written as _FolderChunk writes it."""

    def __init__(self, path):
        self.path = path
        self.path.touch()

    def write_at(self, offset: int, data: bytes) -> None:
        with open(self.path, "r+b") as fh:
            fh.seek(offset)
            fh.write(data)

    def cut_to(self, offset: int) -> None:
        os.truncate(self.path, offset)


def test_only_committed_chunks_count_in_order(tmp_path):
    first, lost, second = os.urandom(70_000), os.urandom(30_000), os.urandom(50_000)
    part = PartFile(tmp_path / "u.part")
    running = RunningFileHash(hashlib.sha256(), 0, part.path)
    running.start_chunk()
    part.write_at(0, first[:20_000])
    running.written(20_000)
    part.write_at(20_000, first[20_000:])
    running.written(50_000)
    running.commit(len(first))
    running.start_chunk()
    part.write_at(len(first), lost)   # a chunk refused (bad checksum): never committed
    running.written(len(lost))
    part.cut_to(len(first))           # ... and cut off the file, as abandon() does
    running.start_chunk()             # the next chunk starts from the committed offset
    part.write_at(len(first), second)
    running.written(len(second))
    running.commit(len(first) + len(second))
    assert running.committed == len(first) + len(second)
    assert running.hexdigest() == hashlib.sha256(first + second).hexdigest()


def test_a_chunk_cut_off_before_the_hash_reached_it_is_of_no_account(tmp_path):
    """The laptop's connection drops: the chunk's bytes are cut off the file before the hash
    thread comes to them, so it reads short; the next chunk carries on as if never sent."""
    first, lost, second = os.urandom(40_000), os.urandom(30_000), os.urandom(20_000)
    part = PartFile(tmp_path / "u.part")
    part.write_at(0, first)
    running = RunningFileHash(hashlib.sha256(first), len(first), part.path)
    running.start_chunk()
    running.written(len(lost))       # announced, but its bytes are no longer in the file
    assert running.hexdigest() == hashlib.sha256(first).hexdigest()  # read short, no harm
    running.start_chunk()
    part.write_at(len(first), second)
    running.written(len(second))
    running.commit(len(first) + len(second))
    assert running.hexdigest() == hashlib.sha256(first + second).hexdigest()


def test_carries_on_from_a_hash_of_the_bytes_already_on_disk(tmp_path):
    on_disk, rest = os.urandom(10_000), os.urandom(10_000)
    part = PartFile(tmp_path / "u.part")
    part.write_at(0, on_disk)
    running = RunningFileHash(hashlib.sha256(on_disk), len(on_disk), part.path)
    running.start_chunk()
    part.write_at(len(on_disk), rest)
    running.written(len(rest))
    assert running.hexdigest() == hashlib.sha256(on_disk).hexdigest()  # rest not committed
    running.commit(len(on_disk) + len(rest))
    assert running.hexdigest() == hashlib.sha256(on_disk + rest).hexdigest()


def test_the_writer_is_told_to_wait_rather_than_run_far_ahead(tmp_path, monkeypatch):
    """With the hashing held up, the writer is told it is lagging once MAX_BEHIND bytes
    wait, and catch_up() holds it (so the socket, and the laptop, wait) until the hash has
    come back under the limit; the last chunk's wait for the hash stays short."""
    monkeypatch.setattr(running_hash, "MAX_BEHIND", 64_000)
    gate = threading.Event()
    slow = hashlib.sha256()

    class HeldUp:
        def update(self, data):
            gate.wait(10)
            slow.update(data)

        def copy(self):
            return slow.copy()

    part = PartFile(tmp_path / "u.part")
    running = RunningFileHash(hashlib.sha256(), 0, part.path)
    running._hasher = HeldUp()  # the state kept at offset 0 stays a real hash
    pieces = [os.urandom(40_000) for _ in range(4)]
    offset = 0
    for piece in pieces[:2]:
        part.write_at(offset, piece)
        offset += len(piece)
        running.written(len(piece))
    assert running.lagging      # 80,000 bytes written and not hashed
    waiter = threading.Thread(target=running.catch_up)
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive()    # the writer waits ...
    gate.set()
    waiter.join(10)
    assert not waiter.is_alive() and not running.lagging  # ... until the hash catches up
    for piece in pieces[2:]:
        part.write_at(offset, piece)
        offset += len(piece)
        running.written(len(piece))
    running.commit(160_000)
    assert running.hexdigest() == hashlib.sha256(b"".join(pieces)).hexdigest()
