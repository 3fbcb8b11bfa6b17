"""This laptop's side of the connection: where the centre is, who we are to it, and what
the window shows about sync (not connected / connected to NAME, changes waiting, last
successful sync, needs attention).

Kept in local_setting (keys under "sync."), read and written inside the caller's session.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import LocalSetting, OutboxEntry
from app.models.local import SyncAttention, SyncMutation

KEYS = ("url", "token", "centre_name", "staff_id", "staff_name", "role", "next_seq",
        "acked_seq", "last_success_at", "last_error", "watch",
        "checked_at", "last_file_at")


MB = 1024 * 1024


def amount(size: int) -> str:
    """A size as the status bar says it: "0.0 MB" said nothing about two small photos."""
    return f"{size / MB:.1f} MB" if size >= MB // 10 or not size else f"{max(size // 1024, 1)} KB"


class NotEnrolled(Exception):
    """This laptop has no centre to sync with yet."""


def get(session: Session, key: str) -> str | None:
    row = session.get(LocalSetting, f"sync.{key}")
    return row.value if row else None


def put(session: Session, key: str, value: str | int | None) -> None:
    facts = session.info.get("laptop_facts")     # what the writer remembers (iqa_laptop.py)
    if facts is not None:
        facts[f"sync.{key}"] = None if value is None else str(value)
    row = session.get(LocalSetting, f"sync.{key}")
    if value is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(LocalSetting(key=f"sync.{key}", value=str(value)))
    else:
        row.value = str(value)


@dataclass(frozen=True)
class Connection:
    url: str
    token: str
    centre_name: str
    staff_name: str
    role: str


def connection(session: Session) -> Connection:
    url, token = get(session, "url"), get(session, "token")
    if not url or not token:
        raise NotEnrolled("This laptop is not connected to a centre: everything is kept on "
                          "this laptop only. Connect it with File → Connect to centre… or "
                          "`fieldfolio enrol URL CODE`.")
    return Connection(url, token, get(session, "centre_name") or url,
                      get(session, "staff_name") or "", get(session, "role") or "")


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    centre_name: str
    waiting: int            # changes not yet acknowledged by the centre
    last_success_at: datetime | None
    attention: int          # unresolved rejections and conflicts
    last_error: str
    files_waiting: int = 0  # evidence files not yet at the centre (app/transfer/file_states.py)
    file_bytes_waiting: int = 0
    file_bytes_at_centre: int = 0   # of those, already at the centre from a cut upload
    last_file_at: datetime | None = None   # the centre's sync file last imported (USB stick)

    def _when(self) -> str:
        """When the centre's state last arrived: by network ("synced 05/12 18:56") or, more
        recently, on a USB stick; after an import "not synced yet" was not true."""
        if self.last_file_at and (not self.last_success_at
                                  or self.last_file_at > self.last_success_at):
            return f"sync file imported {self.last_file_at.astimezone():%d/%m %H:%M}"
        if self.last_success_at:
            return f"synced {self.last_success_at.astimezone():%d/%m %H:%M}"
        return "not synced yet"

    def _waiting_words(self) -> str:
        """Changes and files not yet at the centre, in one short phrase for the bar."""
        things = []
        if self.waiting:
            things.append(f"{self.waiting} change{'s' if self.waiting != 1 else ''}")
        if self.files_waiting:
            things.append(f"{self.files_waiting} file{'s' if self.files_waiting != 1 else ''} "
                          f"({amount(self.file_bytes_to_go)}"
                          f"{' to go' if self.file_bytes_at_centre else ''})")
        if things:
            return f"{', '.join(things)} waiting"
        return "nothing waiting" if self.attention else "everything is at the centre"

    def bar_words(self) -> str:
        """The status bar's one short line (1280 pixels less the name, Sync now and "Saved
        as you type"); `headline()` and the failure's whole reason go in its tooltip."""
        if not self.enrolled:
            return self.headline()
        if self.last_error:
            from app.sync.failure_words import in_brief
            return f"Last sync failed: {in_brief(self.last_error)} · {self._waiting_words()}"
        return f"Connected to {self.centre_name} · {self._waiting_words()} · {self._when()}"

    @property
    def file_bytes_to_go(self) -> int:
        """What is still to send: a cut upload's part already at the centre is not."""
        return max(self.file_bytes_waiting - self.file_bytes_at_centre, 0)

    def headline(self) -> str:
        if not self.enrolled:
            return "Not connected to a centre: your work is kept on this laptop only."
        parts = [f"Connected to {self.centre_name}"]
        # A change the centre refused has left the queue but is not at the centre: while
        # anything needs attention, "everything is at the centre" would not be true.
        parts.append(f"{self.waiting} change{'s' if self.waiting != 1 else ''} waiting"
                     if self.waiting else "nothing waiting" if self.attention
                     else "everything is at the centre")
        if self.files_waiting:
            held = (f", {amount(self.file_bytes_at_centre)} of it already at the centre"
                    if self.file_bytes_at_centre else "")
            parts.append(f"{self.files_waiting} file{'s' if self.files_waiting != 1 else ''} "
                         f"({amount(self.file_bytes_waiting)}{held}) to send")
        parts.append(self._when())
        return " · ".join(parts)


def status(session: Session) -> SyncStatus:
    enrolled = bool(get(session, "token"))
    waiting = (session.scalar(select(func.count()).select_from(OutboxEntry)) or 0) + \
        (session.scalar(select(func.count()).select_from(SyncMutation)) or 0)
    attention = session.scalar(select(func.count()).select_from(SyncAttention).where(
        SyncAttention.resolved_at.is_(None))) or 0
    last = get(session, "last_success_at")
    from app.transfer.file_states import files_waiting  # app.transfer imports this module
    files, file_bytes, held = files_waiting(session) if enrolled else (0, 0, 0)
    by_file = get(session, "last_file_at")
    return SyncStatus(enrolled, get(session, "centre_name") or "", waiting,
                      datetime.fromisoformat(last) if last else None, attention,
                      get(session, "last_error") or "", files, file_bytes, held,
                      datetime.fromisoformat(by_file) if by_file else None)


def is_waiting(session: Session, table_name: str, record_id: str) -> bool:
    """Per record: True while a change to it has not reached the centre."""
    for model in (OutboxEntry, SyncMutation):
        if session.scalar(select(func.count()).select_from(model).where(
                model.table_name == table_name, model.record_id == record_id)):
            return True
    return False
