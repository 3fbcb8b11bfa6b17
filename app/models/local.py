"""Tables that belong to this laptop only and never travel by sync."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, new_id, utcnow

# Tables that stay on the laptop: the centre server's schema leaves them out (server/schema.py).
LAPTOP_ONLY_TABLES = frozenset({"device", "outbox", "form_draft", "local_setting",
                                "sync_mutation", "sync_cursor", "sync_attention"})


class Device(Base):
    """This installation. Its id is stamped on every change it makes."""

    __tablename__ = "device"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OutboxEntry(Base):
    """A record changed here that the centre has not yet acknowledged.

    One row per record: a second change before sync updates the row (latest version),
    because the server only needs the record's current state, not every keystroke.
    """

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("table_name", "record_id", name="uq_outbox_record"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    operation: Mapped[str] = mapped_column(String(16))  # "upsert" | "tombstone"
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The version the centre last had when this laptop started changing the record (0: the
    # centre never had it). Sent with the change, so the centre can tell a conflict.
    base_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class FormDraft(Base):
    """What the user typed into a form, saved on every edit, valid or not.

    The record itself only takes values that pass validation; the draft keeps everything
    else, so a killed app (or a wrong ULN typed just before) reopens with the words intact.
    """

    __tablename__ = "form_draft"
    __table_args__ = (UniqueConstraint("form", "record_id", name="uq_form_draft_record"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(36))
    fields_json: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LocalSetting(Base):
    """Small settings of this installation (who is using it, window state)."""

    __tablename__ = "local_setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncMutation(Base):
    """A change frozen for sending to the centre, with its gap-free sequence number.

    Outbox entries become mutations in the transaction that numbers them; a mutation is
    sent, byte for byte, until the centre's result for it is recorded, so a retry after a
    crash or a lost response is a replay the centre recognises."""

    __tablename__ = "sync_mutation"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    mutation_id: Mapped[str] = mapped_column(String(36), unique=True)
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    base_version: Mapped[int] = mapped_column(Integer)
    payload_json: Mapped[str] = mapped_column(Text)
    frozen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SyncCursor(Base):
    """How far this laptop has pulled each scope (a learner, or the centre)."""

    __tablename__ = "sync_cursor"
    scope: Mapped[str] = mapped_column(String(36), primary_key=True)
    clock: Mapped[int] = mapped_column(Integer)


class SyncAttention(Base):
    """Something sync could not settle alone, for the assessor's "needs attention" list:
    a change the centre refused, or a record changed on two devices (both versions kept)."""

    __tablename__ = "sync_attention"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # rejected | conflict
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)
    mine_json: Mapped[str] = mapped_column(Text, default="{}")
    theirs_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution: Mapped[str] = mapped_column(Text, default="")
