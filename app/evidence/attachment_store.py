"""The files behind evidence: one object that owns where their bytes live, how they are named
(by the SHA-256 of their content), how they are read back and checked.

`<data dir>/attachments/ab/abcdef...` holds the bytes of the file whose SHA-256 is
`abcdef...`. Nothing outside this class builds those paths: every reader goes through
`open`/`chunks` (plaintext, streamed), `viewable_copy` (a file a media player or the system
viewer can open) or `verify`, so the way the bytes are kept on disk (soon encrypted) can
change in one place.

In an encrypted data folder (`key` given) every stored file is sealed in chunks with AES-GCM
(`app/safekeeping/sealed.py`) while it is copied in, and still named by the SHA-256 of its
plaintext, so the same evidence has the same name on every laptop and at the centre. A
plain file found in an encrypted folder (one not yet converted) is still read.

Writing: a file is copied in chunks (a 2 GB video never sits in memory) to a temporary file
in the same folder, flushed to disk, then renamed into place: a crash or full disk leaves
either the whole file or nothing under its name. A name is never overwritten, and the same
file attached twice is stored once. The database row that points at the bytes is written by
the caller only after the bytes are safe (`app/evidence/attachments.py`).

Thread safety: methods touch only the file system and may run on any thread; two imports of
the same content race harmlessly (the second rename finds the first file and drops its copy).
"""
from __future__ import annotations

import errno
import hashlib
import mimetypes
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from app.evidence.incoming_file import IncomingFile
from app.evidence.media_duration import playing_time_of
from app.evidence.processes import still_running
from app.safekeeping.keys import unlocked
from app.safekeeping.sealed import SealDamaged, SealedWriter, is_sealed, open_sealed
from app.transfer.durable import fsync_dir  # noqa: F401  (recording.py takes it from here)

CHUNK = 1024 * 1024
JOURNAL_DIR = ".recordings"   # recordings in progress (app/evidence/recording.py)
DAMAGED_DIR = ".damaged"      # a marker per file found not to match its hash
VIEW_DIR = ".view"            # copies a player or viewer may open, one folder per process


class AttachmentFailed(Exception):
    """A file could not be stored; the message says why in words the assessor can act on.
    Nothing was changed: the record is as it was."""


class DamagedFileEntry(AttachmentFailed):
    """A stored hash that is not a SHA-256: the row was edited outside Fieldfolio."""


class DamagedFile(AttachmentFailed):
    """The stored bytes no longer match their SHA-256 (changed on disk, a failing disk, or a
    sealed chunk that does not check out): never handed to a viewer as if good."""


def damaged_words(name: str) -> str:
    return (f"{name} on this laptop is damaged: its bytes no longer match the fingerprint "
            f"(SHA-256) it was saved with, so it was not opened or sent. Attach the original "
            f"again if you still have it (that puts it right), run `fieldfolio verify` and "
            f"tell your centre's support.")


SHA256_FORM = re.compile("[0-9a-f]{64}")


def well_formed(sha256) -> bool:
    return isinstance(sha256, str) and SHA256_FORM.fullmatch(sha256) is not None


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    original_name: str
    media_type: str
    kind: str
    duration_ms: int | None = None   # audio and video, where the header gives it


def kind_of(media_type: str) -> str:
    top = media_type.split("/")[0]
    return {"image": "photo", "audio": "audio", "video": "video"}.get(top, "file")


def _write(fd: int, data: bytes) -> None:
    # One place for the OS write call, so a full disk can be simulated in tests.
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def file_sha256(path: Path) -> str:
    """SHA-256 of a plain file outside the store, read in chunks (a 2 GB video never sits in
    memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class AttachmentStore:
    """The attachment folder of one data folder."""

    def __init__(self, folder: Path | str, key: bytes | None = None):
        self.folder = Path(folder)
        self.key = key
        self._views: Path | None = None

    @classmethod
    def of_data_folder(cls, data_dir: Path | str) -> "AttachmentStore":
        """The store of a data folder, for code that has the folder but not the open Store
        (verify, the demo, which run inside a database session); with the folder's key when
        this process has unlocked it."""
        keys = unlocked(Path(data_dir))
        return cls(Path(data_dir) / "attachments", keys.files if keys else None)

    @classmethod
    def of(cls, where: "AttachmentStore | Path | str") -> "AttachmentStore":
        """`where` itself, or the store in the attachments folder it names."""
        if isinstance(where, AttachmentStore):
            return where
        keys = unlocked(Path(where).parent)
        return cls(where, keys.files if keys else None)

    # -- where things are (for this class, the recording journal, tests and the bench) ----
    @property
    def journal_dir(self) -> Path:
        return self.folder / JOURNAL_DIR

    def stored_path(self, sha256: str) -> Path:
        """Where the bytes named `sha256` are kept on disk. Not for reading them: use
        `open`, `chunks` or `viewable_copy`, which give the plaintext. The hash comes from
        the database, so its form is checked first: a hand-edited row ('../../..') once let
        the viewer read outside the data folder and create folders there."""
        if not well_formed(sha256):
            raise DamagedFileEntry(
                "This file's entry in the database is damaged (its fingerprint is not one "
                "Fieldfolio makes), so it was not opened. Run `fieldfolio verify` and tell "
                "your centre's support.")
        return self.folder / sha256[:2] / sha256

    # -- reading -------------------------------------------------------------------------
    def exists(self, sha256: str) -> bool:
        return well_formed(sha256) and self.stored_path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """The plaintext, as a seekable binary file to use in a `with` block. Raises
        FileNotFoundError if the store does not hold it."""
        path = self.stored_path(sha256)
        if self.key is not None and is_sealed(path):
            return open_sealed(path, self.key)
        return open(path, "rb")

    def size(self, sha256: str) -> int:
        """The plaintext's size in bytes."""
        with self.open(sha256) as fh:
            return fh.seek(0, os.SEEK_END)

    def chunks(self, sha256: str, size: int = CHUNK) -> Iterator[bytes]:
        """The plaintext in pieces of at most `size` bytes, for hashing or sending."""
        with self.open(sha256) as fh:
            yield from iter(lambda: fh.read(size), b"")

    def verify(self, sha256: str) -> bool:
        """Re-hash a stored file: True if the bytes still match their name."""
        if not self.exists(sha256):
            return False
        digest = hashlib.sha256()
        try:
            for chunk in self.chunks(sha256):
                digest.update(chunk)
        except OSError:
            self.mark_damaged(sha256)
            return False
        if digest.hexdigest() != sha256:
            self.mark_damaged(sha256)
            return False
        return True

    # -- files found damaged ---------------------------------------------------------------
    # Re-hashing a 2 GB video each time a record is shown is too slow, so a file is checked
    # when its bytes are used (opened, sent, verified) and a marker remembers the verdict:
    # the files tab then says "damaged" and nothing serves the file as if good.
    def _damage_marker(self, sha256: str) -> Path:
        return self.folder / DAMAGED_DIR / sha256

    def mark_damaged(self, sha256: str) -> None:
        if not well_formed(sha256):
            return
        try:
            self._damage_marker(sha256).parent.mkdir(parents=True, exist_ok=True)
            self._damage_marker(sha256).touch()
        except OSError:
            pass   # a read-only stick: the refusal itself still stands

    def known_damaged(self, sha256: str) -> bool:
        return well_formed(sha256) and self._damage_marker(sha256).exists()

    def _clear_damage(self, sha256: str) -> None:
        self._damage_marker(sha256).unlink(missing_ok=True)

    def playing_time_ms(self, sha256: str) -> int | None:
        """Length of a stored clip from its header, or None (see media_duration)."""
        try:
            with self.open(sha256) as fh:
                return playing_time_of(fh)
        except OSError:
            return None

    def viewable_copy(self, sha256: str, original_name: str) -> Path:
        """A file with the attachment's own name (a system viewer picks an application by the
        extension) that a media player or viewer can open. It lives in a folder private to
        this user and this process and is removed by `clear_viewable_copies` (at close, and
        at the next start after a crash). Plain stored bytes are hard-linked, not copied, so
        a 2 GB video costs nothing; they are read-only, so a viewer cannot change them.
        Sealed bytes are decrypted into the copy, streamed."""
        source = self.stored_path(sha256)
        safe = Path(original_name).name
        if safe in ("", ".", ".."):       # a name that would point at the folder itself
            safe = sha256
        target = self._view_folder() / sha256[:16] / safe
        if self.known_damaged(sha256):
            raise DamagedFile(damaged_words(safe))
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            if self.key is not None and is_sealed(source):
                self._decrypt_to(sha256, target, safe)
            else:
                if not self.verify(sha256):   # hashed before a viewer sees a byte
                    raise DamagedFile(damaged_words(safe))
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
        return target

    def _decrypt_to(self, sha256: str, target: Path, name: str) -> None:
        """Decrypt into the copy, hashing on the way; a copy that does not match is removed."""
        fd, tmp_name = tempfile.mkstemp(prefix=".view-", dir=target.parent)
        digest = hashlib.sha256()
        try:
            try:
                with self.open(sha256) as src:
                    for chunk in iter(lambda: src.read(CHUNK), b""):
                        digest.update(chunk)
                        _write(fd, chunk)
            except SealDamaged:
                digest = None
            if digest is None or digest.hexdigest() != sha256:
                self.mark_damaged(sha256)
                raise DamagedFile(damaged_words(name))
            os.close(fd)
            fd = -1
            os.chmod(tmp_name, 0o400)
            os.replace(tmp_name, target)
        except BaseException:
            _discard(fd, tmp_name)
            raise

    def _view_folder(self) -> Path:
        if self._views is None:
            views = self.folder / VIEW_DIR
            views.mkdir(parents=True, exist_ok=True)
            own = views / str(os.getpid())
            own.mkdir(mode=0o700, exist_ok=True)
            os.chmod(own, 0o700)
            self._views = own
        return self._views

    def clear_viewable_copies(self) -> None:
        """Remove this process's viewable copies and any a crashed process left behind;
        another Fieldfolio still running (the CLI beside the window) keeps its own."""
        views = self.folder / VIEW_DIR
        if not views.is_dir():
            return
        for folder in views.iterdir():
            pid = int(folder.name) if folder.name.isdigit() else 0
            if pid == os.getpid() or not still_running(pid):
                shutil.rmtree(folder, ignore_errors=True)
        self._views = None

    # -- writing -------------------------------------------------------------------------
    def import_file(self, source: Path | str) -> StoredFile:
        """Copy `source` into the store (if not already there) and describe it. Runs outside
        the database writer: the slow part (reading gigabytes) must not hold up other saves."""
        source = Path(source)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            src = open(source, "rb")
        except FileNotFoundError:
            raise AttachmentFailed(f"{source.name} could not be found (was it moved or on a "
                                   f"removed USB stick?). The record has not changed.") from None
        except PermissionError:
            raise AttachmentFailed(f"{source.name} cannot be read: permission denied. "
                                   f"The record has not changed.") from None
        except IsADirectoryError:
            raise AttachmentFailed(f"{source.name} is a folder; choose a file.") from None
        except OSError as exc:
            raise AttachmentFailed(f"{source.name} cannot be read ({exc.strerror or exc}). "
                                   f"The record has not changed.") from None
        with src:
            sha, size = self._take(src, source.name)
        media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        kind = kind_of(media_type)
        # Read from the stored copy: a few header reads, and the source may be a slow stick.
        duration = self.playing_time_ms(sha) if kind in ("audio", "video") else None
        return StoredFile(sha, size, source.name, media_type, kind, duration)

    def adopt(self, path: Path, sha256: str) -> None:
        """Move a finished plain file already in the data folder (a recording), whose hash the
        caller has worked out and noted, into the store under that hash. Safe to repeat after
        a crash: a file already stored under the hash is kept and `path` is dropped."""
        target = self.stored_path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and not self.known_damaged(sha256):
            path.unlink()
        elif self.key is not None:
            with open(path, "rb") as src:
                self._take(src, path.name)
            path.unlink()
        else:
            os.chmod(path, 0o444)
            os.replace(path, target)   # or a good copy replaces a damaged one
            fsync_dir(target.parent)
            self._clear_damage(sha256)

    def incoming(self, part: Path | str) -> IncomingFile:
        """A file about to arrive from outside at `part` (a download, a sync file's entry),
        sealed as it arrives in an encrypted folder; hand it to `keep` once whole."""
        return IncomingFile(part, self.key)

    def keep(self, incoming: IncomingFile, sha256: str) -> None:
        """Store a whole incoming file whose hash the caller has checked, under that hash.
        Already in the store's own form (sealed or plain), so it is renamed, not copied."""
        if not incoming.sealed:
            self.adopt(incoming.finish(), sha256)
            return
        path = incoming.finish()
        target = self.stored_path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and not self.known_damaged(sha256):
            path.unlink()
            return
        os.chmod(path, 0o444)
        os.replace(path, target)   # or a good copy replaces a damaged one
        fsync_dir(target.parent)
        self._clear_damage(sha256)

    def take(self, src, name: str) -> tuple[str, int]:
        """Store what `src.read(n)` gives (a recording being finished); returns (sha256,
        size). Raises AttachmentFailed as `import_file` does."""
        return self._take(src, name)

    def _take(self, src, name: str) -> tuple[str, int]:
        """Stream `src` into a temporary file, then rename it under its hash."""
        digest, size = hashlib.sha256(), 0
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.folder)
        try:
            sealer = (SealedWriter(lambda data: _write(fd, data), self.key)
                      if self.key is not None else None)
            while True:
                try:
                    chunk = src.read(CHUNK)
                except OSError as exc:
                    raise AttachmentFailed(
                        f"{name} could not be read to the end ({exc.strerror or exc}); the disk "
                        f"or stick may be failing. The record has not changed.") from None
                if not chunk:
                    break
                digest.update(chunk)
                size += len(chunk)
                if sealer is not None:
                    sealer.write(chunk)
                else:
                    _write(fd, chunk)
            if sealer is not None:
                sealer.close()
            os.fsync(fd)
            os.close(fd)
            fd = -1
            sha = digest.hexdigest()
            target = self.stored_path(sha)
            target.parent.mkdir(exist_ok=True)
            if target.exists() and self._stored_size_ok(sha, size) and not self.known_damaged(sha):
                os.unlink(tmp_name)  # the same bytes are already stored: keep the first copy
            else:
                os.chmod(tmp_name, 0o444)  # evidence bytes never change under their name
                os.replace(tmp_name, target)   # or a good copy replaces a damaged one
                fsync_dir(target.parent)
                self._clear_damage(sha)
            return sha, size
        except OSError as exc:
            _discard(fd, tmp_name)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise AttachmentFailed(
                    f"The disk is full: {name} was not attached. Free some space (or move old "
                    f"files off the laptop) and attach it again. The record has not "
                    f"changed.") from None
            raise AttachmentFailed(f"{name} could not be stored ({exc.strerror or exc}). "
                                   f"The record has not changed.") from None
        except BaseException:
            _discard(fd, tmp_name)
            raise


    def _stored_size_ok(self, sha256: str, size: int) -> bool:
        try:
            return self.size(sha256) == size
        except OSError:
            return False


def _discard(fd: int, tmp_name: str) -> None:
    if fd >= 0:
        os.close(fd)
    if os.path.exists(tmp_name):
        os.unlink(tmp_name)
