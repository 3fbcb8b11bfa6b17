"""What a laptop receives: every change since its cursors, only in scopes it may see.

The laptop keeps one cursor per scope (the scope's clock when it last pulled it). A page
holds whole scopes, the centre's first: a learner's records arrive together with their
parents, so the laptop can apply each page in one transaction with every foreign key
satisfied at commit. Read in one snapshot (REPEATABLE READ on PostgreSQL, a read
transaction on SQLite), so the cursors returned match the rows returned.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalogue.pack_documents import loaded_packs
from app.sync.check import digest
from app.sync.protocol import CENTRE_SCOPE
from app.sync.wire import encode, synced_tables
from server.auth import CallingDevice
from server.clock import watch_token
from server.database import CentreDatabase
from server.models import ChangeLog, ScopeClock, SyncDevice
from server.signatures import chain_report
from server.permissions import visible_learners

PAGE_ROWS = 5000
_CHUNK = 500


def visible_scopes(session: Session, device: CallingDevice) -> list[str]:
    if device.role == "admin":
        return []
    return [CENTRE_SCOPE] + visible_learners(session, device)


def pull(centre: CentreDatabase, device: CallingDevice, cursors: dict[str, int],
         page_rows: int = PAGE_ROWS, own: bool = False, chain_head: dict | None = None) -> dict:
    """Changes since `cursors` in the scopes `device` may see. The laptop's own changes are
    left out unless `own` (a re-fetch after a failed check asks for everything). The
    laptop's signature chain head, when given, is compared with the newest signature the
    centre has from it (server/signatures.chain_report)."""
    with centre.reading() as session:
        scopes = visible_scopes(session, device)
        clocks = _clocks(session, scopes)
        # A cursor beyond its scope's clock means the centre went back in time (restored
        # from an older backup): the scope is sent whole, the laptop's own rows included,
        # and named, so the laptop sends back what the centre lost (app/sync/restored.py).
        went_back = {s for s in scopes if int(cursors.get(s) or 0) > clocks.get(s, 0)}
        # A scope the laptop has pulled that the centre no longer knows at all (a learner
        # first pushed after the backup was taken): named too, for the laptop to send again.
        visible = set(scopes)
        elsewhere = [s for s in cursors if int(cursors[s] or 0) > 0 and s not in visible]
        unknown = set(elsewhere) - set(_clocks(session, elsewhere))
        if went_back:
            cursors = {**cursors, **{s: 0 for s in went_back}}
        stale = [s for s in scopes if clocks.get(s, 0) > int(cursors.get(s) or 0)]
        changed = _changed_records(session, stale, cursors, clocks,
                                   None if own else device.id, whole=went_back)
        page: list[str] = []
        wanted: dict[str, list[tuple[str, str]]] = defaultdict(list)
        rows = 0
        for scope in stale:  # whole scopes, the centre's first, until the page is full
            if page and rows >= page_rows:
                break
            page.append(scope)
            for table_name, record_id in changed.get(scope, ()):
                wanted[table_name].append((record_id, scope))
                rows += 1
        changes = _rows(session, wanted)
        dev = session.get(SyncDevice, device.id)
        last_seq = dev.last_seq if dev else 0
        more = len(page) < len(stale)
        answer = {"changes": changes, "cursors": {s: clocks[s] for s in page},
                  "more": more, "scopes": scopes, "last_seq": last_seq,
                  "went_back": [s for s in page if s in went_back] + sorted(unknown),
                  "chain": chain_report(dev, chain_head),
                  # The packs in the centre's catalogue, on every page: the laptop loads any
                  # it lacks before the page's records, which may be enrolled on them.
                  "packs": sorted(loaded_packs(session))}
        if not more:  # the laptop has everything in this snapshot: what it has seen
            answer["watch"] = watch_token(session, device.staff_id, last_seq)
        return answer


def anything_new(centre: CentreDatabase, device: CallingDevice, since: str,
                 chain_head: dict | None = None) -> dict:
    """Has anything this laptop should receive changed since `since` (the watch token of
    its last complete pull)? Two row reads, whatever the size of the caseload. Carries the
    chain report too: a sync with nothing to do still shows its newest signature."""
    with centre.reading() as session:
        dev = session.get(SyncDevice, device.id)
        now = watch_token(session, device.staff_id, dev.last_seq if dev else 0)
        return {"changed": now != since, "watch": now, "chain": chain_report(dev, chain_head)}


def _clocks(session: Session, scopes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i in range(0, len(scopes), _CHUNK):
        found.update((scope, clock) for scope, clock in session.execute(
            select(ScopeClock.scope, ScopeClock.clock).where(
                ScopeClock.scope.in_(scopes[i:i + _CHUNK]))))
    return found


def _changed_records(session: Session, scopes: list[str], cursors: dict, clocks: dict,
                     skip_device: str | None, whole: set[str] = frozenset()
                     ) -> dict[str, list[tuple[str, str]]]:
    """scope -> [(table, record id)] changed since its cursor, up to its clock, leaving out
    what `skip_device` wrote except in the scopes sent `whole`."""
    by_scope: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for i in range(0, len(scopes), _CHUNK):
        chunk = scopes[i:i + _CHUNK]
        since = min(int(cursors.get(s) or 0) for s in chunk)
        for table_name, record_id, scope, clock, writer in session.execute(
                select(ChangeLog.table_name, ChangeLog.record_id, ChangeLog.scope,
                       ChangeLog.clock, ChangeLog.device_id).where(
                    ChangeLog.scope.in_(chunk), ChangeLog.clock > since)):
            if int(cursors.get(scope) or 0) < clock <= clocks[scope] and (
                    writer != skip_device or scope in whole):
                by_scope[scope].append((table_name, record_id))
    return by_scope


def _rows(session: Session, wanted: dict[str, list[tuple[str, str]]]) -> list[dict]:
    out = []
    for name, table in synced_tables().items():  # parents first
        items = wanted.get(name, [])
        scope_of = dict(items)
        ids = [record_id for record_id, _ in items]
        for i in range(0, len(ids), _CHUNK):
            for row in session.execute(select(table).where(
                    table.c.id.in_(ids[i:i + _CHUNK]))).mappings():
                out.append({"table": name, "scope": scope_of[row["id"]],
                            "row": encode(table, row)})
    return out


def scope_digests(centre: CentreDatabase, device: CallingDevice) -> dict[str, dict]:
    """Per visible scope: how many records the centre holds and a digest of their ids and
    versions, for the laptop's check after a pull, with the scope's clock in the same
    snapshot: a scope another laptop changed since this one pulled it has moved on, and
    the laptop compares only the scopes still at the clock it pulled (app/sync/check.py)."""
    with centre.reading() as session:
        scopes = visible_scopes(session, device)
        clocks = _clocks(session, scopes)
        entries: dict[str, list[str]] = {s: [] for s in scopes}
        for i in range(0, len(scopes), _CHUNK):
            for scope, table_name, record_id, version in session.execute(
                    select(ChangeLog.scope, ChangeLog.table_name, ChangeLog.record_id,
                           ChangeLog.version).where(ChangeLog.scope.in_(scopes[i:i + _CHUNK]))):
                entries[scope].append(f"{table_name}/{record_id}/{version}")
        return {s: {**digest(e), "clock": clocks.get(s, 0)} for s, e in entries.items()}

