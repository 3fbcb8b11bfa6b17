"""Records as they travel: every synced table's row as a JSON object, and back.

One encoding for both sides, derived from the table's columns so a new column travels
without code here: UTC times and dates as ISO text (as stored), bytes as base64, the rest
as JSON gives them. Writing is plain Core (insert/update on the table): no ORM events, so
a row arriving from the other side is never stamped or queued again as a local change.
"""
from __future__ import annotations

import base64
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import LargeBinary, Table

import app.models  # noqa: F401  (registers every table)
from app.db.base import Base, IsoDate, Synced, UtcDateTime


class BadRow(ValueError):
    """A row that cannot be a record of its table (missing or malformed columns)."""


@lru_cache(maxsize=1)
def synced_tables() -> dict[str, Table]:
    """Every table whose records travel, in an order that puts parents before children."""
    names = {m.class_.__tablename__ for m in Base.registry.mappers if issubclass(m.class_, Synced)}
    return {t.name: t for t in Base.metadata.sorted_tables if t.name in names}


def table_of(name: str) -> Table:
    try:
        return synced_tables()[name]
    except KeyError:
        raise BadRow(f"'{name}' is not a table that syncs") from None


def encode(table: Table, row) -> dict:
    out = {}
    for column in table.columns:
        value = row[column.name] if isinstance(row, dict) else getattr(row, column.name)
        if isinstance(value, datetime | date):
            value = value.isoformat(timespec="microseconds") if isinstance(value, datetime) \
                else value.isoformat()
        elif isinstance(value, (bytes, memoryview)):
            value = {"base64": base64.b64encode(bytes(value)).decode()}
        out[column.name] = value
    return out


def decode(table: Table, data: dict) -> dict:
    if not isinstance(data, dict):
        raise BadRow("a record must be a JSON object")
    row = {}
    for column in table.columns:
        if column.name not in data:
            raise BadRow(f"{table.name} record lacks '{column.name}'")
        value = data[column.name]
        try:
            if value is None:
                pass
            elif isinstance(column.type, UtcDateTime):
                value = datetime.fromisoformat(value)
                if value.tzinfo is None:
                    raise BadRow(f"{table.name}.{column.name} has no time zone")
            elif isinstance(column.type, IsoDate):
                value = date.fromisoformat(value)
            elif isinstance(column.type, LargeBinary):
                value = base64.b64decode(value["base64"], validate=True)
        except (TypeError, ValueError, KeyError) as exc:
            raise BadRow(f"{table.name}.{column.name} is malformed ({exc})") from None
        row[column.name] = value
    return row


def same_content(table: Table, a: dict, b: dict) -> bool:
    return all(a.get(c.name) == b.get(c.name) for c in table.columns)
