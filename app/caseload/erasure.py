"""Erasing a learner's personal data on request, keeping what the awarding body requires.

A learner (or former learner) may ask the centre to erase what it holds about them. The
centre must still keep its assessment records for the awarding body (for external quality
assurance and appeals, typically three years): what was assessed, signed, signed off and
claimed. So the line is drawn at signatures, because a signature is what makes a record part
of that account (and `verify` must still find every signed record, file and name as signed):

Kept:
- every record that carries a signature: signed evidence with its files, criteria and
  signatures; unit sign-offs and claims (the awarding body's own records);
- while any of those exist, the identity they are about: given and family names, ULN, date
  of birth and registration number (what the awarding body certifies against);
- the audit trail (append-only and chained; its lines name records, and may name the learner).

Removed:
- contact details and notes: email, phone, workplace address, notes;
- every unsigned evidence record (drafts, and work ready but never signed): its title,
  place, details and criterion notes emptied, the record and its links tombstoned;
- their photos, recordings and other files from this laptop, unless a kept record uses the
  same file;
- with no signed work at all, the identity too: the learner becomes "Erased learner", with
  no ULN, date of birth or registration number, and is tombstoned.

Everything changed syncs to the centre as ordinary changes (so the centre's copy of the
learner and of those records is emptied too); files the centre already holds stay there
until its admin removes them (said in the result). Backups taken before an upgrade still
hold the old rows until they are replaced.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.db.base import utcnow
from app.models import EvidenceRecord, Learner, Signature
from app.models.claims import Claim, UnitSignOff
from app.models.evidence import Attachment, CriterionMapping
from app.signing.audit import record_event

ERASED_NAME = ("Erased", "learner")


@dataclass
class Erasure:
    learner_id: str
    name: str
    records_erased: int = 0
    records_kept: int = 0
    sign_offs_kept: int = 0
    claims_kept: int = 0
    identity_kept: bool = False
    files_to_remove: list[str] = field(default_factory=list)   # SHA-256s no kept record uses
    files_removed: int = 0                                      # filled in after the commit

    def plan(self) -> str:
        """What erasing would do, for the confirmation asked first."""
        kept = (f"Kept, because the awarding body requires them: {self.records_kept} signed "
                f"evidence record(s) with their files, {self.sign_offs_kept} unit sign-off(s) "
                f"and {self.claims_kept} claim(s), with the name, ULN, date of birth and "
                f"registration number they are about, and the audit trail."
                if self.identity_kept else
                "There is no signed work, so the name, ULN and date of birth go too; the "
                "audit trail is kept.")
        return (f"Erase {self.name}'s personal data: contact details and notes, "
                f"{self.records_erased} unsigned evidence record(s) and "
                f"{len(self.files_to_remove)} file(s) on this laptop. {kept} This cannot be "
                f"undone.")

    def words(self) -> str:
        done = (f"Erased {self.name}'s personal data: contact details and notes, "
                f"{self.records_erased} unsigned evidence record(s) and "
                f"{len(self.files_to_remove)} file(s) on this laptop.")
        if self.identity_kept:
            kept = (f" Kept, because the awarding body requires them: "
                    f"{self.records_kept} signed evidence record(s) with their files, "
                    f"{self.sign_offs_kept} unit sign-off(s) and {self.claims_kept} claim(s), "
                    f"with the name, ULN, date of birth and registration number they are "
                    f"about, and the audit trail.")
        else:
            kept = (" There was no signed work, so the name, ULN and date of birth went too; "
                    "the audit trail is kept.")
        return (done + kept + " The changes go to the centre at the next sync; files the "
                "centre already holds stay there until its admin removes them.")


def _signed_ids(session: Session, record_type: str, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    return set(session.scalars(select(Signature.record_id).where(
        Signature.record_type == record_type, Signature.record_id.in_(ids),
        Signature.deleted_at.is_(None))))


def erasure_preview(session: Session, learner_id: str) -> Erasure:
    """What `erase_learner` would do, changing nothing (for the confirmation)."""
    learner = session.get(Learner, learner_id)
    if learner is None:
        raise InvalidInput({"learner": "That learner is not on this laptop."})
    records = session.scalars(select(EvidenceRecord).where(
        EvidenceRecord.learner_id == learner_id, EvidenceRecord.deleted_at.is_(None))).all()
    signed = _signed_ids(session, "evidence_record", [r.id for r in records])
    sign_offs = session.scalars(select(UnitSignOff.id).where(
        UnitSignOff.learner_id == learner_id, UnitSignOff.deleted_at.is_(None))).all()
    claims = session.scalars(select(Claim.id).where(
        Claim.learner_id == learner_id, Claim.deleted_at.is_(None))).all()
    erasing = [r.id for r in records if r.id not in signed]
    result = Erasure(learner_id, learner.full_name, records_erased=len(erasing),
                     records_kept=len(signed), sign_offs_kept=len(sign_offs),
                     claims_kept=len(claims),
                     identity_kept=bool(signed or sign_offs or claims))
    if erasing:
        hashes = set(session.scalars(select(Attachment.sha256).where(
            Attachment.record_id.in_(erasing), Attachment.deleted_at.is_(None))))
        still_used = set(session.scalars(select(Attachment.sha256).where(
            Attachment.sha256.in_(hashes), Attachment.record_id.not_in(erasing),
            Attachment.deleted_at.is_(None)))) if hashes else set()
        result.files_to_remove = sorted(hashes - still_used)
    return result


def erase_learner(session: Session, learner_id: str) -> Erasure:
    """Erase (see the module docstring) in one transaction, audited. The files listed in
    the result are removed by the caller after the commit (`remove_files`), so a failed
    transaction never loses one."""
    result = erasure_preview(session, learner_id)
    learner = session.get(Learner, learner_id)
    now = utcnow()
    signed = _signed_ids(session, "evidence_record", [r.id for r in session.scalars(
        select(EvidenceRecord).where(EvidenceRecord.learner_id == learner_id))])
    for record in session.scalars(select(EvidenceRecord).where(
            EvidenceRecord.learner_id == learner_id, EvidenceRecord.deleted_at.is_(None))):
        if record.id in signed:
            continue
        record.title, record.location, record.details_json = "", "", "{}"
        record.deleted_at = now
        for link in session.scalars(select(Attachment).where(
                Attachment.record_id == record.id, Attachment.deleted_at.is_(None))):
            link.caption, link.original_name, link.deleted_at = "", "", now
        for mapping in session.scalars(select(CriterionMapping).where(
                CriterionMapping.record_id == record.id, CriterionMapping.deleted_at.is_(None))):
            mapping.note, mapping.deleted_at = "", now
    learner.email = learner.phone = learner.workplace_address = learner.notes = ""
    if not result.identity_kept:
        learner.given_names, learner.family_name = ERASED_NAME
        learner.uln, learner.date_of_birth, learner.registration_number = None, None, ""
        if learner.deleted_at is None:
            learner.deleted_at = now
    record_event(session, "erased", "learner", learner_id, learner_id=learner_id,
                 summary=result.words().replace(result.name, "the learner"))
    return result


def remove_files(store, erasure: Erasure) -> Erasure:
    """After the commit: take the erased records' files off this laptop."""
    removed = 0
    for sha256 in erasure.files_to_remove:
        if store.attachments.exists(sha256):
            store.attachments.stored_path(sha256).unlink(missing_ok=True)
            removed += 1
    store.attachments.clear_viewable_copies()
    erasure.files_removed = removed
    return erasure
