"""Sending one evidence file to the centre so that a dropped connection costs at most a chunk.

The laptop speaks tus 1.0 (core, creation, checksum; see server/files/routes.py for why tus):
it creates an upload naming the file's SHA-256, then sends it in chunks, each with its own
checksum in `Upload-Checksum`: the cheapest the centre lists in Tus-Checksum-Algorithm
(XXH3, else CRC-32, else SHA-256: chunk_checksum.py; it only has to catch bytes damaged on
the way, while the file's SHA-256, which the centre checks before storing it, stays the
guarantee). After a cut it asks the server for its offset (HEAD) and
carries on from there; a corrupted chunk is refused by the server and sent again. The
upload's address is written to `<data dir>/sync/uploads/` as soon as the server gives it,
so a laptop killed mid-upload resumes after a restart instead of starting from zero.

Each chunk is read twice: once for its checksum (the header goes before the body), on a
read-ahead thread while the chunk before it is on the wire, and again as it is sent, a few
megabytes at a time. So a few megabytes of a file are all the laptop holds in memory, however
large the chunks (two whole chunks were held before: 98 MB resident for a 1 GB upload, now
80 MB). Runs on a worker thread; the caller passes `progress(done, total)` and `cancelled()`
for the window.
"""
from __future__ import annotations

import base64
import json
import os
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from concurrent.futures import Future, ThreadPoolExecutor

import httpx

from app.safekeeping.sealed import SealDamaged
from app.transfer.chunk_checksum import chunk_checksum
from app.transfer.laptop_files import LaptopFiles

TUS = {"Tus-Resumable": "1.0.0"}
# 32 MB: each chunk costs a round trip in which the connection drains and the centre sits
# idle (6-8 ms on loopback, more over Wi-Fi): at 16 MB that was a fifth of a 1 GB upload's
# time. A cut resends at most one chunk: seconds, at a site's slow link.
CHUNK_SIZE = 32 * 1024 * 1024
# Read in large pieces: each read, checksum and send lets go of Python's GIL and waits to
# take it back from the other thread, so 1 MB pieces spent longer waiting than working.
SEND_PIECE = 4 * 1024 * 1024
CHECK_BLOCK = 8 * 1024 * 1024
# Explicit limits: a chunk over a slow site link may take a while to write, but a server that
# stops answering must not hang the sync for ever.
TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
FILES_PATH = "/files"

Progress = Callable[[int, int], None]
# What a dropped or stalled connection raises; anything else is a bug, not worth retrying.
CUT = (httpx.NetworkError, httpx.TimeoutException, httpx.RemoteProtocolError)


# Chunk checksums this laptop can work out, cheapest first (chunk_checksum.py); the centre
# says which it accepts.
CHECKSUMS = ("xxh3-64", "crc32", "sha256")
# The centre's choice, asked once per client (one OPTIONS, not one per photo).
_checksum_of_client: "weakref.WeakKeyDictionary[httpx.Client, str]" = weakref.WeakKeyDictionary()


class TransferFailed(Exception):
    """A file could not be moved now; the message is for the assessor. Nothing is lost: the
    file stays on the laptop and the next sync carries on from what the centre holds."""


class FileDamaged(TransferFailed):
    """The laptop's own copy does not match its SHA-256 (the centre refused the whole file,
    or a sealed chunk does not check out): sending it again cannot help."""


class TransferCancelled(Exception):
    pass


@dataclass
class UploadReport:
    sha256: str
    size: int
    sent: int = 0          # bytes put on the wire, chunks sent again included
    resumed_from: int = 0  # what the centre already held when this upload began
    retries: int = 0
    already_there: bool = False


class ResumeBook:
    """Where each unfinished upload lives on the server, one small file per SHA-256."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.json"

    def get(self, sha256: str) -> str | None:
        try:
            return json.loads(self._path(sha256).read_text())["url"]
        except (OSError, ValueError, KeyError):
            return None

    def held(self, sha256: str) -> int:
        """How many bytes the centre had acknowledged when last heard from, so the status bar
        counts only what is still to go after a cut (0 when not known)."""
        try:
            return int(json.loads(self._path(sha256).read_text()).get("held", 0))
        except (OSError, ValueError, TypeError, AttributeError):
            return 0

    def put(self, sha256: str, url: str, held: int = 0) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self._path(sha256).with_suffix(".tmp")
        tmp.write_text(json.dumps({"url": url, "held": held}))
        os.replace(tmp, self._path(sha256))

    def forget(self, sha256: str) -> None:
        try:
            self._path(sha256).unlink()
        except FileNotFoundError:
            pass


def _reason(response: httpx.Response) -> str:
    try:
        return response.json().get("detail") or response.text
    except ValueError:
        return response.text or response.reason_phrase


class _Upload:
    def __init__(self, client: httpx.Client, sha256: str, files: LaptopFiles, book: ResumeBook,
                 name: str, progress: Progress | None, cancelled: Callable[[], bool] | None,
                 chunk_size: int, attempts: int, pause: float, files_path: str):
        self.client, self.sha256, self.files, self.book = client, sha256, files, book
        self.name, self.chunk_size, self.attempts, self.pause = name, chunk_size, attempts, pause
        self.progress = progress or (lambda done, total: None)
        self.cancelled = cancelled or (lambda: False)
        self.files_path = files_path
        self.size = files.size(sha256)
        self.report = UploadReport(sha256, self.size)
        self.failures = 0
        # The next chunk's checksum, worked out on another thread while this one is on the
        # wire: (its offset, a future of (size, checksum)). Checksumming a chunk before each
        # send otherwise left the connection idle for a quarter of a 1 GB upload.
        self._ahead: tuple[int, Future] | None = None
        self._ahead_fh = None
        self._pool: ThreadPoolExecutor | None = None
        self.algorithm = "sha256"

    def _failed(self, why: str) -> None:
        """Count a failure; after `attempts` in a row, give up until the next sync."""
        self.failures += 1
        self.report.retries += 1
        if self.failures > self.attempts:
            raise TransferFailed(f"{self.name or self.sha256[:12]} could not be sent to the centre "
                                 f"({why}). It is safe on this laptop; the next sync carries on "
                                 f"from where this one stopped.")
        time.sleep(min(self.pause * 2 ** (self.failures - 1), 10.0))

    def _checksum_algorithm(self) -> str:
        """The cheapest chunk checksum the centre accepts (tus: OPTIONS lists them); SHA-256,
        which every centre has taken, when it does not say."""
        known = _checksum_of_client.get(self.client)
        if known is not None:
            return known
        r = self.client.options(self.files_path, headers=TUS, timeout=TIMEOUT)
        offered = {a.strip().lower() for a in r.headers.get("Tus-Checksum-Algorithm", "").split(",")}
        chosen = next((a for a in CHECKSUMS if a in offered), "sha256")
        if r.status_code in (200, 204):
            _checksum_of_client[self.client] = chosen
        return chosen

    def _centre_has_it(self) -> bool:
        r = self.client.head(f"{self.files_path}/by-hash/{self.sha256}", timeout=TIMEOUT)
        return r.status_code == 200

    def _offset_of(self, url: str) -> int | None:
        r = self.client.head(url, headers=TUS, timeout=TIMEOUT)
        if r.status_code in (404, 410):
            return None
        if r.status_code != 200:
            raise TransferFailed(f"the centre refused to say how much it holds: {_reason(r)}")
        return int(r.headers["Upload-Offset"])

    def _create(self) -> tuple[str, int]:
        meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" if v else k
                        for k, v in (("sha256", self.sha256), ("filename", self.name)))
        r = self.client.post(self.files_path, timeout=TIMEOUT, headers={
            **TUS, "Upload-Length": str(self.size), "Upload-Metadata": meta})
        if r.status_code != 201:
            raise TransferFailed(f"the centre would not take {self.name or 'the file'}: {_reason(r)}")
        url = r.headers["Location"]
        self.book.put(self.sha256, url)
        return url, int(r.headers.get("Upload-Offset", 0))

    def _where(self) -> tuple[str | None, int]:
        """The upload's address and the centre's offset; (None, size) when the file is already
        stored there (finished earlier, or by another laptop, or our last reply was lost)."""
        url = self.book.get(self.sha256)
        if url is not None:
            offset = self._offset_of(url)
            if offset is not None:
                return url, offset
            self.book.forget(self.sha256)
        if self._centre_has_it():
            return None, self.size
        return self._create()

    def run(self) -> UploadReport:
        while True:
            try:
                url, offset = self._where()
                break
            except CUT as exc:
                self._failed(f"no answer: {exc.__class__.__name__}")
        self.report.resumed_from = offset
        if url is None:
            self.report.already_there = True
            self.progress(self.size, self.size)
            return self.report
        self.progress(offset, self.size)
        while True:
            try:
                self.algorithm = self._checksum_algorithm()
                break
            except CUT as exc:
                self._failed(f"no answer: {exc.__class__.__name__}")
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload-read-ahead")
        try:
            # Two handles: one the chunk is sent from, one the next chunk is checksummed
            # through meanwhile (on the read-ahead thread).
            with self.files.open(self.sha256) as fh, self.files.open(self.sha256) as ahead_fh:
                self._ahead_fh = ahead_fh
                try:
                    while url is not None and offset < self.size:
                        if self.cancelled():
                            raise TransferCancelled()
                        try:
                            url, offset = self._send_chunk(fh, url, offset)
                        except FileDamaged:
                            self._drop(url)
                            raise
                finally:
                    self._take_ahead()  # nothing may still be reading when the file closes
        finally:
            self._pool.shutdown(wait=True)
        self.book.forget(self.sha256)
        self.progress(self.size, self.size)
        return self.report

    def _checksum_at(self, fh, offset: int) -> tuple[int, str]:
        """The size and checksum of the chunk at `offset`, read through `fh` a block at a
        time into one buffer: nothing of it is kept, so memory stays flat whatever the chunk
        size (the bytes are read again as they are sent; XXH3 costs almost nothing, and the
        second read comes from the page cache)."""
        fh.seek(offset)
        want = min(self.chunk_size, self.size - offset)
        checksum = chunk_checksum(self.algorithm)
        buffer = bytearray(min(CHECK_BLOCK, max(want, 1)))
        view = memoryview(buffer)
        got = 0
        while got < want:
            n = self._read_into(fh, view[:min(CHECK_BLOCK, want - got)])
            checksum.update(view[:n])
            got += n
        return got, base64.b64encode(checksum.digest()).decode()

    def _read_into(self, fh, view) -> int:
        with self._reading():
            n = fh.readinto(view)
        return n or self._cut_short()

    def _read_piece(self, fh, want: int) -> bytes:
        with self._reading():
            piece = fh.read(want)
        return piece or self._cut_short()

    @contextmanager
    def _reading(self):
        try:
            yield
        except SealDamaged:
            raise FileDamaged(f"{self.name or 'A file'} on this laptop is damaged (part of "
                              f"it no longer checks out), so it was not sent. Check it "
                              f"with 'fieldfolio verify'.") from None

    def _cut_short(self):
        raise TransferFailed(f"{self.name or 'A file'} on this laptop is shorter than when "
                             f"it was saved; check it with 'fieldfolio verify'.")

    def _take_ahead(self):
        """Wait for the chunk being checksummed ahead and hand it over: (offset, future) or
        None. Its file handle is the read-ahead's own, so it is free again after this."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            try:
                ahead[1].result()
            except Exception:  # noqa: BLE001 - raised again if that chunk is the one wanted
                pass
        return ahead

    def _chunk_at(self, offset: int) -> tuple[int, str]:
        ahead = self._take_ahead()
        if ahead is not None and ahead[0] == offset:
            return ahead[1].result()
        return self._checksum_at(self._ahead_fh, offset)  # after a cut, or the first chunk

    def _send_chunk(self, fh, url: str, offset: int) -> tuple[str | None, int]:
        size, checksum = self._chunk_at(offset)
        following = offset + size
        if following < self.size and self._pool is not None:
            self._ahead = (following, self._pool.submit(self._checksum_at, self._ahead_fh,
                                                        following))
        fh.seek(offset)

        def body():  # the chunk read again as it goes (new bytes for each piece: h11
            left = size  # copies a view of a reused buffer into bytes anyway)
            while left > 0:
                piece = self._read_piece(fh, min(SEND_PIECE, left))
                left -= len(piece)
                yield piece
        try:
            r = self.client.patch(url, content=body(), timeout=TIMEOUT, headers={
                **TUS, "Content-Type": "application/offset+octet-stream",
                "Content-Length": str(size),
                "Upload-Offset": str(offset), "Upload-Checksum": f"{self.algorithm} {checksum}"})
        except CUT as exc:
            self.report.sent += size  # some or all of it went; count it as resent
            self._failed(f"the connection dropped: {exc.__class__.__name__}")
            return self._recover(url, offset)
        self.report.sent += size
        if r.status_code == 204:
            self.failures = 0
            new_offset = int(r.headers["Upload-Offset"])
            self.book.put(self.sha256, url, new_offset)   # a tiny file per 32 MB chunk
            self.progress(new_offset, self.size)
            return url, new_offset
        if r.status_code == 460:  # corrupted on the way: the server kept nothing, send again
            self._failed("a chunk arrived damaged")
            return url, offset
        if r.status_code in (409, 423):  # our offset was stale, or a dying request still writes
            self._failed(_reason(r))
            return self._recover(url, offset)
        if r.status_code == 404:
            self.book.forget(self.sha256)
            return self._recover(None, offset)
        if r.status_code == 422:
            self.book.forget(self.sha256)
            raise FileDamaged(f"{self.name or 'A file'} on this laptop is damaged: it no longer "
                              f"matches the fingerprint it was saved with; the centre refused it "
                              f"({_reason(r)}). Check the file with 'fieldfolio verify'.")
        raise TransferFailed(f"the centre refused {self.name or 'a file'}: {_reason(r)}")

    def _drop(self, url: str | None) -> None:
        """Our own copy is damaged: ask the centre to drop what it holds of this upload (tus
        termination) and forget it here; a good copy starts afresh."""
        self.book.forget(self.sha256)
        if url is None:
            return
        try:
            self.client.delete(url, headers=TUS, timeout=TIMEOUT)
        except CUT:
            pass   # the centre keeps a half upload nobody resumes; nothing is lost

    def _recover(self, url: str | None, offset: int) -> tuple[str | None, int]:
        """After a cut: ask where the centre is (it may have committed the chunk whose reply
        was lost, or finished the file)."""
        while True:
            try:
                if url is not None:
                    at = self._offset_of(url)
                    if at is not None:
                        return url, at
                    self.book.forget(self.sha256)
                if self._centre_has_it():
                    return None, self.size
                url, at = self._create()
                return url, at
            except CUT as exc:
                self._failed(f"no answer: {exc.__class__.__name__}")


def upload_file(client: httpx.Client, sha256: str, files: LaptopFiles, book: ResumeBook, *,
                name: str = "", progress: Progress | None = None,
                cancelled: Callable[[], bool] | None = None, chunk_size: int = CHUNK_SIZE,
                attempts: int = 6, pause: float = 0.5, files_path: str = FILES_PATH) -> UploadReport:
    """Send the stored file `sha256` to the centre, resuming whatever was sent before.
    `client` carries the centre's base URL and the device's credentials. Raises
    TransferFailed (message for the assessor) or TransferCancelled."""
    return _Upload(client, sha256, files, book, name, progress, cancelled, chunk_size,
                   attempts, pause, files_path).run()


def lacking(client: httpx.Client, hashes: list[str], files_path: str = FILES_PATH) -> list[str]:
    """Which of these SHA-256 hashes the centre does not hold yet (asked in batches)."""
    missing: list[str] = []
    for start in range(0, len(hashes), 1000):
        r = client.post(f"{files_path}/lacking", json={"sha256": hashes[start:start + 1000]},
                        timeout=TIMEOUT)
        if r.status_code != 200:
            raise TransferFailed(f"the centre could not say which files it lacks: {_reason(r)}")
        missing += r.json()["lacking"]
    return missing
