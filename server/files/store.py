"""Where the centre keeps evidence files: content-addressed, never overwritten, resumable.

An assessor's video arrives over a Wi-Fi link that drops, from laptops that may be killed
mid-upload, at server processes that may be restarted or run side by side. So everything an
upload needs to carry on lives on disk, never only in a process's memory:

- `<root>/ab/abcdef…` is the file whose SHA-256 is `abcdef…`; once there it is read-only and
  no upload replaces it (a second copy of the same bytes is dropped, not renamed over it).
  One found damaged when served is moved to `<root>/.damaged/` (`set_aside`), never served.
- `<root>/.uploads/<id>.part` holds the bytes received so far and `<id>.json` the length,
  the expected SHA-256, the owner and the committed offset. A chunk counts only once its own
  checksum matched; then the offset is rewritten (temp file + rename); bytes past the offset
  (a connection cut mid-chunk, a killed process) are cut off before the next chunk.
- The whole file is hashed while it is written (a little behind, on a thread of its own
  that reads back what was written: running_hash.py); the last chunk moves it into the store only
  if the SHA-256 matches what the laptop said, after fsync, by a hard link (which cannot
  replace an existing name) and a directory fsync.
- Chunks are not flushed to disk one by one: a killed server process loses nothing the
  kernel holds, and flushing every 8 MB made uploads a third slower. A power cut may leave
  the last chunks unwritten under a committed offset; the bytes on disk are hashed again when
  the upload resumes, so such an upload fails its final SHA-256 check, is discarded, and the
  laptop (which keeps every file until the centre has it) sends it again.

`FileStore` is the one small interface the HTTP layer uses, so a centre can later keep its
files on S3-compatible storage (multipart upload parts map onto chunks); `FolderFileStore`
is the default, a folder in the server's data folder.
"""
from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import re
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Protocol

from app.transfer.chunk_checksum import chunk_checksum
from app.transfer.durable import fsync_dir
from server.files.running_hash import RunningFileHash

try:  # one transfer per upload at a time, across server processes sharing the folder
    import fcntl
except ImportError:  # pragma: no cover - Windows servers rely on a single process
    fcntl = None

PIECE = 1024 * 1024
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
UPLOAD_ID_RE = re.compile(r"^[0-9a-f]{32}$")
# What a chunk's Upload-Checksum may name (tus checksum extension; the laptop picks from the
# list the centre gives in Tus-Checksum-Algorithm), cheapest first: the chunk's checksum only
# has to catch bytes damaged on the way, while the whole file's SHA-256 (its name in the store)
# is worked out once as it is written and checked before it is stored. See chunk_checksum.py.
CHECKSUM_ALGORITHMS = ("xxh3-64", "crc32", "sha256", "sha1", "md5")
# How long an unfinished upload is kept without a byte arriving (tus expiration extension).
# A laptop lost, or a file deleted before it was all sent, would otherwise leave its part in
# `.uploads/` for ever. Two weeks outlasts an assessor's fortnight at employers' sites with no
# connection; a laptop that comes back later only sends its file again from the start.
KEEP_PARTIAL = 14 * 24 * 3600.0


class FileStoreError(Exception):
    """Something a laptop did or asked for that the store refuses; the message says why."""


class UnknownUpload(FileStoreError):
    pass


class OffsetMismatch(FileStoreError):
    def __init__(self, expected: int, given: int):
        super().__init__(f"the upload is at byte {expected:,}, not {given:,}; ask for its "
                         f"offset (HEAD) and carry on from there")
        self.expected = expected


class ChunkCorrupt(FileStoreError):
    """The chunk's bytes do not match the checksum sent with them: nothing was kept."""


class FileMismatch(FileStoreError):
    """The whole file arrived but its SHA-256 is not the one announced: it was discarded."""


class StoredFileDamaged(FileStoreError):
    """A stored file read to its end did not match its SHA-256: it has been set aside."""


class UploadBusy(FileStoreError):
    """Another request is writing this upload right now (a retry racing a dying one)."""


class TooLarge(FileStoreError):
    pass


@dataclass
class UploadState:
    id: str
    length: int
    sha256: str
    owner: str
    offset: int = 0
    name: str = ""

    @property
    def complete(self) -> bool:
        return self.offset >= self.length


class FileStore(Protocol):
    """What the server asks of wherever files are kept (a folder today, S3 later)."""

    def has(self, sha256: str) -> bool: ...
    def size_of(self, sha256: str) -> int | None: ...
    def lacking(self, hashes: Iterable[str]) -> list[str]: ...
    def begin(self, length: int, sha256: str, owner: str, name: str = "") -> UploadState: ...
    def upload(self, upload_id: str) -> UploadState: ...
    def receive(self, upload_id: str, offset: int,
                algorithm: str | None = None) -> "ChunkReceiver": ...
    def put(self, sha256: str, size: int, source: BinaryIO, owner: str = "") -> bool: ...
    def open_range(self, sha256: str, start: int, end: int) -> Iterator[bytes]: ...
    def open_checked(self, sha256: str) -> Iterator[bytes]: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def verify(self, sha256: str) -> bool: ...
    def set_aside(self, sha256: str) -> None: ...
    def was_set_aside(self, sha256: str) -> bool: ...
    def discard(self, upload_id: str) -> None: ...
    def expires(self, upload_id: str) -> float: ...
    def sweep_expired(self, now: float | None = None) -> list[str]: ...


class ChunkReceiver(Protocol):
    # True when write() only hands bytes to the local kernel (a page-cache write of a
    # megabyte takes a fraction of a millisecond): the HTTP layer then writes on its event
    # loop. A store that writes over a network says False and is written from worker threads.
    quick_writes: bool
    # True when write() has got ahead of work behind it (the file's SHA-256): the HTTP layer
    # waits for catch_up() on a worker thread before writing more.
    lagging: bool

    def write(self, *pieces: bytes) -> None: ...
    def catch_up(self) -> None: ...
    def commit(self, checksum: tuple[str, bytes] | None) -> UploadState: ...
    def abandon(self) -> None: ...


def new_checksum(algorithm: str):
    """A running checksum for one of CHECKSUM_ALGORITHMS."""
    return chunk_checksum(algorithm)


def valid_sha256(value: str) -> bool:
    return bool(SHA256_RE.match(value or ""))


def parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    """`Upload-Checksum: crc32 <base64 digest>` (tus checksum extension) -> (algo, digest)."""
    if not header:
        return None
    try:
        algo, encoded = header.strip().split(" ", 1)
        digest = base64.b64decode(encoded.strip(), validate=True)
    except ValueError:
        raise FileStoreError("Upload-Checksum must read '<algorithm> <base64 digest>'") from None
    algo = algo.lower()
    if algo not in CHECKSUM_ALGORITHMS:
        raise FileStoreError(f"checksum algorithm {algo!r} is not supported; use one of "
                             f"{', '.join(CHECKSUM_ALGORITHMS)}")
    return algo, digest


class FolderFileStore:
    """The default store: a folder (normally `<server data dir>/files`)."""

    def __init__(self, root: Path | str, max_size: int = 64 * 1024 ** 3,
                 keep_partial: float = KEEP_PARTIAL):
        self.root = Path(root)
        self.uploads = self.root / ".uploads"
        self.uploads.mkdir(parents=True, exist_ok=True)
        self.max_size = max_size
        self.keep_partial = keep_partial  # seconds an unfinished upload is kept idle
        # A cache, not state: the running SHA-256 of each upload (running_hash.py), so a chunk
        # that follows on in the same process need not re-read the file. Any other process
        # (or this one after a restart) re-hashes the bytes already on disk.
        self._hashing: dict[str, RunningFileHash] = {}
        self._hashing_lock = threading.Lock()

    # -- finished files ------------------------------------------------------------------
    def path_of(self, sha256: str) -> Path:
        if not valid_sha256(sha256):
            raise FileStoreError(f"{sha256!r} is not a SHA-256 (64 lower-case hex digits)")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return valid_sha256(sha256) and self.path_of(sha256).is_file()

    def size_of(self, sha256: str) -> int | None:
        try:
            return self.path_of(sha256).stat().st_size
        except (OSError, FileStoreError):
            return None

    def lacking(self, hashes: Iterable[str]) -> list[str]:
        wanted = list(dict.fromkeys(hashes))
        bad = [h for h in wanted if not valid_sha256(h)]
        if bad:
            raise FileStoreError(f"not SHA-256 hashes: {', '.join(map(repr, bad[:3]))}")
        return [h for h in wanted if not self.has(h)]

    def put(self, sha256: str, size: int, source: BinaryIO, owner: str = "") -> bool:
        """Store a whole file read from `source` (a sync file's entry), with the same checks
        as an upload. Returns False if the centre already had it (nothing was read)."""
        if self.has(sha256):
            return False
        state = self.begin(size, sha256, owner)
        if state.complete:
            return True
        chunk = self.receive(state.id, 0)
        try:
            for piece in iter(lambda: source.read(PIECE), b""):
                chunk.write(piece)
            if chunk.received != size:
                raise FileStoreError(f"{size - chunk.received:,} bytes short")
            chunk.commit(None)
        except BaseException:
            chunk.abandon()
            self.discard(state.id)
            raise
        return True

    def open_range(self, sha256: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes start..end (inclusive) of a stored file, a piece at a time."""
        path = self.path_of(sha256)
        fh = open(path, "rb")  # opened now, so a missing file fails before a response starts

        def pieces() -> Iterator[bytes]:
            with fh:
                fh.seek(start)
                left = end - start + 1
                while left > 0:
                    data = fh.read(min(PIECE, left))
                    if not data:
                        return
                    left -= len(data)
                    yield data
        return pieces()

    def open_checked(self, sha256: str) -> Iterator[bytes]:
        """The whole stored file a piece at a time, hashed as it is read, for a download from
        the first byte. Hashing it all before the first byte went left a laptop waiting with
        nothing arriving for as long as a multi-GB file took to read (its read timeout is
        60 s). The last piece is held back until the hash is known: a file that no longer
        matches is set aside and the stream ends with StoredFileDamaged in place of its last
        piece, so no laptop ever gets the whole of a damaged file (it checks the SHA-256
        itself as well, and is told why on its next try: `was_set_aside`)."""
        path = self.path_of(sha256)
        fh = open(path, "rb")  # opened now, so a missing file fails before a response starts
        inode = os.fstat(fh.fileno()).st_ino

        def pieces() -> Iterator[bytes]:
            digest = hashlib.sha256()
            held = None
            with fh:
                while data := fh.read(PIECE):
                    digest.update(data)
                    if held is not None:
                        yield held
                    held = data
            if digest.hexdigest() != sha256:
                self.set_aside(sha256, only_inode=inode)
                raise StoredFileDamaged(f"the stored file {sha256} no longer matches its "
                                        f"SHA-256: set aside, its download cut short")
            if held is not None:
                yield held
        return pieces()

    def open(self, sha256: str) -> BinaryIO:
        """A stored file to read from the start (a sync file for a laptop)."""
        return open(self.path_of(sha256), "rb")

    def verify(self, sha256: str) -> bool:
        path = self.path_of(sha256)
        return path.is_file() and _hash_file(path, path.stat().st_size).hexdigest() == sha256

    def set_aside(self, sha256: str, only_inode: int | None = None) -> None:
        """A stored file found not to match its hash (a failing disk, a hand at work) is moved
        to `.damaged/`, kept for whoever looks into it but never served. The centre then
        lacks it again, so the laptop that holds it sends a good copy at its next sync.
        `only_inode`: set aside only the very file that was read (a download that took a
        while must not move a good copy sent again meanwhile)."""
        aside = self.root / ".damaged"
        aside.mkdir(exist_ok=True)
        try:
            if only_inode is not None and self.path_of(sha256).stat().st_ino != only_inode:
                return   # already set aside and a good copy stored since
            os.replace(self.path_of(sha256), aside / f"{sha256}.{uuid.uuid4().hex[:8]}")
        except FileNotFoundError:
            return   # another request set it aside first
        fsync_dir(aside)
        fsync_dir(self.path_of(sha256).parent)

    def was_set_aside(self, sha256: str) -> bool:
        """Whether a copy of this file was found damaged here (and none stored since)."""
        aside = self.root / ".damaged"
        return valid_sha256(sha256) and aside.is_dir() and any(aside.glob(f"{sha256}.*"))

    # -- uploads in progress -------------------------------------------------------------
    def begin(self, length: int, sha256: str, owner: str, name: str = "") -> UploadState:
        if not valid_sha256(sha256):
            raise FileStoreError("the file's SHA-256 must be given (64 lower-case hex digits)")
        if length < 0:
            raise FileStoreError("Upload-Length must be 0 or more")
        if length > self.max_size:
            raise TooLarge(f"{length:,} bytes is more than this centre accepts "
                           f"({self.max_size:,} bytes)")
        state = UploadState(uuid.uuid4().hex, length, sha256, owner, 0, name[:255])
        self._part(state.id).touch(exist_ok=False)
        self._save(state)
        if length == 0:
            with self._locked(state.id):
                return self._finish(state, hashlib.sha256())
        return state

    def upload(self, upload_id: str) -> UploadState:
        if not UPLOAD_ID_RE.match(upload_id or ""):
            raise UnknownUpload("no such upload")
        try:
            data = json.loads((self.uploads / f"{upload_id}.json").read_text())
            return UploadState(**data)
        except FileNotFoundError:
            raise UnknownUpload("no such upload (it finished, was discarded, or never "
                                "existed): start it again") from None
        except (ValueError, TypeError):  # its state file was lost in a power cut: start again
            self.discard(upload_id)
            raise UnknownUpload("that upload was lost on the centre; start it again") from None

    def receive(self, upload_id: str, offset: int,
                algorithm: str | None = None) -> "_FolderChunk":
        """Take one chunk at `offset`; `algorithm` names the checksum its commit will bring."""
        self.upload(upload_id)  # an unknown upload is refused before taking any lock
        return _FolderChunk(self, upload_id, offset, algorithm)

    def discard(self, upload_id: str) -> None:
        for suffix in (".part", ".json", ".lock"):
            try:
                os.unlink(self.uploads / f"{upload_id}{suffix}")
            except FileNotFoundError:
                pass
        with self._hashing_lock:
            self._hashing.pop(upload_id, None)

    def expires(self, upload_id: str) -> float:
        """When (epoch seconds) this unfinished upload goes if nothing more arrives: its last
        activity (the newest of its files' modification times) plus `keep_partial`."""
        return self._last_activity(upload_id) + self.keep_partial

    def sweep_expired(self, now: float | None = None) -> list[str]:
        """Remove unfinished uploads idle longer than `keep_partial`; returns their ids.
        One being written (its lock is held, by this process or another) is left alone, and
        idleness is checked again under the lock, so a chunk that just arrived keeps it.
        Stored files are never touched: they live outside `.uploads/`."""
        now = time.time() if now is None else now
        ids = {name.split(".", 1)[0] for name in os.listdir(self.uploads)}
        gone = []
        for upload_id in sorted(i for i in ids if UPLOAD_ID_RE.match(i)):
            if now - self._last_activity(upload_id) <= self.keep_partial:
                continue
            try:
                with self._locked(upload_id):
                    if now - self._last_activity(upload_id) <= self.keep_partial:
                        continue
                    for stray in (".json.tmp",):
                        try:
                            os.unlink(self.uploads / f"{upload_id}{stray}")
                        except FileNotFoundError:
                            pass
                    self.discard(upload_id)
                    gone.append(upload_id)
            except UploadBusy:
                continue
        return gone

    # -- inside -------------------------------------------------------------------------
    def _last_activity(self, upload_id: str) -> float:
        """Newest modification time of the upload's files (the part grows with every write,
        its state is rewritten at every commit); 0 when none is left. Not the lock file:
        taking the lock creates it, which is no sign of the laptop."""
        newest = 0.0
        for suffix in (".part", ".json", ".json.tmp"):
            try:
                newest = max(newest, os.stat(self.uploads / f"{upload_id}{suffix}").st_mtime)
            except FileNotFoundError:
                pass
        return newest

    def _part(self, upload_id: str) -> Path:
        return self.uploads / f"{upload_id}.part"

    def _save(self, state: UploadState) -> None:
        target = self.uploads / f"{state.id}.json"
        tmp = target.with_suffix(".json.tmp")
        with open(tmp, "w") as fh:
            json.dump(asdict(state), fh)
        os.replace(tmp, target)

    @contextmanager
    def _locked(self, upload_id: str):
        if fcntl is None:
            yield
            return
        fd = os.open(self.uploads / f"{upload_id}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UploadBusy("this upload is being written by another request; try "
                                 "again in a moment") from None
            yield
        finally:
            os.close(fd)

    def _hasher_at(self, state: UploadState) -> RunningFileHash:
        """The upload's running SHA-256 at its committed offset (called under its lock)."""
        with self._hashing_lock:
            cached = self._hashing.get(state.id)
        if cached is None or cached.committed != state.offset or cached.failed:
            # another process wrote since (or the hashing failed): hash what is on disk
            part = self._part(state.id)
            cached = RunningFileHash(_hash_file(part, state.offset), state.offset, part)
            with self._hashing_lock:
                self._hashing[state.id] = cached
        cached.start_chunk()
        return cached

    def _finish(self, state: UploadState, hasher) -> UploadState:
        part = self._part(state.id)
        if hasher.hexdigest() != state.sha256:
            self.discard(state.id)
            raise FileMismatch(
                f"all {state.length:,} bytes arrived but their SHA-256 is {hasher.hexdigest()}, "
                f"not {state.sha256}; the upload was discarded and nothing was stored")
        target = self.path_of(state.sha256)
        target.parent.mkdir(exist_ok=True)
        os.chmod(part, 0o444)  # evidence never changes under its name
        try:
            os.link(part, target)  # unlike rename, a link never replaces an existing file
        except FileExistsError:
            pass  # the same bytes, already stored (another laptop, another record): keep them
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            if not target.exists():
                os.replace(part, target)
        fsync_dir(target.parent)
        self.discard(state.id)
        return state


class _FolderChunk:
    """One PATCH's bytes, written at the committed offset and counted only on commit."""

    def __init__(self, store: FolderFileStore, upload_id: str, offset: int,
                 algorithm: str | None):
        self.store = store
        self._lock = store._locked(upload_id)
        self._lock.__enter__()
        try:
            # Read under the lock: a request that just finished may have moved the offset on,
            # and truncating to a stale one would throw away a committed chunk.
            self.state = state = store.upload(upload_id)
            if state.offset != offset:
                raise OffsetMismatch(state.offset, offset)
            self.fd = os.open(store._part(state.id), os.O_WRONLY)
            _cut_to(self.fd, state.offset)  # bytes of a chunk cut short are not kept
            os.lseek(self.fd, state.offset, os.SEEK_SET)
            self.file_hash = store._hasher_at(state)
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        self.received = 0
        self.chunk_hash = new_checksum(algorithm) if algorithm else None
        self.open = True

    # Written on the server's event loop, not handed to a worker thread: each hand-over
    # (and each return of the GIL after the write) waited on the thread reading the socket;
    # written in place, a 1 GB upload took 2.3 s instead of 3.2 s (interleaved runs).
    # The write only copies into the page cache; fsync, which can take seconds, is done in
    # commit() on a worker thread.
    quick_writes = True

    @property
    def lagging(self) -> bool:
        return self.file_hash.lagging

    def catch_up(self) -> None:
        self.file_hash.catch_up()

    def write(self, *pieces: bytes) -> None:
        """Append the pieces (as they came off the socket: no joining copy) to the chunk.
        The whole file's SHA-256 follows behind, on a thread of its own that reads back what
        was written, and is waited for only by the last chunk (running_hash.py)."""
        size = sum(map(len, pieces))
        if self.state.offset + self.received + size > self.state.length:
            self.abandon()
            raise FileStoreError(f"more bytes than the {self.state.length:,} announced")
        if self.chunk_hash:
            for piece in pieces:
                self.chunk_hash.update(piece)
        _write_all(self.fd, pieces, size)
        self.received += size
        self.file_hash.written(size)

    def commit(self, checksum: tuple[str, bytes] | None) -> UploadState:
        try:
            if checksum is not None and (self.chunk_hash is None
                                         or self.chunk_hash.name != checksum[0]
                                         or self.chunk_hash.digest() != checksum[1]):
                raise ChunkCorrupt("the chunk does not match its Upload-Checksum; it was not "
                                   "kept: send it again")
            self.state.offset += self.received
            self.store._save(self.state)
            self.file_hash.commit(self.state.offset)
            if self.state.complete:
                os.fsync(self.fd)  # the whole file is on disk before it takes its name
                os.close(self.fd)
                self.fd = -1
                return self.store._finish(self.state, self.file_hash)
            return self.state
        finally:
            self._close()

    def abandon(self) -> None:
        """The connection dropped or the chunk was refused: keep only committed bytes."""
        self._close()

    def _close(self) -> None:
        if not self.open:
            return
        self.open = False
        try:
            if self.fd >= 0:
                _cut_to(self.fd, self.state.offset)
                os.close(self.fd)
        except OSError:
            pass
        finally:
            self._lock.__exit__(None, None, None)


def _cut_to(fd: int, size: int) -> None:
    """Truncate the part file to `size` only if it is longer: only a chunk cut short or
    refused leaves bytes to cut. A truncate to the file's own size is not free on ext4 (why
    was not pinned down): done twice per chunk, it was most of the event loop's kernel time
    for a 1 GB upload on the centre (1.0-1.4 s; 0.45 s without it)."""
    if os.fstat(fd).st_size != size:
        os.ftruncate(fd, size)


def _write_all(fd: int, pieces: tuple[bytes, ...], size: int) -> None:
    """os.writev, carrying on after a short write (a nearly full disk) until all is written
    or the disk refuses with an error."""
    if len(pieces) > 512 or not hasattr(os, "writev"):  # IOV_MAX; Windows has no writev
        pieces = (b"".join(pieces),)
    written = os.writev(fd, pieces) if hasattr(os, "writev") else os.write(fd, pieces[0])
    if written < size:
        view = memoryview(b"".join(pieces))[written:]
        while view:
            view = view[os.write(fd, view):]


def _hash_file(path: Path, length: int):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        left = length
        while left > 0:
            data = fh.read(min(PIECE, left))
            if not data:
                break
            digest.update(data)
            left -= len(data)
    return digest
