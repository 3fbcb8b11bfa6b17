"""The files step inside a sync (app/sync/engine.py): evidence files go to the centre before
the records that use them, with progress in the sync's words and the per-file percentage for
the record's files tab. A file that cannot go now does not stop the records: its record
reaches the centre marked as awaiting files, and the next sync sends it."""
from __future__ import annotations

from typing import Callable

from app.sync.client import CentreRefused, CentreUnreachable
from app.sync.failure_words import unreachable
from app.sync.protocol import API
from app.transfer.file_states import UPLOADS
from app.transfer.outgoing import FilesProgress, FilesSent, send_files
from app.transfer.upload import CUT, TransferFailed

CENTRE_FILES = f"{API}/files"   # where the centre serves its files (server/files/wiring.py)
MB = 1024 * 1024


def files_words(p: FilesProgress) -> str:
    words = (f"Sending files to the centre: {p.files_waiting} waiting, "
             f"{p.bytes_to_go / MB:.1f} MB to go")
    if p.sending:
        words += f" ({p.sending_name or 'file'} {p.percent}%)"
    return words + "…"


def send_files_step(store, client, progress: Callable[[str], None],
                    cancelled: Callable[[], bool], **upload_options) -> FilesSent:
    """`client` is the sync's CentreClient (its httpx client carries the device token)."""
    def on_progress(p: FilesProgress) -> None:
        if p.sending:
            UPLOADS.update(p.sending, p.percent)
        if p.files_waiting:
            progress(files_words(p))
    try:
        return send_files(client.http, store, progress=on_progress, cancelled=cancelled,
                          files_path=CENTRE_FILES, **upload_options)
    except CUT as exc:  # asking which files the centre lacks got no answer
        raise CentreUnreachable(unreachable(client.url, exc)) from None
    except TransferFailed as exc:
        raise CentreRefused(0, "files", str(exc)) from None
    finally:
        UPLOADS.update(None, 0)
