"""The demo caseload a new user loads to try Fieldfolio: learners with evidence at different
stages, one unit ready to sign off, the same on every load, and never doubled by loading
it again."""
from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select

from app.caseload.demo import load_demo_caseload
from app.caseload.profile import set_up
from app.caseload.demo_evidence_plans import COMPLETE_UNIT, PLANS, RECORDS
from app.claims.sign_off import sign_off_unit, unit_readiness
from app.db.store import Store
from app.evidence.progress import MET, NOT_STARTED, WORKING, learner_progress
from app.models import (
    AuditEvent, Employer, Enrolment, EnrolmentUnit, Learner, Qualification, Signature, SpecPack,
)
from app.models.evidence import JUDGEMENT_FLAGS, CriterionMapping, EvidenceRecord
from app.signing.integrity import verify_integrity

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")   # a word the plans meant to fill in


def _counts(session) -> dict[str, int]:
    return {model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Learner, Enrolment, EnrolmentUnit, EvidenceRecord, CriterionMapping,
                          Signature, AuditEvent)}


def _learner(session, given: str) -> Learner:
    return session.scalars(select(Learner).where(Learner.given_names == given)).one()


def _by_qualification(session) -> dict[str, list[Learner]]:
    """pack id -> the demo's learners on it, in the order the demo enrolled them."""
    out: dict[str, list[Learner]] = {}
    for enrolment, pack in session.execute(
            select(Enrolment, SpecPack.pack_id)
            .join(Qualification, Qualification.id == Enrolment.qualification_id)
            .join(SpecPack, SpecPack.id == Qualification.pack_row_id)
            .order_by(Enrolment.created_at)):
        out.setdefault(pack, []).append(session.get(Learner, enrolment.learner_id))
    return out


def _records(session, learner_id: str) -> list[EvidenceRecord]:
    return session.scalars(select(EvidenceRecord).where(EvidenceRecord.learner_id == learner_id)
                           .order_by(EvidenceRecord.portfolio_ref)).all()


def test_loading_the_demo_twice_adds_nothing_the_second_time(demo_store):
    before = demo_store.read(_counts)
    result = demo_store.write_now(load_demo_caseload)
    assert result["learners"] == 0 and result["evidence_records"] == 0
    assert demo_store.read(_counts) == before
    assert before["Learner"] == 12 and before["EvidenceRecord"] > 0


def test_most_learners_have_evidence_and_the_last_on_each_qualification_none(demo_store):
    def check(session):
        groups = _by_qualification(session)
        assert len(groups) == 3
        with_evidence = 0
        for pack, learners in groups.items():
            for slot, learner in enumerate(learners):
                records = _records(session, learner.id)
                if slot < len(PLANS[pack]):
                    assert len(records) == len(PLANS[pack][slot]) >= 3, learner.full_name
                    with_evidence += 1
                else:
                    assert records == [], f"{learner.full_name} should start empty"
        assert with_evidence == 9
        everything = session.scalars(select(EvidenceRecord)).all()
        assert {r.method for r in everything} == {"Obs", "PD", "Q", "Wt", "P"}
        assert {r.state for r in everything} == {"draft", "ready", "signed"}
    demo_store.read(check)


def test_every_planned_ac_is_mapped_so_no_method_was_refused(demo_store):
    """A mapping a unit's rules refuse is dropped by the demo rather than stop it loading;
    so every AC the plans name must be there, with the status planned."""
    def check(session):
        for pack, learners in _by_qualification(session).items():
            for learner, plan in zip(learners, PLANS[pack]):
                planned = Counter((RECORDS[pack][key].method, status)
                                  for key, _days, _state in plan
                                  for _unit, acs, status in RECORDS[pack][key].covers
                                  for _ac in acs.split())
                mapped = Counter(session.execute(
                    select(EvidenceRecord.method, CriterionMapping.status)
                    .join(CriterionMapping, CriterionMapping.record_id == EvidenceRecord.id)
                    .where(EvidenceRecord.learner_id == learner.id)).all())
                assert mapped == planned, learner.full_name
    demo_store.read(check)


def test_records_read_like_an_assessors(demo_store):
    def check(session):
        amelia = _learner(session, "Amelia")
        employer = session.get(Employer, amelia.employer_id)
        records = {r.portfolio_ref: r for r in _records(session, amelia.id)}
        obs = json.loads(records["OBS-001"].details_json)
        assert obs["start_time"] < obs["end_time"]
        assert len(obs["notes"]) >= 3
        assert all(obs["start_time"] <= n["at"] <= obs["end_time"] and n["text"] for n in obs["notes"])
        assert obs["judgement"] and obs["feedback"]
        pd = json.loads(records["PD-001"].details_json)
        assert pd["topics"] and pd["summary"].startswith("Amelia ")
        questions = json.loads(records["Q-001"].details_json)["questions"]
        assert 2 <= len(questions) <= 3
        assert all(q["question"] and q["answer"] and q["decision"] for q in questions)
        witness = json.loads(records["WT-001"].details_json)
        assert witness["witness_name"] == employer.contact_name == "Priya Shah"
        assert witness["job_title"] == employer.contact_role
        product = json.loads(records["PE-001"].details_json)
        assert employer.name in product["held_at"]
        for record in session.scalars(select(EvidenceRecord)):
            words = record.title + record.location + record.details_json
            assert not PLACEHOLDER.search(words), (record.portfolio_ref, words)
            flags = {getattr(record, f) for f in JUDGEMENT_FLAGS}
            assert flags == ({False} if record.state == "draft" else {True}), record.portfolio_ref
    demo_store.read(check)


def test_nothing_is_dated_in_the_future_and_dates_spread_over_recent_weeks(demo_store):
    dates = demo_store.read(lambda s: s.scalars(select(EvidenceRecord.date)).all())
    today = date.today()
    assert max(dates) <= today
    assert min(dates) >= today - timedelta(weeks=8)
    assert len(set(dates)) >= 15


def test_amelias_grid_shows_met_working_towards_and_not_started(demo_store):
    amelia = demo_store.read(_learner, "Amelia")
    [progress] = demo_store.read(learner_progress, amelia.id)
    statuses = {c.status for u in progress.units for c in u.criteria}
    assert statuses == {MET, WORKING, NOT_STARTED}
    by_unit = {u.number: u for u in progress.units}
    assert by_unit["204"].status == MET and by_unit["204"].percent == 100
    assert by_unit["205"].status == WORKING
    assert {c.status for c in by_unit["206"].criteria} == {WORKING, NOT_STARTED}
    assert 0 < progress.percent < 50


def test_the_far_along_unit_needs_nothing_more_and_can_be_signed_off_at_once(demo_store):
    pack, slot, unit_number = COMPLETE_UNIT
    amelia = demo_store.read(_learner, "Amelia")
    assert demo_store.read(lambda s: _by_qualification(s)[pack][slot].id) == amelia.id
    [progress] = demo_store.read(learner_progress, amelia.id)
    unit = next(u for u in progress.units if u.number == unit_number)
    assert unit.still_needed() == [] and unit.outstanding == []
    assert any(r.method == "Obs" for r in unit.requirements)     # the observation its rules ask
    readiness = {r.unit_number: r for r in demo_store.read(unit_readiness, progress.enrolment_id)}
    assert readiness[unit_number].missing == []
    assert all(e["signed"] for e in readiness[unit_number].evidence)
    assert readiness["205"].missing                              # still in progress
    sign_off_id = demo_store.write_now(sign_off_unit, progress.enrolment_id, unit.id,
                                       summative_date=date.today(), assessor_name="Alex Morgan")
    assert sign_off_id
    assert demo_store.read(verify_integrity).ok


def test_the_demo_is_the_same_on_every_machine(catalogue_db, tmp_path):
    def portfolio(session):
        rows = session.execute(
            select(Learner.uln, EvidenceRecord.portfolio_ref, EvidenceRecord.title,
                   EvidenceRecord.date, EvidenceRecord.state, EvidenceRecord.details_json)
            .join(Learner, Learner.id == EvidenceRecord.learner_id)).all()
        return sorted(tuple(map(str, r)) for r in rows)

    seen = []
    for name in ("one", "two"):
        shutil.copytree(catalogue_db, tmp_path / name)
        with Store(tmp_path / name) as store:
            store.write_now(load_demo_caseload)
            seen.append(store.read(portfolio))
    assert seen[0] == seen[1] and len(seen[0]) == 40


def test_a_trainee_assessors_demo_leaves_the_unit_ready_for_signatures(catalogue_store):
    """A trainee's decisions need a countersigning assessor the demo cannot name, so the
    demo signs nothing rather than half of it; the unit waits only for signatures."""
    catalogue_store.write_now(set_up, "Robin Hale", "trainee_assessor", "Riverside", "")
    catalogue_store.write_now(load_demo_caseload)
    amelia = catalogue_store.read(_learner, "Amelia")
    [progress] = catalogue_store.read(learner_progress, amelia.id)
    readiness = {r.unit_number: r for r in catalogue_store.read(unit_readiness, progress.enrolment_id)}
    [missing] = readiness[COMPLETE_UNIT[2]].missing
    assert missing.startswith("Evidence not yet signed: OBS-001")
    assert catalogue_store.read(lambda s: s.scalar(select(func.count()).select_from(Signature))) == 0
    states = catalogue_store.read(lambda s: {r.state for r in _records(s, amelia.id)})
    assert states == {"draft", "ready"}
