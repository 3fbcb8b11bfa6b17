"""Where each of a record's files is, in the words the files tab uses, and what the sync
status area counts as files waiting.

- "on this laptop": the laptop is not connected to a centre, so the file lives here only;
- "waiting to go to the centre": the record's link to the file has not reached the centre
  (files go up before the records that use them, so an acknowledged link means the centre
  had the file when the link arrived);
- "uploading N%": a sync is sending it now (`Uploads`, fed by the sync's progress);
- "at the centre": sent, and a copy is on this laptop;
- "not on this laptop": pulled from the centre (recorded on another laptop); fetched when
  opened, verified by its SHA-256 before use;
- "damaged": the entry's stored hash is not a hash (changed outside Fieldfolio), so there is
  nothing to fetch; or the bytes here were found not to match their hash when they were
  opened, sent or verified (the store keeps a marker). Either way opening it says so and
  refuses (app/evidence/attachment_store.py), and a sync does not send it.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.evidence.attachment_store import well_formed
from app.models import OutboxEntry
from app.models.evidence import Attachment, EvidenceRecord
from app.models.local import SyncMutation
from app.sync import state

ON_LAPTOP = "on this laptop"
WAITING = "waiting to go to the centre"
UPLOADING = "uploading"
AT_CENTRE = "at the centre"
NOT_HERE = "not on this laptop"
DAMAGED = "damaged"


class Uploads:
    """The percentage of each file a running sync is sending; read by the files tab.
    Written from the sync's worker thread, read from the GUI thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._percent: dict[str, int] = {}

    def update(self, sha256: str | None, percent: int) -> None:
        with self._lock:
            if sha256 is None:
                self._percent.clear()
            elif percent >= 100:
                self._percent.pop(sha256, None)
            else:
                self._percent[sha256] = percent

    def percent(self, sha256: str) -> int | None:
        with self._lock:
            return self._percent.get(sha256)


UPLOADS = Uploads()


@dataclass(frozen=True)
class FileState:
    state: str
    percent: int | None = None
    fetch_again: bool = False    # damaged here, but the centre had it: opening fetches it

    def words(self) -> str:
        if self.state == UPLOADING:
            return f"uploading {self.percent}%"
        if self.state == NOT_HERE:
            return "at the centre, not on this laptop (open it to download)"
        if self.state == DAMAGED and self.fetch_again:
            return ("damaged on this laptop: not opened or sent (open it to fetch the centre's "
                    "copy)")
        if self.state == DAMAGED:
            return "damaged: not opened or sent (its bytes do not match their fingerprint)"
        return self.state


def _waiting_attachments(session: Session, ids: list[str] | None = None) -> set[str]:
    out: set[str] = set()
    for model in (OutboxEntry, SyncMutation):
        query = select(model.record_id).where(model.table_name == "attachment")
        if ids is not None:
            query = query.where(model.record_id.in_(ids))
        out.update(session.scalars(query))
    return out


def file_states(session: Session, attachments: list, held,
                damaged=lambda sha256: False) -> dict[str, FileState]:
    """attachment id -> FileState for a record's files (`attachments` as listed by
    attachments_of; `held(sha)` says whether this laptop has the bytes, `damaged(sha)`
    whether they were found not to match their hash)."""
    enrolled = bool(state.get(session, "token"))
    waiting = _waiting_attachments(session, [a.id for a in attachments])
    out = {}
    for a in attachments:
        if not well_formed(a.sha256):  # not a missing file: no centre holds it under that name
            out[a.id] = FileState(DAMAGED)
        elif damaged(a.sha256):        # never shown as if good; the centre's copy may be
            out[a.id] = FileState(DAMAGED, fetch_again=enrolled and a.id not in waiting)
        elif not held(a.sha256):
            out[a.id] = FileState(NOT_HERE)
        elif not enrolled:
            out[a.id] = FileState(ON_LAPTOP)
        elif (percent := UPLOADS.percent(a.sha256)) is not None:
            out[a.id] = FileState(UPLOADING, percent)
        elif a.id in waiting:
            out[a.id] = FileState(WAITING)
        else:
            out[a.id] = FileState(AT_CENTRE)
    return out


def files_waiting(session: Session) -> tuple[int, int, int]:
    """(files, bytes, bytes of them already at the centre) whose records' links have not
    reached the centre yet, each file once. The last is what cut uploads left there, as their
    resume book last heard (the bar said "96.1 MB to send" with 40 MB of it sent)."""
    ids = _waiting_attachments(session)
    if not ids:
        return 0, 0, 0
    sizes: dict[str, int] = {}
    for sha, size in session.execute(
            select(Attachment.sha256, func.max(Attachment.size))
            .join(EvidenceRecord, EvidenceRecord.id == Attachment.record_id)
            .where(Attachment.id.in_(list(ids)), Attachment.deleted_at.is_(None),
                   EvidenceRecord.deleted_at.is_(None))
            .group_by(Attachment.sha256)):
        sizes[sha] = size or 0
    store = session.info.get("store")           # read sessions carry it (app/db/store.py)
    held = 0
    if store is not None and sizes:
        from app.transfer.outgoing import resume_book
        book = resume_book(store.data_dir)
        cut = {entry.stem for entry in book.folder.glob("*.json")} if book.folder.is_dir() \
            else set()          # one listing, not a file opened per waiting file
        held = sum(min(book.held(sha), sizes[sha]) for sha in cut & sizes.keys())
    return len(sizes), sum(sizes.values()), held
