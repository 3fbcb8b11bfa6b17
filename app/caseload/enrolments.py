"""Enrolling a learner on a qualification version and choosing their units."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput, limited, parse_date
from app.catalogue.combination import CombinationCheck, UnitFacts, check_combination
from app.db.base import utcnow
from app.models import (
    Enrolment, EnrolmentUnit, Learner, Qualification, QualificationUnit, StaffMember, Unit,
)
from app.models.caseload import ENROLMENT_STATUSES


@dataclass(frozen=True)
class UnitOption:
    id: str
    number: str
    title: str
    credit: int | None
    level: int | None
    group: str | None
    mandatory: bool


def unit_options(session: Session, qualification_id: str) -> list[UnitOption]:
    qual = session.get(Qualification, qualification_id)
    rules = json.loads(qual.rules_json) if qual.rules_json else {}
    group_of, mandatory = {}, set()
    for group in rules.get("groups") or []:
        for number in group.get("units", []):
            group_of.setdefault(number, group.get("title") or group.get("id"))
            if group.get("mandatory"):
                mandatory.add(number)
    rows = session.execute(
        select(Unit).join(QualificationUnit, QualificationUnit.unit_id == Unit.id)
        .where(QualificationUnit.qualification_id == qualification_id)
        .order_by(QualificationUnit.sort_order)).scalars()
    return [UnitOption(u.id, u.number, u.title, u.credit, u.level,
                       group_of.get(u.number, u.group_name), u.number in mandatory) for u in rows]


def check_units(session: Session, qualification_id: str, unit_ids: set[str],
                wording: str = "chosen") -> CombinationCheck:
    """The rules of combination against these units; `wording` says what they are (the
    enrolment's choice, a claim's units, those signed off: app/catalogue/combination.py)."""
    qual = session.get(Qualification, qualification_id)
    options = unit_options(session, qualification_id)
    facts = {o.number: UnitFacts(o.number, o.credit, o.level) for o in options}
    chosen = {o.number for o in options if o.id in unit_ids}
    return check_combination(json.loads(qual.rules_json) if qual.rules_json else None,
                             facts, chosen, wording)


def enrol(session: Session, learner_id: str, qualification_id: str, *,
          registration_number: str = "", assessor_id: str | None = None,
          iqa_id: str | None = None, start_date: str = "", enrolment_id: str | None = None,
          mandatory_units: bool = False) -> str:
    """Enrol a learner. With `mandatory_units` the qualification's mandatory units are
    chosen at once (every learner takes them; the assessor then picks the optional ones)."""
    problems = {}
    if session.get(Learner, learner_id) is None:
        problems["learner"] = "Type the learner's given and family names first, so they can be saved."
    if session.get(Qualification, qualification_id) is None:
        problems["qualification"] = "Choose a qualification from the catalogue."
    problem = limited(registration_number, "Registration number", 50)
    if problem:
        problems["registration_number"] = problem
    for key, staff_id in (("assessor_id", assessor_id), ("iqa_id", iqa_id)):
        if staff_id and session.get(StaffMember, staff_id) is None:
            problems[key] = "That member of staff does not exist."
    try:
        start = parse_date(start_date)
    except ValueError as exc:
        problems["start_date"] = str(exc)
        start = None
    if problems:
        raise InvalidInput(problems)
    enrolment = Enrolment(learner_id=learner_id, qualification_id=qualification_id,
                          registration_number=registration_number.strip(),
                          assessor_id=assessor_id, iqa_id=iqa_id, start_date=start,
                          **({"id": enrolment_id} if enrolment_id else {}))
    session.add(enrolment)
    session.flush()
    if mandatory_units:
        choose_units(session, enrolment.id, {o.id for o in unit_options(session, qualification_id)
                                             if o.mandatory})
    return enrolment.id


def update_enrolment(session: Session, enrolment_id: str, **changes) -> None:
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise InvalidInput({"enrolment": "That enrolment does not exist."})
    if "status" in changes and changes["status"] not in ENROLMENT_STATUSES:
        raise InvalidInput({"status": "Unknown status."})
    if "start_date" in changes:
        try:
            changes["start_date"] = parse_date(changes["start_date"] or "")
        except ValueError as exc:
            raise InvalidInput({"start_date": str(exc)}) from None
    if "registration_number" in changes:
        problem = limited(changes["registration_number"], "Registration number", 50)
        if problem:
            raise InvalidInput({"registration_number": problem})
    for key, value in changes.items():
        if key not in ("registration_number", "assessor_id", "iqa_id", "start_date", "status"):
            raise ValueError(f"cannot change {key}")
        if getattr(enrolment, key) != value:
            setattr(enrolment, key, value or None if key.endswith("_id") else value)


def chosen_unit_ids(session: Session, enrolment_id: str) -> set[str]:
    return set(session.scalars(select(EnrolmentUnit.unit_id).where(
        EnrolmentUnit.enrolment_id == enrolment_id, EnrolmentUnit.deleted_at.is_(None))))


def choose_units(session: Session, enrolment_id: str, unit_ids: set[str]) -> CombinationCheck:
    """Set the enrolment's units. Any choice is saved (a learner may be part-way through
    deciding); the returned check says what the rules still need."""
    enrolment = session.get(Enrolment, enrolment_id)
    allowed = {o.id for o in unit_options(session, enrolment.qualification_id)}
    stray = unit_ids - allowed
    if stray:
        raise InvalidInput({"units": "Some chosen units are not part of this qualification."})
    rows = {row.unit_id: row for row in session.scalars(
        select(EnrolmentUnit).where(EnrolmentUnit.enrolment_id == enrolment_id))}
    now = utcnow()
    for unit_id in unit_ids:
        row = rows.get(unit_id)
        if row is None:
            session.add(EnrolmentUnit(enrolment_id=enrolment_id, unit_id=unit_id))
        elif row.deleted_at is not None:
            row.deleted_at = None
    for unit_id, row in rows.items():
        if unit_id not in unit_ids and row.deleted_at is None:
            row.deleted_at = now
    session.flush()
    return check_units(session, enrolment.qualification_id, unit_ids)


def withdraw_enrolment(session: Session, enrolment_id: str) -> None:
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is not None:
        enrolment.deleted_at = utcnow()
