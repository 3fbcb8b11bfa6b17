"""The demo caseload a new user loads to try Fieldfolio: the same on every load, and never
doubled by loading it again."""
from __future__ import annotations

from sqlalchemy import func, select

from app.caseload.demo import load_demo_caseload
from app.models import Enrolment, EnrolmentUnit, Learner


def _counts(session) -> dict[str, int]:
    return {model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Learner, Enrolment, EnrolmentUnit)}


def test_loading_the_demo_twice_adds_nothing_the_second_time(demo_store):
    before = demo_store.read(_counts)
    result = demo_store.write_now(load_demo_caseload)
    assert result["learners"] == 0
    assert demo_store.read(_counts) == before
    assert before["Learner"] == 12
