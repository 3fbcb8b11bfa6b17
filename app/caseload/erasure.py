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
  same file, and from each laptop the erasure reaches (`erased_elsewhere`);
- with no signed work at all, the identity too: the learner becomes "Erased learner", with
  no ULN, date of birth or registration number, and is tombstoned;
- what the laptop kept of their forms as typed (form drafts), which can hold any of it;
  drafts never sync, so each laptop the erasure reaches clears its own (`erased_elsewhere`).

A learner created twice and merged (app/caseload/merge.py) is one person: erasing either
record erases the whole family (app/caseload/same_learner.py), under the same rules. The
merged records' signed work is the learner's signed work, so it is kept and counted; each
merged record keeps its identity only while it carries signed work, sign-offs or claims of
its own (they are about it), and otherwise becomes "Erased learner" too. The record kept
keeps its identity while the family has any signed work, since that is read under it.

The columns emptied are listed once, in app/caseload/erased_fields.py, which the centre
reads too.

Everything changed syncs to the centre as ordinary changes (so the centre's copy of the
learner and of those records is emptied too); files the centre already holds stay there
until its admin removes them (said in the result). A change another laptop made to the
learner before the erasure reached it never brings the details back, whichever syncs
first: the centre lets the erasure win (server/erased.py) and that laptop's assessor is
told (app/sync/erasure_won.py). Backups taken before an upgrade still
hold the old rows until they are replaced.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.drafts import clear_drafts
from app.caseload.erased_fields import erase_in_place
from app.caseload.learners import DRAFT_FORM as LEARNER_FORM
from app.caseload.same_learner import same_learner_ids
from app.caseload.validation import InvalidInput
from app.db.base import utcnow
from app.evidence.records import DRAFT_FORM as EVIDENCE_FORM
from app.models import EvidenceRecord, Learner, Signature
from app.models.claims import Claim, UnitSignOff
from app.models.evidence import Attachment, CriterionMapping
from app.models.signing import AuditEvent
from app.signing.audit import record_event

ERASED = "erased"     # the audit action an erasure records, here or on another laptop


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
    # The records of this learner merged into theirs: (merged record id, identity kept).
    merged: list[tuple[str, bool]] = field(default_factory=list)

    def _merged_words(self, done: bool) -> str:
        """What happens to the records merged into this one, or "" when there are none."""
        if not self.merged:
            return ""
        kept = sum(1 for _, identity in self.merged if identity)
        gone = len(self.merged) - kept
        go, keep, lose = ("went", "kept", "lost") if done else ("go", "keep", "lose")
        if len(self.merged) == 1:
            what = "The learner's other record, merged into this one, is covered too: its"
            how = (f"it {keep + ('s' if not done else '')} the name, ULN and date of birth its "
                   f"own signed work is about" if kept else
                   f"having no signed work of its own, it {lose + ('s' if not done else '')} "
                   f"its name, ULN and date of birth too")
        else:
            what = (f"The learner's {len(self.merged)} other records, merged into this one, "
                    f"are covered too: their")

            def agree(verb: str, n: int) -> str:
                return verb + ("s" if n == 1 and not done else "")
            how = " and ".join(filter(None, (
                f"{kept} of them {agree(keep, kept)} the name, ULN and date of birth their "
                f"own signed work is about" if kept else "",
                f"{gone} of them, with no signed work of their own, {agree(lose, gone)} "
                f"those too" if gone else "")))
        return f" {what} contact details, notes and unsigned work {go} as well; {how}."

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
                f"{len(self.files_to_remove)} file(s) on this laptop. {kept}"
                f"{self._merged_words(done=False)} This cannot be undone.")

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
        return (done + kept + self._merged_words(done=True) + " The changes go to the centre at the next sync; files the "
                "centre already holds stay there until its admin removes them.")


def _signed_ids(session: Session, record_type: str, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    return set(session.scalars(select(Signature.record_id).where(
        Signature.record_type == record_type, Signature.record_id.in_(ids),
        Signature.deleted_at.is_(None))))


def _family(session: Session, learner_id: str) -> tuple[Learner, list[str]]:
    """The learner kept (following merges from any of the records) and every id merged
    into it, kept learner first."""
    learner = session.get(Learner, learner_id)
    if learner is None:
        raise InvalidInput({"learner": "That learner is not on this laptop."})
    seen = {learner.id}
    while learner.merged_into_id and learner.merged_into_id not in seen:
        kept = session.get(Learner, learner.merged_into_id)
        if kept is None:
            break
        learner = kept
        seen.add(learner.id)
    return learner, same_learner_ids(session, learner.id)


def erasure_covering(session: Session, learner_id: str,
                     erasing: set[str] | frozenset = frozenset()) -> Erasure | None:
    """If `learner_id` (or a learner merged with them) was erased, by an "erased" audit
    event in this database or one arriving now (ids in `erasing`): what erasing them again
    here would do (`erasure_preview`: whose identity is kept, judged by the signed work
    here). None otherwise. The centre asks this of a change made before an erasure reached
    it (server/erased.py)."""
    if session.get(Learner, learner_id) is None:
        return None
    kept, family = _family(session, learner_id)
    if not set(family) & set(erasing) and not _erased_here(session, family):
        return None
    return erasure_preview(session, kept.id)


def erased_by(session: Session, learner_id: str, device_id: str) -> bool:
    """Whether the learner (merged records followed) was erased on this device."""
    if session.get(Learner, learner_id) is None:
        return False
    _, family = _family(session, learner_id)
    return _erased_here(session, family, device_id)


def _erased_here(session: Session, family: list[str], device_id: str | None = None) -> bool:
    """Whether this database holds an "erased" event for any of `family` (made on
    `device_id`, if given)."""
    query = select(AuditEvent.id).where(AuditEvent.action == ERASED,
                                        AuditEvent.record_type == "learner",
                                        AuditEvent.record_id.in_(family))
    if device_id is not None:
        query = query.where(AuditEvent.device_id == device_id)
    return session.scalar(query.limit(1)) is not None


def is_signed(session: Session, record_id: str) -> bool:
    """Whether an evidence record carries a signature (and so is kept by an erasure)."""
    return bool(_signed_ids(session, "evidence_record", [record_id]))


def _carries_signed_work(session: Session, learner_id: str, signed_records: set[str]) -> bool:
    """Whether a learner record has signed evidence, sign-offs or claims of its own (the
    awarding body's account is about it)."""
    own_records = set(session.scalars(select(EvidenceRecord.id).where(
        EvidenceRecord.learner_id == learner_id, EvidenceRecord.deleted_at.is_(None))))
    return bool(own_records & signed_records) or any(session.scalars(
        select(model.id).where(model.learner_id == learner_id,
                               model.deleted_at.is_(None)).limit(1)).first()
        for model in (UnitSignOff, Claim))


def erasure_preview(session: Session, learner_id: str) -> Erasure:
    """What `erase_learner` would do, changing nothing (for the confirmation). Any record of
    a merged learner stands for the whole family (the module docstring)."""
    learner, family = _family(session, learner_id)
    records = session.scalars(select(EvidenceRecord).where(
        EvidenceRecord.learner_id.in_(family), EvidenceRecord.deleted_at.is_(None))).all()
    signed = _signed_ids(session, "evidence_record", [r.id for r in records])
    sign_offs = session.scalars(select(UnitSignOff.id).where(
        UnitSignOff.learner_id.in_(family), UnitSignOff.deleted_at.is_(None))).all()
    claims = session.scalars(select(Claim.id).where(
        Claim.learner_id.in_(family), Claim.deleted_at.is_(None))).all()
    erasing = [r.id for r in records if r.id not in signed]
    result = Erasure(learner.id, learner.full_name, records_erased=len(erasing),
                     records_kept=len(signed), sign_offs_kept=len(sign_offs),
                     claims_kept=len(claims),
                     identity_kept=bool(signed or sign_offs or claims))
    result.merged = [(other, _carries_signed_work(session, other, signed))
                     for other in family[1:]]
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
    family = [result.learner_id] + [other for other, _ in result.merged]
    now = utcnow()
    signed = _signed_ids(session, "evidence_record", [r.id for r in session.scalars(
        select(EvidenceRecord).where(EvidenceRecord.learner_id.in_(family)))])
    for record in session.scalars(select(EvidenceRecord).where(
            EvidenceRecord.learner_id.in_(family), EvidenceRecord.deleted_at.is_(None))):
        if record.id in signed:
            continue
        erase_in_place(record, "evidence_record", now)
        for link in session.scalars(select(Attachment).where(
                Attachment.record_id == record.id, Attachment.deleted_at.is_(None))):
            erase_in_place(link, "attachment", now)
        for mapping in session.scalars(select(CriterionMapping).where(
                CriterionMapping.record_id == record.id, CriterionMapping.deleted_at.is_(None))):
            erase_in_place(mapping, "criterion_mapping", now)
    identity_kept = {result.learner_id: result.identity_kept, **dict(result.merged)}
    for member_id in family:
        erase_in_place(session.get(Learner, member_id), "learner", now, identity_kept[member_id])
    forget_typed(session, result.learner_id)
    record_event(session, ERASED, "learner", result.learner_id, learner_id=result.learner_id,
                 summary=result.words().replace(result.name, "the learner"))
    return result


def forget_typed(session: Session, learner_id: str) -> None:
    """Erase the form drafts of a learner's Details and of every evidence record of theirs
    (merged records included). A draft keeps what was typed, valid or not
    (app/caseload/drafts.py), so it may hold the very details being erased. The one place
    both an erasure made here and one pulled from another laptop clear them: drafts are
    this laptop's own and never sync, so each laptop must clear its own."""
    if session.get(Learner, learner_id) is None:
        return
    _, family = _family(session, learner_id)
    clear_drafts(session, LEARNER_FORM, family)
    clear_drafts(session, EVIDENCE_FORM, select(EvidenceRecord.id).where(
        EvidenceRecord.learner_id.in_(family)))


def erased_elsewhere(session: Session, events: list[dict]) -> list[str]:
    """Audit events just pulled from the centre (app/sync/incoming.py), applied after the
    rows of their page: a learner erased on another laptop arrives as ordinary changes to
    their rows, which leave this laptop's drafts and files alone; the "erased" event says it
    was an erasure. Returns the SHA-256s of the files to take off this laptop after the
    commit (`take_files_off`), as `erase_learner` leaves them to `remove_files`."""
    files: set[str] = set()
    for event in events:
        if event.get("action") == ERASED and event.get("record_type") == "learner":
            forget_typed(session, event["record_id"])
            files.update(_files_left_unused(session, event["record_id"]))
    return sorted(files)


def _files_left_unused(session: Session, learner_id: str) -> list[str]:
    """Files of the learner's erased records (merged records included) that no live link
    of anyone's still uses: files are stored once by content, so a photo a signed record
    also holds stays. As `erasure_preview` decides for the laptop that erased."""
    if session.get(Learner, learner_id) is None:
        return []
    _, family = _family(session, learner_id)
    erased_records = select(EvidenceRecord.id).where(
        EvidenceRecord.learner_id.in_(family), EvidenceRecord.deleted_at.is_not(None))
    hashes = set(session.scalars(select(Attachment.sha256).where(
        Attachment.record_id.in_(erased_records))))
    if not hashes:
        return []
    used = set(session.scalars(select(Attachment.sha256).where(
        Attachment.sha256.in_(hashes), Attachment.deleted_at.is_(None))))
    return sorted(hashes - used)


def remove_files(store, erasure: Erasure) -> Erasure:
    """After the commit: take the erased records' files off this laptop."""
    erasure.files_removed = take_files_off(store, erasure.files_to_remove)
    return erasure


def take_files_off(store, hashes: list[str]) -> int:
    """After the commit that erased their records (so a failed transaction never loses a
    file a live record still names): delete these files from this laptop's attachment
    store, and the old rows from the database's journal. Returns how many were here."""
    removed = 0
    for sha256 in hashes:
        if store.attachments.exists(sha256):
            store.attachments.stored_path(sha256).unlink(missing_ok=True)
            removed += 1
    store.attachments.clear_viewable_copies()
    _out_of_the_journal(store)
    return removed


def _out_of_the_journal(store) -> None:
    """Copy the erasure into the database file and empty the write-ahead journal, which
    still holds earlier versions of the rows (the email as it was typed) until SQLite
    next reuses it. A reader busy past the wait leaves it for the next checkpoint."""
    with store.write_engine.connect() as connection:
        connection.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
