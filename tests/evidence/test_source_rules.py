"""The rules once misread, tried again through the operations the window uses: each bars
what its sentence bars and allows what its source allows, with the sentence and its line in
the refusal, and the requirements at an AC say so (app/evidence/requirements.py).

C&G 2794 (001): line 315 "Evidence must not include: any methods of self-assessment"; line
589, unit 201 LO 4, expects a self-assessment; line 280 "... in the workplace or a realistic
working environment". EDI (002): CU791 line 2801 RWE or work placement permissible, line 2802
no simulation for performance evidence; CU818 line 5119 RWE not permissible; Appendix D line
1223. C&G unit bank (000): unit 228 lines 7639 and 7535.
"""
from __future__ import annotations

import pytest

from app.caseload.validation import InvalidInput
from app.evidence.mapping import barred_units, map_criteria, mappings_of
from app.evidence.progress import enrolment_progress
from app.evidence.records import autosave_record, create_record
from app.evidence.requirements import (
    ALLOWS, BARS, CONFLICT, JUDGEMENT, MEETS, NOT_THIS, at_outcome, judge, unit_requirements,
)
from evidence_helpers import criteria_of, enrol_on_units

CG2794, EDI, BANK = "cg-2794-02", "edi-l2-nvq-customer-service", "cg-customer-service-units"


@pytest.fixture
def cg(catalogue_store):
    enrolment_id, units = catalogue_store.write_now(enrol_on_units, CG2794, ["201", "206"])
    return catalogue_store, enrolment_id, units


@pytest.fixture
def edi(catalogue_store):
    enrolment_id, units = catalogue_store.write_now(enrol_on_units, EDI, ["CU791", "CU818"])
    return catalogue_store, enrolment_id, units


def record(store, enrolment_id, method, **details):
    record_id = store.write_now(create_record, enrolment_id, method)
    if details:
        store.write_now(autosave_record, record_id, {"details": details})
    return record_id


def refusal(store, record_id, acs):
    with pytest.raises(InvalidInput) as caught:
        store.write_now(map_criteria, record_id, {a: "met" for a in acs})
    assert store.read(mappings_of, record_id) == []
    return caught.value.problems[acs[0]]


def judged(store, unit_id, lo, method, evidence=None):
    rules = store.read(unit_requirements, unit_id)
    return {j.requirement.source_line: j.verdict for j in judge(at_outcome(rules, lo), method,
                                                                evidence)}


# -- rule 1: self-assessment, not "Other" ---------------------------------------------------

def test_other_evidence_the_units_invite_is_accepted(cg):
    """A presentation (units 202-207) or a recording is 'Other'; line 315 never barred it."""
    store, enrolment_id, units = cg
    acs = store.read(criteria_of, units["206"])[:3]
    other = record(store, enrolment_id, "Ot", description="Presentation to the team")
    store.write_now(map_criteria, other, {a: "met" for a in acs})
    assert len(store.read(mappings_of, other)) == 3
    assert units["206"] not in store.read(barred_units, enrolment_id, "Ot")


def test_a_self_assessment_is_refused_with_line_315_even_filed_as_a_reflective_account(cg):
    store, enrolment_id, units = cg
    acs = store.read(criteria_of, units["206"])[:2]
    swot = record(store, enrolment_id, "RA", account_kind="self-assessment",
                  account="My SWOT analysis")
    reason = refusal(store, swot, acs)
    assert reason.startswith("A self-assessment (reflective account) cannot be used as "
                             "evidence for unit 206")
    assert "“Evidence must not include: any methods of self-assessment” (source line 315)" in reason
    # a reflective account that is not a self-assessment is evidence as before
    account = record(store, enrolment_id, "RA", account_kind="reflective account",
                     account="How I dealt with the complaint")
    store.write_now(map_criteria, account, {a: "met" for a in acs})
    assert len(store.read(mappings_of, account)) == 2


def test_unit_201_lo_4_expects_the_self_assessment_line_315_bars_a_conflict_shown(cg):
    store, enrolment_id, units = cg
    lo4 = store.read(criteria_of, units["201"], "4")
    lo1 = store.read(criteria_of, units["201"], "1")
    swot = record(store, enrolment_id, "RA", account_kind="self-assessment", account="SWOT")
    refusal(store, swot, lo1)                      # the bar holds outside LO 4
    store.write_now(map_criteria, swot, {a: "met" for a in lo4})
    assert len(store.read(mappings_of, swot)) == len(lo4)
    at_lo4 = judged(store, units["201"], "4", "RA", "self-assessment")
    assert at_lo4[315] == CONFLICT and at_lo4[589] == CONFLICT
    rules = {r.source_line: r for r in store.read(unit_requirements, units["201"])}
    assert rules[315].conflicts_with == (589,) and rules[589].conflicts_with == (315,)
    # a plain reflective account is neither barred nor the self-assessment LO 4 expects
    assert judged(store, units["201"], "4", "RA")[315] == NOT_THIS
    unit = next(u for u in store.read(enrolment_progress, enrolment_id).units
                if u.id == units["201"])
    (gap,) = [g for g in unit.requirements if getattr(g, "lo_number", None) == "4"
              and getattr(g, "method", None) == "RA"]
    assert not gap.outstanding and "Self-assessment (reflective account) required for LO 4" in gap.text


def test_a_reflective_account_does_not_meet_the_self_assessment_lo_4_expects(cg):
    store, enrolment_id, units = cg
    lo4 = store.read(criteria_of, units["201"], "4")
    account = record(store, enrolment_id, "RA", account="What I learned")
    store.write_now(map_criteria, account, {a: "met" for a in lo4})
    unit = next(u for u in store.read(enrolment_progress, enrolment_id).units
                if u.id == units["201"])
    (gap,) = [g for g in unit.requirements if getattr(g, "lo_number", None) == "4"
              and getattr(g, "method", None) == "RA"]
    assert gap.outstanding and "source line 589" in gap.text
    assert any("Self-assessment (reflective account) required for LO 4" in line
               for line in unit.still_needed())


def test_employer_contributions_and_evidence_sources_are_shown_at_every_portfolio_ac(cg):
    store, _, units = cg
    at = judged(store, units["206"], "1", "Wt")
    assert at[316] == JUDGEMENT and at[301] == JUDGEMENT and at[280] == NOT_THIS


# -- rule 2: a realistic working environment is not simulation -------------------------------

def test_rwe_permitted_where_the_unit_permits_it_and_simulation_still_barred(edi):
    store, enrolment_id, units = edi
    acs = store.read(criteria_of, units["CU791"], "1")[:2]
    rwe = record(store, enrolment_id, "RWE", setting="College training restaurant")
    store.write_now(map_criteria, rwe, {a: "met" for a in acs})
    assert len(store.read(mappings_of, rwe)) == 2
    sim = record(store, enrolment_id, "Sim")
    reason = refusal(store, sim, acs)
    assert "Simulation is not allowed for any performance evidence within this unit." in reason
    assert "(source line 2802)" in reason
    at = judged(store, units["CU791"], "1", "RWE")
    assert at[2801] == ALLOWS and at[1223] == ALLOWS


def test_the_four_units_that_bar_rwe_refuse_it_with_their_own_sentence(edi):
    store, enrolment_id, units = edi
    acs = store.read(criteria_of, units["CU818"])[:1]
    rwe = record(store, enrolment_id, "RWE")
    reason = refusal(store, rwe, acs)
    assert "Evidence collected in a realistic working environment or a work placement is not " \
           "permissible for this Unit." in reason and "(source line 5119)" in reason
    assert units["CU818"] in store.read(barred_units, enrolment_id, "RWE")
    assert units["CU791"] not in store.read(barred_units, enrolment_id, "RWE")
    # Appendix D says RWE "can be applied to all Units": the source contradicts itself
    at = judged(store, units["CU818"], "1", "RWE")
    assert at[5119] == CONFLICT
    rules = {r.source_line: r for r in store.read(unit_requirements, units["CU818"])}
    assert rules[5119].conflicts_with == (1223,)


def test_rwe_allowed_by_cg_2794_line_280_where_simulation_is_not(cg):
    store, enrolment_id, units = cg
    acs = store.read(criteria_of, units["206"])[:1]
    rwe = record(store, enrolment_id, "RWE")
    store.write_now(map_criteria, rwe, {a: "met" for a in acs})
    sim = record(store, enrolment_id, "Sim")
    assert "“Simulations should not be used in this unit.” (source line 1788)" in refusal(
        store, sim, acs)
    assert judged(store, units["206"], "1", "Sim")[280] == NOT_THIS


# -- rule 3: unit 228 --------------------------------------------------------------------------

def test_unit_228_asks_for_the_city_and_guilds_assignment_not_any_questioning(catalogue_store):
    enrolment_id, units = catalogue_store.write_now(enrol_on_units, BANK, ["228"])
    store = catalogue_store
    (unit,) = store.read(enrolment_progress, enrolment_id).units
    assert not [g for g in unit.requirements if getattr(g, "method", None) == "Q"]
    at = judged(store, units["228"], "1", "Q")
    assert at[7639] == JUDGEMENT and at[7535] == JUDGEMENT
    texts = {r.source_line: r.source_text for r in store.read(unit_requirements, units["228"])}
    assert "short answer question assignments provided by City & Guilds" in texts[7639]
    assert "Skills CFA on-line ERR workbook" in texts[7535]


def test_a_required_method_is_met_only_by_its_method_and_barred_is_barred(cg):
    store, _, units = cg
    at_obs = judged(store, units["206"], "1", "Obs")
    at_wt = judged(store, units["206"], "1", "Wt")
    required = [line for line, v in at_obs.items() if v == MEETS]
    assert required and all(at_wt[line] != MEETS for line in required)
    assert BARS in judged(store, units["206"], "1", "Sim").values()
