"""Per record, for the evidence list: is everything about it at the centre, or is some of
it (the record, an AC mapping, a file's row, a signature) still waiting on this laptop?
Files' own bytes have their place words in app/transfer/file_states.py."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Attachment, CriterionMapping, EvidenceRecord, OutboxEntry, Signature, SyncMutation
from app.sync import state

WAITING = "waiting to go to the centre"
AT_CENTRE = "at the centre"


def evidence_sync_words(session: Session, learner_id: str) -> dict[str, str]:
    """record id -> WAITING or AT_CENTRE for the learner's evidence; empty before the laptop
    is connected to a centre (then everything is simply on this laptop)."""
    if not state.get(session, "token"):
        return {}
    pending: dict[str, set[str]] = {}
    for model in (OutboxEntry, SyncMutation):
        for table, row_id in session.execute(select(model.table_name, model.record_id)):
            pending.setdefault(table, set()).add(row_id)
    from app.caseload.same_learner import same_learner_ids   # and a merged record's
    records = session.scalars(select(EvidenceRecord.id).where(
        EvidenceRecord.learner_id.in_(same_learner_ids(session, learner_id)))).all()
    waiting = set(records) & pending.get("evidence_record", set())
    for table, model in (("criterion_mapping", CriterionMapping), ("attachment", Attachment),
                         ("signature", Signature)):
        ids = pending.get(table)
        if ids:
            waiting |= set(session.scalars(select(model.record_id).where(model.id.in_(ids))))
    return {r: (WAITING if r in waiting else AT_CENTRE) for r in records}
