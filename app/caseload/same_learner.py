"""A learner and the records merged into it (app/caseload/merge.py): one caseload entry.

A merged duplicate is tombstoned and points at the learner kept (`merged_into_id`). Its
signed records still name the duplicate's id (their signatures cover it, so they never
move), and are read under the kept learner through this link: its records list, its
portfolio references and its audit trail are the family's.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Learner


def same_learner_ids(session: Session, learner_id: str) -> list[str]:
    """`learner_id` and every learner merged into it, directly or through another merge."""
    ids, frontier = [learner_id], [learner_id]
    while frontier:
        frontier = [i for i in session.scalars(select(Learner.id).where(
            Learner.merged_into_id.in_(frontier))) if i not in ids]
        ids += frontier
    return ids
