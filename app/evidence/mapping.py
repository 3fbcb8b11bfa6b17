"""Mapping a record to the ACs it covers, with the catalogue's assessment rules acting.

One record may cover ACs in several units of its enrolment (holistic assessment). A method
the unit's assessment strategy bars (for example simulation for a competence unit), or a
kind of evidence it bars (a self-assessment in C&G 2794), is refused with the rule's own
words, so the assessor knows why and where it is written. Which rule bars what is read in
one place, app/evidence/requirements.py, which the criteria picker shows too.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.db.base import utcnow
from app.evidence.methods import method_name, record_evidence
from app.evidence.requirements import at_outcome, bar_at, unit_requirements
from app.evidence.records import AUDIT_TYPE, RecordLocked, back_to_draft_if_ready
from app.models import (
    AssessmentCriterion, AssessmentRule, EnrolmentUnit, LearningOutcome, Unit,
)
from app.models.evidence import MAPPING_STATUSES, CriterionMapping, EvidenceRecord
from app.signing.audit import record_change
from app.evidence.printed_reference import printed_reference


def barred_reason(session: Session, unit_id: str, method: str, lo_number: str | None = None,
                  evidence: str | None = None) -> str | None:
    """Why `method` (a record saying it is `evidence`) cannot be used for this unit (or this
    LO of it), or None if it can."""
    rules = unit_requirements(session, unit_id)
    los = [lo_number] if lo_number else sorted({r.lo_number for r in rules if r.lo_number}) or [""]
    for lo in los:
        rule = bar_at(at_outcome(rules, lo), method, evidence)
        if rule is not None:
            unit = session.get(Unit, unit_id)
            scope = f"unit {unit.number}" + (f", LO {rule.lo_number}" if rule.lo_number else "")
            what = f"A {evidence} ({method_name(method).lower()})" if rule.evidence \
                else method_name(method)
            where = f" (source line {rule.source_line})" if rule.source_line else ""
            said = f": “{rule.source_text.strip()}”" if rule.source_text else ""
            return (f"{what} cannot be used as evidence for {scope}; the "
                    f"assessment rules bar it{said}{where}.")
    return None


def barred_units(session: Session, enrolment_id: str, method: str,
                 evidence: str | None = None) -> dict[str, str]:
    """unit_id -> reason, for the enrolment's units where `method` is barred unit-wide."""
    from app.caseload.same_enrolment import kept_enrolment_id
    enrolment_id = kept_enrolment_id(session, enrolment_id)   # units are chosen there
    unit_ids = session.scalars(select(EnrolmentUnit.unit_id).where(
        EnrolmentUnit.enrolment_id == enrolment_id, EnrolmentUnit.deleted_at.is_(None))).all()
    out = {}
    for rule in session.scalars(select(AssessmentRule).where(
            AssessmentRule.unit_id.in_(unit_ids), AssessmentRule.kind == "barred",
            AssessmentRule.method == method, AssessmentRule.lo_number.is_(None))):
        if rule.unit_id not in out:
            reason = barred_reason(session, rule.unit_id, method, evidence=evidence)
            if reason and not _lifted_anywhere(session, rule.unit_id, method, evidence):
                out[rule.unit_id] = reason
    return out


def _lifted_anywhere(session: Session, unit_id: str, method: str, evidence: str | None) -> bool:
    """Whether some LO of the unit requires what the unit bars (C&G 2794 unit 201 LO 4 and
    self-assessment): then the unit is open to the record, LO by LO."""
    rules = unit_requirements(session, unit_id)
    return any(r.kind == "required" and r.lo_number and r.applies_to(method, evidence)
               for r in rules)


@dataclass
class MappingView:
    id: str
    criterion_id: str
    unit_id: str
    unit_number: str
    lo_number: str
    ac_number: str
    ac_text: str
    status: str
    note: str


def _editable(session: Session, record_id: str) -> EvidenceRecord:
    record = session.get(EvidenceRecord, record_id)
    if record is None or record.deleted_at is not None:
        raise InvalidInput({"record": "This record has been deleted."})
    if record.state == "signed":
        raise RecordLocked({"record": f"{printed_reference(session, record.id)} is signed; its mappings cannot change."})
    return record


def map_criteria(session: Session, record_id: str, criteria: dict[str, str],
                 notes: dict[str, str] | None = None) -> list[str]:
    """Map (or re-map) ACs: `criteria` is criterion_id -> "working_towards" | "met".
    All or nothing: if any AC is refused, none is saved. Returns the mapping ids."""
    record = _editable(session, record_id)
    notes = notes or {}
    # A correction of a record signed on an enrolment joined into another at a merge maps
    # to the units chosen on the one kept.
    from app.caseload.same_enrolment import kept_enrolment_id
    enrolled = set(session.scalars(select(EnrolmentUnit.unit_id).where(
        EnrolmentUnit.enrolment_id == kept_enrolment_id(session, record.enrolment_id),
        EnrolmentUnit.deleted_at.is_(None))))
    acs = {c.id: c for c in session.scalars(select(AssessmentCriterion).where(
        AssessmentCriterion.id.in_(list(criteria))))}
    problems = {}
    lo_numbers = dict(session.execute(select(LearningOutcome.id, LearningOutcome.number).where(
        LearningOutcome.id.in_({c.lo_id for c in acs.values()}))).all())
    # One query for the units that bar this method at all, not one per AC mapped.
    barring = set(session.scalars(select(AssessmentRule.unit_id).where(
        AssessmentRule.unit_id.in_({c.unit_id for c in acs.values()}),
        AssessmentRule.kind == "barred", AssessmentRule.method == record.method)))
    evidence = record_evidence(record.method, json.loads(record.details_json or "{}"))
    for criterion_id, status in criteria.items():
        ac = acs.get(criterion_id)
        if ac is None:
            problems[criterion_id] = "That criterion is not in the catalogue."
        elif ac.unit_id not in enrolled:
            problems[criterion_id] = "That unit is not among the learner's chosen units."
        elif status not in MAPPING_STATUSES:
            problems[criterion_id] = "A mapping is either 'working towards' or 'met'."
        else:
            reason = barred_reason(session, ac.unit_id, record.method, lo_numbers.get(ac.lo_id),
                                   evidence) if ac.unit_id in barring else None
            if reason:
                problems[criterion_id] = reason
    if problems:
        raise InvalidInput(problems)
    existing = {m.criterion_id: m for m in session.scalars(select(CriterionMapping).where(
        CriterionMapping.record_id == record_id, CriterionMapping.deleted_at.is_(None),
        CriterionMapping.criterion_id.in_(list(criteria))))}
    ids = []
    changed = False
    for criterion_id, status in criteria.items():
        mapping = existing.get(criterion_id)
        if mapping is None:
            mapping = CriterionMapping(record_id=record_id, criterion_id=criterion_id,
                                       unit_id=acs[criterion_id].unit_id, status=status,
                                       note=notes.get(criterion_id, ""))
            session.add(mapping)
            changed = True
        else:
            if mapping.status != status:
                mapping.status = status
                changed = True
            if criterion_id in notes and mapping.note != notes[criterion_id]:
                mapping.note = notes[criterion_id]
                changed = True
        ids.append(mapping)
    session.flush()
    record_change(session, AUDIT_TYPE, record_id, learner_id=record.learner_id)
    if changed:
        back_to_draft_if_ready(session, record)
    return [m.id for m in ids]


def unmap_criteria(session: Session, record_id: str, criterion_ids: list[str]) -> None:
    """Remove mappings (tombstones: sync and the audit trail keep them)."""
    record = _editable(session, record_id)
    now = utcnow()
    record_change(session, AUDIT_TYPE, record_id, learner_id=record.learner_id)
    removed = False
    for mapping in session.scalars(select(CriterionMapping).where(
            CriterionMapping.record_id == record_id, CriterionMapping.deleted_at.is_(None),
            CriterionMapping.criterion_id.in_(criterion_ids))):
        mapping.deleted_at = now
        removed = True
    if removed:
        back_to_draft_if_ready(session, record)


def set_mappings(session: Session, record_id: str, statuses: dict[str, str | None]) -> None:
    """Put ACs back as they were (criterion_id -> status, None for not mapped): undoing a
    tick of a whole learning outcome or unit, in one transaction."""
    wanted = {c: s for c, s in statuses.items() if s}
    gone = [c for c, s in statuses.items() if not s]
    if wanted:
        map_criteria(session, record_id, wanted)
    if gone:
        unmap_criteria(session, record_id, gone)


def set_mapping_note(session: Session, record_id: str, criterion_id: str, note: str) -> None:
    record = _editable(session, record_id)
    mapping = session.scalars(select(CriterionMapping).where(
        CriterionMapping.record_id == record_id, CriterionMapping.criterion_id == criterion_id,
        CriterionMapping.deleted_at.is_(None))).first()
    if mapping is not None and mapping.note != note:
        mapping.note = note
        back_to_draft_if_ready(session, record)


def mappings_of(session: Session, record_id: str) -> list[MappingView]:
    rows = session.execute(
        select(CriterionMapping, AssessmentCriterion, LearningOutcome.number, Unit.number)
        .join(AssessmentCriterion, AssessmentCriterion.id == CriterionMapping.criterion_id)
        .join(LearningOutcome, LearningOutcome.id == AssessmentCriterion.lo_id)
        .join(Unit, Unit.id == CriterionMapping.unit_id)
        .where(CriterionMapping.record_id == record_id, CriterionMapping.deleted_at.is_(None))
        .order_by(Unit.sort_order, LearningOutcome.sort_order, AssessmentCriterion.sort_order)).all()
    return [MappingView(m.id, m.criterion_id, m.unit_id, unit_no, lo_no, ac.number, ac.text,
                        m.status, m.note) for m, ac, lo_no, unit_no in rows]
