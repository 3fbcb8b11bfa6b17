"""The whole file's SHA-256 worked out behind the chunks (server/files/running_hash.py): it
counts only committed chunks, in order, whatever a chunk that was not committed fed it, and
it never holds more than its limit of bytes waiting."""
from __future__ import annotations

import hashlib
import os
import threading

from server.files import running_hash
from server.files.running_hash import RunningFileHash


def test_only_committed_chunks_count_in_order():
    first, lost, second = os.urandom(70_000), os.urandom(30_000), os.urandom(50_000)
    running = RunningFileHash(hashlib.sha256(), 0)
    running.start_chunk()
    running.feed([first[:20_000], first[20_000:]])
    running.commit(len(first))
    running.start_chunk()
    running.feed([lost])          # a chunk cut short or refused: never committed
    running.start_chunk()         # the next chunk starts from the committed offset
    running.feed([second])
    running.commit(len(first) + len(second))
    assert running.committed == len(first) + len(second)
    assert running.hexdigest() == hashlib.sha256(first + second).hexdigest()


def test_carries_on_from_a_hash_of_the_bytes_already_on_disk():
    on_disk, rest = os.urandom(10_000), os.urandom(10_000)
    running = RunningFileHash(hashlib.sha256(on_disk), len(on_disk))
    running.start_chunk()
    running.feed([rest])
    assert running.hexdigest() == hashlib.sha256(on_disk).hexdigest()  # rest not committed
    running.commit(len(on_disk) + len(rest))
    assert running.hexdigest() == hashlib.sha256(on_disk + rest).hexdigest()


def test_the_writer_waits_rather_than_pile_up_bytes(monkeypatch):
    """With the hashing held up, feeding past the limit blocks the writer (so the socket,
    and the laptop, wait) instead of holding the rest of the file in memory."""
    monkeypatch.setattr(running_hash, "MAX_BEHIND", 64_000)
    gate = threading.Event()
    slow = hashlib.sha256()

    class HeldUp:
        def update(self, data):
            gate.wait(10)
            slow.update(data)

        def copy(self):
            return slow.copy()

    running = RunningFileHash(HeldUp(), 0)
    running._hasher = HeldUp()  # the state kept at offset 0 stays a real hash
    pieces = [os.urandom(40_000) for _ in range(4)]
    fed = []

    def writer():
        for piece in pieces:
            running.feed([piece])
            fed.append(piece)

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive() and len(fed) == 2  # 80,000 bytes waiting: the third one waits
    gate.set()
    thread.join(10)
    assert not thread.is_alive() and len(fed) == 4
    running.commit(160_000)
    assert running.hexdigest() == hashlib.sha256(b"".join(pieces)).hexdigest()
