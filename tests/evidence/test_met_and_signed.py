"""Progress shows met-and-signed apart from met-but-unsigned: an AC ticked met on a draft is
'met, not yet signed' (◕) in the grid, the percentages say how much is signed, the caseload
says both, and the unit achievement summary counts only signed evidence as met."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.caseload.queries import caseload_rows
from app.claims.paperwork import _portfolio, achievement_summary
from app.claims.sample_portfolio import sign_fully
from app.evidence.mapping import map_criteria
from app.evidence.progress import MET, MET_UNSIGNED, caseload_progress, enrolment_progress
from app.evidence.records import autosave_record, create_record
from app.models import AssessmentCriterion, EnrolmentUnit, Learner
from app.models.evidence import JUDGEMENT_FLAGS
from tests.evidence.evidence_helpers import empty_enrolments
from tests.evidence.window_helpers import evidence_window
from ui.caseload_panel import _progress_text


def _met_on_a_draft(session) -> tuple[str, str, str, str]:
    enrolment = empty_enrolments(session)[0]
    unit_id = session.scalars(select(EnrolmentUnit.unit_id).where(
        EnrolmentUnit.enrolment_id == enrolment.id)).first()
    record_id = create_record(session, enrolment.id, "Obs", title="Till", on=date.today())
    autosave_record(session, record_id, {f: True for f in JUDGEMENT_FLAGS})
    acs = session.scalars(select(AssessmentCriterion.id).where(
        AssessmentCriterion.unit_id == unit_id)).all()
    map_criteria(session, record_id, {acs[0]: "met"})
    return enrolment.id, enrolment.learner_id, unit_id, record_id


def _sign(session, record_id, learner_id):
    sign_fully(session, "evidence_record", record_id,
               session.get(Learner, learner_id).full_name, "Alex Morgan")


def test_met_on_a_draft_is_not_met_and_signed(demo_store):
    enrolment_id, learner_id, unit_id, record_id = demo_store.write_now(_met_on_a_draft)
    progress = demo_store.read(enrolment_progress, enrolment_id)
    unit = next(u for u in progress.units if u.id == unit_id)
    first = unit.criteria[0] if unit.criteria[0].status == MET else next(
        c for c in unit.criteria if c.status == MET)
    assert first.shown == MET_UNSIGNED and not first.signed
    assert unit.percent > 0 and unit.signed_percent == 0 and progress.signed_percent == 0
    summary = demo_store.read(caseload_progress)[learner_id]
    assert summary.percent > 0 and summary.signed_percent == 0
    row = next(r for r in demo_store.read(caseload_rows) if r.learner_id == learner_id)
    assert _progress_text(row).startswith(f"{row.progress_percent}%")
    assert _progress_text(row).endswith("\n0% signed")
    paper = demo_store.read(lambda s: achievement_summary(s, _portfolio(s, enrolment_id)))
    assert next(r for r in paper.rows if r.criteria_met == 0 and r.status == "in progress")

    demo_store.write_now(_sign, record_id, learner_id)
    progress = demo_store.read(enrolment_progress, enrolment_id)
    unit = next(u for u in progress.units if u.id == unit_id)
    assert unit.signed_percent == unit.percent > 0
    assert all(c.shown == MET for c in unit.criteria if c.status == MET)
    assert demo_store.read(caseload_progress)[learner_id].signed_percent == \
        demo_store.read(caseload_progress)[learner_id].percent


def test_the_grid_shows_met_but_unsigned_apart(qtbot, demo_store):
    enrolment_id, learner_id, unit_id, record_id = demo_store.write_now(_met_on_a_draft)
    win = evidence_window(qtbot, demo_store, learner_id)
    grid = win.page.evidence.grid
    table = grid.table
    cells = [(row, col) for row in range(table.rowCount()) for col in range(table.columnCount())
             if table.item(row, col) and grid.status_at(row, col) == MET]
    assert cells and all(grid.shown_at(r, c) == MET_UNSIGNED for r, c in cells)
    assert all(table.item(r, c).text().startswith("◕") for r, c in cells)
    assert "0% signed" in grid.heading.text()
    win.close()
