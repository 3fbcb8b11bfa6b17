"""Helpers for sync tests: enrolling laptops and comparing a laptop's rows with the
centre's, record by record (every synced table, every column)."""
from __future__ import annotations

from sqlalchemy import select

from app.sync.enrolment import enrol
from app.sync.wire import encode, synced_tables
from server import staff
from server.auth import CallingDevice
from server.models import ChangeLog
from server.pull import visible_scopes


def enrolled(laptop, centre, name: str, role: str = "assessor", staff_id: str | None = None) -> str:
    """Enrol `laptop` with a new (or given) member of staff; returns the staff id."""
    staff_id = staff_id or centre.admin(staff.add_staff, name, role)
    enrol(laptop, centre.url, centre.admin(staff.new_enrol_code, staff_id))
    return staff_id


def sam_on_two_laptops(centre, laptops):
    """Sam Patel's two laptops, "one" and "two", both enrolled as Sam: the setting of every
    clash between devices of one assessor. Returns (one, two, Sam's staff id)."""
    one, two = laptops("one"), laptops("two")
    sam = enrolled(one, centre, "Sam Patel")
    enrolled(two, centre, "Sam Patel", staff_id=sam)
    return one, two, sam


def laptop_rows(store) -> dict[tuple[str, str], dict]:
    def read(session):
        out = {}
        for name, table in synced_tables().items():
            for row in session.execute(select(table)).mappings():
                out[(name, row["id"])] = encode(table, row)
        return out
    return store.read(read)


def centre_rows(centre, device_id: str, staff_id: str, role: str) -> dict[tuple[str, str], dict]:
    db = centre.open_database()
    try:
        with db.reading() as session:
            scopes = set(visible_scopes(session, CallingDevice(device_id, staff_id, role, "")))
            wanted = {}
            for table_name, record_id, scope in session.execute(
                    select(ChangeLog.table_name, ChangeLog.record_id, ChangeLog.scope)):
                if scope in scopes:
                    wanted.setdefault(table_name, []).append(record_id)
            out = {}
            for name, ids in wanted.items():
                table = synced_tables()[name]
                for i in range(0, len(ids), 500):
                    for row in session.execute(select(table).where(
                            table.c.id.in_(ids[i:i + 500]))).mappings():
                        out[(name, row["id"])] = encode(table, row)
            return out
    finally:
        db.dispose()


def assert_laptop_matches_centre(store, centre, staff_id: str, role: str) -> int:
    """Every record on the laptop is at the centre exactly so, and every record the centre
    lets this laptop see is on it. Returns how many records were compared."""
    mine = laptop_rows(store)
    theirs = centre_rows(centre, store.device_id, staff_id, role)
    missing_here = sorted(set(theirs) - set(mine))
    missing_there = sorted(set(mine) - set(theirs))
    assert not missing_here, f"at the centre, not on the laptop: {missing_here[:5]}"
    assert not missing_there, f"on the laptop, not at the centre: {missing_there[:5]}"
    different = [k for k in mine if mine[k] != theirs[k]]
    assert not different, f"different: {[(k, mine[k], theirs[k]) for k in different[:2]]}"
    return len(mine)


def count_at_centre(centre, model) -> int:
    """How many rows of a server model the centre holds."""
    from sqlalchemy import func
    db = centre.open_database()
    try:
        with db.reading() as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        db.dispose()


def type_note(store, learner_id: str, text: str) -> None:
    """The learner's notes as typed, only that field (the form sends every field, so
    autosave_learner with just notes would blank the others)."""
    from app.models import Learner

    def change(session):
        session.get(Learner, learner_id).notes = text
    store.write_now(change)
