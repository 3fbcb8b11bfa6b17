"""An enrolment and the enrolments joined into it at a merge (app/caseload/merge.py).

A learner created twice and merged may have been on one qualification in both records.
The merged record's enrolment is then tombstoned and points at the one kept
(`joined_into_id`). Its signed records still name its id (their signatures cover it, so
they never move), and count under the kept enrolment through this link: its progress,
sign-off readiness, sign-offs, claims and paperwork are the family's.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.same_learner import linked_into
from app.models import Enrolment


def same_enrolment_ids(session: Session, enrolment_id: str) -> list[str]:
    """`enrolment_id` and every enrolment joined into it, directly or through another join."""
    return linked_into(session, Enrolment.id, Enrolment.joined_into_id, enrolment_id)


def kept_enrolment_id(session: Session, enrolment_id: str) -> str:
    """The live enrolment a joined one now counts under (itself if it was never joined)."""
    seen = {enrolment_id}
    onward = session.scalar(select(Enrolment.joined_into_id).where(Enrolment.id == enrolment_id))
    while onward and onward not in seen:
        seen.add(onward)
        enrolment_id = onward
        onward = session.scalar(select(Enrolment.joined_into_id).where(
            Enrolment.id == enrolment_id))
    return enrolment_id


def enrolment_family(session: Session, enrolment_id: str) -> list[str]:
    """The enrolment `enrolment_id` counts under, first, and every enrolment joined into it:
    what a reader of "this enrolment's evidence, sign-offs and claims" reads. Asked about a
    joined enrolment (a signed record on it, a claim signed there), the kept one answers."""
    return same_enrolment_ids(session, kept_enrolment_id(session, enrolment_id))
