"""The laptop's attachment store as the transfer code sees it: read plaintext by hash, ask
whether a hash is held, and hand over a downloaded, verified file to keep.

Transfers never build attachment paths themselves: the store (`store.attachments`,
app/evidence/attachment_store.py) alone knows how files are kept (soon encrypted), so
uploads read through its streaming API, and downloads arrive through its `incoming` (sealed
as they arrive in an encrypted folder) and are handed to it to keep.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Protocol

from app.evidence.incoming_file import IncomingFile


class LaptopFiles(Protocol):
    def exists(self, sha256: str) -> bool: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def size(self, sha256: str) -> int: ...
    def adopt(self, path: Path, sha256: str) -> None: ...
    def incoming(self, part: Path) -> IncomingFile: ...
    def keep(self, incoming: IncomingFile, sha256: str) -> None: ...
    def mark_damaged(self, sha256: str) -> None: ...
    def known_damaged(self, sha256: str) -> bool: ...


def attachments_of_store(store) -> LaptopFiles:
    return store.attachments
