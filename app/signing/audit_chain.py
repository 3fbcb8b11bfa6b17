"""The audit trail as a hash chain per device, so an entry inserted, edited or removed with
the database's triggers dropped is found, and the centre can hold each device's head.

Each entry carries `chain_sequence` (1, 2, 3... per device), `previous_entry_hash` (the
`entry_hash` of the device's entry before it, '' for the first) and `entry_hash`, the
SHA-256 of the canonical form of every field that means something (`entry_payload`). The
chain alone proves only that the entries hang together: whoever rewrites the whole chain
from an edited entry onwards produces a consistent one. That is caught by comparing the head
with a copy held elsewhere (the centre's, via sync; a later export), and, for everything
before a signature, by the signature chain (a deleted 'signed' entry is missed by verify).

Migration 0008 chained the entries already on a laptop in the order they were made, with
the same payload as here; change `entry_payload` only with a new migration that says how
older entries are checked.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent
from app.signing.canonical import content_hash


def entry_payload(event: AuditEvent) -> dict:
    return {
        "id": event.id, "action": event.action, "record_type": event.record_type,
        "record_id": event.record_id, "learner_id": event.learner_id,
        "actor_name": event.actor_name, "summary": event.summary,
        "related_id": event.related_id, "occurred_at": event.occurred_at,
        "device_id": event.device_id, "chain_sequence": event.chain_sequence,
        "previous_entry_hash": event.previous_entry_hash,
    }


def entry_hash(event: AuditEvent) -> str:
    return content_hash(entry_payload(event))


def audit_head(session: Session, device_id: str) -> tuple[int, str]:
    """(chain_sequence, entry_hash) of the device's newest entry; (0, '') if it has none."""
    last = session.execute(select(AuditEvent.chain_sequence, AuditEvent.entry_hash)
                           .where(AuditEvent.device_id == device_id)
                           .order_by(AuditEvent.chain_sequence.desc()).limit(1)).first()
    return (last[0], last[1]) if last else (0, "")


def chain_onto(session: Session, event: AuditEvent) -> None:
    """Give a new entry of this laptop its place in the chain (before it is added)."""
    event.device_id = session.info.get("device_id", "")
    sequence, previous = audit_head(session, event.device_id)
    event.chain_sequence = sequence + 1
    event.previous_entry_hash = previous
    event.entry_hash = entry_hash(event)


@dataclass(frozen=True)
class ChainBreak:
    device_id: str
    sequence: int
    record_type: str
    record_id: str
    problem: str


def audit_chain_breaks(session: Session, whole_only: str | None = None) -> list[ChainBreak]:
    """Every place a device's audit chain does not hang together. With `whole_only` (a
    laptop's own device id) another device's chain may have gaps, its entries about
    learners this laptop does not hold; each entry and each link present is still checked."""
    out: list[ChainBreak] = []
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.device_id,
                                                       AuditEvent.chain_sequence))
    for device_id, chain in groupby(rows, key=lambda e: e.device_id):
        previous, expected = "", 1
        for e in chain:
            where = f"audit entry {e.chain_sequence} of device {device_id[:8] or '(none)'}"
            if e.entry_hash != entry_hash(e):
                out.append(ChainBreak(device_id, e.chain_sequence, e.record_type, e.record_id,
                                      f"{where} ('{e.action}', {e.summary[:60]!r}) was altered "
                                      f"after it was written"))
            partial = whole_only is not None and device_id != whole_only
            if partial and e.chain_sequence > expected:
                pass   # entries about learners not on this laptop
            elif e.chain_sequence != expected:
                what = ("inserted outside the chain" if e.chain_sequence < expected
                        else f"entries {expected}–{e.chain_sequence - 1} before it were removed")
                out.append(ChainBreak(device_id, e.chain_sequence, e.record_type, e.record_id,
                                      f"the audit trail is not whole at {where}: {what}"))
            elif e.previous_entry_hash != previous:
                out.append(ChainBreak(device_id, e.chain_sequence, e.record_type, e.record_id,
                                      f"the audit trail is broken at {where}: the entry before "
                                      f"it was replaced"))
            previous, expected = e.entry_hash, max(expected, e.chain_sequence + 1)
    return out
