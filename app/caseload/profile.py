"""Who is using this laptop: the assessor's name, role and centre (first-start set-up)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import (
    InvalidInput, ascii_digits, centre_number_problem, required_name,
)
from app.models import Centre, LocalSetting, StaffMember
from app.models.caseload import STAFF_ROLES

ROLE_LABELS = {"assessor": "Assessor", "trainee_assessor": "Trainee assessor", "iqa": "IQA"}


@dataclass(frozen=True)
class Profile:
    staff_id: str
    name: str
    role: str
    centre_id: str
    centre_name: str
    centre_number: str


def _setting(session: Session, key: str) -> str | None:
    row = session.get(LocalSetting, key)
    return row.value if row else None


def _set(session: Session, key: str, value: str) -> None:
    row = session.get(LocalSetting, key)
    if row is None:
        session.add(LocalSetting(key=key, value=value))
    else:
        row.value = value


def current_profile(session: Session) -> Profile | None:
    staff_id = _setting(session, "me.staff_id")
    staff = session.get(StaffMember, staff_id) if staff_id else None
    if staff is None:
        return None
    centre = session.get(Centre, staff.centre_id) if staff.centre_id else None
    return Profile(staff.id, staff.name, staff.role, centre.id if centre else "",
                   centre.name if centre else "", centre.number if centre else "")


def set_up(session: Session, name: str, role: str, centre_name: str, centre_number: str) -> Profile:
    problems = {}
    for key, value, label in (("name", name, "Your name"), ("centre_name", centre_name, "Centre name")):
        problem = required_name(value, label, 200)
        if problem:
            problems[key] = problem
    if role not in STAFF_ROLES:
        problems["role"] = "Choose assessor, trainee assessor or IQA."
    centre_number = ascii_digits(centre_number.strip())
    problem = centre_number_problem(centre_number)
    if problem:
        problems["centre_number"] = problem
    if problems:
        raise InvalidInput(problems)
    existing = current_profile(session)
    if existing:
        staff = session.get(StaffMember, existing.staff_id)
        centre = session.get(Centre, existing.centre_id) if existing.centre_id else None
    else:
        staff, centre = None, None
    if centre is None:
        centre = Centre(name=centre_name.strip(), number=centre_number.strip())
        session.add(centre)
    else:
        centre.name, centre.number = centre_name.strip(), centre_number.strip()
    session.flush()
    if staff is None:
        staff = StaffMember(name=name.strip(), role=role, centre_id=centre.id)
        session.add(staff)
    else:
        staff.name, staff.role, staff.centre_id = name.strip(), role, centre.id
    session.flush()
    _set(session, "me.staff_id", staff.id)
    return current_profile(session)


def staff_by_role(session: Session, *roles: str) -> list[StaffMember]:
    return list(session.scalars(select(StaffMember).where(
        StaffMember.role.in_(roles), StaffMember.deleted_at.is_(None)).order_by(StaffMember.name)))


def add_staff(session: Session, name: str, role: str) -> str:
    problem = required_name(name, "Name", 200)
    if problem or role not in STAFF_ROLES:
        raise InvalidInput({"name": problem or "", "role": "" if role in STAFF_ROLES else "Unknown role."})
    me = current_profile(session)
    staff = StaffMember(name=name.strip(), role=role, centre_id=me.centre_id if me else None)
    session.add(staff)
    session.flush()
    return staff.id
