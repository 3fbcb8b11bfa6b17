"""The centre's own audit trail (table centre_audit): what it allowed or did about a laptop
that an auditor may ask about later. Rows are only added. `server-admin audit` lists them.

Kinds: `device_revoked` (the admin's revoke), `pushed_after_revocation` (one per change a
revoked laptop sent: kept as evidence, named here), `wipe_confirmed` (the centre told a
revoked laptop it holds everything, so the laptop wiped itself; server/revocation.py).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from server.models import CentreAuditEvent

REVOKED = "device_revoked"
PUSHED_AFTER_REVOCATION = "pushed_after_revocation"
WIPE_CONFIRMED = "wipe_confirmed"


def note(session: Session, kind: str, device_id: str, **detail) -> None:
    session.add(CentreAuditEvent(at=datetime.now(timezone.utc), kind=kind, device_id=device_id,
                                 detail_json=json.dumps(detail, sort_keys=True, default=str)))


def note_pushed_after_revocation(session: Session, device_id: str, stored: list[dict]) -> None:
    """One audit row per change a revoked laptop pushed (`stored`: the rows push.py keeps)."""
    now = datetime.now(timezone.utc)
    rows = []
    for change in stored:
        result = json.loads(change["result_json"])
        rows.append({"at": now, "kind": PUSHED_AFTER_REVOCATION, "device_id": device_id,
                     "detail_json": json.dumps({
                         "seq": change["seq"], "mutation_id": change["mutation_id"],
                         "status": change["status"], "table": result.get("table"),
                         "record_id": result.get("record_id")}, sort_keys=True)})
    if rows:
        session.execute(insert(CentreAuditEvent), rows)


def audit(session: Session, device_id: str | None = None) -> list[dict]:
    query = select(CentreAuditEvent).order_by(CentreAuditEvent.id)
    if device_id:
        query = query.where(CentreAuditEvent.device_id == device_id)
    return [{"at": e.at.isoformat(), "kind": e.kind, "device_id": e.device_id,
             **json.loads(e.detail_json or "{}")} for e in session.scalars(query)]
