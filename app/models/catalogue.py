"""Qualifications as loaded from specification packs (see specs/FORMAT.md).

Catalogue rows are immutable once loaded and have deterministic ids (UUID5 of the pack's
content hash and the printed numbers), so every device that loads the same pack agrees on
the id of each AC and evidence mappings sync without translation. A newer pack is loaded
beside the old one; an enrolment keeps the qualification version it was made on.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, UtcDateTime, utcnow


class SpecPack(Base):
    __tablename__ = "spec_pack"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    pack_id: Mapped[str] = mapped_column(String(100), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # qualification | unit_bank
    awarding_body: Mapped[str] = mapped_column(String(200))
    document_title: Mapped[str | None] = mapped_column(Text)
    document_version: Mapped[str | None] = mapped_column(String(100))
    document_date: Mapped[str | None] = mapped_column(String(100))
    source_file: Mapped[str | None] = mapped_column(String(200))
    missing_json: Mapped[str] = mapped_column(Text, default="[]")
    corrections_json: Mapped[str] = mapped_column(Text, default="[]")
    listed_not_specified_json: Mapped[str] = mapped_column(Text, default="[]")
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    units: Mapped[list["Unit"]] = relationship(back_populates="pack", order_by="Unit.sort_order")
    qualifications: Mapped[list["Qualification"]] = relationship(back_populates="pack")


class PackDocument(Base):
    """A pack's file exactly as it was imported, named by the SHA-256 of its bytes, so it can
    travel to the centre and from there to every laptop (app/sync/packs.py) and be checked
    and loaded there by the same loader. The shipped packs need none: every side reads them
    from its own specs folder (app/catalogue/pack_documents.py)."""

    __tablename__ = "pack_document"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    kept_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Qualification(Base):
    """A qualification version; a unit bank is loaded as one with kind 'unit_bank'."""

    __tablename__ = "qualification"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    pack_row_id: Mapped[str] = mapped_column(ForeignKey("spec_pack.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    awarding_body: Mapped[str] = mapped_column(String(200))
    ab_number: Mapped[str | None] = mapped_column(String(50))
    regulator_number: Mapped[str | None] = mapped_column(String(50))
    level: Mapped[int | None] = mapped_column(Integer)
    glh: Mapped[int | None] = mapped_column(Integer)
    tqt: Mapped[int | None] = mapped_column(Integer)
    credits: Mapped[int | None] = mapped_column(Integer)
    version_label: Mapped[str | None] = mapped_column(String(100))
    rules_json: Mapped[str | None] = mapped_column(Text)  # null: the source gives no rules
    missing_json: Mapped[str] = mapped_column(Text, default="[]")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    pack: Mapped[SpecPack] = relationship(back_populates="qualifications")
    unit_links: Mapped[list["QualificationUnit"]] = relationship(
        order_by="QualificationUnit.sort_order")


class Unit(Base):
    __tablename__ = "unit"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    pack_row_id: Mapped[str] = mapped_column(ForeignKey("spec_pack.id"), index=True)
    number: Mapped[str] = mapped_column(String(50))
    reference: Mapped[str | None] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(Text)
    level: Mapped[int | None] = mapped_column(Integer)
    credit: Mapped[int | None] = mapped_column(Integer)
    glh: Mapped[int | None] = mapped_column(Integer)
    unit_type: Mapped[str | None] = mapped_column(String(20))
    group_name: Mapped[str | None] = mapped_column(String(200))
    aim: Mapped[str | None] = mapped_column(Text)
    assessment_requirements: Mapped[str | None] = mapped_column(Text)
    missing_json: Mapped[str] = mapped_column(Text, default="[]")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    pack: Mapped[SpecPack] = relationship(back_populates="units")
    learning_outcomes: Mapped[list["LearningOutcome"]] = relationship(
        back_populates="unit", order_by="LearningOutcome.sort_order")
    rules: Mapped[list["AssessmentRule"]] = relationship(order_by="AssessmentRule.sort_order")


class QualificationUnit(Base):
    __tablename__ = "qualification_unit"
    qualification_id: Mapped[str] = mapped_column(ForeignKey("qualification.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    unit: Mapped[Unit] = relationship()


class LearningOutcome(Base):
    __tablename__ = "learning_outcome"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    lo_type: Mapped[str | None] = mapped_column(String(20))
    guidance: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[Unit] = relationship(back_populates="learning_outcomes")
    criteria: Mapped[list["AssessmentCriterion"]] = relationship(
        back_populates="learning_outcome", order_by="AssessmentCriterion.sort_order")


class AssessmentCriterion(Base):
    __tablename__ = "assessment_criterion"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lo_id: Mapped[str] = mapped_column(ForeignKey("learning_outcome.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    guidance: Mapped[str | None] = mapped_column(Text)
    source_line: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    learning_outcome: Mapped[LearningOutcome] = relationship(back_populates="criteria")


class AssessmentRule(Base):
    """A rule the app acts on: a method barred, required (perhaps N times) or allowed, or
    the evidence's sufficiency (from different occasions), which names no method, or the
    source's guidance, shown at the AC for the assessor's judgement."""

    __tablename__ = "assessment_rule"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), index=True)
    lo_number: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    method: Mapped[str | None] = mapped_column(String(8))   # None for kind "sufficiency"
    # A narrower kind of evidence than the method ("self-assessment"), or None (migration 0009)
    evidence: Mapped[str | None] = mapped_column(String(40))
    count: Mapped[int | None] = mapped_column(Integer)
    count_of: Mapped[str | None] = mapped_column(String(30))
    source_line: Mapped[int | None] = mapped_column(Integer)
    source_text: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


Index("ix_unit_pack_number", Unit.pack_row_id, Unit.number, unique=True)
