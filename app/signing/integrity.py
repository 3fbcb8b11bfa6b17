"""Verify integrity: is every signature still bound to what was signed, and is every
device's chain of signatures whole?

Checks, each naming the record (learner, portfolio reference) when it fails:
- the record's content, recomputed now, hashes to the value each signature holds
  (a field, mapping or file changed outside the app fails here);
- each signature's payload hashes to its signature_hash and carries a valid Ed25519
  signature from a known device key (an edited signature row fails here);
- each device's signatures run 1..n with each one naming the previous one's hash
  (a removed or reordered signature fails here);
- every 'signed' event in the audit trail still has its signature, and every record
  marked signed has at least one (a deleted last signature fails here).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent, EvidenceRecord, Signature
from app.signing.canonical import content_hash, sha256_hex
from app.signing.chain import device_signature_ok, payload_bytes
from app.signing.device_key import public_keys
from app.signing.registry import RecordSummary, signable


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
    problems: list[IntegrityProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        head = (f"Checked {self.records_checked} signed record(s), {self.signatures_checked} "
                f"signature(s) from {self.devices_checked} device(s).")
        if self.ok:
            return head + " Everything matches what was signed."
        return head + f" {len(self.problems)} problem(s) found:\n" + "\n".join(
            "  - " + p.line() for p in self.problems)


def _summary(session: Session, record_type: str, record_id: str) -> RecordSummary:
    sig = signable(record_type)
    if sig is None:
        return RecordSummary(record_type, record_id, record_type, None, "", "", "", False)
    return sig.describe(session, record_id)


def verify_integrity(session: Session) -> IntegrityReport:
    report = IntegrityReport()
    keys = public_keys(session)
    sigs = list(session.scalars(select(Signature).order_by(
        Signature.record_type, Signature.record_id, Signature.signed_at)))
    report.signatures_checked = len(sigs)
    summaries: dict[tuple[str, str], RecordSummary] = {}

    def problem(record_type: str, record_id: str, text: str) -> None:
        key = (record_type, record_id)
        if key not in summaries:
            summaries[key] = _summary(session, record_type, record_id)
        s = summaries[key]
        report.problems.append(IntegrityProblem(record_type, record_id, s.learner_name,
                                                s.portfolio_ref, s.kind, text))

    # 1. Content still hashes to what was signed.
    for (record_type, record_id), group in groupby(sigs, key=lambda s: (s.record_type, s.record_id)):
        group = list(group)
        report.records_checked += 1
        sig = signable(record_type)
        if sig is None:
            problem(record_type, record_id, f"no way to check records of type '{record_type}'")
            continue
        content = sig.serialise(session, record_id)
        if content is None:
            problem(record_type, record_id, "the signed record is missing from the database")
            continue
        now = content_hash(content)
        for s in group:
            if s.content_hash != now:
                problem(record_type, record_id,
                        f"changed since {s.signer_name} ({s.role}) signed it on "
                        f"{s.signed_at.strftime('%d/%m/%Y %H:%M')} UTC: its content no longer "
                        f"matches the signature")
                break

    # 2. Each signature row is as its device signed it.
    for s in sigs:
        if sha256_hex(payload_bytes(s)) != s.signature_hash or not device_signature_ok(
                s, keys.get(s.key_fingerprint)):
            reason = ("signed by a device whose key is unknown" if s.key_fingerprint not in keys
                      else "its signature row was altered")
            problem(s.record_type, s.record_id, f"the signature of {s.signer_name} ({s.role}) "
                                                f"fails its check: {reason}")

    # 3. Each device's chain is whole and in order.
    by_device = sorted(sigs, key=lambda s: (s.signing_device_id, s.sequence))
    for device_id, chain in groupby(by_device, key=lambda s: s.signing_device_id):
        chain = list(chain)
        report.devices_checked += 1
        previous_hash, expected = "", 1
        for s in chain:
            if s.sequence != expected:
                problem(s.record_type, s.record_id,
                        f"signature(s) missing or reordered before this one in device "
                        f"{device_id[:8]}'s chain (expected number {expected}, found {s.sequence})")
            elif s.previous_signature_hash != previous_hash:
                problem(s.record_type, s.record_id,
                        f"device {device_id[:8]}'s chain is broken at signature {s.sequence} "
                        f"({s.signer_name}): the signature before it was removed or replaced")
            previous_hash, expected = s.signature_hash, s.sequence + 1

    # 4. Nothing signed has lost its signature.
    held = {s.id for s in sigs}
    for event in session.scalars(select(AuditEvent).where(AuditEvent.action == "signed")):
        if event.related_id and event.related_id not in held:
            problem(event.record_type, event.record_id,
                    f"a signature recorded in the audit trail is missing ({event.summary})")
    signed_ids = {s.record_id for s in sigs if s.record_type == "evidence_record"}
    for record in session.scalars(select(EvidenceRecord).where(EvidenceRecord.state == "signed")):
        if record.id not in signed_ids:
            problem("evidence_record", record.id, "marked signed but holds no signature")
    return report
