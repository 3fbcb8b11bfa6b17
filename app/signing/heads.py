"""Each device's chain heads: where its signature chain and its audit chain end.

A database put back from an older copy, or with its newest signatures and audit entries
deleted, still hangs together on its own; it cannot match a head someone else has already
seen. Sync (issue 13) sends `chain_heads` with every push; the centre keeps the newest it
has seen per device and calls `compare_heads(pushed, seen)` on each later push, or
`rollback_problems(session, seen)` on a database or export it is shown. Works on any session holding the app tables.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Signature
from app.signing.audit_chain import audit_head
from app.signing.chain import chain_head


@dataclass(frozen=True)
class ChainHeads:
    device_id: str
    signature_sequence: int
    signature_hash: str
    audit_sequence: int
    audit_hash: str


def chain_heads(session: Session) -> list[ChainHeads]:
    """The heads of every device whose signatures or audit entries this database holds."""
    devices = set(session.scalars(select(Signature.signing_device_id).distinct())) | set(
        session.scalars(select(AuditEvent.device_id).distinct()))
    out = []
    for device_id in sorted(devices):
        s_seq, s_hash = chain_head(session, device_id)
        a_seq, a_hash = audit_head(session, device_id)
        out.append(ChainHeads(device_id, s_seq, s_hash, a_seq, a_hash))
    return out


def _behind(what: str, device_id: str, held: tuple[int, str], seen: tuple[int, str],
            held_at_seen: str | None) -> str | None:
    if seen[0] > held[0]:
        return (f"device {device_id[:8]}'s {what} reached number {seen[0]} when it was last "
                f"seen, but this database holds only {held[0]}: entries were deleted or an "
                f"older copy of the database was put back")
    if seen[0] and held_at_seen is not None and held_at_seen != seen[1]:
        return (f"device {device_id[:8]}'s {what} number {seen[0]} is not the one seen "
                f"before: the chain was rewritten")
    return None


def compare_heads(held: ChainHeads, seen: ChainHeads, signature_hash_at_seen: str | None = None,
                  audit_hash_at_seen: str | None = None) -> list[str]:
    """Where `held` (a device's heads now) is behind `seen` (its heads seen earlier). The
    hashes held at the seen sequence numbers, where the caller has them, also catch a chain
    rewritten past the seen head; equal sequences compare the heads themselves."""
    if held.signature_sequence == seen.signature_sequence:
        signature_hash_at_seen = held.signature_hash
    if held.audit_sequence == seen.audit_sequence:
        audit_hash_at_seen = held.audit_hash
    return [p for p in (
        _behind("signature chain", seen.device_id,
                (held.signature_sequence, held.signature_hash),
                (seen.signature_sequence, seen.signature_hash), signature_hash_at_seen),
        _behind("audit trail", seen.device_id, (held.audit_sequence, held.audit_hash),
                (seen.audit_sequence, seen.audit_hash), audit_hash_at_seen)) if p]


def rollback_problems(session: Session, seen: list[ChainHeads]) -> list[str]:
    """Where this database is behind heads seen earlier (by the centre, or in an export)."""
    now = {h.device_id: h for h in chain_heads(session)}
    out = []
    for s in seen:
        held = now.get(s.device_id, ChainHeads(s.device_id, 0, "", 0, ""))
        sig = session.scalar(select(Signature.signature_hash).where(
            Signature.signing_device_id == s.device_id,
            Signature.sequence == s.signature_sequence))
        audit = session.scalar(select(AuditEvent.entry_hash).where(
            AuditEvent.device_id == s.device_id, AuditEvent.chain_sequence == s.audit_sequence))
        out += compare_heads(held, s, sig or "", audit or "")
    return out
