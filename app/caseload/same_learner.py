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
    return linked_into(session, Learner.id, Learner.merged_into_id, learner_id)


def linked_into(session: Session, id_column, link_column, root: str) -> list[str]:
    """`root` and every row whose link (merged_into_id, joined_into_id) leads to it, one
    level at a time: a merge of an already merged record links twice."""
    ids, frontier = [root], [root]
    while frontier:
        frontier = [i for i in session.scalars(select(id_column).where(
            link_column.in_(frontier))) if i not in ids]
        ids += frontier
    return ids
