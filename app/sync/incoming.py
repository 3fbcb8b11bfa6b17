"""The laptop's pull: applying one page from the centre and advancing the cursors in the
same local transaction (run with Store.write_pulled, so nothing is stamped or queued).

- Foreign keys are checked at commit (PRAGMA defer_foreign_keys): a page holds whole
  scopes, parents included, in whatever order.
- Signatures go in after the rows they sign, so the signed-record triggers, which refuse a
  mapping or file added to a signed record, see the rows arrive before the signature.
- A record with a change of its own still waiting to go up is left as it is: the centre
  decides between them when that change arrives (a conflict keeps both).
- Rows already as the centre has them are not written again.
- A learner erased on another laptop has this laptop's drafts of their forms erased too
  (app/caseload/erasure.py), as an erasure made here does, and the files of their erased
  records taken off this laptop once the page has committed (`pull_page`). Where the
  centre erased its copy of a row this laptop wrote last (this laptop's change reached it
  before the erasure did: server/erased.py), the assessor is told it was not kept
  (app/sync/erasure_won.py).
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.caseload.erased_fields import ERASED_TABLES
from app.caseload.erasure import erased_by, erased_elsewhere, take_files_off
from app.db import changes
from app.models import OutboxEntry
from app.models.local import Device, SyncAttention, SyncCursor, SyncMutation
from app.sync.learners_twice import note_learners_twice
from app.sync.erasure_won import note_not_kept
from app.sync.protocol import CENTRE_SCOPE, CENTRE_WRITER
from app.sync.references import make_room, queue_after_page
from app.sync.restored import (forget_cursors, queue_for_the_centre, refused_before,
                               send_back_what_the_centre_lost)
from app.sync.wire import decode, same_content, synced_tables

# Rows of a record left out of a page (app/sync/references.py), by the column naming it.
FOLLOW_THEIR_RECORD = {"criterion_mapping": "record_id", "attachment": "record_id",
                       "signature": "record_id"}

# Written last in a page: signatures (and the records of them) after what they sign.
LAST = ("amendment", "signature", "audit_event")


def apply_order() -> list[str]:
    names = [n for n in synced_tables() if n not in LAST]
    return names + [n for n in LAST if n in synced_tables()]


def pending_records(session: Session) -> set[tuple[str, str]]:
    out = set()
    for model in (OutboxEntry, SyncMutation):
        out.update((t, r) for t, r in session.execute(select(model.table_name, model.record_id)))
    return out


def pull_page(store, page: dict, refetch: bool = False) -> dict[str, int]:
    """Apply one page as the writer's pulled write, then, after it commits, take off this
    laptop the files of records an erasure in it removed: their rows go first, so a crash
    between the two leaves a file no live record names, never a live record without its
    file (the order `erase_learner` and `remove_files` keep)."""
    counts = store.write_pulled(apply_page, page, refetch).result()
    files = counts.pop(ERASED_FILES, [])
    if files:
        take_files_off(store, files)
    return counts


ERASED_FILES = "erased_files"   # in apply_page's answer: SHA-256s for pull_page to remove


def apply_page(session: Session, page: dict, refetch: bool = False) -> dict:
    """Returns counts: inserted, updated, unchanged, kept (a local change waiting), newer
    here and sent back (scopes sent whole, below); and under ERASED_FILES the files of
    records a pulled erasure removed, for `pull_page` to take off after the commit.

    In a scope the centre sent whole, because it went back in time (`went_back`) or this
    laptop re-fetches it after a failed check (`refetch`), a row newer here than at the
    centre is never replaced by the older one; if this laptop wrote it, it is queued to go
    back. Rows the laptop wrote that a scope which went back lacks are queued too
    (app/sync/restored.py)."""
    session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    counts = defaultdict(int)
    written = []
    pending = pending_records(session)
    went_back = set(page.get("went_back") or [])
    whole = went_back | (set(page.get("cursors", {})) if refetch else set())
    device_id = session.scalar(select(Device.id)) if whole else None
    refused = refused_before(session) if whole else set()
    delivered: set[tuple[str, str]] = set()
    by_table: dict[str, list[dict]] = defaultdict(list)
    scopes: dict[str, str] = {}
    clashed: set[str] = set()
    overwritten: set[str] = set()   # learners whose rows this laptop wrote the centre erased
    for change in page.get("changes", []):
        by_table[change["table"]].append(change["row"])
        scopes[change["row"].get("id")] = change.get("scope")
    for name in apply_order():
        if name not in by_table:
            continue
        table = synced_tables()[name]
        rows = [decode(table, r) for r in by_table[name]]
        if name == "evidence_record":   # one reference numbered on two devices
            signed_in_page = {r.get("record_id") for r in by_table.get("signature", ())}
            rows, clashed, queued = make_room(session, rows, pending, signed_in_page)
            counts["sent_back"] += queued
        elif clashed and name in FOLLOW_THEIR_RECORD:
            rows = [r for r in rows if r.get(FOLLOW_THEIR_RECORD[name]) not in clashed]
        if not rows:
            continue
        ids = [r["id"] for r in rows]
        existing = {}
        for i in range(0, len(ids), 500):
            for r in session.execute(select(table).where(table.c.id.in_(ids[i:i + 500]))).mappings():
                existing[r["id"]] = dict(r)
        fresh = []
        for row in rows:
            delivered.add((name, row["id"]))
            if (name, row["id"]) in pending:
                counts["kept"] += 1
            elif (scopes.get(row["id"]) in whole and row["id"] in existing
                  and (existing[row["id"]]["version"] or 0) > (row.get("version") or 0)):
                mine = existing[row["id"]]
                counts["newer_here"] += 1
                if mine["device_id"] == device_id and (name, row["id"]) not in refused:
                    counts["sent_back"] += queue_for_the_centre(
                        session, name, row["id"], mine["version"], row.get("version") or 0)
            elif row["id"] not in existing:
                fresh.append(row)
            elif same_content(table, existing[row["id"]], row):
                counts["unchanged"] += 1
            else:
                if _erased_over_mine(session, name, row, existing[row["id"]]):
                    overwritten.add(_learner(row, scopes.get(row["id"])))
                if _update(session, table, row, existing[row["id"]], counts):
                    written.append((name, row["id"], _learner(row, scopes.get(row["id"]))))
        written += [(name, r["id"], _learner(r, scopes.get(r["id"]))) for r in fresh]
        if fresh:
            session.execute(insert(table), fresh)
            counts["inserted"] += len(fresh)
        if name == "audit_event":
            # New here only: an erasure delivered again (a re-fetch) must not take drafts
            # typed since it was first applied.
            erased_files = erased_elsewhere(session, fresh)
            if erased_files:
                counts[ERASED_FILES] = erased_files
    for learner_id in overwritten - {None}:
        if not erased_by(session, learner_id, _this_device(session)):  # the eraser's own
            note_not_kept(session, learner_id)   # after the page: the name as it now stands
    counts["sent_back"] += queue_after_page(session)
    _advance_cursors(session, page.get("cursors", {}))
    if went_back:
        counts["sent_back"] += send_back_what_the_centre_lost(
            session, went_back, delivered, device_id, pending)
        forget_cursors(session, went_back - set(page.get("cursors", {})))
    session.flush()
    if "learner" in by_table:   # the same learner (one ULN) made on two devices
        note_learners_twice(session)
    changes.note_written(session, written)  # open screens refresh (app/db/changes.py)
    return dict(counts)


def _erased_over_mine(session: Session, name: str, row: dict, mine: dict) -> bool:
    """The centre's own version of a learner's row an erasure covers, replacing this
    laptop's: the centre writes those only to erase again what reached it before the
    erasure (server/erased.py)."""
    if name not in ERASED_TABLES or row.get("device_id") != CENTRE_WRITER:
        return False
    return mine.get("device_id") == _this_device(session)


def _this_device(session: Session) -> str:
    return session.info.get("device_id") or session.scalar(select(Device.id))


def _advance_cursors(session: Session, cursors: dict[str, int]) -> None:
    """One upsert for the page's cursors: a page after a first push names every learner,
    and a lookup per scope (10,000 of them) cost more than applying the rows."""
    if not cursors:
        return
    upsert = sqlite_insert(SyncCursor.__table__)
    upsert = upsert.on_conflict_do_update(index_elements=["scope"],
                                          set_={"clock": upsert.excluded.clock})
    session.execute(upsert, [{"scope": scope, "clock": int(clock)}
                             for scope, clock in cursors.items()])


def _learner(row: dict, scope: str | None) -> str | None:
    return None if scope in (None, CENTRE_SCOPE) else scope


def _update(session: Session, table, row: dict, existing: dict, counts) -> bool:
    """Only the columns that differ are set: the signed-record triggers guard columns by
    name (UPDATE OF …), so setting a signed column to its own value would be refused."""
    changed = {k: v for k, v in row.items() if existing.get(k) != v}
    savepoint = session.begin_nested()
    try:
        session.execute(update(table).where(table.c.id == row["id"]).values(**changed))
        savepoint.commit()
        counts["updated"] += 1
        return True
    except DBAPIError as exc:
        # This laptop's copy is signed and the centre's differs: keep ours, say so.
        savepoint.rollback()
        session.add(SyncAttention(kind="rejected", table_name=table.name, record_id=row["id"],
                                  reason=f"the centre's copy could not replace this signed "
                                         f"record here ({exc.orig})", resolution=""))
        counts["refused"] += 1
        return False
