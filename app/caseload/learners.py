"""Creating, changing, deleting (tombstoning) and restoring learners."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import (
    InvalidInput, ascii_digits, email_problem, format_date, limited, parse_date, required_name, uln_problem,
)
from app.caseload.drafts import clear_draft, save_draft
from app.caseload.employers import restore_employer
from app.caseload.name_as_signed import renaming_problems
from app.db.base import utcnow
from app.models import Employer, Learner
from app.signing.audit import record_change, record_event
from app.sync.iqa_laptop import refuse_the_assessors_work

# Form field name -> (label). The order is the form's order.
LEARNER_FIELDS = {
    "given_names": "Given names",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "uln": "ULN",
    "registration_number": "Registration number",
    "email": "Email",
    "phone": "Phone",
    "employer_id": "Employer",
    "workplace_address": "Workplace address",
    "start_date": "Start date",
    "planned_end_date": "Planned end date",
    "notes": "Notes",
}
DATE_FIELDS = ("date_of_birth", "start_date", "planned_end_date")
DRAFT_FORM = "learner"


def check_learner(session: Session, fields: dict[str, str],
                  learner_id: str | None) -> tuple[dict, dict[str, str]]:
    """Validate raw form text. Returns (clean values of the fields that passed, problems
    by field), every problem at once: an assessor fixes them in one pass."""
    problems: dict[str, str] = {}
    clean: dict = {}
    for key in ("given_names", "family_name"):
        text = fields.get(key, "")
        problem = required_name(text, LEARNER_FIELDS[key])
        if problem:
            problems[key] = problem
        clean[key] = text.strip()
    # A learner with signed work keeps the name the signatures cover (name_as_signed.py).
    for key, problem in renaming_problems(session, learner_id, clean).items():
        problems.setdefault(key, problem)
    for key in DATE_FIELDS:
        try:
            clean[key] = parse_date(fields.get(key, ""))
        except ValueError as exc:
            problems[key] = str(exc)
    dob = clean.get("date_of_birth")
    if dob and dob > datetime.now().date():
        problems["date_of_birth"] = "The date of birth is in the future."
    start, end = clean.get("start_date"), clean.get("planned_end_date")
    if start and end and end < start:
        problems["planned_end_date"] = "The planned end date is before the start date."
    uln = ascii_digits(fields.get("uln", "")).replace(" ", "")
    if uln:
        problem = uln_problem(uln)
        if problem:
            problems["uln"] = problem
        else:
            clash = session.scalars(select(Learner).where(
                Learner.uln == uln, Learner.deleted_at.is_(None),
                Learner.id != (learner_id or ""))).first()
            if clash:
                problems["uln"] = f"ULN {uln} already belongs to {clash.full_name}."
    clean["uln"] = uln or None
    problem = email_problem(fields.get("email", ""))
    if problem:
        problems["email"] = problem
    clean["email"] = fields.get("email", "").strip()
    for key, limit in (("registration_number", 50), ("phone", 50),
                       ("workplace_address", 2000), ("notes", 100_000)):
        problem = limited(fields.get(key, ""), LEARNER_FIELDS[key], limit)
        if problem:
            problems[key] = problem
        clean[key] = fields.get(key, "").strip() if key != "notes" else fields.get(key, "")
    for key in DIGIT_FIELDS:   # compared, searched and printed: one form of each digit
        clean[key] = ascii_digits(clean[key])
    employer_id = fields.get("employer_id") or None
    if employer_id and session.get(Employer, employer_id) is None:
        problems["employer_id"] = "That employer no longer exists."
    clean["employer_id"] = employer_id
    return {k: v for k, v in clean.items() if k not in problems}, problems


# Fields of digits typed on any keyboard (a full-width phone number is the same number).
DIGIT_FIELDS = ("registration_number", "phone")


def save_learner(session: Session, learner_id: str | None, fields: dict[str, str]) -> str:
    """Create (learner_id None, or an id not yet saved) or update a learner; all or nothing."""
    if learner_id and session.get(Learner, learner_id) is not None:
        # On an IQA's laptop that is the one reason that matters, before any rule of the
        # form's (a signed learner's name, say); the flush would refuse it anyway.
        refuse_the_assessors_work(session, learner_id)
    clean, problems = check_learner(session, fields, learner_id)
    if problems:
        raise InvalidInput(problems)
    return _apply(session, learner_id, clean)


def autosave_learner(session: Session, learner_id: str, fields: dict[str, str]) -> dict[str, str]:
    """What the form calls as the assessor types. The raw text always goes to a draft;
    every field that passes is saved to the learner at once (a wrong ULN must not hold
    back the notes typed after it). Returns the problems still open, by field. A field
    not given keeps what the learner has: a caller passing only the notes must not blank
    the ULN."""
    existing = session.get(Learner, learner_id)
    exists = existing is not None
    if exists:
        fields = {**learner_form_values(existing), **fields}
    save_draft(session, DRAFT_FORM, learner_id, fields)
    clean, problems = check_learner(session, fields, learner_id)
    if exists or not ({"given_names", "family_name"} & problems.keys()):
        _apply(session, learner_id, clean)
    if not problems:
        clear_draft(session, DRAFT_FORM, learner_id)
    return problems


def _apply(session: Session, learner_id: str | None, clean: dict) -> str:
    learner = session.get(Learner, learner_id) if learner_id else None
    created = learner is None
    if created:
        learner = Learner(**({"id": learner_id} if learner_id else {}))
        session.add(learner)
    changed = False
    for key, value in clean.items():
        if getattr(learner, key) != value:
            setattr(learner, key, value)
            changed = True
    session.flush()
    if created:
        record_event(session, "created", "learner", learner.id, learner_id=learner.id,
                     summary=f"Learner {learner.full_name} added")
    elif changed:
        record_change(session, "learner", learner.id, learner_id=learner.id,
                      summary="Learner details edited")
    return learner.id


def learner_form_values(learner: Learner) -> dict[str, str]:
    """A learner as the text a form shows."""
    values = {}
    for key in LEARNER_FIELDS:
        value = getattr(learner, key)
        values[key] = format_date(value) if key in DATE_FIELDS else (value or "")
    return values


def delete_learner(session: Session, learner_id: str) -> None:
    """Tombstone a learner; refused for one with signed work (app/caseload/deletion.py)."""
    from app.caseload.deletion import REFUSED, deletion_check
    check = deletion_check(session, learner_id)
    if check.verdict == REFUSED and check.name:
        raise InvalidInput({"learner": check.words})
    learner = session.get(Learner, learner_id)
    if learner is not None and learner.deleted_at is None:
        learner.deleted_at = utcnow()
        record_event(session, "deleted", "learner", learner_id, learner_id=learner_id,
                     summary=f"Learner {learner.full_name} deleted (can be undone)")


def restore_learner(session: Session, learner_id: str) -> None:
    learner = session.get(Learner, learner_id)
    if learner is None or learner.deleted_at is None:
        return
    if learner.merged_into_id:
        kept = session.get(Learner, learner.merged_into_id)
        raise InvalidInput({"learner": f"{learner.full_name} was merged into "
                                       f"{kept.full_name if kept else 'another record'} "
                                       f"(ULN {learner.uln}): their work is there, and this "
                                       f"record is kept as it was."})
    if learner.uln and session.scalars(select(Learner).where(
            Learner.uln == learner.uln, Learner.deleted_at.is_(None))).first():
        raise InvalidInput({"uln": f"Cannot restore {learner.full_name}: ULN {learner.uln} "
                                   f"now belongs to another learner."})
    learner.deleted_at = None
    record_event(session, "restored", "learner", learner_id, learner_id=learner_id,
                 summary=f"Learner {learner.full_name} restored")
    if learner.employer is not None and learner.employer.deleted_at is not None:
        # Their employer was deleted once nobody live was placed there; it comes back
        # with them, or their details would name an employer no list offers.
        restore_employer(session, learner.employer_id)
