"""One printed reference per record at the centre (issue 13).

A learner's live original records are one per portfolio reference, except that two signed
ones may share it: two laptops offline each signed an OBS-001, neither may be renumbered,
and each prints qualified by its id (app/evidence/printed_reference.py). The unique index
covers only unsigned records (migration s0007), so a record that would sit beside a signed
one under its reference is refused here unless it is signed too. The laptop that made it
then renumbers it, or the centre's unsigned one, as before (app/sync/references.py).

"Signed" here is what the record is marked (its `state`), not yet whether the centre counts
it so: its signature may come in a later push than the record, and refusing the record
meanwhile would strand that signature. A record marked signed without a signature the
centre has checked is kept beside the signed one but "awaiting signature": the centre never
counts it as signed and lists it for the admin (server/awaiting_signature.py).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.references import REF_CLASH, is_live_original
from app.sync.wire import table_of


def holders(session: Session, learner_id: str, portfolio_ref: str) -> dict[str, str]:
    """id -> state of the learner's live original records under `portfolio_ref`."""
    t = table_of("evidence_record")
    return dict(session.connection().execute(select(t.c.id, t.c.state).where(
        t.c.learner_id == learner_id, t.c.portfolio_ref == portfolio_ref,
        t.c.deleted_at.is_(None), t.c.amends_id.is_(None))).all())


def refusal_of_reference(row: dict, holding: dict[str, str]) -> str | None:
    """Why `row` (an evidence record) may not take its reference, given who holds it."""
    if not is_live_original(row):
        return None
    for other_id, state in holding.items():
        if other_id != row["id"] and not (row.get("state") == "signed" and state == "signed"):
            return REF_CLASH
    return None
