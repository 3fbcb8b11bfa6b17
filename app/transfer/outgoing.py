"""The files step of a sync: send the centre every evidence file it lacks, before the records.

A sync sends files first (then pushes records, then pulls), so a record usually arrives at
the centre with its files already there; one attached during the sync arrives "awaiting
files" and its file follows on the next sync. Only files the centre lacks are sent: the
laptop lists the SHA-256 of every file its live records use, the centre answers with the
ones it has not got, and each of those is uploaded, resuming what an earlier sync began.

Progress is reported as the sync status area shows it: files waiting and bytes to go, plus
the file being sent and its percentage (for the record's files tab).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.evidence import Attachment, EvidenceRecord
from app.transfer.laptop_files import LaptopFiles, attachments_of_store
from app.transfer.upload import (
    CUT, FILES_PATH, FileDamaged, ResumeBook, TransferFailed, lacking, upload_file,
)


@dataclass
class FilesProgress:
    files_waiting: int
    bytes_to_go: int
    sending: str | None = None     # SHA-256 of the file on the wire now
    sending_name: str = ""
    sending_done: int = 0
    sending_total: int = 0

    @property
    def percent(self) -> int:
        return int(100 * self.sending_done / self.sending_total) if self.sending_total else 0


@dataclass
class FilesSent:
    sent: list[str] = field(default_factory=list)      # uploaded in this sync
    already_there: int = 0                             # the centre had them before
    bytes_sent: int = 0
    failed: list[str] = field(default_factory=list)    # why each file that could not go


@dataclass(frozen=True)
class LocalFile:
    sha256: str
    size: int
    name: str


def files_in_use(session: Session) -> list[LocalFile]:
    """Every file a live record of this laptop uses, once per SHA-256."""
    rows = session.execute(
        select(Attachment.sha256, Attachment.size, Attachment.original_name)
        .join(EvidenceRecord, EvidenceRecord.id == Attachment.record_id)
        .where(Attachment.deleted_at.is_(None), EvidenceRecord.deleted_at.is_(None))
        .order_by(Attachment.created_at)).all()
    seen: dict[str, LocalFile] = {}
    for sha, size, name in rows:
        seen.setdefault(sha, LocalFile(sha, size or 0, name or ""))
    return list(seen.values())


def resume_book(data_dir: Path) -> ResumeBook:
    return ResumeBook(Path(data_dir) / "sync" / "uploads")


def send_files(client: httpx.Client, store, *, progress: Callable[[FilesProgress], None] | None = None,
               cancelled: Callable[[], bool] | None = None, files_path: str = FILES_PATH,
               files: LaptopFiles | None = None, **upload_options) -> FilesSent:
    """Upload every file in use here that the centre lacks. A file that cannot go now is
    named in `failed` and the others still go (its record reaches the centre marked as
    awaiting files; the next sync sends it). Raises TransferCancelled."""
    files = files or attachments_of_store(store)
    book = resume_book(store.data_dir)
    held = [f for f in store.read(files_in_use) if files.exists(f.sha256)]
    wanted = set(lacking(client, [f.sha256 for f in held], files_path)) if held else set()
    waiting = [f for f in held if f.sha256 in wanted]
    report = FilesSent(already_there=len(held) - len(waiting))
    damaged = [f for f in waiting if files.known_damaged(f.sha256)]
    waiting = [f for f in waiting if f not in damaged]
    report.failed += [f"{f.name or f.sha256[:12]} on this laptop is damaged (its bytes no longer "
                      f"match their fingerprint), so it was not sent." for f in damaged]
    notify = progress or (lambda p: None)
    to_go = sum(f.size for f in waiting)
    notify(FilesProgress(len(waiting), to_go))
    for index, f in enumerate(waiting):
        def on_bytes(done: int, total: int, f=f, index=index, to_go=to_go) -> None:
            notify(FilesProgress(len(waiting) - index, to_go - done, f.sha256, f.name, done, total))
        try:
            result = upload_file(client, f.sha256, files, book, name=f.name, progress=on_bytes,
                                 cancelled=cancelled, files_path=files_path, **upload_options)
        except FileDamaged as exc:   # remembered, so the files tab says so and no sync retries
            files.mark_damaged(f.sha256)
            report.failed.append(str(exc))
        except TransferFailed as exc:
            report.failed.append(str(exc))
            if not _centre_answers(client, files_path):
                # Each file would spend its own half minute of retries on a centre that is
                # gone: with twenty waiting the sync hung for ten minutes before saying so.
                left = len(waiting) - index - 1
                if left:
                    report.failed.append(
                        f"The centre stopped answering, so {left} more "
                        f"{'files wait' if left != 1 else 'file waits'} on this laptop for "
                        f"the next sync.")
                break
        else:
            report.sent.append(f.sha256)
            report.bytes_sent += result.sent
        to_go -= f.size
    notify(FilesProgress(0, 0))
    return report


def _centre_answers(client: httpx.Client, files_path: str) -> bool:
    """Whether the centre answers at all (any reply will do) after a file gave up."""
    try:
        client.options(files_path, timeout=httpx.Timeout(5.0))
    except CUT:
        return False
    return True
