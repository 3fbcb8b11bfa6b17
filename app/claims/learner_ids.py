"""What a support person needs before printing from the command line: a learner's
enrolments, unit sign-offs and claims, each with the id `fieldfolio pdf` takes.

`pdf` on its own prints the newest enrolment; a learner on two qualifications, or with an
older claim to reprint, is reached through these ids (--enrolment, --claim).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.queries import short_title
from app.caseload.same_enrolment import same_enrolment_ids
from app.claims.paperwork import learner_named
from app.models import Enrolment, Qualification, Unit
from app.models.claims import Claim, UnitSignOff


@dataclass
class EnrolmentIds:
    id: str
    qualification: str
    status: str
    started: str
    sign_offs: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)


def learner_paperwork(session: Session, learner: str) -> tuple[str, list[EnrolmentIds]]:
    """(learner's name, their live enrolments, newest first, with sign-offs and claims)."""
    named = learner_named(session, learner)
    found = []
    enrolments = session.scalars(select(Enrolment).where(
        Enrolment.learner_id == named.id, Enrolment.deleted_at.is_(None))
        .order_by(Enrolment.created_at.desc()))
    for e in enrolments:
        q = session.get(Qualification, e.qualification_id)
        item = EnrolmentIds(e.id, short_title(q) if q else "?", e.status,
                            e.start_date.strftime("%d/%m/%Y") if e.start_date else "")
        numbers = {}
        # With those of an enrolment joined into this one at a merge (same_enrolment.py).
        family = same_enrolment_ids(session, e.id)
        for s in session.scalars(select(UnitSignOff).where(
                UnitSignOff.enrolment_id.in_(family), UnitSignOff.deleted_at.is_(None))
                .order_by(UnitSignOff.created_at)):
            unit = session.get(Unit, s.unit_id)
            numbers[s.id] = unit.number if unit else "?"
            item.sign_offs.append({"id": s.id, "unit": numbers[s.id],
                                   "summative_date": s.summative_date.strftime("%d/%m/%Y")})
        for c in session.scalars(select(Claim).where(Claim.enrolment_id.in_(family))
                                 .order_by(Claim.created_at)):
            units = [numbers.get(i, "?") for i in json.loads(c.sign_offs_json or "[]")]
            item.claims.append({"id": c.id, "reference": c.reference, "units": units,
                                "withdrawn": c.deleted_at is not None})
        found.append(item)
    return named.full_name, found
