"""The "needs attention" list: changes the centre refused, and records changed on two
devices. Nothing here is ever overwritten without the assessor choosing: a conflict shows
both versions side by side, and the assessor keeps one or takes each field from either
side; that choice is saved as a new version of the record (a local edit, so it goes to the
centre based on the centre's version). There is deliberately no "overwrite the centre" or
"overwrite this laptop".
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import Base
from app.models.local import SyncAttention
from app.sync.erasure_won import ERASURE_WON
from app.sync.learners_twice import LEARNER_TWICE
from app.sync.protocol import CONFLICT, PACK_REFUSED
from app.sync.references import RENUMBERED
from app.sync.wire import decode, table_of

# Columns sync and the store keep for themselves: never offered as a choice.
BOOKKEEPING = {"id", "created_at", "updated_at", "version", "device_id", "deleted_at"}


@dataclass(frozen=True)
class AttentionItem:
    id: int
    kind: str                    # rejected | conflict | learner_twice | signatures_missing
    table_name: str
    record_id: str
    reason: str
    created_at: datetime
    differences: list[tuple[str, object, object]]  # (field, this laptop's, the centre's)

    @property
    def title(self) -> str:
        what = self.table_name.replace("_", " ")
        if self.kind == CONFLICT:
            return f"A {what} was changed here and on another device"
        if self.kind == LEARNER_TWICE:
            return self.reason.split(". ")[0]
        if self.kind == RENUMBERED or self.table_name == "portfolio_reference":
            return self.reason.split(": ")[0]   # the reason says why (app/sync/references.py)
        if self.kind == SIGNATURES_MISSING:
            return "Signatures made on this laptop are missing from it"
        if self.kind == ERASURE_WON:
            return "Changes to a learner erased at their request were not kept"
        if self.kind == PACK_REFUSED:
            return "The centre did not take a qualification imported here"
        return f"The centre refused a change to {'an' if what[:1] in 'aeiou' else 'a'} {what}"


def open_items(session: Session) -> list[AttentionItem]:
    items = []
    for a in session.scalars(select(SyncAttention).where(SyncAttention.resolved_at.is_(None))
                             .order_by(SyncAttention.id)):
        mine = json.loads(a.mine_json or "{}").get("row", {})
        theirs = json.loads(a.theirs_json or "{}")
        diffs = [(k, mine.get(k), theirs.get(k)) for k in mine
                 if k not in BOOKKEEPING and theirs and mine.get(k) != theirs.get(k)]
        items.append(AttentionItem(a.id, a.kind, a.table_name, a.record_id, a.reason,
                                   a.created_at, diffs))
    return items


def _mapped_class(table_name: str):
    for mapper in Base.registry.mappers:
        if mapper.class_.__tablename__ == table_name:
            return mapper.class_
    raise LookupError(table_name)


def resolve_conflict(session: Session, attention_id: int, take_mine: set[str]) -> None:
    """Keep the centre's version except the fields in `take_mine`, which take this
    laptop's values; saved as a new version (a local edit, queued for the centre)."""
    item = session.get(SyncAttention, attention_id)
    if item is None or item.kind != CONFLICT or item.resolved_at is not None:
        raise LookupError("That conflict is not open.")
    table = table_of(item.table_name)
    mine = decode(table, json.loads(item.mine_json)["row"])
    record = session.get(_mapped_class(item.table_name), item.record_id)
    for field in take_mine - BOOKKEEPING:
        setattr(record, field, mine[field])
    session.flush()
    item.resolved_at = datetime.now(timezone.utc)
    item.resolution = json.dumps({"kept_from_this_laptop": sorted(take_mine - BOOKKEEPING)})


def acknowledge(session: Session, attention_id: int) -> None:
    """A refusal the assessor has read (the record stays as it is on this laptop)."""
    item = session.get(SyncAttention, attention_id)
    if item is not None and item.resolved_at is None:
        item.resolved_at = datetime.now(timezone.utc)
        item.resolution = "read"


SIGNATURES_MISSING = "signatures_missing"


def signatures_missing(session: Session, device_id: str, report: dict) -> None:
    """The centre has seen newer signatures from this laptop than the laptop now holds: they
    were lost here (an old copy of the database put back, or signatures removed by hand).
    Said once until read; the centre keeps what it received, so nothing is lost there."""
    from app.signing.chain import chain_head
    already = session.scalars(select(SyncAttention).where(
        SyncAttention.kind == SIGNATURES_MISSING, SyncAttention.resolved_at.is_(None))).first()
    if already is not None:
        return
    here, _ = chain_head(session, device_id)
    seen = report.get("centre_sequence") or 0
    session.add(SyncAttention(
        kind=SIGNATURES_MISSING, table_name="signature", record_id=device_id,
        reason=(f"The centre has received {seen} signature(s) made on this laptop, but this "
                f"laptop now holds only {here or 0}. The newest were lost here: the laptop may "
                f"have been put back to an older copy, or its database changed by hand. The "
                f"centre keeps every signature it received; ask the centre before signing "
                f"again, and run Tools → Verify integrity…"),
        mine_json="{}", theirs_json=json.dumps(report)))
    session.flush()
