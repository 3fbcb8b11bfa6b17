"""Creating, autosaving, deleting (tombstoning) and restoring evidence records.

Editors call `autosave_record` on every pause in typing: the raw form goes to a FormDraft
first (so nothing typed is lost, valid or not), then every field that passes is written to
the record. A signed record is never changed here: corrections are new records that point
at it (`amends_id`), made by the signatures feature.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.caseload.drafts import clear_draft, load_draft, save_draft
from app.caseload.validation import InvalidInput, format_date, limited, parse_date
from app.db.base import utcnow
from app.evidence.judgement import not_judged_problem
from app.evidence.methods import DETAILS, REF_PREFIX, empty_details, method_name
from app.evidence.printed_reference import printed_reference, printed_references
from app.models import Enrolment, Learner
from app.models.evidence import (
    JUDGEMENT_FLAGS, METHODS, Attachment, CriterionMapping, EvidenceRecord,
)
from app.signing.audit import record_change, record_event

AUDIT_TYPE = "evidence_record"

DRAFT_FORM = "evidence"
TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")


class RecordLocked(InvalidInput):
    """The record is signed (or supports a signed decision) and cannot change."""


def _same_learner(session: Session, learner_id: str) -> list[str]:
    """The learner and any record of them merged into it (app/caseload/same_learner.py):
    one portfolio, so one set of references."""
    from app.caseload.same_learner import same_learner_ids
    return same_learner_ids(session, learner_id)


def allocate_portfolio_ref(session: Session, learner_id: str, method: str) -> str:
    """The next free reference for this method in the learner's portfolio ("OBS-003").
    Tombstoned records keep their numbers, so a reference an IQA once saw is never reused."""
    prefix = REF_PREFIX[method] + "-"
    refs = session.scalars(select(EvidenceRecord.portfolio_ref).where(
        EvidenceRecord.learner_id.in_(_same_learner(session, learner_id)),
        EvidenceRecord.portfolio_ref.like(prefix + "%"))).all()
    numbers = [int(r[len(prefix):]) for r in refs if r[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def create_record(session: Session, enrolment_id: str, method: str, *,
                  record_id: str | None = None, title: str = "",
                  on: date | None = None, location: str = "") -> str:
    """A new draft record of `method` for an enrolment, with its portfolio reference."""
    enrolment = session.get(Enrolment, enrolment_id)
    problems = {}
    if enrolment is None or enrolment.deleted_at is not None:
        problems["enrolment"] = "Choose one of the learner's current enrolments."
    if method not in METHODS:
        problems["method"] = f"'{method}' is not an assessment method ({', '.join(METHODS)})."
    if problems:
        raise InvalidInput(problems)
    details = empty_details(method)
    if "workplace" in details and not details["workplace"]:
        details["workplace"] = _workplace_of(session, enrolment.learner_id)
    record = EvidenceRecord(
        enrolment_id=enrolment_id, learner_id=enrolment.learner_id, method=method,
        portfolio_ref=allocate_portfolio_ref(session, enrolment.learner_id, method),
        title=title or method_name(method), date=on or date.today(), location=location,
        details_json=json.dumps(details, ensure_ascii=False),
        **({"id": record_id} if record_id else {}))
    session.add(record)
    session.flush()
    record_event(session, "created", AUDIT_TYPE, record.id, learner_id=record.learner_id,
                 summary=f"{record.portfolio_ref} {method_name(method)} created")
    return record.id


def _workplace_of(session: Session, learner_id: str) -> str:
    """Where the learner works, as their details say: the employer's name, and the
    workplace address where one is kept (a store of a chain, say)."""
    learner = session.get(Learner, learner_id)
    if learner is None:
        return ""
    employer = learner.employer.name if learner.employer is not None else ""
    place = " ".join((learner.workplace_address or "").split())
    return ", ".join(x for x in (employer, place) if x)


# The lengths a record's own fields may run to (the editor shows them as they are typed).
TITLE_LIMIT, LOCATION_LIMIT, REF_LIMIT = 300, 2000, 30


def _check(session: Session, record: EvidenceRecord, fields: dict) -> tuple[dict, dict]:
    """Raw form values -> (clean values that passed, problems by field)."""
    clean, problems = {}, {}
    if "title" in fields:
        title = (fields.get("title") or "").strip()
        problem = limited(title, "Title", TITLE_LIMIT) or (None if title else "Give the record a title.")
        if problem:
            problems["title"] = problem
        else:
            clean["title"] = title
    if "date" in fields:
        try:
            when = parse_date(fields.get("date") or "")
            if when and when > date.today():
                problems["date"] = "The date is in the future."
            elif when is None:
                problems["date"] = "Evidence needs a date (DD/MM/YYYY)."
            else:
                clean["date"] = when
        except ValueError as exc:
            problems["date"] = str(exc)
    if "location" in fields:
        problem = limited(fields.get("location") or "", "Location", LOCATION_LIMIT)
        if problem:
            problems["location"] = problem
        else:
            clean["location"] = fields.get("location") or ""
    if "portfolio_ref" in fields:
        ref = (fields.get("portfolio_ref") or "").strip().upper()
        if not ref:
            problems["portfolio_ref"] = "Every record needs a portfolio reference."
        elif len(ref) > REF_LIMIT:
            problems["portfolio_ref"] = f"A portfolio reference is at most {REF_LIMIT} characters."
        elif ref != record.portfolio_ref and record.amends_id is None and session.scalars(
                select(EvidenceRecord.id).where(
                    EvidenceRecord.learner_id.in_(_same_learner(session, record.learner_id)),
                    EvidenceRecord.portfolio_ref == ref, EvidenceRecord.deleted_at.is_(None),
                    EvidenceRecord.amends_id.is_(None), EvidenceRecord.id != record.id)).first():
            problems["portfolio_ref"] = f"{ref} is already used in this learner's portfolio."
        else:
            clean["portfolio_ref"] = ref
    for flag in JUDGEMENT_FLAGS:
        if flag in fields:
            clean[flag] = bool(fields[flag])
    if "details" in fields:
        details, detail_problems = _check_details(record.method, fields.get("details") or {})
        problems.update(detail_problems)
        clean["details"] = details
    return clean, problems


def _check_details(method: str, raw: dict) -> tuple[dict, dict]:
    """Keeps every detail as typed (an invalid time is kept too: the words are the
    assessor's); reports times that are not HH:MM so they can be put right."""
    details, problems = {}, {}
    for spec in DETAILS[method]:
        value = raw.get(spec.key, [] if spec.kind == "list" else "")
        if spec.kind == "list":
            value = [dict(row) for row in (value or []) if isinstance(row, dict)]
        else:
            value = "" if value is None else str(value)
        if spec.kind == "time" and value.strip() and not TIME.match(value.strip()):
            problems[f"details.{spec.key}"] = f"{spec.label}: type a time as HH:MM, e.g. 09:45."
        if spec.kind.startswith("choice:") and value and value not in spec.kind[7:].split("|"):
            problems[f"details.{spec.key}"] = f"{spec.label}: choose {spec.kind[7:].replace('|', ' or ')}."
        details[spec.key] = value
    # Keys the form knows but this version doesn't (a newer device) are kept, not dropped.
    for key, value in raw.items():
        details.setdefault(key, value)
    return details, problems


def autosave_record(session: Session, record_id: str, fields: dict) -> dict[str, str]:
    """What an editor calls as the assessor types. Returns the problems still open."""
    record = session.get(EvidenceRecord, record_id)
    if record is None or record.deleted_at is not None:
        raise InvalidInput({"record": "This record has been deleted; undo the deletion to edit it."})
    if record.state == "signed":
        raise RecordLocked({"record": f"{printed_reference(session, record.id)} is signed and "
                                      f"cannot change; make a correction instead."})
    save_draft(session, DRAFT_FORM, record_id, fields)
    clean, problems = _check(session, record, fields)
    details = clean.pop("details", None)
    changed = False
    for key, value in clean.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    # Compared as content, not text: a record made with unsorted keys and saved again as
    # it stands has not changed (and must not leave 'ready' for it).
    if details is not None and json.loads(record.details_json or "{}") != details:
        record.details_json = json.dumps(details, ensure_ascii=False, sort_keys=True)
        changed = True
    session.flush()
    if changed:
        record_change(session, AUDIT_TYPE, record_id, learner_id=record.learner_id)
        back_to_draft_if_ready(session, record)
    if not problems:
        clear_draft(session, DRAFT_FORM, record_id)
    return problems


def set_record_state(session: Session, record_id: str, state: str) -> None:
    """draft <-> ready. Signing (and so 'signed') belongs to the signatures feature."""
    record = session.get(EvidenceRecord, record_id)
    if state not in ("draft", "ready"):
        raise InvalidInput({"state": "Only the signing step can mark a record signed."})
    if record.state == "signed":
        raise RecordLocked({"state": f"{printed_reference(session, record.id)} is signed."})
    problem = not_judged_problem(record) if state == "ready" else None
    if problem:
        raise InvalidInput({"state": problem})
    if record.state != state:
        record.state = state
        record_event(session, "changed", AUDIT_TYPE, record_id, learner_id=record.learner_id,
                     summary="Marked ready for signatures" if state == "ready"
                     else "Put back to draft")


def mark_ready_judged(session: Session, record_id: str) -> None:
    """The assessor declares the evidence valid, authentic, current, reliable and sufficient
    and marks the record ready, in one step (the window's button says both)."""
    record = session.get(EvidenceRecord, record_id)
    if record is None or record.deleted_at is not None:
        raise InvalidInput({"record": "This record has been deleted; undo the deletion to edit it."})
    if record.state == "signed":
        raise RecordLocked({"state": f"{printed_reference(session, record.id)} is signed."})
    judged = [flag for flag in JUDGEMENT_FLAGS if not getattr(record, flag)]
    for flag in judged:
        setattr(record, flag, True)
    if judged:
        session.flush()
        record_change(session, AUDIT_TYPE, record_id, learner_id=record.learner_id)
    set_record_state(session, record_id, "ready")


BACK_TO_DRAFT = "Put back to draft: changed after it was marked ready"


def back_to_draft_if_ready(session: Session, record: EvidenceRecord) -> bool:
    """'Ready' says the record was complete as it stood; once it changes, signers would be
    asked to sign something nobody has looked over again. So any change (a field, an AC
    mapping, a file) puts it back to draft, with the reason in its audit trail. Signed
    records never get here: every change is refused first. Returns whether it moved."""
    if record.state != "ready":
        return False
    record.state = "draft"
    record_event(session, "changed", AUDIT_TYPE, record.id, learner_id=record.learner_id,
                 summary=BACK_TO_DRAFT)
    return True


def state_of(session: Session, record_id: str) -> str | None:
    """draft, ready or signed: what an editor checks after a save to show where it stands."""
    return session.scalar(select(EvidenceRecord.state).where(EvidenceRecord.id == record_id))


def supports_signed_decision(session: Session, record_id: str) -> bool:
    """Whether a signed record or decision rests on this record. The signatures feature
    may extend this; today a signed record, or a signed correction of it, counts."""
    record = session.get(EvidenceRecord, record_id)
    if record.state == "signed":
        return True
    return session.scalars(select(EvidenceRecord.id).where(
        EvidenceRecord.amends_id == record_id, EvidenceRecord.state == "signed",
        EvidenceRecord.deleted_at.is_(None))).first() is not None


def delete_record(session: Session, record_id: str) -> None:
    """Tombstone a record (undo with `restore_record`); refused once anything signed rests on it."""
    record = session.get(EvidenceRecord, record_id)
    if record is None or record.deleted_at is not None:
        return
    if supports_signed_decision(session, record_id):
        raise RecordLocked({"record": f"{printed_reference(session, record.id)} supports a signed decision and "
                                      f"cannot be deleted."})
    record.deleted_at = utcnow()
    record_event(session, "deleted", AUDIT_TYPE, record_id, learner_id=record.learner_id,
                 summary=f"{record.portfolio_ref} deleted (can be undone)")


def restore_record(session: Session, record_id: str) -> str:
    """Undo a deletion. If its reference was reused meanwhile, it gets a fresh one (returned)."""
    record = session.get(EvidenceRecord, record_id)
    if record is None or record.deleted_at is None:
        return record.portfolio_ref if record else ""
    clash = session.scalars(select(EvidenceRecord.id).where(
        EvidenceRecord.learner_id == record.learner_id,
        EvidenceRecord.portfolio_ref == record.portfolio_ref,
        EvidenceRecord.deleted_at.is_(None), EvidenceRecord.amends_id.is_(None))).first()
    if clash and record.amends_id is None:
        record.portfolio_ref = allocate_portfolio_ref(session, record.learner_id, record.method)
    record.deleted_at = None
    record_event(session, "restored", AUDIT_TYPE, record_id, learner_id=record.learner_id,
                 summary=f"{record.portfolio_ref} restored")
    return record.portfolio_ref


@dataclass
class RecordView:
    id: str
    enrolment_id: str
    learner_id: str
    method: str
    method_name: str
    portfolio_ref: str
    title: str
    date: date | None
    location: str
    state: str
    details: dict
    flags: dict[str, bool]
    amends_id: str | None
    mapping_count: int = 0
    attachment_count: int = 0
    draft: dict | None = None   # what was typed but not yet valid
    # As shown and printed: the portfolio reference, or "OBS-001/A3F2" where the learner
    # has it signed in two records (app/evidence/printed_reference.py).
    printed_ref: str = ""

    def form_values(self) -> dict:
        """The record as an editor shows it (the draft wins: it is newer)."""
        values = {"title": self.title, "date": format_date(self.date), "location": self.location,
                  "portfolio_ref": self.portfolio_ref, "details": dict(self.details),
                  **self.flags}
        if self.draft:
            values.update(self.draft)
        return values


def _view(session: Session, record: EvidenceRecord, counts: bool = True) -> RecordView:
    view = RecordView(
        record.id, record.enrolment_id, record.learner_id, record.method,
        method_name(record.method), record.portfolio_ref, record.title, record.date,
        record.location, record.state, json.loads(record.details_json or "{}"),
        {f: bool(getattr(record, f)) for f in JUDGEMENT_FLAGS}, record.amends_id,
        printed_ref=record.portfolio_ref)
    if counts:
        view.mapping_count = session.scalar(select(func.count()).select_from(CriterionMapping).where(
            CriterionMapping.record_id == record.id, CriterionMapping.deleted_at.is_(None)))
        view.attachment_count = session.scalar(select(func.count()).select_from(Attachment).where(
            Attachment.record_id == record.id, Attachment.deleted_at.is_(None)))
    return view


def get_record(session: Session, record_id: str) -> RecordView | None:
    record = session.get(EvidenceRecord, record_id)
    if record is None:
        return None
    view = _view(session, record)
    view.draft = load_draft(session, DRAFT_FORM, record_id)
    view.printed_ref = printed_reference(session, record_id)
    return view


def records_of_learner(session: Session, learner_id: str) -> list[RecordView]:
    """The learner's live records, newest first, with mapping and attachment counts."""
    records = session.scalars(select(EvidenceRecord).where(
        EvidenceRecord.learner_id.in_(_same_learner(session, learner_id)),
        EvidenceRecord.deleted_at.is_(None))
        .order_by(EvidenceRecord.date.desc(), EvidenceRecord.portfolio_ref.desc())).all()
    ids = [r.id for r in records]
    maps = dict(session.execute(select(CriterionMapping.record_id, func.count()).where(
        CriterionMapping.record_id.in_(ids), CriterionMapping.deleted_at.is_(None))
        .group_by(CriterionMapping.record_id)).all()) if ids else {}
    files = dict(session.execute(select(Attachment.record_id, func.count()).where(
        Attachment.record_id.in_(ids), Attachment.deleted_at.is_(None))
        .group_by(Attachment.record_id)).all()) if ids else {}
    printed = printed_references(session, learner_id) if ids else {}
    out = []
    for r in records:
        view = _view(session, r, counts=False)
        view.mapping_count, view.attachment_count = maps.get(r.id, 0), files.get(r.id, 0)
        view.printed_ref = printed.get(r.id, r.portfolio_ref)
        out.append(view)
    return out


def canonical_content(session: Session, record_id: str) -> dict:
    """The record's fields, its live AC mappings and its live attachments' hashes, in a
    stable shape (sorted, so the same content always serialises the same). Frozen: it is
    the heart of signing coverage rule 1 (app/signing/coverage.py), which signatures made
    before schema 0008 are checked against; cover more in a new rule, not here."""
    r = session.get(EvidenceRecord, record_id)
    mappings = session.scalars(select(CriterionMapping).where(
        CriterionMapping.record_id == record_id, CriterionMapping.deleted_at.is_(None))).all()
    files = session.scalars(select(Attachment).where(
        Attachment.record_id == record_id, Attachment.deleted_at.is_(None))).all()
    return {
        "id": r.id, "enrolment_id": r.enrolment_id, "learner_id": r.learner_id,
        "method": r.method, "portfolio_ref": r.portfolio_ref, "title": r.title,
        "date": r.date.isoformat() if r.date else None, "location": r.location,
        "details": json.loads(r.details_json or "{}"), "amends_id": r.amends_id,
        "judgement": {f: bool(getattr(r, f)) for f in JUDGEMENT_FLAGS},
        "mappings": sorted(({"criterion_id": m.criterion_id, "unit_id": m.unit_id,
                             "status": m.status, "note": m.note} for m in mappings),
                           key=lambda m: m["criterion_id"]),
        "attachments": sorted(({"sha256": a.sha256, "original_name": a.original_name,
                                "media_type": a.media_type, "size": a.size} for a in files),
                              key=lambda a: (a["sha256"], a["original_name"])),
    }
