"""Records whose files have not all reached the centre ("awaiting files").

A laptop sends files before the records that use them, but a file attached during a sync,
or a sync cut between the two, leaves a record at the centre whose bytes are still on the
laptop. Such a record is never complete at the centre: it is listed here (and by
`server-admin awaiting-files`) until its files arrive. Worked out from the database and the
file store each time, so it is never out of date.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from app.models import Learner
from app.models.evidence import Attachment, EvidenceRecord
from server.database import CentreDatabase
from server.files.store import FileStore


def missing_files(centre: CentreDatabase, files: FileStore) -> dict[str, list[str]]:
    """record id -> SHA-256s of its live attachments the store does not hold."""
    with centre.reading() as session:
        rows = session.execute(select(Attachment.record_id, Attachment.sha256).where(
            Attachment.deleted_at.is_(None))).all()
    held: dict[str, bool] = {}
    out: dict[str, list[str]] = defaultdict(list)
    for record_id, sha in rows:
        if sha not in held:
            held[sha] = files.has(sha)
        if not held[sha]:
            out[record_id].append(sha)
    return dict(out)


def records_awaiting_files(centre: CentreDatabase, files: FileStore) -> list[dict]:
    missing = missing_files(centre, files)
    if not missing:
        return []
    from app.evidence.printed_reference import printed_reference
    with centre.reading() as session:
        out = []
        for record, learner in session.execute(
                select(EvidenceRecord, Learner).join(Learner, Learner.id == EvidenceRecord.learner_id)
                .where(EvidenceRecord.id.in_(list(missing)))
                .order_by(Learner.family_name, EvidenceRecord.portfolio_ref)):
            total = session.query(Attachment).filter(Attachment.record_id == record.id,
                                                     Attachment.deleted_at.is_(None)).count()
            # As printed: OBS-001/A3F2 where the learner has OBS-001 signed twice.
            ref = printed_reference(session, record.id)
            out.append({"record_id": record.id, "portfolio_ref": ref,
                        "learner": learner.full_name,
                        "missing": len(missing[record.id]), "files": total})
        return out
