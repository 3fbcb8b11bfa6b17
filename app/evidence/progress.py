"""Where a learner stands: per AC, LO, unit and qualification, and what is still needed.

An AC is *met* when a live record maps it as met, *working towards* when live records map
it but none as met, otherwise *not started*. A required method ("observation required",
"on at least three customers") is the evidence that meets the ACs: it counts the live
records of that method meeting an AC in the unit or LO (one that only works towards them
shows the method was tried, not that it showed competence), and a count of "occasions"
counts their different dates, the one meaning of occasion Fieldfolio has (as for
sufficiency below); they stay outstanding until enough exist. A sufficiency rule (EDI: "on different
occasions") is outstanding while the records meeting the unit's ACs carry fewer different
dates than it needs (app/evidence/sufficiency.py). A cap on video (C&G 2794) is
outstanding while the portfolio's clips run over it (app/evidence/video_cap.py). Of a
corrected record only the version in force counts (app/evidence/in_force.py): a superseded
original or a correction not yet fully signed meets nothing. Built from five indexed queries
per enrolment (six where video is capped) so a learner page opens fast on a full portfolio.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import Session, aliased

from app.evidence.in_force import not_in_force
from app.evidence.methods import method_name
from app.evidence.requirements import said_evidence
from app.evidence.sufficiency import SufficiencyGap, counts_occasions, occasions_needed
from app.evidence.video_cap import VideoCapGap, is_video_cap, video_total
from app.models import (
    AssessmentCriterion, AssessmentRule, Enrolment, EnrolmentUnit, LearningOutcome,
    Learner, Qualification, Unit,
)
from app.models.evidence import CriterionMapping, EvidenceRecord

NOT_STARTED, WORKING, MET = "not_started", "working_towards", "met"
# How an AC met only by evidence nobody has signed yet is shown (never a status it is
# counted by: a unit is signed off on signed evidence only, app/claims/sign_off.py).
MET_UNSIGNED = "met_unsigned"
STATUS_WORDS = {NOT_STARTED: "not started", WORKING: "working towards", MET: "met",
                MET_UNSIGNED: "met, not yet signed"}
# Colour is never the only signal: each status also has a symbol and a word.
STATUS_SYMBOLS = {NOT_STARTED: "○", WORKING: "◐", MET: "●", MET_UNSIGNED: "◕"}
COUNTED = ("occasions", "customers", "times", "occasion", "customer")


@dataclass
class CriterionProgress:
    id: str
    number: str
    text: str
    lo_number: str
    status: str = NOT_STARTED
    record_count: int = 0
    methods: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    record_ids: list[str] = field(default_factory=list)   # in the order of `refs`
    signed: bool = False           # met by a signed record, not only by drafts or ready ones

    @property
    def shown(self) -> str:
        """The status as the grid and lists show it: met-and-signed apart from met by
        evidence still waiting for signatures."""
        return MET_UNSIGNED if self.status == MET and not self.signed else self.status


@dataclass
class RequirementGap:
    method: str
    lo_number: str | None
    needed: int
    have: int
    text: str

    @property
    def outstanding(self) -> bool:
        return self.have < self.needed

    needs_checking = False


@dataclass
class OutcomeProgress:
    id: str
    number: str
    title: str
    criteria: list[CriterionProgress]

    @property
    def percent(self) -> int:
        return _percent(self.criteria)

    @property
    def signed_percent(self) -> int:
        return _percent(self.criteria, signed=True)


@dataclass
class UnitProgress:
    id: str
    number: str
    title: str
    outcomes: list[OutcomeProgress]
    requirements: list[RequirementGap | SufficiencyGap | VideoCapGap]

    @property
    def criteria(self) -> list[CriterionProgress]:
        return [c for lo in self.outcomes for c in lo.criteria]

    @property
    def percent(self) -> int:
        return _percent(self.criteria)

    @property
    def signed_percent(self) -> int:
        return _percent(self.criteria, signed=True)

    @property
    def shown(self) -> str:
        """As `status`, but a unit met only partly on signed evidence shows so."""
        status = self.status
        return MET_UNSIGNED if status == MET and not all(c.signed for c in self.criteria) \
            else status

    @property
    def status(self) -> str:
        crit = self.criteria
        if crit and all(c.status == MET for c in crit) and not self.outstanding:
            return MET
        return WORKING if any(c.status != NOT_STARTED for c in crit) else NOT_STARTED

    @property
    def outstanding(self) -> list[RequirementGap]:
        return [r for r in self.requirements if r.outstanding]

    def still_needed(self) -> list[str]:
        """The visit plan for this unit, in plain words: rules not yet met, then anything
        the assessor should check (videos of unknown length), then ACs not yet met."""
        lines = [r.text for r in self.outstanding]
        lines += [r.text for r in self.requirements if r.needs_checking]
        for c in self.criteria:
            if c.status != MET:
                lines.append(f"AC {c.number} ({STATUS_WORDS[c.status]}): {c.text}")
        return lines


@dataclass
class EnrolmentProgress:
    enrolment_id: str
    qualification: str
    units: list[UnitProgress]

    @property
    def percent(self) -> int:
        return _percent([c for u in self.units for c in u.criteria])

    @property
    def signed_percent(self) -> int:
        return _percent([c for u in self.units for c in u.criteria], signed=True)


def required_text(rule: AssessmentRule, unit_number: str, needed: int, have: int) -> str:
    """The visit plan's line for a required method: what is needed, counted as the rule
    counts, and the source's own sentence with its line, so the assessor can check it."""
    scope = f"LO {rule.lo_number}" if rule.lo_number else f"unit {unit_number}"
    if needed > 1:
        extra = f" on at least {needed} {rule.count_of}"
        unit_word = "different dates" if counts_occasions(rule) else rule.count_of
        tally = f"{have} of {needed} {unit_word} so far"
    else:
        extra, tally = "", f"{have} of {needed} so far"
    said = f" (“{rule.source_text.strip()}”, source line {rule.source_line})" \
        if rule.source_text and rule.source_line else ""
    what = method_name(rule.method)
    if rule.evidence:
        what = f"{rule.evidence[:1].upper()}{rule.evidence[1:]} ({what.lower()})"
    return f"{what} required for {scope}{extra}, meeting the ACs it covers: {tally}{said}."


def _percent(criteria: list[CriterionProgress], signed: bool = False) -> int:
    """ACs met, or with `signed` ACs met by signed evidence, as a whole percentage."""
    if not criteria:
        return 0
    return round(100 * sum(c.status == MET and (c.signed or not signed) for c in criteria)
                 / len(criteria))


def _printed_if_shared(session: Session, enrolment_id: str, covered) -> dict[str, str]:
    """record id -> printed reference, read only where two records of the enrolment share a
    reference outside one record's versions (app/evidence/printed_reference.py): else {}."""
    ids_by_ref: dict[str, set[str]] = {}
    for row in covered:
        ids_by_ref.setdefault(row[5], set()).add(row[3])
    if all(len(ids) < 2 for ids in ids_by_ref.values()):
        return {}
    from app.evidence.printed_reference import printed_references
    return printed_references(session, session.get(Enrolment, enrolment_id).learner_id)


def enrolment_progress(session: Session, enrolment_id: str,
                       not_counted: set[str] | None = None) -> EnrolmentProgress:
    """`not_counted`: the learner's records not in force, when the caller has them already.
    An enrolment joined into another at a merge reads as the one kept, with the evidence of
    both (app/caseload/same_enrolment.py)."""
    from app.caseload.same_enrolment import enrolment_family
    family = enrolment_family(session, enrolment_id)
    enrolment_id = family[0]
    enrolment = session.get(Enrolment, enrolment_id)
    qual = session.get(Qualification, enrolment.qualification_id)
    units = session.scalars(select(Unit).join(EnrolmentUnit, EnrolmentUnit.unit_id == Unit.id)
                            .where(EnrolmentUnit.enrolment_id == enrolment_id,
                                   EnrolmentUnit.deleted_at.is_(None))
                            .order_by(Unit.sort_order)).all()
    unit_ids = [u.id for u in units]
    los = session.execute(select(LearningOutcome.id, LearningOutcome.unit_id, LearningOutcome.number,
                                 LearningOutcome.title)
                          .where(LearningOutcome.unit_id.in_(unit_ids))
                          .order_by(LearningOutcome.sort_order)).all()
    acs = session.execute(select(AssessmentCriterion.id, AssessmentCriterion.lo_id,
                                 AssessmentCriterion.number, AssessmentCriterion.text)
                          .where(AssessmentCriterion.unit_id.in_(unit_ids))
                          .order_by(AssessmentCriterion.sort_order)).all()
    all_rules = session.scalars(select(AssessmentRule).where(
        AssessmentRule.unit_id.in_(unit_ids),
        AssessmentRule.kind.in_(("required", "allowed", "sufficiency")))
        .order_by(AssessmentRule.sort_order)).all()
    rules = [r for r in all_rules if r.kind == "required"]
    sufficiency = [r for r in all_rules if occasions_needed(r)]
    caps = {}
    for r in all_rules:
        if is_video_cap(r):
            caps.setdefault(r.unit_id, r)
    if not_counted is None:
        not_counted = not_in_force(session, enrolment_id=enrolment_id)
    # One more query, only for qualifications that cap video (C&G 2794).
    videos = video_total(session, enrolment_id, not_counted) if caps else None
    covered = session.execute(
        select(CriterionMapping.criterion_id, CriterionMapping.unit_id, CriterionMapping.status,
               EvidenceRecord.id, EvidenceRecord.method, EvidenceRecord.portfolio_ref,
               EvidenceRecord.date, EvidenceRecord.state)
        .join(EvidenceRecord, EvidenceRecord.id == CriterionMapping.record_id)
        .where(EvidenceRecord.enrolment_id.in_(family), EvidenceRecord.deleted_at.is_(None),
               CriterionMapping.deleted_at.is_(None))).all()

    lo_number = {lo.id: lo.number for lo in los}
    by_ac: dict[str, CriterionProgress] = {}
    by_lo: dict[str, list[CriterionProgress]] = {lo.id: [] for lo in los}
    for ac in acs:
        progress = CriterionProgress(ac.id, ac.number, ac.text, lo_number.get(ac.lo_id, ""))
        by_ac[ac.id] = progress
        by_lo.setdefault(ac.lo_id, []).append(progress)
    # (unit, lo, method) -> {record: date} of records meeting an AC there, for required methods
    records_by_scope: dict[tuple[str, str | None, str], dict[str, date | None]] = {}
    # (unit, lo) -> dates of records meeting an AC there, for "different occasions"
    met_dates: dict[tuple[str, str | None], set[date]] = {}
    printed = _printed_if_shared(session, enrolment_id, covered)
    for criterion_id, unit_id, status, record_id, method, ref, when, state in covered:
        progress = by_ac.get(criterion_id)
        if progress is None or record_id in not_counted:
            continue
        ref = printed.get(record_id, ref)   # OBS-001/A3F2 and OBS-001/7C10 are two records
        if ref not in progress.refs:
            progress.refs.append(ref)
            progress.record_ids.append(record_id)
            progress.record_count += 1
        if method not in progress.methods:
            progress.methods.append(method)
        if status == MET:
            progress.status = MET
            progress.signed = progress.signed or state == "signed"
        elif progress.status == NOT_STARTED:
            progress.status = WORKING
        if status != MET:
            continue
        for lo in (progress.lo_number, None):
            records_by_scope.setdefault((unit_id, lo, method), {})[record_id] = when
            if when is not None:
                met_dates.setdefault((unit_id, lo), set()).add(when)

    out = []
    for unit in units:
        outcomes = [OutcomeProgress(lo.id, lo.number, lo.title, by_lo.get(lo.id, []))
                    for lo in los if lo.unit_id == unit.id]
        gaps = []
        for rule in (r for r in rules if r.unit_id == unit.id):
            counted = bool(rule.count and rule.count_of and
                           any(w in rule.count_of.lower() for w in COUNTED))
            needed = rule.count if counted else 1
            meeting = records_by_scope.get((unit.id, rule.lo_number, rule.method), {})
            if rule.evidence:   # a self-assessment, not any reflective account
                meeting = {r: d for r, d in meeting.items()
                           if said_evidence(session, r) == rule.evidence}
            have = (len({d for d in meeting.values() if d is not None})
                    if counts_occasions(rule) else len(meeting))
            gaps.append(RequirementGap(rule.method, rule.lo_number, needed, have,
                                       required_text(rule, unit.number, needed, have)))
        for rule in (r for r in sufficiency if r.unit_id == unit.id):
            gaps.append(SufficiencyGap(occasions_needed(rule), tuple(sorted(
                met_dates.get((unit.id, rule.lo_number), ()))), rule.lo_number))
        cap = caps.get(unit.id)
        if cap is not None:
            gaps.append(VideoCapGap(cap.count, videos, cap.method, cap.lo_number))
        out.append(UnitProgress(unit.id, unit.number, unit.title, outcomes, gaps))
    label = qual.title + (f" ({qual.ab_number})" if qual.ab_number else "")
    return EnrolmentProgress(enrolment_id, label, out)


def learner_progress(session: Session, learner_id: str) -> list[EnrolmentProgress]:
    ids = session.scalars(select(Enrolment.id).where(
        Enrolment.learner_id == learner_id, Enrolment.deleted_at.is_(None))
        .order_by(Enrolment.created_at)).all()
    not_counted = not_in_force(session, learner_id=learner_id) if ids else set()
    return [enrolment_progress(session, e, not_counted) for e in ids]


def _with_merged(session: Session, learner_ids: list[str]) -> list[str]:
    """These learners and any merged into them (their signed records never moved)."""
    out, frontier = list(learner_ids), list(learner_ids)
    while frontier:
        frontier = [i for i in session.scalars(select(Learner.id).where(
            Learner.merged_into_id.in_(frontier))) if i not in out]
        out += frontier
    return out


@dataclass
class CaseloadProgress:
    percent: int
    met: int
    total: int
    last_evidence: date | None
    signed_percent: int = 0        # ACs met by signed evidence


def caseload_progress(session: Session,
                      learner_ids: list[str] | None = None) -> dict[str, CaseloadProgress]:
    """learner_id -> overall progress (met, and met by signed evidence) and date of last
    evidence, in five aggregate queries (the caseload list shows every learner at once);
    `learner_ids` limits them to those learners (app/evidence/progress_cache.py recomputes
    only the ones that changed). A learner with no units and no evidence is absent."""
    # Corrections are few, so the versions not in force are left out by id.
    if learner_ids is not None and len(learner_ids) == 1:
        not_counted = not_in_force(session, learner_id=learner_ids[0])
    else:
        not_counted = not_in_force(session)
    counted = EvidenceRecord.id.not_in(not_counted) if not_counted else true()
    live_units = (select(Enrolment.learner_id, EnrolmentUnit.unit_id, Enrolment.id.label("enrolment_id"))
                  .join(EnrolmentUnit, EnrolmentUnit.enrolment_id == Enrolment.id)
                  .where(Enrolment.deleted_at.is_(None), EnrolmentUnit.deleted_at.is_(None),
                         Enrolment.learner_id.in_(learner_ids) if learner_ids is not None
                         else true())
                  .subquery())
    chosen = EvidenceRecord.learner_id.in_(_with_merged(session, learner_ids)) \
        if learner_ids is not None else true()
    # A record signed on a merged learner (it never moves) counts, and is dated, under the
    # learner kept: its enrolment moved there, and where it was joined into the kept one it
    # points there (app/caseload/same_enrolment.py). Read through the record's enrolment
    # only where a merge happened, so the scan of every mapping is as it was elsewhere.
    own = aliased(Enrolment)
    joined = session.scalar(select(Learner.id).where(
        Learner.merged_into_id.is_not(None)).limit(1)) is not None
    by_record = func.coalesce(own.joined_into_id, own.id) if joined \
        else EvidenceRecord.enrolment_id

    def via_enrolment(query):
        return query.join(own, own.id == EvidenceRecord.enrolment_id) if joined else query
    whose = own.learner_id if joined else EvidenceRecord.learner_id
    totals = dict(session.execute(
        select(live_units.c.learner_id, func.count(AssessmentCriterion.id))
        .join(AssessmentCriterion, AssessmentCriterion.unit_id == live_units.c.unit_id)
        .group_by(live_units.c.learner_id)).all())
    def met_by(*only):
        return dict(session.execute(via_enrolment(
            select(live_units.c.learner_id,
                   func.count(func.distinct(CriterionMapping.criterion_id)))
            .select_from(EvidenceRecord)
            .join(CriterionMapping, CriterionMapping.record_id == EvidenceRecord.id))
            .join(live_units, and_(live_units.c.enrolment_id == by_record,
                                   live_units.c.unit_id == CriterionMapping.unit_id))
            .where(EvidenceRecord.deleted_at.is_(None), CriterionMapping.deleted_at.is_(None),
                   CriterionMapping.status == MET, counted, chosen, *only)
            .group_by(live_units.c.learner_id)).all())
    met = met_by()
    signed = met_by(EvidenceRecord.state == "signed")
    last = dict(session.execute(via_enrolment(
        select(whose, func.max(EvidenceRecord.date)).select_from(EvidenceRecord))
        .where(EvidenceRecord.deleted_at.is_(None), counted, chosen)
        .group_by(whose)).all())
    out = {}
    for learner_id in set(totals) | set(last):
        total, done = totals.get(learner_id, 0), met.get(learner_id, 0)
        when = last.get(learner_id)
        out[learner_id] = CaseloadProgress(
            round(100 * done / total) if total else 0, done, total,
            date.fromisoformat(when) if isinstance(when, str) else when,
            round(100 * signed.get(learner_id, 0) / total) if total else 0)
    return out
