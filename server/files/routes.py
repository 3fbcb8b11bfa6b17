"""Files over HTTP: resumable uploads (tus 1.0 core, creation, checksum, termination,
expiration) and Range downloads.

Why tus: laptops upload over links that drop; tus is a published protocol for exactly that
(the server says its offset, the client carries on from there), so a later client or a proxy
that knows tus works with us. Why our own subset rather than a library: the Python tus
servers (tuspyserver, the FastAPI router) have no checksum extension and know nothing of
content addresses, so they could neither refuse a corrupted chunk nor hash while writing
and store a file only under its verified SHA-256; the clients (tuspy) are built on requests,
not httpx. The subset is small: OPTIONS, POST (creation), HEAD, PATCH with Upload-Checksum,
DELETE (termination), and Upload-Expires on unfinished uploads (expiration): one idle longer
than the store's `keep_partial` is removed, at start and then every few minutes of requests.

Beyond tus, content addressing needs two more calls: `POST /lacking` (which of these hashes
has the centre not got?) and `GET|HEAD /by-hash/{sha256}` with HTTP Range, for the IQA's
laptop to fetch a recording lazily and resume a broken download. A GET of the whole file
re-hashes it as it streams and holds its last piece back until the hash checks out; a
damaged one is set aside, its download cut short, and every later request for it refused
(410 Gone) until a good copy is sent again.

`files_router(store, device_of=..., may_read=...)` makes the router; the server's app factory
includes it. `device_of` is a FastAPI dependency naming the calling device (the sync
server's token check); `may_read(device, sha256)` says whether that device may fetch a file.
No upload state lives in this process: every request reads it from the store.
"""
from __future__ import annotations

import base64
import logging
import re
import threading
import time
from email.utils import formatdate
from typing import Callable

import anyio
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.requests import ClientDisconnect
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from server.files.store import (
    CHECKSUM_ALGORITHMS, ChunkCorrupt, FileMismatch, FileStore, FileStoreError, OffsetMismatch,
    TooLarge, UnknownUpload, UploadBusy, parse_checksum, valid_sha256,
)

TUS_VERSION = "1.0.0"
TUS_HEADERS = {"Tus-Resumable": TUS_VERSION}
CHECKSUM_MISMATCH = 460  # tus checksum extension's status for a chunk that fails its checksum
WRITE_BATCH = 1024 * 1024  # bytes gathered before one write (and hash) on a worker thread
MAX_LACKING = 10_000
SWEEP_EVERY = 600.0  # seconds between looks for expired partial uploads (less if they expire sooner)
log = logging.getLogger("fieldfolio.files")


class LackingQuery(BaseModel):
    sha256: list[str]


DAMAGED_AT_CENTRE = ("the centre's copy of this file is damaged (its bytes no longer match "
                     "their fingerprint); it has been set aside and is not served. The laptop "
                     "that recorded it sends it again at its next sync; try again after that.")


def _refuse(status: int, reason: str, **extra_headers: str) -> Response:
    return JSONResponse({"detail": reason}, status_code=status,
                        headers={**TUS_HEADERS, **extra_headers})


def _anonymous() -> str:
    return ""


def _parse_metadata(header: str | None) -> dict[str, str]:
    """`Upload-Metadata: key base64value,key2 base64value2` (tus creation extension)."""
    found: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in (header or "").split(","))):
        key, _, value = pair.partition(" ")
        try:
            found[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
        except ValueError:
            raise FileStoreError(f"Upload-Metadata {key!r} is not base64 UTF-8") from None
    return found


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range, clipped to the file; None
    for the whole file. Several ranges in one request are not needed by our client."""
    if not header:
        return None
    match = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", header)
    if not match or match.groups() == ("", ""):
        raise ValueError(header)
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise ValueError(header)
    return start, end


def _last_and_commit(chunk, pieces: list[bytes], checksum):
    if pieces:
        chunk.write(*pieces)
    return chunk.commit(checksum)


def _http_date(epoch: float) -> str:
    return formatdate(epoch, usegmt=True)  # RFC 9110's IMF-fixdate, as tus asks


class _Sweeper:
    """Removes expired partial uploads (tus expiration) when the server starts and then,
    at most every SWEEP_EVERY seconds, on the way through an upload request: a centre has
    no scheduler, but laptops keep calling."""

    def __init__(self, store: FileStore):
        self.store = store
        keep = getattr(store, "keep_partial", SWEEP_EVERY * 4)
        self.every = min(SWEEP_EVERY, keep / 4)
        self.last = 0.0
        self.lock = threading.Lock()

    def maybe(self) -> None:
        now = time.monotonic()
        if now - self.last < self.every or not self.lock.acquire(blocking=False):
            return
        try:
            self.last = now
            gone = self.store.sweep_expired()
            if gone:
                log.info("removed %d partial upload(s) idle longer than %.0f s: %s", len(gone),
                         getattr(self.store, "keep_partial", 0), ", ".join(gone))
        except OSError as exc:  # a sweep that fails must not fail the laptop's request
            log.warning("could not sweep expired partial uploads: %s", exc)
        finally:
            self.lock.release()


def files_router(store: FileStore, device_of: Callable = _anonymous,
                 may_read: Callable[[str, str], bool] = lambda device, sha: True,
                 prefix: str = "/files",
                 checksums: tuple[str, ...] = CHECKSUM_ALGORITHMS) -> APIRouter:
    """`checksums`: the chunk checksums this centre takes, as OPTIONS lists them (a centre
    from before CRC-32 took SHA-256, SHA-1 and MD5; the tests serve one to prove a newer
    laptop falls back)."""
    router = APIRouter(prefix=prefix, tags=["files"])
    sweeper = _Sweeper(store)
    sweeper.maybe()  # at start: what a laptop lost or a file deleted long ago left behind

    def expiry(upload_id: str) -> dict[str, str]:
        return {"Upload-Expires": _http_date(store.expires(upload_id))}

    def check_version(request: Request) -> Response | None:
        given = request.headers.get("Tus-Resumable")
        if given != TUS_VERSION:
            return _refuse(412, f"this centre speaks tus {TUS_VERSION}", **{"Tus-Version": TUS_VERSION})
        return None

    @router.options("")
    def capabilities() -> Response:
        return Response(status_code=204, headers={
            **TUS_HEADERS, "Tus-Version": TUS_VERSION, "Tus-Extension": "creation,checksum,termination,expiration",
            "Tus-Checksum-Algorithm": ",".join(checksums),
            "Tus-Max-Size": str(getattr(store, "max_size", 0))})

    @router.post("")
    def create(request: Request, device: str = Depends(device_of)) -> Response:
        if (refusal := check_version(request)) is not None:
            return refusal
        sweeper.maybe()
        try:
            length = int(request.headers.get("Upload-Length", ""))
            meta = _parse_metadata(request.headers.get("Upload-Metadata"))
            state = store.begin(length, meta.get("sha256", ""), device, meta.get("filename", ""))
        except ValueError:
            return _refuse(400, "Upload-Length must be a whole number of bytes")
        except TooLarge as exc:
            return _refuse(413, str(exc))
        except FileStoreError as exc:
            return _refuse(400, str(exc))
        return Response(status_code=201, headers={
            **TUS_HEADERS, "Location": f"{request.url.path.rstrip('/')}/{state.id}",
            "Upload-Offset": str(state.offset), **({} if state.complete else expiry(state.id))})

    def own_upload(upload_id: str, device: str):
        state = store.upload(upload_id)
        if state.owner != device:
            raise UnknownUpload("no such upload")  # another device's upload is not even named
        return state

    def take_chunk(upload_id: str, device: str, at: int, algorithm: str | None):
        own_upload(upload_id, device)
        return store.receive(upload_id, at, algorithm)

    @router.head("/{upload_id}")
    def offset(upload_id: str, request: Request, device: str = Depends(device_of)) -> Response:
        if (refusal := check_version(request)) is not None:
            return refusal
        sweeper.maybe()
        try:
            state = own_upload(upload_id, device)
        except UnknownUpload:
            return Response(status_code=404, headers=TUS_HEADERS)
        return Response(status_code=200, headers={
            **TUS_HEADERS, "Upload-Offset": str(state.offset),
            "Upload-Length": str(state.length), "Cache-Control": "no-store", **expiry(upload_id)})

    @router.patch("/{upload_id}")
    async def append(upload_id: str, request: Request,
                     device: str = Depends(device_of)) -> Response:
        if (refusal := check_version(request)) is not None:
            return refusal
        if request.headers.get("Content-Type") != "application/offset+octet-stream":
            return _refuse(415, "Content-Type must be application/offset+octet-stream")
        try:
            at = int(request.headers.get("Upload-Offset", ""))
            checksum_header = request.headers.get("Upload-Checksum")
            checksum = parse_checksum(checksum_header)
            if checksum and checksum[0] not in checksums:
                return _refuse(400, f"this centre does not take {checksum[0]} checksums "
                                    f"(it takes {', '.join(checksums)})")
            chunk = await run_in_threadpool(take_chunk, upload_id, device, at,
                                            checksum[0] if checksum else None)
        except ValueError:
            return _refuse(400, "Upload-Offset must be a whole number")
        except UnknownUpload as exc:
            return _refuse(404, str(exc))
        except OffsetMismatch as exc:
            return _refuse(409, str(exc), **{"Upload-Offset": str(exc.expected)})
        except UploadBusy as exc:
            return _refuse(423, str(exc))
        except FileStoreError as exc:
            return _refuse(400, str(exc))
        # Gathered into batches of a megabyte and written as they come: on the event loop
        # for a store whose writes only reach the page cache (see ChunkReceiver.quick_writes),
        # else on a worker thread. At most one batch of a request is in memory.
        committed = False
        try:
            pieces: list[bytes] = []
            gathered = 0
            async for piece in request.stream():
                pieces.append(piece)
                gathered += len(piece)
                if gathered >= WRITE_BATCH:
                    if chunk.quick_writes:
                        chunk.write(*pieces)
                    else:
                        await run_in_threadpool(chunk.write, *pieces)
                    pieces, gathered = [], 0
                    if chunk.lagging:
                        await run_in_threadpool(chunk.catch_up)
            # The last batch and the commit in one trip to a worker thread: the laptop waits
            # for this answer before it sends the next chunk, and on a busy machine each
            # thread wake-up on that path can cost milliseconds.
            state = await run_in_threadpool(_last_and_commit, chunk, pieces, checksum)
            committed = True
        except ClientDisconnect:  # a cut connection: nothing to answer, the chunk is dropped
            return Response(status_code=400, headers=TUS_HEADERS)
        except ChunkCorrupt as exc:
            return _refuse(CHECKSUM_MISMATCH, str(exc))
        except FileMismatch as exc:
            return _refuse(422, str(exc))
        except FileStoreError as exc:
            return _refuse(400, str(exc))
        finally:
            if not committed:  # a cut or refused chunk: keep only committed bytes
                with anyio.CancelScope(shield=True):
                    await run_in_threadpool(chunk.abandon)
        return Response(status_code=204, headers={
            **TUS_HEADERS, "Upload-Offset": str(state.offset),
            **({} if state.complete else expiry(upload_id))})

    @router.delete("/{upload_id}")
    def terminate(upload_id: str, request: Request, device: str = Depends(device_of)) -> Response:
        """tus termination: a laptop that finds its own copy damaged mid-upload drops what it
        sent, so no half file waits at the centre for a rest that will never come."""
        if (refusal := check_version(request)) is not None:
            return refusal
        try:
            own_upload(upload_id, device)
        except UnknownUpload:
            return Response(status_code=404, headers=TUS_HEADERS)
        store.discard(upload_id)
        return Response(status_code=204, headers=TUS_HEADERS)

    @router.post("/lacking")
    def lacking(query: LackingQuery, device: str = Depends(device_of)):
        if len(query.sha256) > MAX_LACKING:
            return _refuse(413, f"ask about at most {MAX_LACKING:,} files at a time")
        try:
            return {"lacking": store.lacking(query.sha256)}
        except FileStoreError as exc:
            return _refuse(400, str(exc))

    def stored(sha256: str, device: str, request: Request):
        if not valid_sha256(sha256):
            return None, _refuse(400, "not a SHA-256")
        size = store.size_of(sha256)
        if size is None and store.was_set_aside(sha256) and may_read(device, sha256):
            return None, _refuse(410, DAMAGED_AT_CENTRE)
        if size is None or not may_read(device, sha256):
            return None, _refuse(404, "the centre holds no such file for you")
        headers = {"Accept-Ranges": "bytes", "ETag": f'"{sha256}"',
                   "Content-Type": "application/octet-stream",
                   "Cache-Control": "private, max-age=31536000, immutable"}
        try:
            span = _byte_range(request.headers.get("Range"), size)
        except ValueError:
            return None, Response(status_code=416, headers={"Content-Range": f"bytes */{size}"})
        return (size, span, headers), None

    @router.head("/by-hash/{sha256}")
    def file_head(sha256: str, request: Request, device: str = Depends(device_of)) -> Response:
        found, refusal = stored(sha256, device, request)
        if refusal is not None:
            return refusal
        size, _span, headers = found
        return Response(status_code=200, headers={**headers, "Content-Length": str(size)})

    @router.get("/by-hash/{sha256}")
    def download(sha256: str, request: Request, device: str = Depends(device_of)) -> Response:
        found, refusal = stored(sha256, device, request)
        if refusal is not None:
            return refusal
        size, span, headers = found
        start, end = span or (0, size - 1)
        headers["Content-Length"] = str(end - start + 1 if size else 0)
        if size == 0:
            return Response(status_code=200, headers=headers)
        status = 200
        if span is not None:
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        if start == 0 and end == size - 1:
            # The whole file: hashed as it streams, the last piece held back until it checks
            # out; a damaged one is set aside and the download cut short, and the laptop's
            # next try is told why (410). Hashing first kept bytes from flowing for as long
            # as a multi-GB file took to read. A resumed download is checked by the laptop's
            # own hash at its end.
            pieces = store.open_checked(sha256)
        else:
            pieces = store.open_range(sha256, start, end)
        return StreamingResponse(pieces, status_code=status, headers=headers)

    return router
