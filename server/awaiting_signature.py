"""Evidence records marked signed whose signature has not reached the centre ("awaiting
signature").

A record's `state` is what the laptop that sent it says. A laptop sets 'signed' as it makes
the first signature, and the signature can reach the centre in a later push than the
record (a sync cut between the two), so the centre cannot ask for both in one batch; a
laptop altered to say 'signed' with no signature at all looks the same on arrival. So the
centre counts a record as signed only when it holds a signature on it: every signature row
at the centre was checked on arrival against the key its laptop registered at enrolment and
against the record as the centre holds it (server/signatures.refusal_of_signature), and any
later change that would break it is refused (refusal_to_unsign), so a row there is a
checked signature covering the record's current content.

Until then the record is kept as sent (nothing a laptop sends is lost) and is never shown
as signed: listed here (and by `server-admin awaiting-signatures`), and the push's answer
says so to the laptop. Worked out from the database each time, as "awaiting files" is
(server/files/awaiting.py), so it is never out of date: once a signature that checks
arrives, the record is signed. A laptop that pulls such a record still goes by its `state`
(its own views count from it), so the centre's list is where it shows as not signed.
"""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.models import Learner
from app.models.evidence import EvidenceRecord
from app.models.signing import Signature
from server.models import ChangeLog, SyncDevice

_CHUNK = 500  # ids per IN (...), well under SQLite's limit on bound values

# Why, in the words a laptop and the admin are shown.
NOT_COUNTED = "not counted as signed: no signature the centre could check has reached it"


def _checked_signature():
    """A signature on the evidence record, which at the centre means one that checked."""
    return exists().where(Signature.record_type == "evidence_record",
                          Signature.record_id == EvidenceRecord.id)


def signed_at_centre(session: Session, record_ids) -> set[str]:
    """The evidence records among `record_ids` that the centre counts as signed."""
    ids, found = sorted(set(record_ids)), set()
    for i in range(0, len(ids), _CHUNK):
        found.update(session.scalars(select(EvidenceRecord.id).where(
            EvidenceRecord.id.in_(ids[i:i + _CHUNK]), _checked_signature())))
    return found


def awaiting_signature(session: Session, record_ids) -> set[str]:
    """The evidence records among `record_ids` marked signed that the centre does not
    count as signed."""
    ids, found = sorted(set(record_ids)), set()
    for i in range(0, len(ids), _CHUNK):
        found.update(session.scalars(select(EvidenceRecord.id).where(
            EvidenceRecord.id.in_(ids[i:i + _CHUNK]), EvidenceRecord.state == "signed",
            ~_checked_signature())))
    return found


def pushed_note(portfolio_ref: str) -> str:
    """What the push's answer tells the laptop about one of its records."""
    return f"{portfolio_ref} is at the centre, but {NOT_COUNTED}"


def note_in_results(session: Session, applied: dict[str, dict]) -> None:
    """Mark the push's results (record id -> applied result) of evidence records that are
    marked signed but await their signature. Asked once the whole batch is in: a
    signature later in the same batch makes its record signed."""
    waiting = awaiting_signature(session, applied)
    if not waiting:
        return
    refs = dict(session.execute(select(EvidenceRecord.id, EvidenceRecord.portfolio_ref)
                                .where(EvidenceRecord.id.in_(sorted(waiting)))).all())
    for record_id in waiting:
        applied[record_id]["awaiting_signature"] = pushed_note(refs[record_id])


def records_awaiting_signature(session: Session) -> list[dict]:
    """Every record marked signed that the centre does not count as signed: which, whose,
    from which laptop (the centre's own note of who sent it, not the row's say-so), and
    whether another record of the learner signed under the same reference sits beside it."""
    from app.evidence.printed_reference import printed_reference
    from server.staff import device_laptop_name
    rows = session.execute(
        select(EvidenceRecord, Learner).join(Learner, Learner.id == EvidenceRecord.learner_id)
        .where(EvidenceRecord.state == "signed", ~_checked_signature())
        .order_by(Learner.family_name, EvidenceRecord.portfolio_ref, EvidenceRecord.id)).all()
    out = []
    for record, learner in rows:
        sender = session.scalar(select(ChangeLog.device_id).where(
            ChangeLog.table_name == "evidence_record", ChangeLog.record_id == record.id))
        device = session.get(SyncDevice, sender) if sender else None
        beside = session.scalars(select(EvidenceRecord.id).where(
            EvidenceRecord.learner_id == record.learner_id,
            EvidenceRecord.portfolio_ref == record.portfolio_ref,
            EvidenceRecord.id != record.id, EvidenceRecord.deleted_at.is_(None),
            EvidenceRecord.amends_id.is_(None), _checked_signature())).first()
        out.append({"record_id": record.id, "portfolio_ref": printed_reference(session, record.id),
                    "reference": record.portfolio_ref, "learner": learner.full_name,
                    "laptop": device_laptop_name(session, device) if device else "the centre",
                    "beside_signed": beside is not None})
    return out


def admin_line(row: dict) -> str:
    """One record of `server-admin awaiting-signatures`."""
    beside = (f" (another {row['reference']} of this learner is signed)"
              if row["beside_signed"] else "")
    return f"{row['portfolio_ref']}  {row['learner']}  from {row['laptop']}: marked signed, " \
           f"but {NOT_COUNTED}{beside}"
