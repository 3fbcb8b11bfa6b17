"""Signing off a unit: the summative decision that every AC is met and every required
method is present, recorded with the assessor's declaration and the learner's confirmation.

A sign-off is *signed off* once learner and assessor have both signed it (app/signing);
before that it is a draft the assessor may withdraw (app/claims/withdrawal.py). The IQA's
sample is app/claims/iqa_sample.py. Qualification order rules apply: a unit the pack marks
"last" (C&G 2794: unit 201) waits until every other chosen unit is signed off.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput, limited, past_date
from app.evidence.in_force import not_in_force
from app.evidence.judgement import missing_judgements, not_judged_evidence
from app.evidence.progress import MET, STATUS_WORDS, enrolment_progress
from app.models import Enrolment, EnrolmentUnit, Qualification, Signature, Unit
from app.models.claims import UnitSignOff
from app.models.evidence import JUDGEMENT_FLAGS, CriterionMapping, EvidenceRecord
from app.sync.iqa_laptop import refuse_the_assessors_work

RECORD_TYPE = "unit_sign_off"
EVIDENCE = "evidence_record"
ASSESSOR_DECLARATION = (
    "I confirm that the evidence for this unit has been assessed against every assessment "
    "criterion and judged valid, authentic, current, reliable and sufficient, and that the "
    "learner is competent in this unit.")
LEARNER_CONFIRMATION = (
    "I confirm that the evidence listed for this unit is my own work and that I agree with "
    "the assessor's decision.")


@dataclass
class Readiness:
    unit_id: str
    unit_number: str
    unit_title: str
    missing: list[str] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)   # [{"id", "ref", "method"}]

    @property
    def ready(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class SignOffView:
    id: str
    enrolment_id: str
    unit_id: str
    unit_number: str
    unit_title: str
    summative_date: date
    assessor_name: str
    signed_roles: tuple[str, ...]
    iqa_sampled_on: date | None
    iqa_initials: str
    iqa_name: str = ""

    @property
    def signed_off(self) -> bool:
        return {"learner", "assessor"} <= set(self.signed_roles) or (
            {"learner", "countersigning_assessor"} <= set(self.signed_roles))

    @property
    def status(self) -> str:
        if self.signed_off:
            return "signed off"
        if self.signed_roles:
            return "waiting for signatures"
        return "ready to sign"


def _order_rules(session: Session, enrolment: Enrolment) -> list[dict]:
    qual = session.get(Qualification, enrolment.qualification_id)
    rules = json.loads(qual.rules_json) if qual and qual.rules_json else {}
    return rules.get("order") or []


def _chosen_units(session: Session, enrolment_id: str) -> list[Unit]:
    return list(session.scalars(
        select(Unit).join(EnrolmentUnit, EnrolmentUnit.unit_id == Unit.id)
        .where(EnrolmentUnit.enrolment_id == enrolment_id, EnrolmentUnit.deleted_at.is_(None))
        .order_by(Unit.sort_order)))


def sign_offs_of(session: Session, enrolment_id: str, every: bool = False) -> list[SignOffView]:
    """The enrolment's live sign-offs, one per unit, with those of an enrolment joined into
    it at a merge (app/caseload/same_enrolment.py): a unit signed off in both records is
    signed off once, and the sign-off shown is the one furthest signed (a signed one never
    moves, so both may remain). `every`: all of them, for finding one by its id (a claim
    names the sign-offs it claims)."""
    from app.caseload.same_enrolment import enrolment_family
    family = enrolment_family(session, enrolment_id)
    rows = session.execute(
        select(UnitSignOff, Unit.number, Unit.title)
        .join(Unit, Unit.id == UnitSignOff.unit_id)
        .where(UnitSignOff.enrolment_id.in_(family), UnitSignOff.deleted_at.is_(None))
        .order_by(Unit.sort_order, UnitSignOff.created_at)).all()
    ids = [r[0].id for r in rows]
    roles: dict[str, list[str]] = {}
    if ids:
        for record_id, role in session.execute(select(Signature.record_id, Signature.role).where(
                Signature.record_type == RECORD_TYPE, Signature.record_id.in_(ids))):
            roles.setdefault(record_id, []).append(role)
    views = [SignOffView(s.id, s.enrolment_id, s.unit_id, number, title, s.summative_date,
                         s.assessor_name, tuple(roles.get(s.id, ())), s.iqa_sampled_on,
                         s.iqa_initials, s.iqa_name) for s, number, title in rows]
    if every or len(family) == 1:
        return views
    shown: dict[str, SignOffView] = {}
    for v in views:
        best = shown.get(v.unit_id)
        if best is None or (v.signed_off, len(v.signed_roles)) > (best.signed_off,
                                                                  len(best.signed_roles)):
            shown[v.unit_id] = v
    return [v for v in views if shown[v.unit_id] is v]


def unit_readiness(session: Session, enrolment_id: str) -> list[Readiness]:
    """For each chosen unit: what stops it being signed off today, in the assessor's words."""
    from app.caseload.same_enrolment import kept_enrolment_id
    enrolment_id = kept_enrolment_id(session, enrolment_id)   # a joined one reads as kept
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise InvalidInput({"enrolment": "That enrolment no longer exists."})
    not_counted = not_in_force(session, enrolment_id=enrolment_id)
    progress = enrolment_progress(session, enrolment_id, not_counted)
    existing = {s.unit_id: s for s in sign_offs_of(session, enrolment_id)}
    order = _order_rules(session, enrolment)
    units = {u.id: u for u in _chosen_units(session, enrolment_id)}
    evidence = _evidence_by_unit(session, enrolment_id, not_counted)
    out = []
    for unit in progress.units:
        r = Readiness(unit.id, unit.number, unit.title, evidence=evidence.get(unit.id, []))
        done = existing.get(unit.id)
        if done is not None:
            r.missing.append(f"Unit {unit.number} is already {done.status} "
                             f"(summative date {done.summative_date:%d/%m/%Y}).")
        for c in unit.criteria:
            if c.status != MET:
                r.missing.append(f"AC {c.number} is {STATUS_WORDS[c.status]}: {c.text}")
        r.missing += [gap.text for gap in unit.outstanding]
        unsigned = sorted({e["ref"] for e in r.evidence if not e["signed"]})
        if unsigned:
            r.missing.append("Evidence not yet signed: " + ", ".join(unsigned) + ".")
        # (Unsigned evidence is named above; it is judged before it is marked ready.)
        unjudged = [(e["ref"], e["unjudged"]) for e in r.evidence
                    if e["unjudged"] and e["signed"]]
        if unjudged:
            r.missing.append(not_judged_evidence(unjudged))
        for rule in order:
            if rule.get("rule") == "last" and rule.get("unit") == unit.number:
                others = [u.number for uid, u in units.items() if uid != unit.id
                          and not (existing.get(uid) and existing[uid].signed_off)]
                if others:
                    r.missing.append(
                        f"Unit {unit.number} is signed off last: first sign off unit"
                        f"{'s' if len(others) > 1 else ''} {', '.join(others)}"
                        + (f" (the specification: “{rule['source_text']}”)"
                           if rule.get("source_text") else "") + ".")
        out.append(r)
    return out


def units_ready_through(session: Session, record_id: str) -> list[Readiness]:
    """The units this record's evidence helps to meet that are now ready to sign off (and
    not signed off yet): once its last signature is in, the next thing at a visit is often
    to sign one of them off, offered on the record itself."""
    record = session.get(EvidenceRecord, record_id)
    if record is None or record.deleted_at is not None:
        return []
    return [r for r in unit_readiness(session, record.enrolment_id)
            if r.ready and any(e["id"] == record_id for e in r.evidence)]


def _evidence_by_unit(session: Session, enrolment_id: str,
                      not_counted: set[str]) -> dict[str, list[dict]]:
    """unit id -> the records a sign-off rests on: those in force meeting an AC there. Of a
    corrected record that is one version, named as printed ("PD-001 (amendment 1)"), so the
    signed sign-off says which version it rests on; a superseded original or a correction
    not yet fully signed is not listed (app/evidence/in_force.py). With the records of an
    enrolment joined into this one at a merge (app/caseload/same_enrolment.py)."""
    from app.caseload.same_enrolment import enrolment_family
    family = enrolment_family(session, enrolment_id)
    rows = session.execute(
        select(CriterionMapping.unit_id, EvidenceRecord.id, EvidenceRecord.portfolio_ref,
               EvidenceRecord.method, EvidenceRecord.state, EvidenceRecord.amends_id,
               *(getattr(EvidenceRecord, f) for f in JUDGEMENT_FLAGS))
        .join(EvidenceRecord, EvidenceRecord.id == CriterionMapping.record_id)
        .where(EvidenceRecord.enrolment_id.in_(family), EvidenceRecord.deleted_at.is_(None),
               CriterionMapping.deleted_at.is_(None), CriterionMapping.status == MET)
        .distinct()).all()
    rows = [r for r in rows if r.id not in not_counted]
    corrects = dict(session.execute(select(EvidenceRecord.id, EvidenceRecord.amends_id).where(
        EvidenceRecord.enrolment_id.in_(family), EvidenceRecord.amends_id.is_not(None))).all()
    ) if any(r.amends_id for r in rows) else {}
    from app.evidence.printed_reference import printed_references
    printed = printed_references(session, session.get(Enrolment, enrolment_id).learner_id) \
        if rows else {}
    out: dict[str, list[dict]] = {}
    for row in rows:
        unit_id, record_id, ref, method, state = row[:5]
        ref = printed.get(record_id, ref)   # "OBS-001/A3F2" where one is signed twice
        number, version = 0, record_id
        while version in corrects and number <= len(corrects):
            number, version = number + 1, corrects[version]
        if number:
            ref = f"{ref} (amendment {number})"
        items = out.setdefault(unit_id, [])
        if all(e["id"] != record_id for e in items):
            items.append({"id": record_id, "ref": ref, "method": method,
                          "signed": state == "signed", "unjudged": missing_judgements(row)})
    for items in out.values():
        items.sort(key=lambda e: e["ref"])
    return out


def _before_its_evidence(session: Session, when: date, evidence: list[dict]) -> str | None:
    """A summative decision rests on signed evidence, so it is not dated before the last
    signature on that evidence (a backdated sign-off would claim a decision made on
    evidence nobody had yet signed)."""
    ids = [e["id"] for e in evidence]
    if not ids:
        return None
    latest = session.execute(
        select(Signature.signed_at, Signature.record_id)
        .where(Signature.record_type == EVIDENCE, Signature.record_id.in_(ids))
        .order_by(Signature.signed_at.desc()).limit(1)).first()
    if latest is None or when >= latest.signed_at.date():
        return None
    ref = next(e["ref"] for e in evidence if e["id"] == latest.record_id)
    return (f"The summative date cannot be before the last signature on the evidence it "
            f"rests on: {ref} was signed on {latest.signed_at:%d/%m/%Y}. Date the decision "
            f"on or after that day.")


def sign_off_unit(session: Session, enrolment_id: str, unit_id: str, *,
                  summative_date: str | date, assessor_name: str,
                  assessor_declaration: str = ASSESSOR_DECLARATION,
                  learner_confirmation: str = LEARNER_CONFIRMATION) -> str:
    """Record the summative decision for a unit, ready for learner and assessor to sign.
    Refuses (InvalidInput) with every reason the unit is not ready."""
    from app.caseload.same_enrolment import kept_enrolment_id
    enrolment_id = kept_enrolment_id(session, enrolment_id)   # never on a joined one
    enrolment = session.get(Enrolment, enrolment_id)
    refuse_the_assessors_work(session, enrolment.learner_id if enrolment else None)  # an IQA's
    readiness = {r.unit_id: r for r in unit_readiness(session, enrolment_id)}
    problems: dict[str, str] = {}
    r = readiness.get(unit_id)
    if r is None:
        problems["unit"] = "That unit is not chosen for this enrolment."
    elif r.missing:
        problems["unit"] = (f"Unit {r.unit_number} cannot be signed off yet:\n• "
                            + "\n• ".join(r.missing))
    when, problem = past_date(summative_date, "Enter the date of the summative assessment.",
                              "The summative assessment date cannot be in the future.")
    if problem:
        problems["summative_date"] = problem
    elif r is not None and not r.missing:
        problem = _before_its_evidence(session, when, r.evidence)
        if problem:
            problems["summative_date"] = problem
    if not (assessor_name or "").strip():
        problems["assessor_name"] = "Enter the assessor's name as it will be printed."
    else:
        problem = limited(assessor_name, "The assessor's name", 200)
        if problem:
            problems["assessor_name"] = problem
    if problems:
        raise InvalidInput(problems)
    enrolment = session.get(Enrolment, enrolment_id)
    row = UnitSignOff(enrolment_id=enrolment_id, learner_id=enrolment.learner_id,
                      unit_id=unit_id, summative_date=when, decision="competent",
                      assessor_name=assessor_name.strip(),
                      assessor_declaration=assessor_declaration,
                      learner_confirmation=learner_confirmation,
                      evidence_json=json.dumps([{"id": e["id"], "ref": e["ref"],
                                                 "method": e["method"]} for e in r.evidence]))
    session.add(row)
    session.flush()
    return row.id
