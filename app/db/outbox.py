"""Stamps every change to a synced record and queues it for sync, in the same flush.

Installed once on the Session class used by `Store`. Because it runs inside the flush,
the change and its outbox entry commit or roll back together: there is no window in which
a record has changed but sync does not know.

Who is writing decides (session.info["origin"], set by Store): a local edit ("local", the
default) is stamped and queued; a row pulled from the centre ("pulled", Store.write_pulled)
is stored exactly as the centre sent it and never queued to go back up.
"""
from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.db.base import Synced, utcnow
from app.models.local import OutboxEntry


class HardDeleteRefused(Exception):
    """Synced records are tombstoned, never deleted, so no device loses them on sync."""


def _has_changes(obj) -> bool:
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        if state.attrs[attr.key].history.has_changes():
            return True
    return False


LOCAL, PULLED = "local", "pulled"


def _before_flush(session: Session, flush_context, instances) -> None:
    if session.info.get("origin", LOCAL) == PULLED:
        return
    device_id = session.info.get("device_id", "")
    now = utcnow()
    stamped = session.info.setdefault("_stamped", [])
    for obj in session.deleted:
        if isinstance(obj, Synced):
            raise HardDeleteRefused(
                f"{type(obj).__name__} {obj.id} would be deleted; set a tombstone instead")
    for obj in session.new:
        if isinstance(obj, Synced):
            obj.device_id = device_id
            obj.created_at = obj.created_at or now
            obj.updated_at = now
            obj.version = obj.version or 1
            stamped.append((obj, 0))
    for obj in session.dirty:
        if isinstance(obj, Synced) and _has_changes(obj):
            obj.device_id = device_id
            obj.updated_at = now
            stamped.append((obj, obj.version or 0))
            obj.version = (obj.version or 0) + 1


def _after_flush(session: Session, flush_context) -> None:
    rows = []
    for obj, base_version in session.info.pop("_stamped", []):
        rows.append({
            "base_version": base_version,
            "table_name": obj.__tablename__,
            "record_id": obj.id,
            "version": obj.version,
            "operation": "tombstone" if obj.deleted_at is not None else "upsert",
            "queued_at": utcnow(),
        })
    if not rows:
        return
    # A record already queued keeps the base version of its first unsent change.
    # One statement with the rows as parameters: compiled once and cached, where rows built
    # into the statement were compiled again on every flush (a millisecond each).
    session.connection().execute(_QUEUE, rows)


def _queue_statement():
    stmt = sqlite_insert(OutboxEntry.__table__)
    return stmt.on_conflict_do_update(
        index_elements=["table_name", "record_id"],
        set_={"version": stmt.excluded.version, "operation": stmt.excluded.operation,
              "queued_at": stmt.excluded.queued_at},
    )


_QUEUE = _queue_statement()


def install(session_class) -> None:
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "after_flush", _after_flush)
