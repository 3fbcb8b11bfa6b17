"""The audit trail as a reader sees it: when, who, on which laptop, what was done to which
record, in words. Device ids become the device's name where this database knows it (this
laptop, or a device whose signing key arrived by sync)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.evidence.methods import method_name
from app.evidence.printed_reference import printed_references
from app.models import DeviceKey, EvidenceRecord, Learner
from app.models.local import Device
from app.signing.audit import AuditEntry, events_for_learner, events_for_record

RECORD_KINDS = {"learner": "Learner details", "unit_sign_off": "Unit sign-off",
                "claim": "Claim", "iqa_sample": "IQA sample"}


@dataclass(frozen=True)
class AuditLine:
    occurred_at: datetime
    actor_name: str
    device: str
    action: str
    record: str          # "OBS-001 Observation", "OBS-001 Observation (correction)"
    summary: str
    record_type: str
    record_id: str


def _device_names(session: Session) -> dict[str, str]:
    names = {k.owner_device_id: k.device_name for k in session.scalars(select(DeviceKey))
             if k.device_name}
    names.update({d.id: f"{d.name} (this laptop)" if d.name else "this laptop"
                  for d in session.scalars(select(Device))})
    return names


def _record_labels(session: Session, entries: list[AuditEntry]) -> dict[str, str]:
    ids = {e.record_id for e in entries if e.record_type == "evidence_record"}
    labels = {}
    printed: dict[str, str] = {}   # "OBS-001/A3F2" where one reference is signed twice
    for r in session.scalars(select(EvidenceRecord).where(EvidenceRecord.id.in_(ids))):
        if r.id not in printed:
            printed.update(printed_references(session, r.learner_id))
        labels[r.id] = f"{printed.get(r.id, r.portfolio_ref)} {method_name(r.method)}" + (
            " (correction)" if r.amends_id else "")
    ids = {e.record_id for e in entries if e.record_type == "learner"}
    for learner in session.scalars(select(Learner).where(Learner.id.in_(ids))):
        labels[learner.id] = f"Learner: {learner.full_name}"
    return labels


def _lines(session: Session, entries: list[AuditEntry]) -> list[AuditLine]:
    devices, labels = _device_names(session), _record_labels(session, entries)
    return [AuditLine(e.occurred_at, e.actor_name or "(no name set)",
                      devices.get(e.device_id, f"device {e.device_id[:8]}" if e.device_id else ""),
                      e.action,
                      labels.get(e.record_id)
                      or RECORD_KINDS.get(e.record_type, e.record_type.replace("_", " ")),
                      e.summary, e.record_type, e.record_id)
            for e in entries]


def learner_audit_trail(session: Session, learner_id: str) -> list[AuditLine]:
    """Everything done to a learner and their portfolio, oldest first."""
    return _lines(session, events_for_learner(session, learner_id))


def record_audit_trail(session: Session, record_id: str) -> list[AuditLine]:
    return _lines(session, events_for_record(session, record_id))
