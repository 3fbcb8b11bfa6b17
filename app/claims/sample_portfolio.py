"""Evidence that completes units, written through the app's own operations: for tests, the
demo ("sign off a unit, make a claim") and the benchmarks (`bench/` calls
`build_claim_ready_learner` for a 10-unit claim over 150 records)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.claims.claim import autosave_claim, start_claim
from app.claims.sign_off import sign_off_unit, sign_offs_of
from app.documents.sample import signature_png
from app.evidence.mapping import map_criteria
from app.evidence.records import autosave_record, create_record
from app.evidence.sufficiency import counts_occasions, occasions_needed
from app.models.evidence import JUDGEMENT_FLAGS, EvidenceRecord
from app.models import (
    AssessmentCriterion, AssessmentRule, Enrolment, EnrolmentUnit, Learner, LearningOutcome,
    Unit,
)
from app.signing.sign import sign_record, signing_status

WITNESS = "Priya Shah"
DETAILS = {
    "Obs": {"workplace": "Customer service desk", "start_time": "09:30", "end_time": "10:20",
            "activities": "Greeted each customer, listened to the query, checked the account, "
                          "explained the options and agreed what would happen next.",
            "judgement": "Competent: the learner met every standard observed.",
            "feedback": "Good use of open questions; keep summarising before closing.",
            "learner_comments": "I felt more confident with the refund queries."},
    "Wt": {"witness_name": WITNESS, "job_title": "Team leader", "relationship": "Line manager",
           "contact": "01632 960555", "seen_when": "Over the last month",
           "what_they_saw": "Handled complaints calmly and followed them through to the end."},
    "Q": {"mode": "oral", "questions": [{"question": "How do you handle a complaint you "
                                                     "cannot resolve?",
                                         "answer": "Apologise, record it and escalate to the "
                                                   "team leader the same day.",
                                         "decision": "satisfactory"}]},
    "PD": {"duration": "25", "topics": "Complaints; legislation; service standards.",
           "summary": "Discussed how the learner applies the service standards.",
           "bookmarks": []},
    "P": {"item": "Customer emails", "held_at": "Shared mailbox", "shows": "Clear replies."},
}


def _signer_png(seed: int) -> bytes:
    return signature_png(seed)


def sign_fully(session: Session, record_type: str, record_id: str, learner_name: str,
               assessor_name: str, *, include_iqa: bool = False) -> None:
    """Everyone the record needs signs it, by drawing, in the order the engine asks."""
    names = {"learner": learner_name, "assessor": assessor_name, "witness": WITNESS,
             "expert_witness": WITNESS, "trainee_assessor": assessor_name,
             "countersigning_assessor": "Sam Countersign", "iqa": "Jo Whitfield"}
    for _ in range(6):
        status = signing_status(session, record_type, record_id)
        roles = [r for r in status.next_roles if include_iqa or r != "iqa"]
        if not roles:
            return
        for role in roles:
            sign_record(session, record_type, record_id, signer_name=names[role], role=role,
                        method="drawn", strokes=[[[0, 0], [10, 5], [20, 0]]],
                        image_png=_signer_png(len(role)))


def criteria_of(session: Session, unit_id: str, lo_number: str | None = None) -> list[str]:
    """The unit's AC ids in the source's order, or those of one LO."""
    query = (select(AssessmentCriterion.id).join(LearningOutcome,
                                                 LearningOutcome.id == AssessmentCriterion.lo_id)
             .where(AssessmentCriterion.unit_id == unit_id)
             .order_by(LearningOutcome.sort_order, AssessmentCriterion.sort_order))
    if lo_number:
        query = query.where(LearningOutcome.number == lo_number)
    return session.scalars(query).all()


def complete_unit(session: Session, enrolment_id: str, unit_id: str, *, on: date,
                  learner_name: str, assessor_name: str, records: int = 1) -> list[str]:
    """Signed evidence meeting every AC of the unit and every required method: `records`
    observations share the ACs, plus one record per further required method. Where the
    unit asks for evidence from different occasions (EDI), the records are spread over
    that many days, counting back from `on`."""
    acs = session.scalars(select(AssessmentCriterion.id).where(
        AssessmentCriterion.unit_id == unit_id).order_by(AssessmentCriterion.sort_order)).all()
    rules = session.scalars(select(AssessmentRule).where(AssessmentRule.unit_id == unit_id)).all()
    required = [r for r in rules if r.kind == "required"]
    # An occasion is a date, for a sufficiency rule and a required method alike.
    occasions = max([1] + [occasions_needed(r) for r in rules]
                    + [r.count or 2 for r in required if counts_occasions(r)])
    plan: list[str] = ["Obs"] * max(1, records, occasions)
    # A required method counts only records meeting an AC where the rule applies.
    in_scope: dict[int, list[str]] = {}
    self_assessed: set[int] = set()      # unit 201 LO 4 expects a self-assessment
    for rule in required:
        needed = rule.count if rule.count and rule.count_of else 1
        have = plan.count(rule.method)
        for _ in range(max(0, min(needed, 5) - have)):
            in_scope[len(plan)] = criteria_of(session, unit_id, rule.lo_number)[:1]
            if rule.evidence == "self-assessment":
                self_assessed.add(len(plan))
            plan.append(rule.method)
    made = []
    for i, method in enumerate(plan):
        record_id = create_record(session, enrolment_id, method, title=f"Unit evidence {i + 1}",
                                  on=on - timedelta(days=i % occasions), location="Shop floor")
        details = DETAILS.get(method, {"description": "Evidence gathered at work."})
        if method == "RA":
            details = {"account": "My account of dealing with customers."}
            if i in self_assessed:
                details = {"account_kind": "self-assessment",
                           "account": "My SWOT analysis, reviewed each month for my PDP."}
        autosave_record(session, record_id, {"details": details, **{f: True for f in JUDGEMENT_FLAGS}})
        share = acs[i::len(plan)] if method == "Obs" else in_scope.get(i) or acs[:1]
        if method == "Obs" and i == 0:
            share = acs  # the first observation covers the whole unit, holistically
        map_criteria(session, record_id, {a: "met" for a in share})
        sign_fully(session, "evidence_record", record_id, learner_name, assessor_name)
        made.append(record_id)
    return made


def build_claim_ready_learner(session: Session, *, units: int = 10, records: int = 150,
                              learner_id: str | None = None) -> dict:
    """One demo learner (the first with no evidence yet, unless `learner_id` is given) with
    `units` units complete over `records` signed records, each unit signed off and a signed
    claim over them. Returns ids for the caller."""
    if learner_id is None:   # a portfolio of its own: the demo gives most learners evidence
        enrolment = session.scalars(select(Enrolment).where(
            Enrolment.deleted_at.is_(None),
            ~select(EvidenceRecord.id).where(EvidenceRecord.enrolment_id == Enrolment.id).exists())
            .order_by(Enrolment.created_at)).first()
    else:
        enrolment = session.scalars(select(Enrolment).where(
            Enrolment.learner_id == learner_id, Enrolment.deleted_at.is_(None))).first()
    learner = session.get(Learner, enrolment.learner_id)
    unit_rows = session.scalars(select(Unit).join(EnrolmentUnit, EnrolmentUnit.unit_id == Unit.id)
                                .where(EnrolmentUnit.enrolment_id == enrolment.id,
                                       EnrolmentUnit.deleted_at.is_(None))
                                .order_by(Unit.sort_order)).all()
    chosen = _signable_order(session, enrolment, unit_rows)[:units]
    per_unit = max(1, records // max(1, len(chosen)))
    start = date.today() - timedelta(days=len(chosen) * 7 + 7)
    for n, unit in enumerate(chosen):
        day = start + timedelta(days=n * 7)
        complete_unit(session, enrolment.id, unit.id, on=day, learner_name=learner.full_name,
                      assessor_name="Alex Morgan", records=per_unit)
        # Dated today: the evidence was signed today, and a summative decision is not
        # dated before the signatures it rests on.
        sign_off_id = sign_off_unit(session, enrolment.id, unit.id, summative_date=date.today(),
                                    assessor_name="Alex Morgan")
        sign_fully(session, "unit_sign_off", sign_off_id, learner.full_name, "Alex Morgan")
    ids = [v.id for v in sign_offs_of(session, enrolment.id) if v.signed_off]
    claim_id = start_claim(session, enrolment.id, ids)
    autosave_claim(session, claim_id, {
        "learner_statement": "I have worked on the customer service desk for two years. "
                             "My assessor observed me with customers and asked me questions; "
                             "my team leader wrote a witness testimony. I now check every "
                             "complaint is followed through.",
        "assessor_statement": f"{learner.full_name} has shown competence across every unit "
                              "claimed, through observation, questioning and witness testimony "
                              "that supports the learner's statement."})
    sign_fully(session, "claim", claim_id, learner.full_name, "Alex Morgan")
    return {"learner_id": learner.id, "enrolment_id": enrolment.id, "claim_id": claim_id,
            "uln": learner.uln}


def _signable_order(session: Session, enrolment: Enrolment, units: list[Unit]) -> list[Unit]:
    """Units in an order the qualification allows: any "last" unit goes last."""
    import json
    from app.models import Qualification
    qual = session.get(Qualification, enrolment.qualification_id)
    rules = json.loads(qual.rules_json) if qual.rules_json else {}
    last = {r["unit"] for r in rules.get("order") or [] if r.get("rule") == "last"}
    return [u for u in units if u.number not in last] + [u for u in units if u.number in last]
