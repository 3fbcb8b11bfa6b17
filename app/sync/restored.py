"""When the centre went back in time (restored from an older backup), a pull names the
scopes it sent whole, or no longer knows at all (server/pull.py, `went_back`). What this
laptop wrote there that the centre now lacks, or holds only in an older version, goes back
into the outbox, based on the version the centre holds, so the next push gives it back:
"laptops re-push what the server lost". A row another device wrote is left for that device
to send (this laptop may not be allowed to), and a change the centre refused before is not
offered again.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import OutboxEntry
from app.models.local import SyncAttention, SyncCursor
from app.sync.check import scoped_rows
from app.sync.wire import synced_tables


def refused_before(session: Session) -> set[tuple[str, str]]:
    return {(t, r) for t, r in session.execute(
        select(SyncAttention.table_name, SyncAttention.record_id).where(
            SyncAttention.kind == "rejected"))}


def queue_for_the_centre(session: Session, table: str, record_id: str, version: int,
                         centre_version: int) -> bool:
    """Put a row back in the outbox as a change based on `centre_version` (0: the centre
    does not have it). False if it is already waiting."""
    if session.scalar(select(OutboxEntry.id).where(OutboxEntry.table_name == table,
                                                   OutboxEntry.record_id == record_id)):
        return False
    session.add(OutboxEntry(table_name=table, record_id=record_id, version=version,
                            operation="upsert", base_version=centre_version))
    return True


def send_back_what_the_centre_lost(session: Session, scopes: set[str],
                                   centre_has: set[tuple[str, str]], device_id: str,
                                   pending: set[tuple[str, str]]) -> int:
    """For `scopes` the centre sent whole (its rows in `centre_has`) or no longer knows:
    queue this laptop's own rows there that the centre lacks. Returns how many."""
    from app.sync.incoming import apply_order   # parents first, signatures and audit last
    refused = refused_before(session)
    queued = 0
    for name in apply_order():
        table = synced_tables()[name]
        query = scoped_rows(session, name).add_columns(table.c.device_id)
        for record_id, version, scope, writer in session.execute(query):
            key = (name, record_id)
            if (scope in scopes and writer == device_id and key not in centre_has
                    and key not in pending and key not in refused):
                queued += queue_for_the_centre(session, name, record_id, version, 0)
    return queued


def forget_cursors(session: Session, scopes: set[str]) -> None:
    """Scopes the centre no longer knows are pulled whole once it has them back."""
    if scopes:
        session.query(SyncCursor).filter(SyncCursor.scope.in_(scopes)).delete()
