"""The laptop's attachment store as the transfer code sees it: read plaintext by hash, ask
whether a hash is held, and hand over a downloaded, verified file to keep.

Transfers never build attachment paths themselves: when the store keeps files encrypted
(issue 17), it alone knows how to read them. `attachments_of_store(store)` prefers the store's
own attachment object and falls back to the plain folder layout it replaces.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Protocol


class LaptopFiles(Protocol):
    def exists(self, sha256: str) -> bool: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def size(self, sha256: str) -> int: ...
    def adopt(self, path: Path, sha256: str) -> None: ...


class _PlainFolder:
    """The attachment folder as it was before the attachment store object existed."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, sha256: str) -> Path:
        from app.evidence.attachment_store import AttachmentStore
        return AttachmentStore(self.folder).stored_path(sha256)

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return open(self._path(sha256), "rb")

    def size(self, sha256: str) -> int:
        return self._path(sha256).stat().st_size

    def adopt(self, path: Path, sha256: str) -> None:
        target = self._path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            path.unlink()
        else:
            os.chmod(path, 0o444)
            os.replace(path, target)


def attachments_of_store(store) -> LaptopFiles:
    return getattr(store, "attachments", None) or _PlainFolder(store.attachments_dir)
