"""The assessor's caseload: centre, staff, employers, learners and their enrolments."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, IsoDate, Synced

STAFF_ROLES = ("assessor", "trainee_assessor", "iqa")
ENROLMENT_STATUSES = ("active", "on_break", "completed", "withdrawn")


class Centre(Synced, Base):
    __tablename__ = "centre"
    name: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(50), default="")


class StaffMember(Synced, Base):
    """An assessor, trainee assessor or IQA of the centre."""

    __tablename__ = "staff_member"
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(200), default="")
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"))


class Employer(Synced, Base):
    __tablename__ = "employer"
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_role: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")


class Learner(Synced, Base):
    __tablename__ = "learner"
    given_names: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(IsoDate)
    uln: Mapped[str | None] = mapped_column(String(10))
    registration_number: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    employer_id: Mapped[str | None] = mapped_column(ForeignKey("employer.id"))
    workplace_address: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date | None] = mapped_column(IsoDate)
    planned_end_date: Mapped[date | None] = mapped_column(IsoDate)
    notes: Mapped[str] = mapped_column(Text, default="")
    # A learner created twice (one ULN, two devices) and merged: this record is tombstoned
    # and points at the one kept. Its signed records cannot be moved (their signatures name
    # this id), so they are read under the kept learner through this link (app/caseload/merge.py).
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("learner.id"))

    employer: Mapped[Employer | None] = relationship()
    enrolments: Mapped[list["Enrolment"]] = relationship(back_populates="learner")

    @property
    def full_name(self) -> str:
        return full_name_of(self.given_names, self.family_name)


def full_name_of(given_names: str, family_name: str) -> str:
    """A learner's name as every page shows it, and as their signatures cover it
    (coverage rule 2, app/signing/coverage.py): also for a row that is not yet an object
    (a change pushed to the centre, app/caseload/name_as_signed.py)."""
    return f"{given_names} {family_name}".strip()


# A ULN identifies one person: two live learners may not share it (tombstoned ones may).
# So at the centre. A laptop's index is not unique (migration 0011): a learner typed on two
# devices arrives from the centre beside this laptop's own, and both must be kept until the
# assessor merges them (app/sync/learners_twice.py); typing a ULN twice is still refused
# (app/caseload/learners.py).
Index("uq_learner_live_uln", Learner.uln, unique=True,
      sqlite_where=Learner.deleted_at.is_(None) & Learner.uln.isnot(None),
      postgresql_where=Learner.deleted_at.is_(None) & Learner.uln.isnot(None))


class Enrolment(Synced, Base):
    """A learner on one qualification version, with the units chosen for it."""

    __tablename__ = "enrolment"
    learner_id: Mapped[str] = mapped_column(ForeignKey("learner.id"), index=True)
    qualification_id: Mapped[str] = mapped_column(ForeignKey("qualification.id"))
    registration_number: Mapped[str] = mapped_column(String(50), default="")
    assessor_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))
    iqa_id: Mapped[str | None] = mapped_column(ForeignKey("staff_member.id"))
    start_date: Mapped[date | None] = mapped_column(IsoDate)
    status: Mapped[str] = mapped_column(String(20), default="active")
    # Two records of one learner merged, both on this qualification: this enrolment is
    # tombstoned and points at the one kept. Its signed records cannot move (their
    # signatures name this id), so they are read under the kept enrolment through this link
    # (app/caseload/same_enrolment.py).
    joined_into_id: Mapped[str | None] = mapped_column(ForeignKey("enrolment.id"))

    learner: Mapped[Learner] = relationship(back_populates="enrolments")
    unit_choices: Mapped[list["EnrolmentUnit"]] = relationship()


class EnrolmentUnit(Synced, Base):
    """A unit chosen for an enrolment. A deselected unit is tombstoned, not deleted, so
    that evidence already mapped to it keeps its context."""

    __tablename__ = "enrolment_unit"
    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolment.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"))
