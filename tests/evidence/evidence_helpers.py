"""Finding a demo enrolment with the rules a test needs, by what the catalogue says."""
from __future__ import annotations

from sqlalchemy import select

from app.caseload.demo_evidence_plans import PLANS
from app.claims import sample_portfolio
from app.models import (
    AssessmentRule, Enrolment, EnrolmentUnit,
    Qualification, SpecPack, Unit,
)


def empty_enrolments(session):
    """The enrolments the demo leaves without evidence (the last learner on each
    qualification), in demo order, so a test's first record is OBS-001 and its signatures
    the only ones on the learner. Worked out from the demo's plans, not from what is in the
    portfolio, so the answer stays the same after the test adds records."""
    slots: dict[str, int] = {}
    out = []
    for enrolment, pack in session.execute(
            select(Enrolment, SpecPack.pack_id)
            .join(Qualification, Qualification.id == Enrolment.qualification_id)
            .join(SpecPack, SpecPack.id == Qualification.pack_row_id)
            .order_by(Enrolment.created_at)):
        slot = slots.get(pack, 0)
        slots[pack] = slot + 1
        if slot >= len(PLANS.get(pack, [])):
            out.append(enrolment)
    return out


def enrolment_with_rules(session):
    """(enrolment_id, learner_id, unit_with_barred_sim_and_required_obs, another_unit):
    a C&G 2794 enrolment with no evidence yet whose chosen units include one barring
    simulation unit-wide and requiring observation for an LO."""
    for e in empty_enrolments(session):
        units = session.scalars(select(EnrolmentUnit.unit_id).where(
            EnrolmentUnit.enrolment_id == e.id, EnrolmentUnit.deleted_at.is_(None))).all()
        for unit_id in units:
            rules = session.scalars(select(AssessmentRule).where(
                AssessmentRule.unit_id == unit_id)).all()
            if any(r.kind == "barred" and r.method == "Sim" and r.lo_number is None for r in rules) \
                    and any(r.kind == "required" and r.method == "Obs" for r in rules):
                other = next(u for u in units if u != unit_id)
                return e.id, e.learner_id, unit_id, other
    raise AssertionError("demo caseload has no such enrolment")


def criteria_of(session, unit_id, lo_number=None):
    return sample_portfolio.criteria_of(session, unit_id, lo_number)


def required_obs_lo(session, unit_id):
    rule = session.scalars(select(AssessmentRule).where(
        AssessmentRule.unit_id == unit_id, AssessmentRule.kind == "required",
        AssessmentRule.method == "Obs")).first()
    return rule.lo_number


def unit_number(session, unit_id):
    return session.get(Unit, unit_id).number


def fresh_2794_enrolment(session):
    """A new learner on C&G 2794 with the demo's unit choice and an empty portfolio (the
    demo's own learners may already have evidence that would muddy the totals)."""
    from app.caseload.enrolments import choose_units, chosen_unit_ids, enrol
    from app.caseload.learners import save_learner
    existing = next(e for e in session.scalars(select(Enrolment).order_by(Enrolment.created_at))
                    if session.get(Qualification, e.qualification_id).ab_number == "2794-02")
    existing_id = existing.id
    learner_id = save_learner(session, None, {"given_names": "Grace", "family_name": "Okoye"})
    enrolment_id = enrol(session, learner_id, existing.qualification_id,
                         registration_number="CG-9001", assessor_id=existing.assessor_id)
    choose_units(session, enrolment_id, chosen_unit_ids(session, existing_id))
    return enrolment_id, "Grace Okoye", learner_id


def enrol_on_units(session, pack_id, unit_numbers, family_name="Mensah"):
    """A new learner enrolled on the qualification of `pack_id` with just these units
    chosen (whatever the rules of combination say: a choice part-way is saved). Returns
    (enrolment_id, {unit number: unit id})."""
    from app.caseload.enrolments import choose_units, enrol
    from app.caseload.learners import save_learner
    from app.models import QualificationUnit
    qual_id = session.scalars(select(Qualification.id).join(
        SpecPack, SpecPack.id == Qualification.pack_row_id).where(SpecPack.pack_id == pack_id)
        .order_by(Qualification.sort_order)).first()
    units = dict(session.execute(select(Unit.number, Unit.id).join(
        QualificationUnit, QualificationUnit.unit_id == Unit.id).where(
        QualificationUnit.qualification_id == qual_id, Unit.number.in_(unit_numbers))).all())
    assert set(units) == set(unit_numbers), units
    learner_id = save_learner(session, None, {"given_names": "Kofi", "family_name": family_name})
    enrolment_id = enrol(session, learner_id, qual_id)
    choose_units(session, enrolment_id, set(units.values()))
    return enrolment_id, units
