"""Tables only the centre has: who may sync, what each device has pushed, what changed when.

Kept apart from `app.models` (their own declarative base and metadata) because a laptop
must never grow them: they hold token hashes and every device's history.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.db.base import NAMING, UtcDateTime, utcnow


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class LearnerAssignment(ServerBase):
    """Who may see and change a learner: their assessor and their IQA (either may be unset).
    A learner first pushed by a laptop is assigned to that laptop's assessor."""

    __tablename__ = "learner_assignment"
    learner_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    assessor_id: Mapped[str | None] = mapped_column(String(36), index=True)
    iqa_id: Mapped[str | None] = mapped_column(String(36), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EnrolCode(ServerBase):
    """A one-time code an admin gives a member of staff to enrol one laptop. Only its hash
    is kept, so a copy of the database enrols nobody."""

    __tablename__ = "enrol_code"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by_device: Mapped[str | None] = mapped_column(String(36))


class SyncDevice(ServerBase):
    """An enrolled laptop: its token's hash, the signing key it registered, and how far the
    centre has applied its pushes and seen its signature chain."""

    __tablename__ = "sync_device"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the laptop's device id
    staff_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    public_key: Mapped[str] = mapped_column(String(64), default="")  # raw Ed25519, hex
    key_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    chain_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    chain_head_hash: Mapped[str] = mapped_column(String(64), default="")
    last_sync_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AppliedMutation(ServerBase):
    """The stored result of each pushed change, so a replay returns it and changes nothing."""

    __tablename__ = "applied_mutation"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    mutation_id: Mapped[str] = mapped_column(String(36), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # applied | rejected | conflict
    result_json: Mapped[str] = mapped_column(Text)
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ScopeClock(ServerBase):
    """One counter per scope (a learner, or 'centre'), bumped as the last statement of every
    transaction that writes in it. Its row lock orders writers by commit, so a cursor at N
    can never skip a change committed later with a smaller number (PostgreSQL sequences can)."""

    __tablename__ = "scope_clock"
    scope: Mapped[str] = mapped_column(String(36), primary_key=True)
    clock: Mapped[int] = mapped_column(BigInteger, default=0)


class StaffClock(ServerBase):
    """One counter per member of staff, bumped (after the scope clocks) by every transaction
    that changes a learner assigned to them or their assignments. With the centre scope's
    clock it answers a laptop's "anything for me since my last pull?" in two row reads, so
    a sync with nothing to do costs one cheap round trip, however large the caseload."""

    __tablename__ = "staff_clock"
    staff_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    clock: Mapped[int] = mapped_column(BigInteger, default=0)


class ChangeLog(ServerBase):
    """Where each synced record sits in its scope's clock: one row per record, its latest."""

    __tablename__ = "change_log"
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scope: Mapped[str] = mapped_column(String(36))
    clock: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer)
    # Who wrote this version ('centre' for the admin): a pull does not send a laptop its own
    # changes back (the check after the pull catches a laptop that lost them).
    device_id: Mapped[str] = mapped_column(String(36), default="")


Index("ix_change_log_scope_clock", ChangeLog.scope, ChangeLog.clock)


class SyncProblem(ServerBase):
    """A change the centre refused (kind 'rejected') or kept beside its own version (kind
    'conflict'): logged here and returned to the device that sent it."""

    __tablename__ = "sync_problem"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    mutation_id: Mapped[str] = mapped_column(String(36))
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)
    payload_json: Mapped[str] = mapped_column(Text)
    base_version: Mapped[int] = mapped_column(Integer, default=0)
    server_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ServerSetting(ServerBase):
    """The centre's own facts: its name, its epoch (new on every restore from backup)."""

    __tablename__ = "server_setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CentreAuditEvent(ServerBase):
    """What the centre allowed or did that an auditor may ask about later, one row each: a
    laptop revoked, each change it pushed after that (kept: records from a lost laptop are
    still learners' evidence, but the centre says which they are), and the wipe the centre
    confirmed to it (server/revocation.py)."""

    __tablename__ = "centre_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    detail_json: Mapped[str] = mapped_column(Text, default="{}")
