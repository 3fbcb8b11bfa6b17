"""Opening a file that is at the centre but not on this laptop: fetch it (resumable, verified
by SHA-256) through the laptop's connection to the centre. What the files tab calls when an
IQA opens a recording made on the assessor's laptop."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from app.sync import state
from app.sync.client import CentreClient
from app.transfer.download import download_file
from app.transfer.laptop_files import attachments_of_store
from app.transfer.sync_step import CENTRE_FILES


def fetch_from_centre(store, sha256: str, name: str = "",
                      progress: Callable[[int, int], None] | None = None,
                      cancelled: Callable[[], bool] | None = None) -> int:
    """Bring the file onto this laptop. Raises state.NotEnrolled, TransferFailed (message for
    the assessor) or TransferCancelled (what arrived is kept for the next try)."""
    conn = store.read(state.connection)
    with CentreClient(conn.url, conn.token) as client:
        return download_file(client.http, sha256, attachments_of_store(store),
                             Path(store.data_dir) / "sync" / "downloads", name=name,
                             progress=progress, cancelled=cancelled, files_path=CENTRE_FILES)
