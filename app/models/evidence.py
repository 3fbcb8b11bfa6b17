"""Evidence the assessor records for a learner, the ACs it covers and the files behind it.

The canonical content of a record (what a signature covers) is derivable from these rows
alone: the record's own columns (method-specific fields in `details_json`), its live
criterion mappings, and the sha256 of its live attachments. Files themselves live in the
content-addressed store (`app/evidence/attachments.py`), never in the database.

A signed record never changes. A correction is a new record whose `amends_id` points at the
signed one; it keeps the same portfolio reference (paper portfolios say "OBS-003, amended"),
which is why the live-reference uniqueness below only applies to originals.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, IsoDate, Synced

# The codes EDI's evidence matrix uses; the catalogue's AssessmentRule.method uses the same.
METHODS = {
    "Obs": "Observation",
    "P": "Product evidence",
    "Q": "Questioning",
    "PD": "Professional discussion",
    "Wt": "Witness testimony",
    "EW": "Expert witness testimony",
    "RA": "Reflective account",
    "A": "Recognition of prior learning",
    # Simulation and a realistic working environment are apart because the sources treat
    # them apart (EDI CU791-CU809: RWE or work placement permissible, simulation not). A
    # "Sim" record made before they were told apart stays "Sim": every rule that applied
    # to it still does, and its signatures cover its method (migration 0009).
    "Sim": "Simulation / assignment",
    "RWE": "Realistic working environment / work placement",
    "Ot": "Other",
}
RECORD_STATES = ("draft", "ready", "signed")
MAPPING_STATUSES = ("working_towards", "met")
ATTACHMENT_KINDS = ("file", "photo", "audio", "video")
JUDGEMENT_FLAGS = ("valid", "authentic", "current", "reliable", "sufficient")


class EvidenceRecord(Synced, Base):
    """One piece of evidence in a learner's portfolio (an observation, a witness testimony...)."""

    __tablename__ = "evidence_record"
    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolment.id"), index=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learner.id"), index=True)
    method: Mapped[str] = mapped_column(String(8))
    portfolio_ref: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[date | None] = mapped_column(IsoDate)
    location: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default="draft")
    # Method-specific fields (times, notes, questions, witness...): see app/evidence/methods.py.
    details_json: Mapped[str] = mapped_column(Text, default="{}")
    valid: Mapped[bool] = mapped_column(Boolean, default=False)
    authentic: Mapped[bool] = mapped_column(Boolean, default=False)
    current: Mapped[bool] = mapped_column(Boolean, default=False)
    reliable: Mapped[bool] = mapped_column(Boolean, default=False)
    sufficient: Mapped[bool] = mapped_column(Boolean, default=False)
    amends_id: Mapped[str | None] = mapped_column(ForeignKey("evidence_record.id"), index=True)


# A portfolio reference names one piece of evidence in the learner's portfolio (tombstoned
# and amending records excepted, see the module docstring). Signed records too are
# excepted (migrations 0014/s0007): two laptops offline can each sign an OBS-001 of one
# learner, neither may be renumbered, and both are kept, printed apart by their ids
# (app/evidence/printed_reference.py). An unsigned record never shares a signed one's
# reference: renumbered on the laptop (app/sync/references.py), refused by the centre
# (server/references.py).
_LIVE_UNSIGNED = (EvidenceRecord.deleted_at.is_(None) & EvidenceRecord.amends_id.is_(None)
                  & (EvidenceRecord.state != "signed"))
Index("uq_evidence_live_ref", EvidenceRecord.learner_id, EvidenceRecord.portfolio_ref,
      unique=True, sqlite_where=_LIVE_UNSIGNED, postgresql_where=_LIVE_UNSIGNED)


class CriterionMapping(Synced, Base):
    """A record covering one AC: 'working towards' or 'met', with an optional note."""

    __tablename__ = "criterion_mapping"
    record_id: Mapped[str] = mapped_column(ForeignKey("evidence_record.id"), index=True)
    criterion_id: Mapped[str] = mapped_column(ForeignKey("assessment_criterion.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="working_towards")
    note: Mapped[str] = mapped_column(Text, default="")


# One live mapping per record and AC; a removed mapping is a tombstone and may come back.
Index("uq_mapping_live_record_criterion", CriterionMapping.record_id,
      CriterionMapping.criterion_id, unique=True,
      sqlite_where=CriterionMapping.deleted_at.is_(None),
      postgresql_where=CriterionMapping.deleted_at.is_(None))


class Attachment(Synced, Base):
    """A file attached to a record; its bytes live in the attachment store under `sha256`."""

    __tablename__ = "attachment"
    record_id: Mapped[str] = mapped_column(ForeignKey("evidence_record.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(Text, default="")
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    kind: Mapped[str] = mapped_column(String(10), default="file")
    caption: Mapped[str] = mapped_column(Text, default="")
    # Playing time of audio and video, where it could be read: C&G 2794 caps the total
    # minutes of video in a portfolio, so the cap is checked without opening every file.
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)


class QuestionBankEntry(Synced, Base):
    """A question kept for reuse when questioning learners on a unit. Tied to the unit and
    to its national reference (where it has one), so a shared unit finds its questions in
    every qualification that carries it. Synced: a centre's assessors share one bank."""

    __tablename__ = "question_bank_entry"
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), index=True)
    unit_reference: Mapped[str | None] = mapped_column(String(30), index=True)
    criterion_refs: Mapped[str] = mapped_column(Text, default="")   # "1.2, 2.3": what it tests
    question: Mapped[str] = mapped_column(Text)
    expected_answer: Mapped[str] = mapped_column(Text, default="")  # what a good answer covers
