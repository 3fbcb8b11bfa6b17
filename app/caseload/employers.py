"""Employers and their contact (usually the learner's line manager).

A contact changes (a new store manager, a new phone) while learners stay placed, and witness
testimony and claim paperwork name them, so an employer is edited as well as added. Editing
saves as it is typed, like a learner's details; deleting is a tombstone that can be undone,
and is refused while any learner is placed there (their details would point at nobody).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.drafts import clear_draft, save_draft
from app.caseload.validation import InvalidInput, ascii_digits, email_problem, limited, required_name
from app.db.base import utcnow
from app.models import Employer, Learner
from app.models.local import SyncAttention
from app.signing.audit import record_change, record_event
from app.sync.iqa_laptop import refuse_employer_change

EMPLOYER_FIELDS = {
    "name": "Employer name",
    "address": "Address",
    "contact_name": "Contact (line manager)",
    "contact_role": "Contact's job title",
    "contact_email": "Contact's email",
    "contact_phone": "Contact's phone",
}
DRAFT_FORM = "employer"
NAMED_IN_REFUSAL = 6     # learners named when a delete is refused; the rest are counted


@dataclass(frozen=True)
class EmployerRow:
    """One employer as the Employers window lists it."""
    id: str
    name: str
    contact_name: str
    contact_role: str
    contact_email: str
    contact_phone: str
    address: str
    learners: list[str] = field(default_factory=list)   # live learners placed there, by name


def check_employer(fields: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Validate raw form text. Returns (clean values of the fields that passed, problems by
    field), every problem at once."""
    problems: dict[str, str] = {}
    problem = required_name(fields.get("name", ""), EMPLOYER_FIELDS["name"], 200)
    if problem:
        problems["name"] = problem
    problem = email_problem(fields.get("contact_email", ""))
    if problem:
        problems["contact_email"] = problem
    for key, limit in (("contact_name", 200), ("contact_role", 200), ("contact_phone", 50),
                       ("address", 2000)):
        problem = limited(fields.get(key, ""), EMPLOYER_FIELDS[key], limit)
        if problem:
            problems[key] = problem
    clean = {key: (fields.get(key, "") or "").strip() for key in EMPLOYER_FIELDS
             if key not in problems}
    if "contact_phone" in clean:   # a full-width phone number is the same number
        clean["contact_phone"] = ascii_digits(clean["contact_phone"])
    return clean, problems


def save_employer(session: Session, employer_id: str | None, fields: dict[str, str]) -> str:
    """Create (employer_id None, or an id not yet saved) or update an employer; all or nothing."""
    refuse_employer_change(session)   # an IQA's laptop keeps no employers
    clean, problems = check_employer(fields)
    if problems:
        raise InvalidInput(problems)
    return _apply(session, employer_id, clean)


def autosave_employer(session: Session, employer_id: str, fields: dict[str, str]) -> dict[str, str]:
    """What the Employers window calls as the assessor types. The raw text always goes to a
    draft; every field that passes is saved at once (a mistyped email must not hold back the
    new contact's name). Returns the problems still open, by field."""
    refuse_employer_change(session)   # before a draft is kept of what cannot be saved
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise InvalidInput({"name": "This employer is not in the caseload any more."})
    save_draft(session, DRAFT_FORM, employer_id, fields)
    clean, problems = check_employer(fields)
    _apply(session, employer_id, clean)
    if not problems:
        clear_draft(session, DRAFT_FORM, employer_id)
    return problems


def _apply(session: Session, employer_id: str | None, clean: dict[str, str]) -> str:
    employer = session.get(Employer, employer_id) if employer_id else None
    created = employer is None
    if created:
        employer = Employer(**({"id": employer_id} if employer_id else {}))
        session.add(employer)
    changed = False
    for key, value in clean.items():
        if getattr(employer, key) != value:
            setattr(employer, key, value)
            changed = True
    session.flush()
    if created:
        record_event(session, "created", "employer", employer.id,
                     summary=f"Employer {employer.name} added")
    elif changed:
        record_change(session, "employer", employer.id, summary="Employer details edited")
    return employer.id


def employer_form_values(employer: Employer) -> dict[str, str]:
    return {key: getattr(employer, key) or "" for key in EMPLOYER_FIELDS}


def live_employers(session: Session) -> list[Employer]:
    return list(session.scalars(select(Employer).where(Employer.deleted_at.is_(None))
                                .order_by(Employer.name)))


def employer_choices(session: Session, learner_id: str | None) -> list[tuple[str, str]]:
    """(id, name) of the employers a learner's Details offer: the live ones, and the
    learner's own if it was deleted (at the centre, before it refused that while learners
    were placed there). Without it the chooser showed "no employer", and the next
    keystroke in the learner's details saved that, losing where they work."""
    choices = [(e.id, e.name) for e in live_employers(session)]
    learner = session.get(Learner, learner_id) if learner_id else None
    own = learner.employer if learner is not None and learner.employer_id else None
    if own is not None and own.deleted_at is not None:
        choices.append((own.id, f"{own.name} (deleted)"))
    return choices


def placed_learners(session: Session, employer_id: str) -> list[str]:
    """Names of the learners (not deleted) placed with this employer, by family name."""
    return [l.full_name for l in session.scalars(
        select(Learner).where(Learner.employer_id == employer_id, Learner.deleted_at.is_(None))
        .order_by(Learner.family_name, Learner.given_names))]


def employer_rows(session: Session) -> list[EmployerRow]:
    placed: dict[str, list[str]] = {}
    for learner in session.scalars(select(Learner).where(
            Learner.deleted_at.is_(None), Learner.employer_id.is_not(None))
            .order_by(Learner.family_name, Learner.given_names)):
        placed.setdefault(learner.employer_id, []).append(learner.full_name)
    return [EmployerRow(e.id, e.name, e.contact_name, e.contact_role, e.contact_email,
                        e.contact_phone, e.address, placed.get(e.id, []))
            for e in live_employers(session)]


def delete_employer(session: Session, employer_id: str) -> None:
    """Tombstone an employer nobody on this laptop is placed with; refused, naming them,
    otherwise. The centre refuses it too while another assessor's learners are placed there
    (server/employers.py), and this laptop then shows the employer again."""
    refuse_employer_change(session)
    employer = session.get(Employer, employer_id)
    if employer is None or employer.deleted_at is not None:
        return
    names = placed_learners(session, employer_id)
    if names:
        shown = ", ".join(names[:NAMED_IN_REFUSAL])
        if len(names) > NAMED_IN_REFUSAL:
            shown += f" and {len(names) - NAMED_IN_REFUSAL} more"
        placed = (f"{len(names)} learners are" if len(names) > 1 else "a learner is")
        raise InvalidInput({"employer": (
            f"{employer.name} cannot be deleted while {placed} placed there: {shown}. "
            f"Choose another employer on {'their' if len(names) > 1 else 'the learner’s'} "
            f"Details first.")})
    employer.deleted_at = utcnow()
    record_event(session, "deleted", "employer", employer_id,
                 summary=f"Employer {employer.name} deleted (can be undone)")


def restore_employer(session: Session, employer_id: str) -> None:
    refuse_employer_change(session)
    employer = session.get(Employer, employer_id)
    if employer is None or employer.deleted_at is None:
        return
    employer.deleted_at = None
    record_event(session, "restored", "employer", employer_id,
                 summary=f"Employer {employer.name} restored")


def still_deleted(session: Session, employer_id: str) -> bool:
    """Whether a delete made here still stands. The centre refuses it while another
    assessor's learner is placed there, and the sync that hears so brings the employer
    back: undoing the delete then would change nothing (ui/window_undo.py drops it)."""
    employer = session.get(Employer, employer_id)
    return employer is not None and employer.deleted_at is not None


def why_kept(session: Session, employer_id: str) -> str | None:
    """Why an employer deleted here is live again after a sync, in the centre's words as
    "needs attention" has them; None while it is still deleted."""
    employer = session.get(Employer, employer_id)
    if employer is None or employer.deleted_at is not None:
        return None
    reason = session.scalar(select(SyncAttention.reason).where(
        SyncAttention.table_name == "employer", SyncAttention.record_id == employer_id,
        SyncAttention.resolved_at.is_(None)).order_by(SyncAttention.id.desc()).limit(1))
    return reason or f"The centre kept {employer.name}"
