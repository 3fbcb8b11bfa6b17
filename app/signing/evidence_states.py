"""Where each of a learner's evidence records stands, in words for the record list:
draft, ready for signatures, part-signed (who still signs), signed, a correction of an
earlier record. Words, not colour: the list is read by colour-blind assessors and IQAs.

Read in a handful of queries for the whole portfolio (the list is redrawn on every save),
not one signing_status per record."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Amendment, EvidenceRecord, Signature
from app.models.signing import SIGNER_ROLES
from app.models import Enrolment, StaffMember
from app.signing.evidence_signable import RECORD_TYPE, assessor_stages, required_signers, signers_for
from app.signing.policy import Policy, current_policy


@dataclass(frozen=True)
class EvidenceState:
    record_id: str
    words: str                 # "Draft", "Ready for signatures", "Signed ✓", ...
    still_to_sign: list[str]   # role labels, in signing order
    correction_of: str | None  # the portfolio reference this record corrects
    corrected: bool            # a later correction of this record exists


def _missing(stages: list[list[str]], signed: set[str]) -> list[str]:
    return [r for stage in stages for r in stage if r not in signed]


def roles_still_to_sign(policy: Policy, method: str, trainee: bool, signed: set[str]) -> list[str]:
    """Roles (not labels) still to sign a record of this method, given who has: the centre's
    required signers where it sets them, otherwise the method's own order. Shared with
    app/evidence/in_force.py, so "fully signed" means one thing in the list and in progress."""
    stages = (policy.required.get(f"evidence:{method}")
              or signers_for(method, assessor_stages(trainee)))
    return _missing(stages, signed)


def evidence_states(session: Session, learner_id: str) -> dict[str, EvidenceState]:
    from app.caseload.same_learner import same_learner_ids   # and a merged record's
    records = session.scalars(select(EvidenceRecord).where(
        EvidenceRecord.learner_id.in_(same_learner_ids(session, learner_id)),
        EvidenceRecord.deleted_at.is_(None))).all()
    ids = [r.id for r in records]
    signed: dict[str, set[str]] = {}
    for record_id, role in session.execute(select(Signature.record_id, Signature.role).where(
            Signature.record_type == RECORD_TYPE, Signature.record_id.in_(ids))):
        signed.setdefault(record_id, set()).add(role)
    originals = {r.id: r.portfolio_ref for r in session.scalars(select(EvidenceRecord).where(
        EvidenceRecord.id.in_({r.amends_id for r in records if r.amends_id})))}
    corrected = set(session.scalars(select(Amendment.original_id).where(
        Amendment.record_type == RECORD_TYPE, Amendment.original_id.in_(ids))))
    policy = current_policy(session)
    # One query for every enrolment's assessor role (a trainee's records need a
    # countersignature), instead of two lookups per record.
    trainee_enrolments = set(session.scalars(
        select(Enrolment.id).join(StaffMember, StaffMember.id == Enrolment.assessor_id)
        .where(Enrolment.learner_id == learner_id, StaffMember.role == "trainee_assessor")))
    out = {}
    for r in records:
        roles = signed.get(r.id, set())
        missing = [SIGNER_ROLES.get(x, x) for x in roles_still_to_sign(
            policy, r.method, r.enrolment_id in trainee_enrolments, roles)]
        if roles and not missing:
            words = "Signed ✓"
        elif roles:
            words = "Part signed — still to sign: " + ", ".join(m.lower() for m in missing)
        elif r.state == "ready":
            words = "Ready for signatures"
        else:
            words = "Draft"
        out[r.id] = EvidenceState(r.id, words, missing, originals.get(r.amends_id), r.id in corrected)
    return out


def still_to_sign(session: Session, record_id: str) -> list[str]:
    """Role labels of everyone who still has to sign this record, in order."""
    record = session.get(EvidenceRecord, record_id)
    roles = set(session.scalars(select(Signature.role).where(
        Signature.record_type == RECORD_TYPE, Signature.record_id == record_id)))
    stages = current_policy(session).required.get(f"evidence:{record.method}") \
        or required_signers(session, record_id)
    return [SIGNER_ROLES.get(x, x) for x in _missing(stages, roles)]
