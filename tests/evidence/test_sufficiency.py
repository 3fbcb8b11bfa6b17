"""EDI's "evidence … over a sufficient period of time with different customers on different
occasions": a gap until the evidence meeting a unit's ACs carries two different dates, never
a demand for a record of method "Other"; sign-off follows it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.caseload.validation import InvalidInput
from app.claims.sample_portfolio import sign_fully
from app.claims.sign_off import sign_off_unit, sign_offs_of, unit_readiness
from app.evidence.mapping import map_criteria
from app.evidence.progress import MET, WORKING, enrolment_progress
from app.evidence.records import autosave_record, create_record, delete_record
from app.evidence.sufficiency import SufficiencyGap
from app.models import AssessmentRule, EnrolmentUnit, Learner, Qualification
from app.models.evidence import JUDGEMENT_FLAGS
from evidence_helpers import criteria_of, empty_enrolments

FIRST = date.today() - timedelta(days=20)
SECOND = date.today() - timedelta(days=6)
NEEDED = "the unit needs evidence from different occasions (at least 2 dates)."


def edi_enrolment(session):
    """The EDI learner the demo leaves without evidence, and the first of their units."""
    for e in empty_enrolments(session):
        if session.get(Qualification, e.qualification_id).title.startswith("EDI"):
            units = session.scalars(select(EnrolmentUnit.unit_id).where(
                EnrolmentUnit.enrolment_id == e.id, EnrolmentUnit.deleted_at.is_(None))).all()
            return e.id, session.get(Learner, e.learner_id).full_name, units
    raise AssertionError("the demo has no EDI learner without evidence")


@pytest.fixture
def edi(demo_store):
    enrolment_id, learner, units = demo_store.read(edi_enrolment)
    return demo_store, enrolment_id, learner, units[0]


def unit_of(store, enrolment_id, unit_id):
    return next(u for u in store.read(enrolment_progress, enrolment_id).units if u.id == unit_id)


def record(store, enrolment_id, on, acs, status="met"):
    record_id = store.write_now(create_record, enrolment_id, "Obs", title="At the counter", on=on)
    # Judged on all five, as evidence a unit is signed off on must be.
    store.write_now(autosave_record, record_id, {f: True for f in JUDGEMENT_FLAGS})
    store.write_now(map_criteria, record_id, {a: status for a in acs})
    return record_id


def test_an_edi_enrolment_is_never_asked_for_other_evidence(edi):
    store, enrolment_id, _, _ = edi
    progress = store.read(enrolment_progress, enrolment_id)
    assert progress.units
    for unit in progress.units:
        words = " ".join(unit.still_needed())
        assert "Other" not in words and "required" not in words, unit.number
        (gap,) = unit.requirements
        assert isinstance(gap, SufficiencyGap) and gap.outstanding
        assert gap.text == f"Different occasions: no AC met yet; {NEEDED}"
        assert unit.still_needed()[0] == gap.text


def test_all_acs_met_on_one_date_leaves_the_gap_and_a_second_date_closes_it(edi):
    store, enrolment_id, _, unit_id = edi
    acs = store.read(criteria_of, unit_id)
    record(store, enrolment_id, FIRST, acs)
    one_day = unit_of(store, enrolment_id, unit_id)
    assert one_day.percent == 100 and all(c.status == MET for c in one_day.criteria)
    assert one_day.status == WORKING      # every AC met, but not yet over time
    assert one_day.still_needed() == [
        f"Different occasions: the ACs met so far were met on 1 date ({FIRST:%d/%m/%Y}); "
        f"{NEEDED}"]

    # another record the same day, or one only working towards on another day, is no
    # second occasion of evidence meeting the ACs
    record(store, enrolment_id, FIRST, acs[:1])
    record(store, enrolment_id, SECOND, acs[1:2], status="working_towards")
    assert unit_of(store, enrolment_id, unit_id).outstanding[0].have == 1

    second = record(store, enrolment_id, SECOND, acs[:1])
    done = unit_of(store, enrolment_id, unit_id)
    assert done.outstanding == [] and done.still_needed() == [] and done.status == MET
    (gap,) = done.requirements
    assert gap.dates == (FIRST, SECOND) and gap.text == (
        f"Different occasions: the ACs met so far were met on 2 dates "
        f"({FIRST:%d/%m/%Y}, {SECOND:%d/%m/%Y}).")

    store.write_now(delete_record, second)   # the second occasion gone, the gap is back
    assert unit_of(store, enrolment_id, unit_id).outstanding[0].have == 1


def test_sign_off_waits_for_the_second_date_and_nothing_else(edi):
    store, enrolment_id, learner, unit_id = edi
    acs = store.read(criteria_of, unit_id)
    first = record(store, enrolment_id, FIRST, acs)
    store.write_now(lambda s: sign_fully(s, "evidence_record", first, learner, "Alex Morgan"))
    readiness = next(r for r in store.read(unit_readiness, enrolment_id) if r.unit_id == unit_id)
    gap = (f"Different occasions: the ACs met so far were met on 1 date ({FIRST:%d/%m/%Y}); "
           f"{NEEDED}")
    assert readiness.missing == [gap]
    with pytest.raises(InvalidInput) as refused:
        store.write_now(lambda s: sign_off_unit(s, enrolment_id, unit_id,
                                                summative_date=date.today(),
                                                assessor_name="Alex Morgan"))
    assert refused.value.problems["unit"].endswith(f"cannot be signed off yet:\n• {gap}")

    second = record(store, enrolment_id, SECOND, acs[-1:])
    store.write_now(lambda s: sign_fully(s, "evidence_record", second, learner, "Alex Morgan"))
    readiness = next(r for r in store.read(unit_readiness, enrolment_id) if r.unit_id == unit_id)
    assert readiness.ready
    # (Dated today: the evidence was signed today, and the decision is not dated before it.)
    store.write_now(lambda s: sign_off_unit(s, enrolment_id, unit_id, summative_date=date.today(),
                                            assessor_name="Alex Morgan"))
    assert [v.unit_id for v in store.read(sign_offs_of, enrolment_id)] == [unit_id]


def test_every_edi_unit_carries_one_sufficiency_rule_and_no_required_method(demo_store):
    def rules(session):
        return session.execute(
            select(AssessmentRule.kind, AssessmentRule.method, AssessmentRule.count_of)
            .where(AssessmentRule.kind.in_(("required", "sufficiency")))
            .where(AssessmentRule.unit_id.in_(edi_enrolment(session)[2]))).all()
    found = demo_store.read(rules)
    assert found and set(found) == {("sufficiency", None, "occasions")}


def test_sample_evidence_for_an_edi_unit_comes_from_two_days(edi):
    """Tests, the demo and the benchmarks complete units with complete_unit: for EDI it
    spreads the records over two days, so the unit can be signed off like any other."""
    from app.claims.sample_portfolio import complete_unit
    store, enrolment_id, learner, unit_id = edi
    store.write_now(lambda s: complete_unit(s, enrolment_id, unit_id, on=SECOND,
                                            learner_name=learner, assessor_name="Alex Morgan"))
    (gap,) = unit_of(store, enrolment_id, unit_id).requirements
    assert gap.dates == (SECOND - timedelta(days=1), SECOND) and not gap.outstanding
    assert next(r for r in store.read(unit_readiness, enrolment_id) if r.unit_id == unit_id).ready
