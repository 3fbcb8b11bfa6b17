"""Database triggers that keep signed content and signatures as they were signed.

Added to app.db.triggers.TRIGGERS so they are re-created after every migration. They make
no exception for sync or tombstones on purpose: the outbox only writes its own table, and
a signed record is never tombstoned (operations refuse first, with a reason). A sync pull
must insert signatures and skip rows already held, never UPDATE them.
"""
from __future__ import annotations

_SIGNED = ("EXISTS (SELECT 1 FROM signature WHERE signature.record_type = 'evidence_record' "
           "AND signature.record_id = {ref})")


def _refuse(name: str, when: str, table: str, condition: str, message: str) -> str:
    return (f"CREATE TRIGGER {name} BEFORE {when} ON {table} WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


def signing_triggers() -> dict[str, str]:
    t: dict[str, str] = {}
    signed_msg = "signed evidence cannot be changed: make an amendment instead"
    for event in ("UPDATE", "DELETE"):
        name = f"signed_evidence_no_{event.lower()}"
        t[name] = _refuse(name, event, "evidence_record", _SIGNED.format(ref="OLD.id"),
                          signed_msg)
    for table in ("criterion_mapping", "attachment"):
        for event, ref in (("INSERT", "NEW.record_id"), ("UPDATE", "OLD.record_id"),
                           ("DELETE", "OLD.record_id")):
            name = f"signed_{table}_no_{event.lower()}"
            condition = _SIGNED.format(ref=ref)
            if event == "UPDATE":  # nor may a row be moved onto a signed record
                condition = f"({condition} OR {_SIGNED.format(ref='NEW.record_id')})"
            t[name] = _refuse(name, event, table, condition, signed_msg)
    for table, message in (("signature", "signatures cannot be changed or removed"),
                           ("audit_event", "the audit trail is append-only"),
                           ("device_key", "device keys cannot be changed or removed"),
                           ("amendment", "amendment records cannot be changed or removed")):
        for event in ("UPDATE", "DELETE"):
            name = f"{table}_no_{event.lower()}"
            t[name] = (f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
    return t
