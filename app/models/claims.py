"""Unit sign-offs and claims to competence: the end of the assessor's job.

Both are signed (app/claims/signable.py): a sign-off by learner and assessor, then the IQA
if the unit is sampled; a claim likewise. What a signature covers is every column except
the IQA's sample fields, which are filled in later when the unit is sampled; database
triggers (app/claims/triggers.py) refuse changes to the signed columns.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, IsoDate, Synced

DECISIONS = ("competent",)


class UnitSignOff(Synced, Base):
    """The summative assessment of one unit for one enrolment."""

    __tablename__ = "unit_sign_off"
    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolment.id"), index=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learner.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"))
    summative_date: Mapped[date] = mapped_column(IsoDate)
    decision: Mapped[str] = mapped_column(String(20), default="competent")
    assessor_name: Mapped[str] = mapped_column(String(200), default="")
    assessor_declaration: Mapped[str] = mapped_column(Text, default="")
    learner_confirmation: Mapped[str] = mapped_column(Text, default="")
    # JSON list of the portfolio refs (with record ids) the decision rests on.
    evidence_json: Mapped[str] = mapped_column(Text, default="[]")
    iqa_sampled_on: Mapped[date | None] = mapped_column(IsoDate)
    iqa_initials: Mapped[str] = mapped_column(String(10), default="")
    iqa_name: Mapped[str] = mapped_column(String(200), default="")


# One live sign-off per unit per enrolment (a withdrawn one is tombstoned before signing).
Index("uq_sign_off_live_unit", UnitSignOff.enrolment_id, UnitSignOff.unit_id, unique=True,
      sqlite_where=UnitSignOff.deleted_at.is_(None),
      postgresql_where=UnitSignOff.deleted_at.is_(None))


class Claim(Synced, Base):
    """A claim to competence for some or all of an enrolment's units."""

    __tablename__ = "claim"
    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolment.id"), index=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learner.id"), index=True)
    reference: Mapped[str] = mapped_column(String(30))
    # JSON list of UnitSignOff ids claimed, in the order printed.
    sign_offs_json: Mapped[str] = mapped_column(Text, default="[]")
    full_award: Mapped[bool] = mapped_column(Boolean, default=False)
    combination_summary: Mapped[str] = mapped_column(Text, default="")
    learner_statement: Mapped[str] = mapped_column(Text, default="")
    assessor_statement: Mapped[str] = mapped_column(Text, default="")
    learner_declaration: Mapped[str] = mapped_column(Text, default="")
    assessor_declaration: Mapped[str] = mapped_column(Text, default="")
    claimed_on: Mapped[date | None] = mapped_column(IsoDate)
    iqa_sampled_on: Mapped[date | None] = mapped_column(IsoDate)
    iqa_initials: Mapped[str] = mapped_column(String(10), default="")
    iqa_name: Mapped[str] = mapped_column(String(200), default="")
