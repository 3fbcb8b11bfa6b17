"""Mapping records to ACs, the catalogue's rules acting, and the progress numbers."""
from __future__ import annotations

import pytest

from app.caseload.validation import InvalidInput
from app.evidence.mapping import barred_units, map_criteria, mappings_of, unmap_criteria
from app.evidence.progress import (
    MET, NOT_STARTED, WORKING, caseload_progress, enrolment_progress,
)
from app.evidence.records import autosave_record, create_record, delete_record
from evidence_helpers import criteria_of, enrolment_with_rules, required_obs_lo, unit_number


@pytest.fixture
def setting(demo_store):
    enrolment_id, learner_id, ruled, other = demo_store.read(enrolment_with_rules)
    return demo_store, enrolment_id, learner_id, ruled, other


def unit_of(progress, unit_id):
    return next(u for u in progress.units if u.id == unit_id)


def test_one_record_maps_acs_in_two_units(setting):
    store, enrolment_id, learner_id, ruled, other = setting
    a = store.read(criteria_of, ruled)[:2]
    b = store.read(criteria_of, other)[:1]
    record = store.write_now(create_record, enrolment_id, "Obs")
    store.write_now(map_criteria, record, {a[0]: "met", a[1]: "working_towards", b[0]: "met"},
                    {b[0]: "seen with the second customer"})
    views = store.read(mappings_of, record)
    assert {v.criterion_id: v.status for v in views} == {a[0]: "met", a[1]: "working_towards",
                                                         b[0]: "met"}
    assert {v.unit_id for v in views} == {ruled, other}
    assert next(v for v in views if v.criterion_id == b[0]).note == "seen with the second customer"
    # re-mapping changes the status, never duplicates
    store.write_now(map_criteria, record, {a[1]: "met"})
    assert len(store.read(mappings_of, record)) == 3
    store.write_now(unmap_criteria, record, [a[0]])
    assert {v.criterion_id for v in store.read(mappings_of, record)} == {a[1], b[0]}


def test_barred_method_refused_with_reason(setting):
    store, enrolment_id, learner_id, ruled, other = setting
    ac = store.read(criteria_of, ruled)[0]
    record = store.write_now(create_record, enrolment_id, "Sim")
    with pytest.raises(InvalidInput) as caught:
        store.write_now(map_criteria, record, {ac: "met"})
    number = store.read(unit_number, ruled)
    assert f"Simulation / assignment cannot be used as evidence for unit {number}" \
        in caught.value.problems[ac]
    assert store.read(mappings_of, record) == []
    assert ruled in store.read(barred_units, enrolment_id, "Sim")
    assert ruled not in store.read(barred_units, enrolment_id, "Obs")


def test_ac_in_unchosen_unit_refused(setting, demo_store):
    store, enrolment_id, *_ = setting
    from sqlalchemy import select
    from app.models import AssessmentCriterion, EnrolmentUnit
    stranger = store.read(lambda s: s.scalars(select(AssessmentCriterion.id).where(
        AssessmentCriterion.unit_id.not_in(select(EnrolmentUnit.unit_id)))).first())
    record = store.write_now(create_record, enrolment_id, "Obs")
    with pytest.raises(InvalidInput, match="not among the learner's chosen units"):
        store.write_now(map_criteria, record, {stranger: "met"})


def test_progress_per_ac_lo_unit_and_required_observation(setting):
    store, enrolment_id, learner_id, ruled, other = setting
    lo = store.read(required_obs_lo, ruled)
    lo_acs = store.read(criteria_of, ruled, lo)
    all_acs = store.read(criteria_of, ruled)
    before = unit_of(store.read(enrolment_progress, enrolment_id), ruled)
    assert before.percent == 0 and before.status == NOT_STARTED
    assert any("Observation required for LO" in t and "0 of 1" in t for t in before.still_needed())

    # a witness testimony covering the LO does not satisfy "observation required"
    wt = store.write_now(create_record, enrolment_id, "Wt")
    store.write_now(map_criteria, wt, {c: "working_towards" for c in lo_acs})
    mid = unit_of(store.read(enrolment_progress, enrolment_id), ruled)
    assert mid.status == WORKING
    assert [r.method for r in mid.outstanding] == ["Obs"]
    ac = next(c for c in mid.criteria if c.id == lo_acs[0])
    assert (ac.status, ac.record_count, ac.methods) == (WORKING, 1, ["Wt"])

    obs = store.write_now(create_record, enrolment_id, "Obs")
    store.write_now(map_criteria, obs, {c: "met" for c in all_acs})
    done = unit_of(store.read(enrolment_progress, enrolment_id), ruled)
    assert done.outstanding == [] and done.percent == 100 and done.status == MET
    ac = next(c for c in done.criteria if c.id == lo_acs[0])
    assert (ac.status, ac.record_count, sorted(ac.methods)) == (MET, 2, ["Obs", "Wt"])
    assert done.still_needed() == []
    lo_progress = next(o for o in done.outcomes if o.number == lo)
    assert lo_progress.percent == 100

    whole = store.read(enrolment_progress, enrolment_id)
    total = sum(len(u.criteria) for u in whole.units)
    assert whole.percent == round(100 * len(all_acs) / total)

    summary = store.read(caseload_progress)[learner_id]
    assert (summary.met, summary.total, summary.percent) == (len(all_acs), total, whole.percent)
    assert summary.last_evidence is not None

    # deleting the observation brings the gap back
    store.write_now(delete_record, obs)
    again = unit_of(store.read(enrolment_progress, enrolment_id), ruled)
    assert [r.method for r in again.outstanding] == ["Obs"] and again.percent == 0


def test_required_count_stays_outstanding_until_reached(demo_store):
    """'Observation on at least three customers': 2 observations leave it outstanding. (The
    first counted rule is C&G unit 213's "more than one occasion", counted in dates: each
    observation here is on a day of its own.)"""
    from datetime import date, timedelta
    from sqlalchemy import select
    from app.models import AssessmentRule
    from app.caseload.enrolments import choose_units, chosen_unit_ids

    def find(session):
        from app.models import Learner, QualificationUnit
        rule = session.scalars(select(AssessmentRule).where(
            AssessmentRule.kind == "required", AssessmentRule.count.is_not(None))).first()
        qual_id = session.scalars(select(QualificationUnit.qualification_id).where(
            QualificationUnit.unit_id == rule.unit_id)).first()
        learner_id = session.scalars(select(Learner.id)).first()
        return rule.unit_id, rule.lo_number, rule.count, rule.count_of, qual_id, learner_id

    from app.caseload.enrolments import enrol
    unit_id, lo, count, count_of, qual_id, learner_id = demo_store.read(find)
    enrolment_id = demo_store.write_now(enrol, learner_id, qual_id)
    chosen = demo_store.read(chosen_unit_ids, enrolment_id)
    demo_store.write_now(choose_units, enrolment_id, chosen | {unit_id})
    ac = demo_store.read(criteria_of, unit_id, lo)[0]
    for i in range(count):
        record = demo_store.write_now(create_record, enrolment_id, "Obs",
                                      on=date(2026, 11, 2) + timedelta(days=i))
        demo_store.write_now(map_criteria, record, {ac: "met"})
        gap = next(r for r in unit_of(demo_store.read(enrolment_progress, enrolment_id),
                                      unit_id).requirements if r.method == "Obs")
        assert gap.have == i + 1 and gap.needed == count
        assert gap.outstanding == (i + 1 < count)
        assert f"at least {count} {count_of}" in gap.text


def test_caseload_rows_carry_progress_and_last_evidence(setting):
    from datetime import date
    from app.caseload.queries import caseload_rows
    store, enrolment_id, learner_id, ruled, other = setting
    others_before = {r.learner_id: (r.progress_percent, r.last_evidence)
                     for r in store.read(caseload_rows) if r.learner_id != learner_id}
    assert any(percent > 0 for percent, _ in others_before.values())   # the demo's evidence
    record = store.write_now(create_record, enrolment_id, "Obs")
    store.write_now(autosave_record, record, {"date": "02/11/2026"})
    store.write_now(map_criteria, record, {c: "met" for c in store.read(criteria_of, ruled)})
    row = next(r for r in store.read(caseload_rows) if r.learner_id == learner_id)
    assert row.last_evidence == date(2026, 11, 2)
    assert row.progress_percent == store.read(enrolment_progress, enrolment_id).percent > 0
    others = {r.learner_id: (r.progress_percent, r.last_evidence)
              for r in store.read(caseload_rows) if r.learner_id != learner_id}
    assert others == others_before
