"""Signatures, the device keys that vouch for them, amendments, the centre's signing policy
and the audit trail.

Every table here is Synced so the centre receives it, and every row except the policy is
append-only: database triggers (app/db/triggers.py) refuse UPDATE and DELETE, because a
signature or an audit entry that could be edited would prove nothing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Synced, UtcDateTime

SIGNER_ROLES = {
    "learner": "Learner",
    "assessor": "Assessor",
    "trainee_assessor": "Trainee assessor",
    "countersigning_assessor": "Countersigning assessor",
    "witness": "Witness",
    "expert_witness": "Expert witness",
    "employer": "Employer / line manager",
    "iqa": "IQA",
}
SIGNATURE_METHODS = {"drawn": "Drawn on the laptop", "typed": "Typed name",
                     "paper_scan": "Signed on paper (scan attached)"}
AUDIT_ACTIONS = ("created", "changed", "signed", "amended", "deleted", "exported", "printed",
                 "restored", "file added", "file removed", "withdrawn", "erased", "merged",
                 "reference shared")


class DeviceKey(Synced, Base):
    """The public half of a device's Ed25519 signing key, so the centre (or anyone holding a
    copy of the database) can check what that device signed. The private half never leaves
    the device's data folder."""

    __tablename__ = "device_key"
    owner_device_id: Mapped[str] = mapped_column(String(36), index=True)
    device_name: Mapped[str] = mapped_column(String(200), default="")
    public_key: Mapped[str] = mapped_column(String(64))  # raw 32 bytes, hex
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the raw key


class Signature(Synced, Base):
    """One person's signature on one version of one record.

    `content_hash` binds it to exactly what was shown; `previous_signature_hash` and
    `sequence` chain it to the signing device's earlier signatures, and `device_signature`
    (Ed25519 over the canonical payload, see app/signing/chain.py) makes the whole row
    tamper-evident."""

    __tablename__ = "signature"
    __table_args__ = (UniqueConstraint("signing_device_id", "sequence",
                                       name="uq_signature_device_sequence"),)
    record_type: Mapped[str] = mapped_column(String(40), index=True)
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    record_version: Mapped[int] = mapped_column(Integer)
    learner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    signer_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    method: Mapped[str] = mapped_column(String(12))
    on_behalf_by: Mapped[str] = mapped_column(String(200), default="")
    strokes_json: Mapped[str] = mapped_column(Text, default="[]")
    image_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    scan_sha256: Mapped[str] = mapped_column(String(64), default="")
    typed_name: Mapped[str] = mapped_column(String(200), default="")
    signed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    signing_device_id: Mapped[str] = mapped_column(String(36), index=True)
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer)
    previous_signature_hash: Mapped[str] = mapped_column(String(64), default="")
    signature_hash: Mapped[str] = mapped_column(String(64))
    device_signature: Mapped[str] = mapped_column(String(128))  # Ed25519, hex
    # Which rule decided what the content covers (app/signing/coverage.py). Signatures made
    # before rule 2 keep 1 and are checked as they were made; in the payload from 2 on, so
    # a signature cannot be moved to a narrower rule without failing its own check.
    content_rule: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Amendment(Synced, Base):
    """Why a signed record was corrected: the new version and the one it replaces."""

    __tablename__ = "amendment"
    record_type: Mapped[str] = mapped_column(String(40))
    original_id: Mapped[str] = mapped_column(String(36), index=True)
    amended_id: Mapped[str] = mapped_column(String(36), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(200), default="")


class SignaturePolicy(Synced, Base):
    """A centre's rules for signing: which methods each role may use, whether an assessor may
    sign for someone else, and (optionally) required signers per kind of record."""

    __tablename__ = "signature_policy"
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"), index=True)
    methods_json: Mapped[str] = mapped_column(Text, default="{}")
    on_behalf_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    required_json: Mapped[str] = mapped_column(Text, default="{}")


class AuditEvent(Synced, Base):
    """Who did what to which record, when, on which device. Append-only."""

    __tablename__ = "audit_event"
    action: Mapped[str] = mapped_column(String(12))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    learner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    related_id: Mapped[str] = mapped_column(String(36), default="")  # e.g. the signature made
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Each device's entries form a hash chain (app/signing/audit_chain.py): an entry names
    # the previous entry's hash, so one inserted, edited or removed with the triggers
    # dropped breaks the chain, and the head can be compared with the centre's copy.
    chain_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    previous_entry_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    entry_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


# The newest entry of a device's audit chain is looked up on every event recorded.
Index("ix_audit_event_device_chain", AuditEvent.device_id, AuditEvent.chain_sequence)


class DeviceCertificate(Synced, Base):
    """The centre vouching for one device's signing key: which device, which key, whose
    laptop and in what role, when; signed with the centre's Ed25519 key. Written by the
    centre server and arrives by sync pull; a laptop trusts a key it does not hold itself
    only through one of these (app/signing/trust.py holds the contract)."""

    __tablename__ = "device_certificate"
    certified_device_id: Mapped[str] = mapped_column(String(36), index=True)
    public_key: Mapped[str] = mapped_column(String(64))         # raw 32 bytes, hex
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    staff_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(30), default="")
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    centre_key_fingerprint: Mapped[str] = mapped_column(String(64))
    centre_signature: Mapped[str] = mapped_column(String(128))  # Ed25519 over the payload, hex
