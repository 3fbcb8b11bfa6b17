"""Which version of a corrected record counts: the signed original until its correction
carries every signature it needs, then the correction alone. Made through the operations the
window uses (map, sign, amend, edit the amendment, sign it) and read back as progress, the
caseload list, unit sign-off and the evidence matrix."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.caseload.queries import caseload_rows
from app.claims.paperwork import enrolment_pack_data
from app.claims.sample_portfolio import complete_unit, sign_fully
from app.claims.sign_off import sign_off_unit, unit_readiness
from app.evidence.in_force import not_in_force
from app.evidence.mapping import map_criteria
from app.evidence.progress import MET, WORKING, caseload_progress, enrolment_progress
from app.models import Enrolment, EnrolmentUnit, Learner, Unit
from app.models.evidence import CriterionMapping, EvidenceRecord
from app.signing.amend import amend
from app.signing.sign import sign_record
from tests.evidence.evidence_helpers import empty_enrolments

EV = "evidence_record"
ASSESSOR = "Alex Morgan"


@pytest.fixture
def unit_complete(demo_store):
    """A learner with one unit met by signed evidence; returns the store, enrolment, unit,
    the first observation (it covers every AC) and an AC only that record meets."""
    def build(session):
        enrolment = empty_enrolments(session)[0]
        # Not a unit the qualification signs off last (C&G 2794's 201): it waits for others.
        unit_id = next(r.unit_id for r in unit_readiness(session, enrolment.id)
                       if not any("signed off last" in line for line in r.missing))
        learner = session.get(Learner, enrolment.learner_id)
        made = complete_unit(session, enrolment.id, unit_id, on=date.today(),
                             learner_name=learner.full_name, assessor_name=ASSESSOR)
        first = made[0]
        met_by = {}
        for criterion_id, record_id in session.execute(
                select(CriterionMapping.criterion_id, CriterionMapping.record_id).where(
                    CriterionMapping.record_id.in_(made), CriterionMapping.status == MET,
                    CriterionMapping.deleted_at.is_(None))):
            met_by.setdefault(criterion_id, set()).add(record_id)
        only_first = next(c for c, records in met_by.items() if records == {first})
        return enrolment.id, unit_id, first, only_first
    enrolment_id, unit_id, first, ac = demo_store.write_now(build)
    return demo_store, enrolment_id, unit_id, first, ac


def learner_name(session, enrolment_id):
    enrolment = session.get(Enrolment, enrolment_id)
    return session.get(Learner, enrolment.learner_id).full_name


def ac_progress(store, enrolment_id, criterion_id):
    progress = store.read(enrolment_progress, enrolment_id)
    return next(c for u in progress.units for c in u.criteria if c.id == criterion_id)


def readiness(store, enrolment_id, unit_id):
    return next(r for r in store.read(unit_readiness, enrolment_id) if r.unit_id == unit_id)


def met_in_caseload(store, enrolment_id):
    learner_id = store.read(lambda s: s.get(Enrolment, enrolment_id).learner_id)
    return store.read(caseload_progress)[learner_id].met


def correct(store, record_id, changes, reason="AC judged too early"):
    """Amend a signed record and apply `changes` (criterion id -> status) to the draft."""
    amended = store.write_now(amend, record_id, reason)
    store.write_now(map_criteria, amended, changes)
    return amended


def sign_all(store, enrolment_id, record_id):
    store.write_now(lambda s: sign_fully(s, EV, record_id, learner_name(s, enrolment_id),
                                         ASSESSOR))


def test_a_signed_downgrade_takes_the_ac_back_to_working_towards(unit_complete):
    store, enrolment_id, unit_id, first, ac = unit_complete
    assert ac_progress(store, enrolment_id, ac).status == MET
    assert readiness(store, enrolment_id, unit_id).ready
    met_before = met_in_caseload(store, enrolment_id)
    amended = correct(store, first, {ac: "working_towards"})

    # Not yet signed: the signed original stands and the draft correction meets nothing.
    assert ac_progress(store, enrolment_id, ac).status == MET
    ready = readiness(store, enrolment_id, unit_id)
    assert ready.ready
    assert first in {e["id"] for e in ready.evidence}
    assert amended not in {e["id"] for e in ready.evidence}
    assert met_in_caseload(store, enrolment_id) == met_before
    assert store.read(not_in_force, enrolment_id=enrolment_id) == {amended}

    # Part signed is not enough: the correction needs every signature.
    store.write_now(sign_record, EV, amended, signer_name="Amelia Hughes", role="learner",
                    method="drawn", strokes=[[[0, 0], [10, 5]]], image_png=b"\x89PNG-x")
    assert ac_progress(store, enrolment_id, ac).status == MET

    # Fully signed: the correction counts and the original is superseded.
    sign_all(store, enrolment_id, amended)
    progress = ac_progress(store, enrolment_id, ac)
    assert progress.status == WORKING
    assert progress.record_count == 1
    ready = readiness(store, enrolment_id, unit_id)
    assert not ready.ready
    assert any(line.startswith(f"AC {progress.number} is working towards")
               for line in ready.missing)
    ids = {e["id"] for e in ready.evidence}
    assert first not in ids
    # The correction is met nowhere in this unit now, unless it meets other ACs; where it is
    # listed it is named as the version it is.
    ref = store.read(lambda s: s.get(EvidenceRecord, first).portfolio_ref)
    assert all(e["ref"] == f"{ref} (amendment 1)" for e in ready.evidence if e["id"] == amended)
    assert met_in_caseload(store, enrolment_id) == met_before - 1
    assert store.read(not_in_force, enrolment_id=enrolment_id) == {first}
    with pytest.raises(Exception) as refused:
        store.write_now(sign_off_unit, enrolment_id, unit_id, summative_date=date.today(),
                        assessor_name=ASSESSOR)
    assert "working towards" in str(getattr(refused.value, "problems", refused.value))


def test_an_unsigned_upgrade_does_not_meet_until_signed(demo_store):
    def build(session):
        enrolment = empty_enrolments(session)[0]
        unit_id = session.scalars(select(EnrolmentUnit.unit_id).where(
            EnrolmentUnit.enrolment_id == enrolment.id, EnrolmentUnit.deleted_at.is_(None))
        ).first()
        from tests.evidence.evidence_helpers import criteria_of
        from app.evidence.records import create_record
        a, b = criteria_of(session, unit_id)[:2]
        record = create_record(session, enrolment.id, "Obs", title="Returned kettle")
        map_criteria(session, record, {a: "met", b: "working_towards"})
        sign_fully(session, EV, record, learner_name(session, enrolment.id), ASSESSOR)
        return enrolment.id, record, a, b
    enrolment_id, record, a, b = demo_store.write_now(build)
    store = demo_store
    met_before = met_in_caseload(store, enrolment_id)
    amended = correct(store, record, {b: "met"}, reason="AC 1.2 was fully met")
    assert ac_progress(store, enrolment_id, b).status == WORKING
    assert ac_progress(store, enrolment_id, a).record_count == 1
    assert met_in_caseload(store, enrolment_id) == met_before
    sign_all(store, enrolment_id, amended)
    assert ac_progress(store, enrolment_id, b).status == MET
    assert ac_progress(store, enrolment_id, a).status == MET
    assert met_in_caseload(store, enrolment_id) == met_before + 1
    # The caseload list shows the same number the learner's page does.
    learner_id = store.read(lambda s: s.get(Enrolment, enrolment_id).learner_id)
    row = next(r for r in store.read(caseload_rows) if r.learner_id == learner_id)
    assert row.progress_percent == store.read(enrolment_progress, enrolment_id).percent


def test_a_chain_counts_its_newest_fully_signed_version(unit_complete):
    store, enrolment_id, unit_id, first, ac = unit_complete
    second = correct(store, first, {ac: "working_towards"})
    sign_all(store, enrolment_id, second)
    assert ac_progress(store, enrolment_id, ac).status == WORKING
    third = correct(store, second, {ac: "met"}, reason="Seen again: met after all")
    # The draft of the second correction does not count; the signed first one does.
    assert ac_progress(store, enrolment_id, ac).status == WORKING
    assert store.read(not_in_force, enrolment_id=enrolment_id) == {first, third}
    sign_all(store, enrolment_id, third)
    assert ac_progress(store, enrolment_id, ac).status == MET
    assert store.read(not_in_force, enrolment_id=enrolment_id) == {first, second}
    ready = readiness(store, enrolment_id, unit_id)
    assert ready.ready
    ref = store.read(lambda s: s.get(EvidenceRecord, first).portfolio_ref)
    listed = [e["ref"] for e in ready.evidence if e["id"] in (first, second, third)]
    assert listed == [f"{ref} (amendment 2)"]


def test_the_matrix_criteria_met_row_counts_the_version_in_force(unit_complete):
    store, enrolment_id, unit_id, first, ac = unit_complete
    number = ac_progress(store, enrolment_id, ac).number
    unit_no = store.read(lambda s: s.get(Unit, unit_id).number)

    def met_row():
        data = store.read(enrolment_pack_data, enrolment_id, "matrix")
        matrix = next(m for m in data.matrices if m.unit_number == unit_no)
        counted = [row for row in matrix.rows if row.counts]
        return {n for row in counted for n, m in row.marks.items() if m == "met"}, matrix

    met, _ = met_row()
    assert number in met
    amended = correct(store, first, {ac: "working_towards"})
    met, matrix = met_row()
    assert number in met                      # the draft correction changes nothing yet
    sign_all(store, enrolment_id, amended)
    met, matrix = met_row()
    assert number not in met
    # Both versions are still printed: the superseded original as a row that does not count.
    assert sum(1 for row in matrix.rows if not row.counts) == 1
