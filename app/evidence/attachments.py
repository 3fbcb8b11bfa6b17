"""Files behind evidence, kept in a content-addressed store in the data folder.

`<data dir>/attachments/ab/abcdef...` holds the bytes of the file whose SHA-256 is
`abcdef...`. A file is copied in chunks (a 2 GB video never sits in memory) to a temporary
file in the same folder, flushed to disk, then renamed into place: a crash or full disk
leaves either the whole file or nothing under its name. A name is never overwritten, and
the same file attached twice is stored once. The database row (`Attachment`) is written
only after the bytes are safe, so a record never points at a missing file.
"""
from __future__ import annotations

import errno
import hashlib
import mimetypes
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.db.base import utcnow
from app.evidence.media_duration import playing_time_ms
from app.evidence.records import AUDIT_TYPE, RecordLocked, back_to_draft_if_ready
from app.models.evidence import Attachment, EvidenceRecord
from app.signing.audit import record_event

CHUNK = 1024 * 1024


class AttachmentFailed(Exception):
    """A file could not be stored; the message says why in words the assessor can act on.
    Nothing was changed: the record is as it was."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    original_name: str
    media_type: str
    kind: str
    duration_ms: int | None = None   # audio and video, where the header gives it


def blob_path(attachments_dir: Path, sha256: str) -> Path:
    return Path(attachments_dir) / sha256[:2] / sha256


def kind_of(media_type: str) -> str:
    top = media_type.split("/")[0]
    return {"image": "photo", "audio": "audio", "video": "video"}.get(top, "file")


def _write(fd: int, data: bytes) -> None:
    # One place for the OS write call, so a full disk can be simulated in tests.
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def import_file(attachments_dir: Path, source: Path | str) -> StoredFile:
    """Copy `source` into the store (if not already there) and describe it. Runs outside the
    database writer: the slow part (reading gigabytes) must not hold up other saves."""
    source = Path(source)
    attachments_dir = Path(attachments_dir)
    try:
        attachments_dir.mkdir(parents=True, exist_ok=True)
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
    digest, size = hashlib.sha256(), 0
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=attachments_dir)
    try:
        with src:
            while True:
                try:
                    chunk = src.read(CHUNK)
                except OSError as exc:
                    raise AttachmentFailed(
                        f"{source.name} could not be read to the end ({exc.strerror or exc}); "
                        f"the disk or stick may be failing. The record has not changed.") from None
                if not chunk:
                    break
                digest.update(chunk)
                size += len(chunk)
                _write(fd, chunk)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        sha = digest.hexdigest()
        target = blob_path(attachments_dir, sha)
        target.parent.mkdir(exist_ok=True)
        if target.exists() and target.stat().st_size == size:
            os.unlink(tmp_name)  # the same bytes are already stored: keep the first copy
        else:
            os.chmod(tmp_name, 0o444)  # evidence bytes never change under their name
            os.replace(tmp_name, target)
            _fsync_dir(target.parent)
    except OSError as exc:
        if fd >= 0:
            os.close(fd)
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise AttachmentFailed(
                f"The disk is full: {source.name} was not attached. Free some space (or "
                f"move old files off the laptop) and attach it again. The record has not "
                f"changed.") from None
        raise AttachmentFailed(f"{source.name} could not be stored ({exc.strerror or exc}). "
                               f"The record has not changed.") from None
    except BaseException:
        if fd >= 0:
            os.close(fd)
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    kind = kind_of(media_type)
    # Read from the stored copy: a few header reads, and the source may be a slow stick.
    duration = playing_time_ms(target) if kind in ("audio", "video") else None
    return StoredFile(sha, size, source.name, media_type, kind, duration)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def add_attachment(session: Session, record_id: str, stored: StoredFile,
                   caption: str = "", attachment_id: str | None = None) -> str:
    """The database half: link stored bytes to a record (writer thread)."""
    record = session.get(EvidenceRecord, record_id)
    if record is None or record.deleted_at is not None:
        raise InvalidInput({"record": "This record has been deleted."})
    if record.state == "signed":
        raise RecordLocked({"record": f"{record.portfolio_ref} is signed; files cannot be added."})
    row = Attachment(record_id=record_id, sha256=stored.sha256, original_name=stored.original_name,
                     media_type=stored.media_type, size=stored.size, kind=stored.kind,
                     caption=caption, duration_ms=stored.duration_ms,
                     **({"id": attachment_id} if attachment_id else {}))
    session.add(row)
    session.flush()
    record_event(session, "file added", AUDIT_TYPE, record_id, learner_id=record.learner_id,
                 summary=f"{stored.original_name} ({stored.size:,} bytes)")
    back_to_draft_if_ready(session, record)
    return row.id


def attach_file(store, record_id: str, source: Path | str, caption: str = "") -> str:
    """Store a file's bytes then link them to the record. Blocks; the UI runs it off the
    GUI thread. Raises AttachmentFailed with a message for the user."""
    stored = import_file(store.attachments_dir, source)
    return store.write_now(add_attachment, record_id, stored, caption)


def remove_attachment(session: Session, attachment_id: str) -> None:
    """Tombstone the link; the bytes stay (another record, or an undo, may need them)."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.deleted_at is not None:
        return
    record = session.get(EvidenceRecord, row.record_id)
    if record.state == "signed":
        raise RecordLocked({"record": f"{record.portfolio_ref} is signed; its files cannot change."})
    row.deleted_at = utcnow()
    record_event(session, "file removed", AUDIT_TYPE, row.record_id,
                 learner_id=record.learner_id, summary=row.original_name)
    back_to_draft_if_ready(session, record)


def restore_attachment(session: Session, attachment_id: str) -> None:
    row = session.get(Attachment, attachment_id)
    if row is not None and row.deleted_at is not None:
        record = session.get(EvidenceRecord, row.record_id)
        if record.state == "signed":
            raise RecordLocked({"record": f"{record.portfolio_ref} is signed; its files cannot change."})
        row.deleted_at = None
        record_event(session, "file added", AUDIT_TYPE, row.record_id,
                     learner_id=record.learner_id, summary=f"{row.original_name} (removal undone)")
        back_to_draft_if_ready(session, record)


def set_attachment_duration(session: Session, attachment_id: str, ms: int) -> bool:
    """The playing time of a clip whose header Fieldfolio could not read, measured by the
    window's media player. Only fills a missing length (one read from the file's own header
    is better than a player's estimate) and never touches a signed record: its files are as
    they were signed. Returns whether the length was stored."""
    if not isinstance(ms, int) or isinstance(ms, bool) or ms <= 0:
        raise InvalidInput({"duration": "A playing time is a whole number of milliseconds above 0."})
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise InvalidInput({"attachment": "That file is not attached to any record."})
    if row.duration_ms is not None:
        return False
    record = session.get(EvidenceRecord, row.record_id)
    if record.state == "signed":
        raise RecordLocked({"record": f"{record.portfolio_ref} is signed; its files cannot change."})
    row.duration_ms = ms
    session.flush()
    return True


@dataclass
class AttachmentView:
    id: str
    sha256: str
    original_name: str
    media_type: str
    size: int
    kind: str
    caption: str
    duration_ms: int | None = None


def attachments_of(session: Session, record_id: str) -> list[AttachmentView]:
    rows = session.scalars(select(Attachment).where(
        Attachment.record_id == record_id, Attachment.deleted_at.is_(None))
        .order_by(Attachment.created_at)).all()
    return [AttachmentView(a.id, a.sha256, a.original_name, a.media_type, a.size, a.kind, a.caption,
                           a.duration_ms) for a in rows]


def viewable_path(attachments_dir: Path, sha256: str, original_name: str) -> Path:
    """A path with the file's own name (the system viewer picks an application by the
    extension), hard-linked to the stored bytes so a 2 GB video is not copied; a copy where
    links are not possible. Stored files are read-only, so a viewer cannot change them."""
    source = blob_path(attachments_dir, sha256)
    safe = Path(original_name).name or sha256
    target = Path(attachments_dir) / ".view" / sha256[:16] / safe
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            import shutil
            shutil.copyfile(source, target)
    return target


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks so a 2 GB video never sits in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(attachments_dir: Path, sha256: str) -> bool:
    """Re-hash a stored file: True if the bytes still match their name."""
    path = blob_path(attachments_dir, sha256)
    return path.exists() and file_sha256(path) == sha256
