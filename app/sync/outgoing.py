"""The laptop's push: numbering queued changes and recording the centre's answers.

Each step is one local transaction on the writer thread. `next_batch` freezes the oldest
outbox entries into numbered mutations (gap-free sequence, each with the version the
centre last had) and returns them; until the centre answers, the same frozen mutations
are sent again unchanged, so a crash or a lost response ends in a replay the centre
recognises, never a change applied twice or skipped. A record edited again meanwhile is
queued anew, based on the frozen version.
"""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import datetime, timezone

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.db import changes
from app.models import OutboxEntry
from app.models.local import SyncAttention, SyncMutation
from app.sync import state
from app.sync.erasure_won import note_not_kept
from app.sync.learners_twice import held_back, note_learners_twice, refused_at_centre
from app.sync.protocol import ADDED_SINCE_FROZEN, APPLIED
from app.sync.wire import decode, encode, table_of

BATCH = 1000
CHUNK = 500  # ids per IN (...): well under SQLite's limit on bound values


MUTATIONS = SyncMutation.__table__
OUTBOX = OutboxEntry.__table__


def as_wire(m) -> dict:
    row = json.loads(m.payload_json)
    for column in ADDED_SINCE_FROZEN.get(m.table_name, ()):
        row.setdefault(column, None)   # frozen before the column existed (protocol.py)
    return {"mutation_id": m.mutation_id, "seq": m.seq, "table": m.table_name,
            "record_id": m.record_id, "base_version": m.base_version, "row": row}


# Core statements on the tables, not ORM queries: a 10,000-record push builds, loads and
# deletes thousands of rows here, and ORM objects (identity map, flush bookkeeping, the
# evaluation of bulk deletes against loaded objects) were most of the laptop's cost.

def next_batch(session: Session, size: int = BATCH) -> list[dict]:
    """Mutations waiting for the centre's answer; if none, freeze the next entries."""
    frozen = session.execute(select(MUTATIONS).order_by(MUTATIONS.c.seq).limit(size)).all()
    if frozen:
        return [as_wire(m) for m in frozen]
    entries = session.execute(select(OUTBOX.c.id, OUTBOX.c.table_name, OUTBOX.c.record_id,
                                     OUTBOX.c.base_version)
                              .order_by(OUTBOX.c.id).limit(size)).all()
    if not entries:
        return []
    by_table: dict[str, list[str]] = defaultdict(list)
    for e in entries:
        by_table[e.table_name].append(e.record_id)
    rows = {}
    for name, ids in by_table.items():
        table = table_of(name)
        for i in range(0, len(ids), CHUNK):
            for row in session.execute(select(table).where(
                    table.c.id.in_(ids[i:i + CHUNK]))).mappings():
                rows[(name, row["id"])] = encode(table, row)
    seq = int(state.get(session, "next_seq") or 1)
    made, now = [], datetime.now(timezone.utc)
    for e in entries:
        payload = rows.get((e.table_name, e.record_id))
        if payload is None:
            continue  # synced records are never deleted; nothing to send
        made.append({"seq": seq, "mutation_id": str(uuid.uuid4()), "table_name": e.table_name,
                     "record_id": e.record_id, "version": payload["version"],
                     "base_version": e.base_version, "payload_json": json.dumps(payload),
                     "frozen_at": now})
        seq += 1
    if made:
        session.execute(insert(MUTATIONS), made)
    ids = [e.id for e in entries]
    for i in range(0, len(ids), CHUNK):
        session.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(ids[i:i + CHUNK])))
    state.put(session, "next_seq", seq)
    session.flush()
    return [{"mutation_id": m["mutation_id"], "seq": m["seq"], "table": m["table_name"],
             "record_id": m["record_id"], "base_version": m["base_version"],
             "row": rows[(m["table_name"], m["record_id"])]} for m in made]


def number_on_from(session: Session, centre_last_seq: int) -> None:
    """The centre applied this laptop's changes only up to `centre_last_seq` (restored from
    an older backup): the changes still waiting are numbered on from there, in their order,
    keeping their ids. What the centre lost beyond that comes back through the pull
    (app/sync/restored.py)."""
    frozen = list(session.execute(select(MUTATIONS).order_by(MUTATIONS.c.seq)).mappings())
    session.execute(delete(MUTATIONS))
    seq = centre_last_seq + 1
    renumbered = []
    for m in frozen:
        renumbered.append({**m, "seq": seq})
        seq += 1
    if renumbered:
        session.execute(insert(MUTATIONS), renumbered)
    state.put(session, "next_seq", seq)
    state.put(session, "acked_seq", centre_last_seq)
    session.flush()


def record_results(session: Session, answer: dict) -> dict[str, int]:
    """Store the centre's answer to a push (run with Store.write_pulled: what the centre
    sends back is not a local edit). Returns counts by status."""
    counts: dict[str, int] = defaultdict(int)
    results = answer.get("results", [])
    seqs = [r.get("seq") for r in results]
    frozen = {}
    for i in range(0, len(seqs), CHUNK):
        frozen.update((m.seq, m) for m in session.execute(
            select(MUTATIONS).where(MUTATIONS.c.seq.in_(seqs[i:i + CHUNK]))))
    answered = []
    erased: dict[str, bool] = {}   # learner -> identity kept: changes an erasure refused
    for result in results:
        m = frozen.get(result.get("seq"))
        if m is None or m.mutation_id != result.get("mutation_id"):
            continue
        status = result.get("status")
        counts[status] += 1
        answered.append(m.seq)
        if status != APPLIED and result.get("erased"):
            # Refused by the learner's erasure (server/erased.py): the change is not kept,
            # not even in the item, and the centre's erased copy is shown here.
            erased[result["erased"]] = bool(result.get("identity_kept"))
            if result.get("server_row"):
                _show_theirs(session, m.table_name, m.record_id, result["server_row"])
        elif status != APPLIED and m.table_name == "learner" and _same_uln(result):
            refused_at_centre(session, m.record_id, result.get("reason", ""))
        elif status != APPLIED and held_back(session, m.table_name, json.loads(m.payload_json)):
            pass  # one item says it all: the learner is there twice (learners_twice.py)
        elif status != APPLIED:
            mine = {"base_version": m.base_version, "row": json.loads(m.payload_json)}
            theirs = result.get("server_row") or {}
            session.add(SyncAttention(kind=status, table_name=m.table_name,
                                      record_id=m.record_id, reason=result.get("reason", ""),
                                      mine_json=json.dumps(mine), theirs_json=json.dumps(theirs),
                                      created_at=datetime.now(timezone.utc), resolution=""))
            if theirs:   # a conflict, or a refused change to a shared employer
                _show_theirs(session, m.table_name, m.record_id, theirs)
    for i in range(0, len(answered), CHUNK):
        session.execute(delete(MUTATIONS).where(MUTATIONS.c.seq.in_(answered[i:i + CHUNK])))
    for learner_id, identity_kept in erased.items():
        note_not_kept(session, learner_id, identity_kept)
    state.put(session, "acked_seq", answer.get("last_seq"))
    session.flush()
    note_learners_twice(session)
    return dict(counts)


def _same_uln(result: dict) -> bool:
    """The centre refused a learner because another live learner there has its ULN (a
    centre from before issue 13 says so only in words)."""
    return bool(result.get("same_uln")) or "with this ULN" in (result.get("reason") or "")


def _show_theirs(session: Session, table_name: str, record_id: str, theirs: dict) -> None:
    """In a conflict the laptop shows the centre's version (its own is kept in the needs-
    attention entry) unless the record was edited again here since; then both stay apart
    until the assessor chooses."""
    queued = session.scalar(select(OutboxEntry.id).where(OutboxEntry.table_name == table_name,
                                                         OutboxEntry.record_id == record_id))
    if queued:
        return
    table = table_of(table_name)
    savepoint = session.begin_nested()
    try:
        row = decode(table, theirs)
        here = session.execute(select(table).where(table.c.id == record_id)).mappings().first()
        changed = {k: v for k, v in row.items() if here is None or here[k] != v}
        if changed:  # only what differs: the signed-record triggers guard columns by name
            session.execute(update(table).where(table.c.id == record_id).values(**changed))
        savepoint.commit()
        changes.note_written(session, [(table_name, record_id, row.get("learner_id")
                                        or (record_id if table_name == "learner" else None))])
    except DBAPIError:  # e.g. this laptop's copy is signed: it stays as signed
        savepoint.rollback()
