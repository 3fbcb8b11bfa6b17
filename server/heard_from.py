"""When the centre last heard from a laptop: what `server-admin devices` shows as its last
sync, so centre IT can tell a laptop that syncs (often with nothing to send) from one that
has gone quiet. Any request the laptop signs with its token counts, and a sync file of its
imported from a USB stick (server/sync_file.py, through server/push.py).

Written at most once a minute per laptop: a pull is many pages and a file many chunks, and
a write for each would queue behind the centre's one writer for nothing anyone can see.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from server.models import SyncDevice

HEARD_EVERY = timedelta(minutes=1)


def note_heard_from(centre, device_id: str, last_heard: datetime | None) -> None:
    """Record now as the laptop's last sync, unless `last_heard` (as just read) is recent."""
    now = datetime.now(timezone.utc)
    if last_heard is not None and now - last_heard < HEARD_EVERY:
        return
    with centre.writing() as session:
        session.execute(update(SyncDevice).where(SyncDevice.id == device_id)
                        .values(last_sync_at=now))
