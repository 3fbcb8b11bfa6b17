"""The audit trail: an append-only log of who did what to which record, on which device.

Operations call `record_event` inside their own write, so the event and the change commit
together. A trigger refuses UPDATE and DELETE on audit_event; each entry is also chained to
the device's previous one (audit_chain.py) for when the triggers are gone; sync carries
the rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.profile import current_profile
from app.models import AuditEvent
from app.models.signing import AUDIT_ACTIONS
from app.db.base import new_id, utcnow
from app.signing.audit_chain import chain_onto


@dataclass(frozen=True)
class AuditEntry:
    id: str
    action: str
    record_type: str
    record_id: str
    learner_id: str | None
    actor_name: str
    summary: str
    related_id: str
    occurred_at: datetime
    device_id: str


def record_event(session: Session, action: str, record_type: str, record_id: str, *,
                 learner_id: str | None = None, summary: str = "", actor_name: str | None = None,
                 related_id: str = "") -> str:
    """Append one event. `action` is one of AUDIT_ACTIONS (created, changed, signed, amended,
    deleted, restored, file added, file removed, exported, printed). `actor_name` defaults
    to the person using this laptop."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if actor_name is None:
        me = current_profile(session)
        actor_name = me.name if me else ""
    event = AuditEvent(id=new_id(), action=action, record_type=record_type,
                       record_id=record_id, learner_id=learner_id, actor_name=actor_name,
                       summary=summary, related_id=related_id,
                       occurred_at=utcnow())
    chain_onto(session, event)
    session.add(event)
    session.flush()
    return event.id


def record_change(session: Session, record_type: str, record_id: str, *,
                  learner_id: str | None = None, summary: str = "Edited",
                  quiet_minutes: int = 10) -> str | None:
    """A "changed" event for editing that saves as the assessor types: one per editing
    session, not one per keystroke. Skipped while the record's latest event is this same
    change made less than `quiet_minutes` ago; returns the new event's id or None."""
    last = session.scalars(select(AuditEvent).where(AuditEvent.record_id == record_id)
                           .order_by(AuditEvent.occurred_at.desc(), AuditEvent.created_at.desc())
                           .limit(1)).first()
    if (last is not None and last.action == "changed" and last.summary == summary
            and utcnow() - last.occurred_at < timedelta(minutes=quiet_minutes)):
        return None
    return record_event(session, "changed", record_type, record_id, learner_id=learner_id,
                        summary=summary)


def _entries(session: Session, where) -> list[AuditEntry]:
    rows = session.scalars(select(AuditEvent).where(where)
                           .order_by(AuditEvent.occurred_at, AuditEvent.created_at))
    return [AuditEntry(r.id, r.action, r.record_type, r.record_id, r.learner_id, r.actor_name,
                       r.summary, r.related_id, r.occurred_at, r.device_id) for r in rows]


def events_for_record(session: Session, record_id: str) -> list[AuditEntry]:
    return _entries(session, AuditEvent.record_id == record_id)


def events_for_learner(session: Session, learner_id: str) -> list[AuditEntry]:
    from app.caseload.same_learner import same_learner_ids   # a merged record's trail too
    return _entries(session, AuditEvent.learner_id.in_(same_learner_ids(session, learner_id)))
