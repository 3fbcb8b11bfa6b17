"""Files behind evidence, the database half: linking stored bytes to a record, removing and
restoring the link, and listing a record's files.

The bytes themselves live in the attachment store (`app/evidence/attachment_store.py`,
`store.attachments`), which owns their paths, hashing and reading. A row (`Attachment`) is
written only after the bytes are safe there, so a record never points at a missing file.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.db.base import utcnow
from app.evidence.attachment_store import AttachmentFailed, StoredFile, kind_of  # noqa: F401
from app.evidence.records import AUDIT_TYPE, RecordLocked, back_to_draft_if_ready
from app.models.evidence import Attachment, EvidenceRecord
from app.signing.audit import record_event
from app.evidence.printed_reference import printed_reference


def add_attachment(session: Session, record_id: str, stored: StoredFile,
                   caption: str = "", attachment_id: str | None = None) -> str:
    """The database half: link stored bytes to a record (writer thread)."""
    record = session.get(EvidenceRecord, record_id)
    if record is None or record.deleted_at is not None:
        raise InvalidInput({"record": "This record has been deleted."})
    if record.state == "signed":
        raise RecordLocked({"record": f"{printed_reference(session, record.id)} is signed; files cannot be added."})
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
    stored = store.attachments.import_file(source)
    return store.write_now(add_attachment, record_id, stored, caption)


def remove_attachment(session: Session, attachment_id: str) -> None:
    """Tombstone the link; the bytes stay (another record, or an undo, may need them)."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.deleted_at is not None:
        return
    record = session.get(EvidenceRecord, row.record_id)
    if record.state == "signed":
        raise RecordLocked({"record": f"{printed_reference(session, record.id)} is signed; its files cannot change."})
    row.deleted_at = utcnow()
    record_event(session, "file removed", AUDIT_TYPE, row.record_id,
                 learner_id=record.learner_id, summary=row.original_name)
    back_to_draft_if_ready(session, record)


def restore_attachment(session: Session, attachment_id: str) -> None:
    row = session.get(Attachment, attachment_id)
    if row is not None and row.deleted_at is not None:
        record = session.get(EvidenceRecord, row.record_id)
        if record.state == "signed":
            raise RecordLocked({"record": f"{printed_reference(session, record.id)} is signed; its files cannot change."})
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
        raise RecordLocked({"record": f"{printed_reference(session, record.id)} is signed; its files cannot change."})
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
