"""Amendments: a correction to a signed record is a new version pointing at it.

The signed original is never touched (the triggers would refuse); the amendment starts as
an unsigned draft with the same content, is edited like any draft, and needs its own
signatures. `what_changed` compares the two canonical contents field by field.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.profile import current_profile
from app.caseload.validation import InvalidInput
from app.models import Amendment
from app.signing.audit import record_event
from app.signing.canonical import compare
from app.signing.locking import is_locked
from app.signing.registry import RecordSummary, signable

# Bookkeeping fields that always differ between versions and say nothing to a reader.
NOT_COMPARED = {"id", "amends_id"}


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AmendmentComparison:
    original: RecordSummary
    amended: RecordSummary
    reason: str
    made_by: str
    amended_signed: bool
    changes: list[Change]


def amendment_of(session: Session, original_id: str) -> Amendment | None:
    return session.scalars(select(Amendment).where(Amendment.original_id == original_id)
                           .order_by(Amendment.created_at)).first()


REASON_MAX = 2000   # characters of why a signed record is amended (the window shows it)


def amend(session: Session, record_id: str, reason: str,
          record_type: str = "evidence_record") -> str:
    """Start an amendment of a signed record; returns the new draft's id."""
    sig = signable(record_type)
    if sig is None or sig.copy_for_amendment is None:
        raise InvalidInput({"record": "This kind of record cannot be amended."})
    summary = sig.describe(session, record_id)
    problems = {}
    if not summary.exists:
        problems["record"] = "This record no longer exists."
    elif not is_locked(session, record_type, record_id):
        problems["record"] = (f"{summary.portfolio_ref or 'This record'} is not signed yet: "
                              f"change it directly, no amendment is needed.")
    else:
        earlier = amendment_of(session, record_id)
        if earlier is not None:
            later = sig.describe(session, earlier.amended_id)
            problems["record"] = (f"{summary.portfolio_ref} already has an amendment "
                                  f"({later.kind}); change or amend that one instead.")
    if not reason.strip():
        problems["reason"] = "Say why the signed record needs correcting (it stays on file)."
    elif len(reason) > REASON_MAX:
        problems["reason"] = (f"The reason is too long ({len(reason)} characters; at most "
                              f"{REASON_MAX}).")
    if problems:
        raise InvalidInput(problems)
    new_id = sig.copy_for_amendment(session, record_id)
    me = current_profile(session)
    session.add(Amendment(record_type=record_type, original_id=record_id, amended_id=new_id,
                          reason=reason.strip(), made_by=me.name if me else ""))
    session.flush()
    record_event(session, "amended", record_type, record_id, learner_id=summary.learner_id,
                 related_id=new_id, summary=f"Amendment started: {reason.strip()}")
    record_event(session, "created", record_type, new_id, learner_id=summary.learner_id,
                 related_id=record_id, summary=f"Amendment of {summary.label()}")
    return new_id


def _grouped(changes: list[Change]) -> list[Change]:
    """An AC or file added or removed is one change ('added'), not one per sub-field."""
    out: list[Change] = []
    items: dict[str, list[Change]] = {}
    for c in changes:
        head, _, _ = c.field.rpartition(".")
        if "[" in head:
            items.setdefault(head, []).append(c)
        else:
            out.append(c)
    for head, group in items.items():
        if all(c.before is None for c in group):
            out.append(Change(head, None, "added"))
        elif all(c.after is None for c in group):
            out.append(Change(head, "present", "removed"))
        else:
            out.extend(group)
    return sorted(out, key=lambda c: c.field)


def what_changed(session: Session, amended_id: str,
                 record_type: str = "evidence_record") -> AmendmentComparison | None:
    """The signed original beside its amendment, field by field."""
    row = session.scalars(select(Amendment).where(Amendment.amended_id == amended_id)).first()
    sig = signable(record_type)
    if row is None or sig is None:
        return None
    before = sig.serialise(session, row.original_id) or {}
    after = sig.serialise(session, amended_id) or {}
    changes = _grouped([Change(f, b, a) for f, b, a in compare(before, after)
                        if f.split(".")[0].split("[")[0] not in NOT_COMPARED])
    return AmendmentComparison(sig.describe(session, row.original_id),
                               sig.describe(session, amended_id), row.reason, row.made_by,
                               is_locked(session, record_type, amended_id), changes)
