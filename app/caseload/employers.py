"""Employers and their contact (usually the learner's line manager)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput, email_problem, limited, required_name
from app.db.base import utcnow
from app.models import Employer

EMPLOYER_FIELDS = {
    "name": "Employer name",
    "address": "Address",
    "contact_name": "Contact (line manager)",
    "contact_role": "Contact's job title",
    "contact_email": "Contact's email",
    "contact_phone": "Contact's phone",
}


def save_employer(session: Session, employer_id: str | None, fields: dict[str, str]) -> str:
    problems = {}
    problem = required_name(fields.get("name", ""), "Employer name", 200)
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
    if problems:
        raise InvalidInput(problems)
    employer = session.get(Employer, employer_id) if employer_id else None
    if employer is None:
        employer = Employer(**({"id": employer_id} if employer_id else {}))
        session.add(employer)
    for key in EMPLOYER_FIELDS:
        value = fields.get(key, "").strip()
        if getattr(employer, key) != value:
            setattr(employer, key, value)
    session.flush()
    return employer.id


def live_employers(session: Session) -> list[Employer]:
    return list(session.scalars(select(Employer).where(Employer.deleted_at.is_(None))
                                .order_by(Employer.name)))


def delete_employer(session: Session, employer_id: str) -> None:
    employer = session.get(Employer, employer_id)
    if employer is not None:
        employer.deleted_at = utcnow()
