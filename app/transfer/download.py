"""Fetching a file from the centre when someone opens it (an IQA playing a recording).

Lazy: a pulled record names its files by SHA-256, and the bytes come only when asked for.
Resumable: bytes arrive into `<data dir>/sync/downloads/<sha256>.part` (sealed as they arrive
in an encrypted folder: app/evidence/incoming_file.py); after a cut (or a restart) the next
try asks for the rest with an HTTP Range header. Verified: the whole file
is hashed as it arrives and is handed to the attachment store only if its SHA-256 is the one
the record names; otherwise it is deleted and the record keeps saying "not on this laptop".
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import httpx

from app.transfer.laptop_files import LaptopFiles
from app.transfer.upload import (
    CUT, FILES_PATH, TIMEOUT, Progress, TransferCancelled, TransferFailed, _reason,
)

PIECE = 1024 * 1024


def download_file(client: httpx.Client, sha256: str, files: LaptopFiles, partial_dir: Path, *,
                  name: str = "", progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None, attempts: int = 6,
                  pause: float = 0.5, files_path: str = FILES_PATH) -> int:
    """Bring the file `sha256` onto this laptop (no-op if already here). Returns the bytes
    received in this call. Raises TransferFailed (message for the assessor) or
    TransferCancelled (the part received so far is kept for next time)."""
    if files.exists(sha256) and not files.known_damaged(sha256):
        return 0   # a copy found damaged here is fetched again, and replaced when good
    progress = progress or (lambda done, total: None)
    cancelled = cancelled or (lambda: False)
    label = name or "The file"
    partial_dir = Path(partial_dir)
    partial_dir.mkdir(parents=True, exist_ok=True)
    incoming = files.incoming(partial_dir / f"{sha256}.part")
    try:
        return _receive(client, sha256, files, incoming, label, progress, cancelled, attempts,
                        pause, files_path)
    finally:
        if incoming.size == 0:
            incoming.discard()   # nothing arrived: no empty part left behind
        incoming.close()   # what arrived stays for the next try (a no-op once kept)


def _receive(client, sha256, files, incoming, label, progress, cancelled, attempts, pause,
             files_path) -> int:
    received, failures = 0, 0
    while True:
        have = incoming.size
        headers = {"Range": f"bytes={have}-"} if have else {}
        try:
            with client.stream("GET", f"{files_path}/by-hash/{sha256}", headers=headers,
                               timeout=TIMEOUT) as r:
                if r.status_code == 416:  # we hold every byte already (or too many): re-check
                    total = have
                elif r.status_code in (200, 206):
                    if r.status_code == 200 and have:
                        incoming.start_again()  # the server sent it all again
                    total = incoming.size + int(r.headers.get("Content-Length", 0))
                    for piece in r.iter_bytes(PIECE):
                        if cancelled():
                            incoming.flush()
                            raise TransferCancelled()
                        incoming.write(piece)
                        received += len(piece)
                        progress(incoming.size, total)
                    incoming.flush()
                elif r.status_code == 404:
                    raise TransferFailed(f"{label} is not at the centre (yet): the laptop that "
                                         f"recorded it may not have sent it. Try after its next sync.")
                else:
                    r.read()
                    if r.status_code == 410:  # the centre's copy was found damaged: what
                        incoming.discard()     # arrived of it is not worth keeping
                    raise TransferFailed(f"the centre would not send {label.lower()}: {_reason(r)}")
        except CUT as exc:
            failures += 1
            if failures > attempts:
                raise TransferFailed(f"{label} could not be fetched from the centre "
                                     f"({exc.__class__.__name__}); what arrived is kept and the "
                                     f"next try carries on from there.") from None
            time.sleep(min(pause * 2 ** (failures - 1), 10.0))
            continue
        if incoming.size < total:
            continue  # the stream ended early without an error: ask for the rest
        if not incoming.matches(sha256):
            incoming.discard()
            raise TransferFailed(f"{label} from the centre did not match its fingerprint "
                                 f"(SHA-256); it was not kept. Try again.")
        files.keep(incoming, sha256)
        return received
