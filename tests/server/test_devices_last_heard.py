"""`server-admin devices` with a real centre on SQLite and PostgreSQL: a laptop's "last sync"
is when the centre last heard from it, whether or not it had anything to send (a sync with
nothing waiting, a sync file from a USB stick with no changes), written at most once a
minute; and each laptop is named by whose it is, not only by its host name ("vm" on all of
them), there and in what an import says."""
from __future__ import annotations

import platform
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from app.sync.engine import run_sync
from app.sync_file.laptop import export_for_centre
from server import staff
from server.commands import _devices
from server.files.wiring import centre_files
from server.models import SyncDevice
from server.sync_file import import_from_laptop
from tests.server.sync_helpers import enrolled


def heard_at(centre, device_id: str, when: datetime | None = None) -> datetime:
    """The laptop's last sync as `devices` lists it, first setting it to `when` if given."""
    if when is not None:
        centre.admin(lambda s: s.execute(update(SyncDevice).where(SyncDevice.id == device_id)
                                         .values(last_sync_at=when)))
    row = next(d for d in centre.admin(staff.devices) if d["id"] == device_id)
    return datetime.fromisoformat(row["last_sync_at"])


def test_last_sync_is_when_the_centre_last_heard_from_the_laptop(centre, laptops, tmp_path):
    sam = laptops("sam")
    enrolled(sam, centre, "Sam Patel")
    run_sync(sam)
    assert run_sync(sam).pushed == 0            # nothing left to send from here on

    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    heard_at(centre, sam.device_id, yesterday)
    before = datetime.now(timezone.utc)
    assert run_sync(sam).pushed == 0
    assert heard_at(centre, sam.device_id) >= before

    # Within the minute it is not written again (a pull's pages, a file's chunks).
    half_a_minute_ago = datetime.now(timezone.utc) - timedelta(seconds=30)
    heard_at(centre, sam.device_id, half_a_minute_ago)
    run_sync(sam)
    assert heard_at(centre, sam.device_id) == half_a_minute_ago

    # A sync file off a USB stick with nothing in it to apply counts too.
    stick = tmp_path / "sam.ffsync"
    export_for_centre(sam, stick)
    heard_at(centre, sam.device_id, yesterday)
    before = datetime.now(timezone.utc)
    db = centre.open_database()
    try:
        taken = import_from_laptop(db, centre_files(db), stick)
    finally:
        db.dispose()
    assert taken.applied == 0
    assert heard_at(centre, sam.device_id) >= before
    laptop = f"Sam Patel's laptop ({platform.node()})"
    assert taken.summary().startswith(f"Sync file from {laptop}: ")

    # devices names whose laptop each is.
    rows, text = centre.admin(_devices, None)
    assert [r["laptop"] for r in rows] == [laptop]
    assert text.startswith(f"{sam.device_id}  {laptop}, assessor  last sync 20")


def test_a_laptop_is_named_by_whose_it_is():
    assert staff.laptop_name("Sam Patel", "vm") == "Sam Patel's laptop (vm)"
    assert staff.laptop_name("Sam Patel", "") == "Sam Patel's laptop"
    assert staff.laptop_name(None, "vm") == "vm"
