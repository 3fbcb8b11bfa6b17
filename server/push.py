"""Applying a laptop's pushed changes: the centre's half of "lossless".

`apply_push` takes a batch and returns its results without any HTTP, so a sync file
carried on a USB stick is applied with exactly the guarantees of a network push:

- one transaction for the batch; the device's row is locked first, so two deliveries of
  one batch (a retry racing its original, two server processes) apply it once;
- each change carries a mutation id, the device's gap-free sequence number and the
  version it was based on; a number at or below the device's last applied one is a replay
  and gets its stored result back, changing nothing;
- a change that can never apply (not allowed, malformed, breaks a signature, a duplicate
  learner) is stored as rejected, so it never blocks the changes behind it;
- an unsigned record changed on two devices since their common version is a conflict:
  the centre keeps its version and stores the other beside it, and the laptop is told;
  except where a learner's erasure is one of the two (server/erased.py): the erasure wins;
- the per-scope clocks are bumped last (server/clock.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from functools import lru_cache

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.caseload.erased_fields import without_erased
from app.sync.protocol import APPLIED, CENTRE_WRITER, CONFLICT, REJECTED, SEQUENCE_GAP
from app.sync.scopes import UnknownParent, scope_of
from app.sync.wire import BadRow, decode, encode, same_content, table_of
from server.auth import CallingDevice
from server.awaiting_signature import note_in_results
from server.database import CentreDatabase
from server.erased import ERASED_REASON, erasures_in, settle
from server.models import AppliedMutation, SyncDevice, SyncProblem
from server.permissions import refusal_to_change
from server.push_batch import BatchLookups
from server.references import holders, refusal_of_reference
from server.refusal import Refusal, log
from server.signatures import (SIGNABLE_TABLES, SIGNED_THROUGH, advance_chain, chain_report,
                               refusal_of_signature, refusal_to_rename, refusal_to_unsign)
from server.stays_signed import refusal_to_leave_signed

# Rows that are never changed once written, on any device (app/signing/triggers.py).
APPEND_ONLY = {"signature", "audit_event", "device_key", "amendment"}
# Changes whose checks read other records of the batch back from the database (a
# signature's content, an amendment's original): the batch's waiting rows go in first.
READS_BACK = {"signature", "amendment"}


@dataclass
class Mutation:
    mutation_id: str
    seq: int
    table: str
    record_id: str
    base_version: int
    row: dict

    @classmethod
    def from_json(cls, data: dict) -> "Mutation":
        try:
            return cls(str(data["mutation_id"]), int(data["seq"]), str(data["table"]),
                       str(data["record_id"]), int(data.get("base_version") or 0), data["row"])
        except (KeyError, TypeError, ValueError) as exc:
            raise Refusal("bad_request", f"A pushed change is malformed ({exc}).") from None


def apply_push(centre: CentreDatabase, device: CallingDevice, mutations: list[Mutation],
               chain_head: dict | None = None) -> dict:
    """Apply `mutations` (in sequence order) for `device`. Returns {"results": [...],
    "last_seq": N, "chain": {...}}; results are in the order given.

    First without a savepoint per change (most batches are new records nobody else has);
    if the database refuses one (a duplicate ULN, say), the whole batch is rolled back and
    applied again with a savepoint around each change, so only that one is rejected."""
    try:
        return _apply_batch(centre, device, mutations, chain_head, careful=False)
    except IntegrityError:
        return _apply_batch(centre, device, mutations, chain_head, careful=True)


def _apply_batch(centre: CentreDatabase, device: CallingDevice, mutations: list[Mutation],
                 chain_head: dict | None, careful: bool) -> dict:
    with centre.writing() as session:
        dev = session.get(SyncDevice, device.id, with_for_update=True)
        results, changed, stored, problems = [], [], [], []
        by_centre = []   # versions the centre wrote itself (server/erased.py)
        marked_signed: dict[str, dict] = {}   # record id -> its result
        now = datetime.now(timezone.utc)
        last_seq = dev.last_seq
        fresh = [m for m in mutations if m.seq > last_seq]
        lookups = BatchLookups(session, fresh) if fresh and not careful else None
        erasing = erasures_in(fresh)
        for m in sorted(mutations, key=lambda m: m.seq):
            if m.seq <= last_seq:
                results.append(_stored_result(session, dev, m))
                continue
            if m.seq != last_seq + 1:
                raise Refusal(SEQUENCE_GAP, f"The centre has applied this laptop's changes up "
                                            f"to number {last_seq}; number {m.seq} came next.",
                              last_seq=last_seq)
            result, change = _apply_one(session, dev, device, m, problems, lookups, erasing)
            stored.append((m, result))
            last_seq = m.seq
            results.append(result)
            if change:
                (by_centre if change[-1] == CENTRE_WRITER else changed).append(change[:4])
            if result["status"] == APPLIED and m.table == "evidence_record" \
                    and m.row.get("state") == "signed":
                marked_signed[m.record_id] = result
        if lookups is not None:
            lookups.flush(session)
        # Asked once the batch is in, as its signatures may follow their records in it; a
        # record only marked signed is kept but not counted (server/awaiting_signature.py).
        if marked_signed:
            note_in_results(session, marked_signed)
        stored = [{"device_id": dev.id, "seq": m.seq, "mutation_id": m.mutation_id,
                   "status": result["status"], "result_json": json.dumps(result),
                   "applied_at": now} for m, result in stored]
        # Rows go in as a few bulk Core statements: one ORM object per change made a
        # 10,000-row push quadratic (every savepoint snapshots the session's objects), and
        # the ORM's bulk insert still spent more per row than the database did.
        if stored:
            session.execute(insert(AppliedMutation.__table__), stored)
        if problems:
            session.execute(insert(SyncProblem.__table__), problems)
        if stored and dev.revoked_at is not None:  # kept, and the audit says so
            from server.audit import note_pushed_after_revocation
            note_pushed_after_revocation(session, dev.id, stored)
        dev.last_seq, dev.last_sync_at = last_seq, now
        chain = chain_report(dev, chain_head)
        session.flush()
        from server.clock import mark_changed
        mark_changed(session, changed, dev.id)  # last: see server/clock.py
        # The centre's own versions reach every laptop, the one that pushed included.
        mark_changed(session, by_centre, CENTRE_WRITER)
        return {"results": results, "last_seq": dev.last_seq, "chain": chain}


def _stored_result(session: Session, dev: SyncDevice, m: Mutation) -> dict:
    stored = session.get(AppliedMutation, (dev.id, m.seq))
    if stored is None or stored.mutation_id != m.mutation_id:
        # The number was used by another change: this laptop's queue and the centre's
        # record of it disagree (e.g. the centre was restored from an older backup).
        return {"seq": m.seq, "mutation_id": m.mutation_id, "status": REJECTED,
                "reason": "the centre holds another change under this number"}
    return json.loads(stored.result_json)


def _reject(problems: list, dev: SyncDevice, m: Mutation, reason: str, kind: str = REJECTED,
            server_version: int = 0, extra: dict | None = None,
            payload: dict | None = None) -> dict:
    """`payload`: what is kept of the change, when not all of it may be (m.row)."""
    problems.append({"kind": kind, "device_id": dev.id, "mutation_id": m.mutation_id,
                     "table_name": m.table, "record_id": m.record_id, "reason": reason,
                     "payload_json": json.dumps(m.row if payload is None else payload),
                     "base_version": m.base_version,
                     "server_version": server_version, "created_at": datetime.now(timezone.utc)})
    log.warning("%s %s %s from device %s: %s", kind, m.table, m.record_id, dev.id, reason)
    return {"seq": m.seq, "mutation_id": m.mutation_id, "status": kind, "reason": reason,
            "table": m.table, "record_id": m.record_id, "server_version": server_version,
            **(extra or {})}


# The bound name of the row an update changes: not a column's name, since an attachment's
# and a criterion mapping's own `record_id` column (their evidence record) is set too.
ROW_ID = "_changed_row_id"


@lru_cache(maxsize=None)
def _statements(table_name: str):
    """(select for update, insert, update) of one table, built once: building a statement
    per change cost more than running it."""
    table = table_of(table_name)
    find = select(table).where(table.c.id == bindparam("record_id")).with_for_update()
    change = update(table).where(table.c.id == bindparam(ROW_ID)).values(
        {c.name: bindparam(c.name) for c in table.columns})
    return find, insert(table), change


class _Refused(Exception):
    def __init__(self, reason: str, kind: str = REJECTED, server_version: int = 0,
                 extra: dict | None = None, payload: dict | None = None):
        super().__init__(reason)
        self.reason, self.kind, self.server_version, self.extra = reason, kind, server_version, extra
        self.payload = payload


def _apply_one(session: Session, dev: SyncDevice, device: CallingDevice, m: Mutation,
               problems: list, lookups: BatchLookups | None,
               erasing: set[str] = frozenset()) -> tuple[dict, tuple | None]:
    """Apply one change; whatever refuses it leaves nothing behind (not even the learner
    assignment a first push would have made). A change that may be refused after it is
    written (one that could break a signature on its record), or any change in a careful
    retry (`lookups` None), runs in a savepoint: a Core one, as the ORM's begin_nested
    snapshots every loaded object."""
    if lookups is None:
        use_savepoint = True
    elif m.table in SIGNABLE_TABLES or m.table in SIGNED_THROUGH:
        # Only a signed record can refuse a change after it is written; a row that cannot
        # be decoded is refused before anything is written.
        use_savepoint = isinstance(m.row, dict) and (
            lookups.is_signed(m.table, m.row)
            or lookups.is_signed(m.table, lookups.row(m.table, m.record_id) or {}))
    else:
        use_savepoint = False
    if use_savepoint and lookups is not None:
        lookups.flush(session)  # the batch's waiting rows must not go with a rollback
    savepoint = session.connection().begin_nested() if use_savepoint else None
    try:
        change = _write(session, dev, device, m, lookups, erasing)
        if savepoint is not None:
            savepoint.commit()
    except _Refused as refused:
        if savepoint is not None:
            savepoint.rollback()
        return _reject(problems, dev, m, refused.reason, refused.kind, refused.server_version,
                       refused.extra, refused.payload), None
    except IntegrityError as exc:
        if savepoint is None:
            raise  # the batch is applied again, carefully (apply_push)
        savepoint.rollback()
        reason = _catalogue_gap(session, m) or _integrity_reason(m.table, exc)
        same_uln = {"same_uln": True} if reason == SAME_ULN else None
        return _reject(problems, dev, m, reason, extra=same_uln), None
    return ({"seq": m.seq, "mutation_id": m.mutation_id, "status": APPLIED, "table": m.table,
             "record_id": m.record_id, "version": m.row.get("version")}, change)


def _write(session: Session, dev: SyncDevice, device: CallingDevice, m: Mutation,
           lookups: BatchLookups | None, erasing: set[str] = frozenset()) -> tuple | None:
    try:
        table = table_of(m.table)
        row = decode(table, m.row)
    except BadRow as exc:
        raise _Refused(str(exc)) from None
    if row["id"] != m.record_id:
        raise _Refused("the change names another record than it carries")
    conn = session.connection()
    if lookups is not None and m.table in READS_BACK:
        lookups.flush(session)  # its checks read the batch's rows from the database
    existing = lookups.row(m.table, m.record_id) if lookups is not None else False
    if existing is False:
        found = conn.execute(_statements(m.table)[0], {"record_id": m.record_id}).mappings().first()
        existing = dict(found) if found else None
    known = lookups.row if lookups is not None else None
    try:
        scope = scope_of(session, m.table, row, known)
        old_scope = scope_of(session, m.table, existing, known) if existing else scope
    except UnknownParent as exc:
        # A unit chosen for an enrolment the centre refused for its qualification: the
        # same reason, not the missing parent's id.
        raise _Refused(_catalogue_gap(session, m) or str(exc)) from None
    for s in dict.fromkeys((old_scope, scope)):
        reason = refusal_to_change(session, device, m.table, s, row, existing, lookups)
        if reason:
            raise _Refused(reason, **_as_the_centre_has_it(m.table, table, existing))
    if existing is not None:
        if same_content(table, existing, row):
            return None  # already here (e.g. a laptop re-pushing after a restore)
        if m.table in APPEND_ONLY:
            raise _Refused(f"{m.table.replace('_', ' ')} records cannot be changed once made",
                           server_version=existing["version"])
        if existing["version"] != m.base_version:
            if lookups is not None:
                lookups.flush(session)  # the erasure's checks read the batch's rows back
            erased = settle(session, m.table, row, existing, scope, erasing)
            if erased is not None:
                return _erasure_wins(session, m, table, existing, row, scope, erased, lookups)
            raise _Refused("changed at the centre (on another laptop) since this laptop last "
                           "synced it: both versions are kept", kind=CONFLICT,
                           server_version=existing["version"],
                           extra={"server_row": encode(table, existing)})
    if m.table == "evidence_record":
        reason = refusal_of_reference(row, lookups.reference_holders(
            row["learner_id"], row["portfolio_ref"]) if lookups is not None else holders(
            session, row["learner_id"], row["portfolio_ref"]))
        if reason:
            raise _Refused(reason)
    signed = lookups is None or lookups.is_signed(m.table, row) or \
        lookups.is_signed(m.table, existing or {})
    if lookups is not None and (existing is not None or signed):
        lookups.flush(session)  # what follows reads the batch's rows from the database
    if m.table == "signature":
        reason = refusal_of_signature(session, dev, row)
        if reason:
            raise _Refused(reason)
    reason = refusal_to_leave_signed(session, m.table, row) if signed else None
    if reason:   # state and tombstone: no signature covers them, every view reads them
        raise _Refused(reason, server_version=(existing or {}).get("version", 0))
    # Read after the flush above: a signature earlier in this batch counts.
    reason = refusal_to_rename(session, m.table, existing, row)
    if reason:
        # An erasure from a laptop that did not hold the learner's signed work erased their
        # name too; here that work keeps it. The centre erases its own copy by its rule
        # (name kept, the rest gone) rather than refuse the row and keep their details.
        erased = settle(session, m.table, row, existing, scope, erasing)
        if erased is not None and not erased.refused:
            return _erasure_wins(session, m, table, existing, row, scope, erased, lookups)
        raise _Refused(reason, server_version=existing["version"])
    if existing is None and lookups is not None and not signed:
        lookups.insert_later(m.table, row)
    elif existing is None:
        conn.execute(_statements(m.table)[1], row)
    else:
        conn.execute(_statements(m.table)[2], {**row, ROW_ID: m.record_id})
    reason = refusal_to_unsign(session, m.table, row) if signed else None
    if reason:
        raise _Refused(reason, server_version=(existing or {}).get("version", 0))
    if m.table == "signature":
        advance_chain(dev, row)
    if lookups is not None:
        lookups.wrote(m.table, row)
    return (m.table, m.record_id, scope, row["version"])


def _erasure_wins(session: Session, m: Mutation, table, existing: dict, row: dict, scope: str,
                  erased, lookups: BatchLookups | None) -> tuple:
    """A change based on an older version meets the learner's erasure (server/erased.py):
    refused if it carries erased details, keeping none of them; otherwise the centre erases
    its own copy, as a new version of its own (newer than both), and the change counts as
    applied."""
    if erased.refused:
        raise _Refused(ERASED_REASON, server_version=existing["version"],
                       extra={"server_row": encode(table, existing), "erased": erased.learner_id,
                              "identity_kept": erased.identity_kept},
                       payload=without_erased(m.table, m.row))
    mine = {**existing, **erased.values, "device_id": CENTRE_WRITER,
            "version": max(existing["version"], row["version"] or 0) + 1,
            "updated_at": datetime.now(timezone.utc)}
    session.connection().execute(_statements(m.table)[2], {**mine, ROW_ID: m.record_id})
    if lookups is not None:
        lookups.wrote(m.table, mine)
    return (m.table, m.record_id, scope, mine["version"], CENTRE_WRITER)


def _as_the_centre_has_it(table_name: str, table, existing: dict | None) -> dict:
    """A refused change to a shared employer goes back with the centre's row, which the
    laptop shows again (app/sync/outgoing.py): an employer deleted or edited there and
    refused here would otherwise stay gone from that laptop while learners are placed."""
    if table_name != "employer" or existing is None:
        return {}
    return {"server_version": existing["version"],
            "extra": {"server_row": encode(table, existing)}}


# The laptop shows this refusal as the same learner made twice, for the assessor to merge
# (app/sync/learners_twice.py); `same_uln` in the result says so to the program.
SAME_ULN = ("a learner with this ULN is already at the centre: the two records are kept apart "
            "for someone to merge")


# The catalogue's tables: rows loaded from qualification packs, which travel on their own
# (server/packs.py), so a record pointing at one the centre lacks is told which.
CATALOGUE = {"spec_pack": "qualification pack", "qualification": "qualification",
             "unit": "unit", "learning_outcome": "learning outcome",
             "assessment_criterion": "assessment criterion"}


def _catalogue_gap(session: Session, m: Mutation) -> str | None:
    """Why a refused change's record cannot join the centre's database, when it is because
    it uses a qualification (or unit, or criterion) the centre's catalogue lacks: a pack
    that has not reached the centre, or that the centre refused. Read after the rollback."""
    try:
        table = table_of(m.table)
        row = decode(table, m.row)
    except BadRow:
        return None
    for fk in table.foreign_keys:
        target = fk.column.table
        value = row.get(fk.parent.name)
        if target.name not in CATALOGUE or value is None:
            continue
        if session.connection().execute(select(fk.column).where(fk.column == value)).first():
            continue
        what = CATALOGUE[target.name]
        return (f"it uses a {what} the centre's catalogue does not have: the qualification "
                f"pack it comes from has not reached the centre, or the centre refused that "
                f"pack (see the pack in needs attention)")
    return None


def _integrity_reason(table: str, exc: IntegrityError) -> str:
    text = str(exc.orig)
    if "uq_learner_live_uln" in text or ("learner" in table and "uln" in text):
        return SAME_ULN
    if "uq_evidence_live_ref" in text or "portfolio_ref" in text:
        return "another record of this learner already has this portfolio reference"
    if "FOREIGN KEY" in text.upper() or "foreign key" in text:
        return "it refers to a record the centre does not have"
    return f"the centre's database refused it ({text.splitlines()[0][:200]})"
