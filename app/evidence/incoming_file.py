"""A file arriving on this laptop from outside (a download from the centre, an entry of the
centre's sync file) before its SHA-256 has been checked.

It is kept at a path the caller chooses (`<data dir>/sync/downloads/<sha256>.part`) so that
a cut or a restart carries on from the bytes already here. In an encrypted data folder those
bytes are sealed as they arrive (AES-GCM chunks, app/safekeeping/sealed.py, in the form of
a recording journal: no chunk is marked last until the file is whole), because a laptop
that is lost mid-download must not give away half a learner's recording in the clear. The
store then takes the sealed file as it is (`AttachmentStore.keep`), without a second copy.

Resuming a sealed part: the chunks that check out are read back (a chunk torn by a kill is
dropped, as a journal's is) and written again under a fresh writer, since a nonce must never
be used twice; a local copy of what arrived, cheap beside fetching it again. The tail that
did not fill a chunk when a try stopped is not kept: the next try asks for it again.

One thread uses an IncomingFile at a time.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from app.safekeeping.sealed import SealDamaged, SealedWriter, open_sealed

PIECE = 1024 * 1024


class IncomingFile:
    def __init__(self, path: Path | str, key: bytes | None):
        self.path = Path(path)
        self.key = key
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.digest = hashlib.sha256()
        self.size = 0                      # plaintext bytes held (and hashed) so far
        self._fd = -1
        self._writer: SealedWriter | None = None
        if key is None:
            self._carry_on_plain()
        else:
            self._carry_on_sealed()

    @property
    def sealed(self) -> bool:
        return self.key is not None

    # -- what an earlier try left ----------------------------------------------------------
    def _carry_on_plain(self) -> None:
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        while piece := os.read(self._fd, PIECE):
            self.digest.update(piece)
            self.size += len(piece)

    def _carry_on_sealed(self) -> None:
        fresh = self.path.with_name(self.path.name + ".new")
        self._fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._writer = SealedWriter(self._write_raw, self.key)
        try:
            with open_sealed(self.path, self.key, tolerant=True) as earlier:
                for piece in iter(lambda: earlier.read(PIECE), b""):
                    self._take(piece)
        except FileNotFoundError:
            pass
        except SealDamaged:   # not one of ours, or torn before its first chunk: start again
            self._start_again_sealed()
        os.fsync(self._fd)
        os.replace(fresh, self.path)

    def _start_again_sealed(self) -> None:
        os.ftruncate(self._fd, 0)
        os.lseek(self._fd, 0, os.SEEK_SET)
        self.digest, self.size = hashlib.sha256(), 0
        self._writer = SealedWriter(self._write_raw, self.key)

    def _write_raw(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]

    def _take(self, data: bytes) -> None:
        if self._writer is not None:
            self._writer.write(data)
        else:
            self._write_raw(data)
        self.digest.update(data)
        self.size += len(data)

    # -- while it arrives ------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        self._take(data)

    def start_again(self) -> None:
        """The sender is giving the whole file again: drop what is here."""
        if self._writer is not None:
            self._start_again_sealed()
        else:
            os.ftruncate(self._fd, 0)
            os.lseek(self._fd, 0, os.SEEK_SET)
            self.digest, self.size = hashlib.sha256(), 0

    def flush(self) -> None:
        """What has arrived survives a power cut (but for a sealed file's unfilled chunk)."""
        os.fsync(self._fd)

    def matches(self, sha256: str) -> bool:
        return self.digest.hexdigest() == sha256

    def finish(self) -> Path:
        """The whole file is here: seal its last chunk, flush, close. Returns its path."""
        if self._writer is not None:
            self._writer.close()
        self.flush()
        self.close()
        return self.path

    def close(self) -> None:
        """Stop for now; what arrived stays for the next try."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)
