"""Amendments on paper: which printed record corrects which.

A signed record never changes; its correction is a new record with the same portfolio
reference (app/signing/amend.py). Printed side by side they would read as two copies of one
record, so the amendment carries what it corrects (who signed that and when, the reason, what
changed, in the words of the window's "What changed" view) and the original says it is
superseded. Both are printed: the original is what was signed and stays on file. Only one
version counts towards progress and sign-off (app/evidence/in_force.py): the original until
its amendment carries every signature it needs, then the amendment. The original's box says
which, and a unit sign-off lists only the version in force, named as printed
(app/claims/sign_off.py _evidence_by_unit), so the paper shows what the decision rests on.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.documents.model import Correction, Supersession
from app.evidence.methods import DETAILS
from app.models import Amendment, Signature
from app.models.evidence import EvidenceRecord
from app.models.signing import SIGNER_ROLES
from app.signing.amend import Change, what_changed

EVIDENCE = "evidence_record"
FIELDS = {"title": "Title", "date": "Date", "location": "Location", "method": "Method"}
DECISIONS = {"met": "met", "working_towards": "working towards"}
ITEM = re.compile(r"^(mappings|attachments)\[(.*)\](?:\.(.+))?$")
QUOTED = 60   # characters of a changed text quoted; the page itself has it in full


def amendment_marks(session: Session, records: list[EvidenceRecord],
                    signatures: dict[tuple[str, str], list[Signature]],
                    not_counted: set[str],
                    ) -> dict[str, tuple[Correction | None, Supersession | None]]:
    """record id -> (what it corrects, what supersedes it), for the records that have
    either. `records` are the live records of one portfolio; `signatures` theirs by
    (record type, id), oldest first; `not_counted` those not in force."""
    amending = [r for r in records if r.amends_id]
    if not amending:
        return {}
    rows = {a.amended_id: a for a in session.scalars(select(Amendment).where(
        Amendment.record_type == EVIDENCE, Amendment.deleted_at.is_(None),
        Amendment.amended_id.in_([r.id for r in amending])))}
    from app.evidence.printed_reference import printed_references
    printed = printed_references(session, amending[0].learner_id)   # "OBS-001/A3F2" if shared
    by_id = {r.id: r for r in records}
    corrections: dict[str, Correction] = {}
    superseded: dict[str, Supersession] = {}
    for r in amending:
        row = rows.get(r.id)
        number = amendment_number(r, by_id)
        corrected = by_id.get(r.amends_id)
        signed = signatures.get((EVIDENCE, r.amends_id), [])
        # The Amendment row says why; a record synced here before its row arrived says so.
        made = (row.created_at if row else r.created_at).date()
        reason = row.reason if row else "not recorded on this laptop"
        comparison = what_changed(session, r.id) if row else None
        last_signed = max((s.signed_at for s in signed), default=None)
        corrections[r.id] = Correction(
            number, version_name(printed.get(r.id, r.portfolio_ref), number - 1),
            last_signed.date() if last_signed else None,
            [f"{s.signer_name} ({_role(s.role)})" for s in signed], reason,
            row.made_by if row else "", made,
            [change_words(r.method, c) for c in comparison.changes] if comparison else [])
        if corrected is not None:
            superseded[corrected.id] = Supersession(
                version_name(printed.get(r.id, r.portfolio_ref), number), made, reason,
                bool(signatures.get((EVIDENCE, r.id))), corrected.id not in not_counted)
    return {i: (corrections.get(i), superseded.get(i)) for i in {*corrections, *superseded}}


def amendment_number(record: EvidenceRecord, by_id: dict[str, EvidenceRecord]) -> int:
    """1 for a correction of the original, 2 for a correction of that correction..."""
    n, current = 0, record
    while current is not None and current.amends_id:
        n, current = n + 1, by_id.get(current.amends_id)
    return n


def version_name(reference: str, number: int) -> str:
    return f"{reference} amendment {number}" if number else reference


def _role(role: str) -> str:
    label = SIGNER_ROLES.get(role, role)
    return label if label.isupper() else label.lower()      # "IQA" stays as it is written


def change_words(method: str, change: Change) -> str:
    """One line of "what changed", as an IQA reads it: the field under the label the form
    prints it with, then before → after ("Location: “Shop floor” → “Customer service desk”")."""
    item = ITEM.match(change.field)
    if item:
        kind, key, part = item.groups()
        name = key[0].upper() + key[1:] if kind == "mappings" else f"File {key}"
        if part is None:                           # the whole AC or file, added or removed
            return f"{name} {change.after}" if change.after else f"{name} removed"
        if kind == "mappings" and part == "status":
            return (f"{name}: {DECISIONS.get(change.before, change.before or 'blank')} → "
                    f"{DECISIONS.get(change.after, change.after or 'blank')}")
        label = f"{name}, assessor's note" if part == "note" else f"{name}, {part}"
        return _before_after(label, change)
    return _before_after(_label(method, change.field), change)


def _label(method: str, field: str) -> str:
    if field.startswith("details."):
        key = field.split(".", 1)[1]
        return next((f.label for f in DETAILS.get(method, ()) if f.key == key),
                    key.replace("_", " ").capitalize())
    if field.startswith("judgement."):
        return f"Judgement, {field.split('.', 1)[1]}"
    return FIELDS.get(field, field.replace("_", " ").capitalize())


def _before_after(label: str, change: Change) -> str:
    before, after = _value(change.field, change.before), _value(change.field, change.after)
    if before is None or after is None:            # a list (questions, notes): see the page
        return f"{label}: changed"
    return f"{label}: {before} → {after}"


def _value(field: str, value) -> str | None:
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, dict)):
        return None
    if field == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
        year, month, day = str(value).split("-")
        return f"{day}/{month}/{year}"
    words = " ".join(str(value).split())
    if len(words) > QUOTED:
        words = words[:QUOTED - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"
    return f"“{words}”"
