"""Verify integrity: is every signature still bound to what was signed, and is every
device's chain of signatures whole?

Checks, each naming the record (learner, portfolio reference) when it fails:
- the record's content, recomputed now under the rule each signature was made under,
  hashes to the value the signature holds (a field, mapping, AC text, learner's name,
  caption changed outside the app fails here), and each signed file's bytes on disk still
  hash to what was signed (app/signing/check.py);
- each signature's payload hashes to its signature_hash and carries a valid Ed25519
  signature from a trusted key: this laptop's own, or one the centre vouched for
  (app/signing/trust.py); a key found only as a database row counts for nothing;
- each device's signatures run 1..n with each one naming the previous one's hash
  (a removed or reordered signature fails here);
- every 'signed' event in the audit trail still has its signature and every signature its
  event, every record marked signed has at least one, and every key that signed has
  signatures left (a deleted last signature fails here);
- nothing signed is tombstoned (records, sign-offs, claims, amendments);
- each device's audit trail is a whole hash chain (app/signing/audit_chain.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.models import Amendment, AuditEvent, DeviceKey, EvidenceRecord, Signature
from app.signing.audit_chain import audit_chain_breaks
from app.evidence.attachment_store import AttachmentStore
from app.signing.check import content_problem, file_problems, row_problem
from app.signing.coverage import RULES
from app.signing.device_key import data_dir_of, own_public_keys
from app.signing.newest_signature import remembered
from app.signing.registry import RecordSummary, signable
from app.signing.trust import pinned_centre_key, trusted_keys


@dataclass(frozen=True)
class IntegrityProblem:
    record_type: str
    record_id: str
    learner_name: str
    portfolio_ref: str
    record_label: str
    problem: str

    def line(self) -> str:
        who = f"{self.learner_name}, " if self.learner_name else ""
        ref = self.portfolio_ref or self.record_id
        return f"{who}{ref} ({self.record_label}): {self.problem}"


@dataclass
class IntegrityReport:
    records_checked: int = 0
    signatures_checked: int = 0
    devices_checked: int = 0
    files_checked: int = 0
    problems: list[IntegrityProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)      # said, but not failures
    rules: dict[int, int] = field(default_factory=dict)  # coverage rule -> signatures

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        head = (f"Checked {self.records_checked} signed record(s), {self.signatures_checked} "
                f"signature(s) from {self.devices_checked} device(s), {self.files_checked} "
                f"signed file(s).")
        for rule, count in sorted(self.rules.items()):
            head += f"\n{count} signature(s) made under rule {rule}: {RULES.get(rule, '?')}."
        for note in self.notes:
            head += "\n" + note
        if self.ok:
            return head + " Everything matches what was signed."
        return head + f" {len(self.problems)} problem(s) found:\n" + "\n".join(
            "  - " + p.line() for p in self.problems)


def _summary(session: Session, record_type: str, record_id: str) -> RecordSummary:
    sig = signable(record_type)
    if sig is None:
        return RecordSummary(record_type, record_id, record_type, None, "", "", "", False)
    return sig.describe(session, record_id)


LAPTOP = object()   # work the files, own key and pinned centre key out from the session


def verify_integrity(session: Session, attachments_dir: Path | None | object = LAPTOP,
                     own_keys: list[Ed25519PublicKey] | object = LAPTOP,
                     centre_key: Ed25519PublicKey | None | object = LAPTOP) -> IntegrityReport:
    """Check everything signed in this database. On the laptop (the defaults) the files are
    the data folder's attachment store, the own key its key file, the centre's key the one
    pinned at enrolment; a caller elsewhere passes them (None: files not checked).

    A value Fieldfolio never writes (a date that is not a date, JSON that is not JSON, a
    reference to a row that is gone) stops the check with that as its finding, never a
    traceback: it can only have been put there outside Fieldfolio."""
    try:
        return _verify(session, attachments_dir, own_keys, centre_key)
    except (ValueError, TypeError, KeyError, AttributeError, SQLAlchemyError) as exc:
        report = IntegrityReport()
        report.problems.append(IntegrityProblem(
            "database", "", "", "", "database",
            f"holds a value Fieldfolio never writes, so it was edited outside Fieldfolio and "
            f"the check could not finish ({type(exc).__name__}: {str(exc).splitlines()[0]})"))
        return report


def _verify(session: Session, attachments_dir, own_keys, centre_key) -> IntegrityReport:
    data_dir = None
    # On a laptop only this laptop's own chains must be whole here: another device's
    # signatures and audit entries arrive only for the learners this laptop may see (an
    # IQA's laptop holds a few of each assessor's), so a gap in them is no finding; the
    # centre, which holds every chain whole, checks those (and the sync's check compares).
    whole_only = _own_device(session) if LAPTOP in (attachments_dir, own_keys) else None
    if LAPTOP in (attachments_dir, own_keys):
        try:
            data_dir = data_dir_of(session)
        except RuntimeError:
            data_dir = None
    if attachments_dir is LAPTOP:
        attachments_dir = AttachmentStore.of_data_folder(data_dir) if data_dir else None
    if own_keys is LAPTOP:
        own_keys = own_public_keys(data_dir) if data_dir else []
    if centre_key is LAPTOP:
        centre_key = pinned_centre_key(session)
    trust = trusted_keys(session, own_keys, centre_key)
    report = IntegrityReport()
    if centre_key is None:
        report.notes.append("This laptop has not synced with a centre yet: signatures count "
                            "only under this laptop's own key.")
    sigs = list(session.scalars(select(Signature).order_by(
        Signature.record_type, Signature.record_id, Signature.signed_at)))
    report.signatures_checked = len(sigs)
    for s in sigs:
        report.rules[s.content_rule] = report.rules.get(s.content_rule, 0) + 1
    summaries: dict[tuple[str, str], RecordSummary] = {}

    def problem(record_type: str, record_id: str, text: str) -> None:
        key = (record_type, record_id)
        if key not in summaries:
            summaries[key] = _summary(session, record_type, record_id)
        s = summaries[key]
        report.problems.append(IntegrityProblem(record_type, record_id, s.learner_name,
                                                s.portfolio_ref, s.kind, text))

    # 1. Content still hashes to what was signed, under each signature's rule; files too.
    cache: dict = {}
    for (record_type, record_id), group in groupby(sigs, key=lambda s: (s.record_type, s.record_id)):
        group = list(group)
        report.records_checked += 1
        if signable(record_type) is None:
            problem(record_type, record_id, f"no way to check records of type '{record_type}'")
            continue
        for s in group:
            found = content_problem(session, s, cache)
            if found:
                problem(record_type, record_id, found)
                break
        sig = signable(record_type)
        if sig.is_deleted(session, record_id) and sig.describe(session, record_id).exists:
            problem(record_type, record_id, "a signed record was deleted (tombstoned); signed "
                                            "records are withdrawn or amended, never deleted")
        if attachments_dir is not None:
            files = file_problems(session, record_type, record_id, attachments_dir)
            report.files_checked += len(sig.signed_files(session, record_id)) \
                if sig.signed_files else 0
            for text in files:
                problem(record_type, record_id, text)

    # 2. Each signature row is as its device signed it, under a key this laptop trusts.
    for s in sigs:
        key = trust.keys.get(s.key_fingerprint)
        found = row_problem(s, key)
        if found is None and key is None:
            found = (f"the signature of {s.signer_name} ({s.role}) does not count: "
                     f"{trust.refusal(s.key_fingerprint)}")
        if found:
            problem(s.record_type, s.record_id, found)

    # 3. Each device's chain is whole and in order.
    by_device = sorted(sigs, key=lambda s: (s.signing_device_id, s.sequence))
    for device_id, chain in groupby(by_device, key=lambda s: s.signing_device_id):
        chain = list(chain)
        report.devices_checked += 1
        previous_hash, expected = "", 1
        partial = whole_only is not None and device_id != whole_only
        if partial and chain[0].sequence != 1:
            report.notes.append(f"Device {device_id[:8]}'s signatures are here only for the "
                                f"learners this laptop holds; the centre checks its whole chain.")
        for s in chain:
            if s.sequence != expected and partial and s.sequence > expected:
                pass   # signatures for learners not on this laptop
            elif s.sequence != expected:
                problem(s.record_type, s.record_id,
                        f"signature(s) missing or reordered before this one in device "
                        f"{device_id[:8]}'s chain (expected number {expected}, found {s.sequence})")
            elif s.previous_signature_hash != previous_hash:
                problem(s.record_type, s.record_id,
                        f"device {device_id[:8]}'s chain is broken at signature {s.sequence} "
                        f"({s.signer_name}): the signature before it was removed or replaced")
            previous_hash, expected = s.signature_hash, s.sequence + 1

    # 4. Nothing signed has lost its signature, and no signature its audit entry.
    held = {s.id for s in sigs}
    signed_events = {}
    for event in session.scalars(select(AuditEvent).where(AuditEvent.action == "signed")):
        signed_events[event.related_id] = event
        if event.related_id and event.related_id not in held:
            problem(event.record_type, event.record_id,
                    f"a signature recorded in the audit trail is missing ({event.summary})")
    for s in sigs:
        if s.id not in signed_events:
            problem(s.record_type, s.record_id, f"the signature of {s.signer_name} ({s.role}) "
                                                f"has no entry in the audit trail")
    signed_ids = {s.record_id for s in sigs if s.record_type == "evidence_record"}
    for record in session.scalars(select(EvidenceRecord).where(EvidenceRecord.state == "signed")):
        if record.id not in signed_ids:
            problem("evidence_record", record.id, "marked signed but holds no signature")
    for record in session.scalars(select(EvidenceRecord).where(
            EvidenceRecord.id.in_(signed_ids), EvidenceRecord.state != "signed")):
        problem("evidence_record", record.id, f"holds signatures but is marked "
                                              f"'{record.state}', as if never signed")
    for s in sigs:
        if s.deleted_at is not None:
            problem(s.record_type, s.record_id, f"the signature of {s.signer_name} ({s.role}) "
                                                f"was marked deleted; signatures are never "
                                                f"deleted")
    used = {s.key_fingerprint for s in sigs}
    # A key is registered at enrolment, before it signs anything (an IQA's laptop may never
    # sign): only a key known to have signed is missed. Known from the audit trail, or from
    # the note kept outside the database, which survives the audit rows being stripped too.
    note = remembered(data_dir) if data_dir is not None else None
    signers = {e.device_id for e in signed_events.values()} | (
        {note["device_id"]} if note and note.get("sequence", 0) > 0 else set())
    for key in session.scalars(select(DeviceKey)):
        mine = whole_only is None or key.owner_device_id == whole_only
        if key.fingerprint not in used and mine and key.owner_device_id in signers:
            problem("device_key", key.id, f"the signing key of device '{key.device_name}' "
                                          f"signed before, but none of its signatures remain")

    if data_dir is not None:
        _check_newest_noted(session, data_dir, sigs, report, problem)

    # 5. No amendment of a signed record has gone.
    for row in session.scalars(select(Amendment).where(Amendment.deleted_at.is_not(None))):
        problem(row.record_type, row.amended_id, "an amendment of a signed record was deleted "
                                                 "(tombstoned)")

    # 6. The audit trail hangs together.
    for b in audit_chain_breaks(session, whole_only):
        problem(b.record_type, b.record_id, b.problem)
    return report



def _own_device(session: Session) -> str | None:
    from app.models import Device
    try:
        return session.scalar(select(Device.id))
    except SQLAlchemyError:
        return None


def _check_newest_noted(session, data_dir, sigs, report, problem) -> None:
    """The laptop's note of its newest signature (newest_signature.py) must be held."""
    note = remembered(data_dir)
    if note is None:
        if sigs:
            report.notes.append("This laptop keeps no note of its newest signature (made "
                                "before Fieldfolio kept one, or removed): a newest signature "
                                "deleted with its audit entry would be found only by the "
                                "centre.")
        return
    held = {(s.signing_device_id, s.sequence): s.signature_hash for s in sigs}
    if held.get((note["device_id"], note["sequence"])) != note["signature_hash"]:
        newest = max((s.sequence for s in sigs if s.signing_device_id == note["device_id"]),
                     default=0)
        if newest >= note["sequence"]:
            text = (f"this laptop's signature number {note['sequence']} is not the one it "
                    f"made: its signatures were replaced")
        else:
            text = (f"this laptop's signature number {note['sequence']} is missing from the "
                    f"database (its newest held is number {newest}): signatures were "
                    f"deleted, or an older copy of the database was put back")
        problem("device_key", note["device_id"], text)
