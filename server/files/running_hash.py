"""An upload's whole-file SHA-256, worked out on a thread of its own a little behind the chunks.

Why: the file's SHA-256 (its name in the store, checked before the file is stored) is the
slowest step of taking a chunk, about 1 GB/s on the centre's machine. Worked out on the
chunk's writing thread, it stood between each chunk's last byte and its answer while the
laptop waited with nothing to send, 128 times per GB. Only the last chunk needs the finished
hash; every other chunk is answered once its own checksum matched and its bytes are written,
and the hash catches up meanwhile, on a second core when there is one.

The bytes wait for the hash in memory, at most MAX_BEHIND of them per upload (the writer
waits beyond that), so a slow hash slows the upload rather than filling the centre's memory.
The state at the last committed offset is kept: every chunk starts from it, so bytes of a
chunk that was cut or refused never count, whatever happened to that chunk's request.
"""
from __future__ import annotations

import hashlib
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor

MAX_BEHIND = 16 * 1024 * 1024
# Shared by every upload in the process; each upload's pieces are hashed in order, one task
# at a time, so a few threads serve any number of laptops.
_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="file-sha256")


class RunningFileHash:
    def __init__(self, hasher: "hashlib._Hash", offset: int):
        self._hasher = hasher
        self._kept = hasher.copy()  # the hash of the first `committed` bytes
        self.committed = offset     # bytes of committed chunks handed over (hashed or waiting)
        self._waiting: deque = deque()
        self._behind = 0
        self._draining = False
        self._failed: BaseException | None = None
        self._changed = threading.Condition()

    @property
    def failed(self) -> bool:
        return self._failed is not None

    def start_chunk(self) -> None:
        """A chunk begins at the committed offset: drop whatever a chunk before it fed and
        did not commit (normally nothing)."""
        self._post(("restore",), 0)

    def feed(self, pieces) -> None:
        """Bytes of the current chunk, in order; blocks while the hash is MAX_BEHIND behind."""
        size = sum(map(len, pieces))
        with self._changed:
            while self._behind >= MAX_BEHIND:
                self._changed.wait()
        self._post(("bytes", pieces), size)

    def commit(self, offset: int) -> None:
        """The chunk fed since start_chunk() counts: the upload's committed offset is now
        `offset`."""
        self.committed = offset
        self._post(("keep",), 0)

    def hexdigest(self) -> str:
        """The SHA-256 of every committed byte, once the hash has caught up."""
        with self._changed:
            while self._waiting or self._draining:
                self._changed.wait()
            if self._failed is not None:
                raise RuntimeError("the file's SHA-256 could not be worked out") from self._failed
            return self._kept.hexdigest()

    def _post(self, step: tuple, size: int) -> None:
        with self._changed:
            self._waiting.append((step, size))
            self._behind += size
            if self._draining:
                return
            self._draining = True
        _THREADS.submit(self._drain)

    def _drain(self) -> None:
        try:
            while True:
                with self._changed:
                    if not self._waiting:
                        self._draining = False
                        self._changed.notify_all()
                        return
                    step, size = self._waiting.popleft()
                if step[0] == "bytes":
                    for piece in step[1]:
                        self._hasher.update(piece)  # lets go of the GIL for the hashing
                elif step[0] == "keep":
                    self._kept = self._hasher.copy()
                else:
                    self._hasher = self._kept.copy()
                if size:
                    with self._changed:
                        self._behind -= size
                        self._changed.notify_all()
        except BaseException as exc:  # out of memory: fail the upload, never hang it
            with self._changed:
                self._failed = exc
                self._waiting.clear()
                self._behind = 0
                self._draining = False
                self._changed.notify_all()
            raise
