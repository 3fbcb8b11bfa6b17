"""An observation and a witness testimony in a demo learner's portfolio, ready to sign."""
from __future__ import annotations

import sqlite3

from sqlalchemy import select

from app.evidence.mapping import map_criteria
from app.evidence.records import autosave_record, create_record
from app.models import AssessmentCriterion, EnrolmentUnit, LearningOutcome
from tests.evidence.evidence_helpers import empty_enrolments

STROKES = [[[10, 10], [40, 30], [80, 12]], [[20, 50], [60, 55]]]
PNG = b"\x89PNG\r\n\x1a\n-a-rendered-signature"


def first_enrolment(session):
    """The first demo enrolment the demo leaves without evidence (it gives most learners
    evidence, some of it signed), so these tests' records and signatures are the only ones."""
    return empty_enrolments(session)[0]


def two_criteria(session, enrolment_id):
    unit_id = session.scalars(select(EnrolmentUnit.unit_id).where(
        EnrolmentUnit.enrolment_id == enrolment_id, EnrolmentUnit.deleted_at.is_(None))).first()
    return session.scalars(select(AssessmentCriterion.id).join(
        LearningOutcome, LearningOutcome.id == AssessmentCriterion.lo_id)
        .where(AssessmentCriterion.unit_id == unit_id)
        .order_by(LearningOutcome.sort_order, AssessmentCriterion.sort_order).limit(2)).all()


def make_record(session, method="Obs", title="Dealing with a returned kettle") -> str:
    enrolment = first_enrolment(session)
    record_id = create_record(session, enrolment.id, method, title=title, location="Shop floor")
    field = "activities" if method == "Obs" else "what_they_saw"
    # A testimony names its witness, who signs under that name (tests sign as Priya Shah).
    witness = {"witness_name": "Priya Shah"} if method in ("Wt", "EW") else {}
    autosave_record(session, record_id, {"details": {field: "Greeted the customer, listened, "
                                                            "offered a refund", **witness}})
    if method == "Obs":
        ids = two_criteria(session, enrolment.id)
        map_criteria(session, record_id, {ids[0]: "met", ids[1]: "working_towards"})
    return record_id


def drawn(name, role):
    return dict(signer_name=name, role=role, method="drawn", strokes=STROKES, image_png=PNG)


def raw(db_path, *statements, drop_triggers=False):
    """Edit the database as someone with the sqlite3 shell would."""
    con = sqlite3.connect(db_path)
    try:
        if drop_triggers:
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
                con.execute(f"DROP TRIGGER {name}")
        for sql in statements:
            con.execute(sql)
        con.commit()
    finally:
        con.close()
