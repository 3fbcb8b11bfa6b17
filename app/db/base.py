"""Declarative base and the columns every record that travels by sync carries.

Sync rules (see ../../DESIGN notes in README): a record is keyed by a UUID made on the
device that created it, never hard-deleted (a tombstone in `deleted_at` instead), and each
change bumps `version` and names the device that made it. The bumping and the outbox entry
are written by `app.db.outbox`, inside the same transaction as the change, so application
code cannot forget them.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import MetaData, String, Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Named constraints: Alembic's batch mode on SQLite needs names to drop or alter them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return str(uuid.uuid4())


class UtcDateTime(TypeDecorator):
    """Timestamps stored as ISO 8601 UTC text, so they sort, diff and sync the same on
    SQLite and PostgreSQL and never lose their time zone."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Fieldfolio stores only UTC-aware times")
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds")

    def process_result_value(self, value, dialect):
        return None if value is None else datetime.fromisoformat(value)


class IsoDate(TypeDecorator):
    """Calendar dates (birth, start, end) as YYYY-MM-DD text: no time zone to get wrong."""

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.isoformat()

    def process_result_value(self, value, dialect):
        return None if value is None else date.fromisoformat(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Synced:
    """Mixin for records that travel between devices and the centre."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    device_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
