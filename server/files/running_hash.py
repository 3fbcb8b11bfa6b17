"""An upload's whole-file SHA-256, worked out on a thread of its own a little behind the chunks.

Why: the file's SHA-256 (its name in the store, checked before the file is stored) is the
slowest step of taking a chunk, about 1.7 GB/s on the centre's machine. Worked out on the
chunk's writing thread, it stood between each chunk's last byte and its answer while the
laptop waited with nothing to send. Only the last chunk needs the finished hash; every other
chunk is answered once its own checksum matched and its bytes are written, and the hash
catches up meanwhile, on a second core when there is one.

The hash reads back what was written, from the part file (the kernel's page cache, so no
disk is touched), in large blocks into one buffer of its own. Why not hash the received
pieces themselves, as this did before: keeping up to 16 MB of pieces alive for it made the
centre's memory churn (fresh pages for every batch), and hashing them piece by piece meant a
hand-over of Python's GIL for every piece, each one waiting on the thread that reads the
socket: the upload ran at half the speed of a plain PUT. Reading back costs a copy out of
the page cache and hashes exactly the bytes on disk.

When MAX_BEHIND bytes are written and not yet hashed the writer waits (`lagging`,
`catch_up`), so the last chunk's wait for the hash stays short. The state at the last
committed offset is kept: every chunk starts from it, so bytes of a chunk that was cut or
refused never count, whatever happened to that chunk's request (they may even have been cut
off the file before the hash came to them: a short read there is of no account).
"""
from __future__ import annotations

import hashlib
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

MAX_BEHIND = 32 * 1024 * 1024
READ_BLOCK = 4 * 1024 * 1024  # one read and one hash call per block: few GIL hand-overs
# Shared by every upload in the process; each upload's steps are taken in order, one task
# at a time, so a few threads serve any number of laptops.
_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="file-sha256")


class RunningFileHash:
    def __init__(self, hasher: "hashlib._Hash", offset: int, path: Path):
        self._path = path
        self._hasher = hasher
        self._kept = hasher.copy()  # the hash of the first `_kept_at` bytes
        self._kept_at = offset
        self._at = offset           # the next byte of the file the hash takes
        self.committed = offset     # bytes of committed chunks written (hashed or waiting)
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

    def written(self, size: int) -> None:
        """`size` more bytes of the current chunk are in the part file, after the last ones.
        Never waits (it is called on the server's event loop): see `lagging`."""
        self._post(("bytes", size), size)

    @property
    def lagging(self) -> bool:
        """MAX_BEHIND or more bytes written and not yet hashed: the writer should wait for
        `catch_up()` (on a worker thread) before writing more."""
        return self._behind >= MAX_BEHIND

    def catch_up(self) -> None:
        """Wait until the hash is less than MAX_BEHIND behind, so a slow hash slows the
        upload instead of leaving the last chunk a long wait."""
        with self._changed:
            while self._behind >= MAX_BEHIND and self._failed is None:
                self._changed.wait()

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
            if self._failed is not None:
                return
            self._waiting.append((step, size))
            self._behind += size
            if self._draining:
                return
            self._draining = True
        _THREADS.submit(self._drain)

    def _drain(self) -> None:
        # The file is opened for one run of steps and closed when none wait, so nothing
        # holds it open once the upload is answered (Windows cannot remove an open file).
        buffer: bytearray | None = None
        part = None
        try:
            while True:
                with self._changed:
                    if not self._waiting:
                        self._draining = False
                        self._changed.notify_all()
                        return
                    step, size = self._waiting.popleft()
                if step[0] == "bytes":
                    if part is None:
                        part = open(self._path, "rb", buffering=0)
                        buffer = bytearray(min(READ_BLOCK, max(size, 1 << 16)))
                    self._hash_from_file(part, buffer, size)
                elif step[0] == "keep":
                    self._kept, self._kept_at = self._hasher.copy(), self._at
                else:
                    self._hasher, self._at = self._kept.copy(), self._kept_at
                if size:
                    with self._changed:
                        self._behind -= size
                        if self._behind < MAX_BEHIND:
                            self._changed.notify_all()
        except BaseException as exc:  # the file gone, out of memory: fail, never hang the upload
            with self._changed:
                self._failed = exc
                self._waiting.clear()
                self._behind = 0
                self._draining = False
                self._changed.notify_all()
        finally:
            if part is not None:
                part.close()

    def _hash_from_file(self, part, buffer: bytearray, size: int) -> None:
        view = memoryview(buffer)
        part.seek(self._at)
        left = size
        while left > 0:
            got = part.readinto(view[:min(len(buffer), left)])
            if not got:
                # Cut off the file since: a chunk that was not committed (a restore follows).
                self._at += left
                return
            self._hasher.update(view[:got])  # lets go of the GIL for the hashing
            self._at += got
            left -= got
