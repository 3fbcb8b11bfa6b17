"""A required method is the evidence that meets the ACs, and an occasion is a date.

Pinned to the source: C&G customer service units (000), unit 213, lines 4204-4206: "Here the
candidate will require to be observed preparing for a visit(s) and then delivering customer
service on customer's premises. This requires to be carried out on more than one occasion."
Two observation records of one visit are one occasion; an observation that only works
towards the ACs has not shown the learner doing it.
"""
from __future__ import annotations

from datetime import date

import pytest

from app.evidence.mapping import map_criteria
from app.evidence.progress import enrolment_progress
from app.evidence.records import create_record
from evidence_helpers import criteria_of, enrol_on_units

VISIT, SECOND_VISIT = date(2026, 11, 3), date(2026, 11, 17)


@pytest.fixture
def unit_213(catalogue_store):
    enrolment_id, units = catalogue_store.write_now(
        enrol_on_units, "cg-customer-service-units", ["213"])
    return catalogue_store, enrolment_id, units["213"]


def observation_gap(store, enrolment_id, unit_id):
    unit = next(u for u in store.read(enrolment_progress, enrolment_id).units if u.id == unit_id)
    (gap,) = [r for r in unit.requirements if getattr(r, "method", None) == "Obs"]
    return gap


def observe(store, enrolment_id, acs, on, status="met"):
    record = store.write_now(create_record, enrolment_id, "Obs", on=on)
    store.write_now(map_criteria, record, {a: status for a in acs})
    return record


def test_the_rule_is_read_from_line_4204(unit_213):
    store, enrolment_id, unit_id = unit_213
    gap = observation_gap(store, enrolment_id, unit_id)
    assert (gap.lo_number, gap.needed, gap.have) == ("2", 2, 0)
    assert "source line 4204" in gap.text and "more than one occasion" in gap.text


def test_two_records_of_one_visit_are_one_occasion(unit_213):
    store, enrolment_id, unit_id = unit_213
    acs = store.read(criteria_of, unit_id, "2")
    observe(store, enrolment_id, acs[:1], VISIT)
    observe(store, enrolment_id, acs[1:2], VISIT)
    gap = observation_gap(store, enrolment_id, unit_id)
    assert gap.outstanding and gap.have == 1
    assert "1 of 2 different dates so far" in gap.text
    observe(store, enrolment_id, acs[:1], SECOND_VISIT)
    gap = observation_gap(store, enrolment_id, unit_id)
    assert not gap.outstanding and gap.have == 2


def test_an_observation_working_towards_is_not_the_required_observation(unit_213):
    store, enrolment_id, unit_id = unit_213
    acs = store.read(criteria_of, unit_id, "2")
    observe(store, enrolment_id, acs, VISIT, status="working_towards")
    observe(store, enrolment_id, acs, SECOND_VISIT, status="working_towards")
    gap = observation_gap(store, enrolment_id, unit_id)
    assert gap.outstanding and gap.have == 0
    # the same visits judged as meeting the ACs are the evidence the source asks for
    observe(store, enrolment_id, acs[:1], VISIT)
    observe(store, enrolment_id, acs[:1], SECOND_VISIT)
    assert not observation_gap(store, enrolment_id, unit_id).outstanding
