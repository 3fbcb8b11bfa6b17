"""Which version of a corrected record counts.

A signed record never changes; its correction is a new record that amends it. The correction
counts only once it carries every signature it needs (the same test as the record list's
"Signed ✓", app/signing/evidence_states.py): from then on the original is superseded and
stops meeting ACs. Until then the signed original stands and the correction is a draft that
meets nothing, so a half-made correction can neither add an AC nor take one away. Along a
chain (a correction of a correction) the newest fully signed version counts; none fully
signed, the original does.

Progress, the caseload list, the video cap, unit sign-off and the evidence matrix all ask here,
so they never disagree about which version a decision rests on. Printed records keep every
version (app/claims/corrections.py marks them).
"""
from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.models import Enrolment, EvidenceRecord, Signature, StaffMember
from app.signing.evidence_states import roles_still_to_sign
from app.signing.policy import current_policy

RECORD_TYPE = "evidence_record"


def not_in_force(session: Session, *, learner_id: str | None = None,
                 enrolment_id: str | None = None) -> set[str]:
    """Ids of live records that do not count: originals superseded by a fully signed
    correction, and corrections not yet fully signed. Scoped to one enrolment, one learner,
    or (neither given) the whole caseload. One query when there are no corrections, which is
    most portfolios; the signing policy is read only when there are."""
    corrections, fully_signed = _corrections(session, learner_id, enrolment_id)
    children: dict[str, list[str]] = {}
    for record_id, (amends_id, _) in corrections.items():
        children.setdefault(amends_id, []).append(record_id)
    out: set[str] = set()
    for root in (a for a in children if a not in corrections):
        # Every version in the chain, with how far it is from the original.
        chain, pending = {root: 0}, [root]
        while pending:
            record_id = pending.pop()
            for child in children.get(record_id, ()):
                if child not in chain:          # two devices' edits must never make a loop hang
                    chain[child] = chain[record_id] + 1
                    pending.append(child)
        signed_versions = [i for i in chain if i in fully_signed]
        counts = max(signed_versions, key=lambda i: (chain[i], str(corrections[i][1] or ""), i)) \
            if signed_versions else root
        out.update(i for i in chain if i != counts)
    return out


def fully_signed_corrections(session: Session, *, learner_id: str | None = None,
                             enrolment_id: str | None = None) -> set[str]:
    """Ids of live corrections that carry every signature they need."""
    return _corrections(session, learner_id, enrolment_id)[1]


def _corrections(session: Session, learner_id: str | None, enrolment_id: str | None,
                 ) -> tuple[dict[str, tuple[str, object]], set[str]]:
    """Every live correction in scope (id -> what it corrects, when it was made) and which of
    them are fully signed, read in one query."""
    query = (select(EvidenceRecord.id, EvidenceRecord.amends_id, EvidenceRecord.method,
                    EvidenceRecord.created_at, StaffMember.role, Signature.role)
             .join(Enrolment, Enrolment.id == EvidenceRecord.enrolment_id)
             .outerjoin(StaffMember, StaffMember.id == Enrolment.assessor_id)
             .outerjoin(Signature, and_(Signature.record_type == RECORD_TYPE,
                                        Signature.record_id == EvidenceRecord.id))
             .where(EvidenceRecord.amends_id.is_not(None), EvidenceRecord.deleted_at.is_(None)))
    # With the records of an enrolment joined into this one, or of a learner merged into
    # this one (app/caseload/merge.py): signed records there never moved, nor did their
    # corrections.
    if enrolment_id is not None:
        from app.caseload.same_enrolment import enrolment_family
        query = query.where(EvidenceRecord.enrolment_id.in_(enrolment_family(session,
                                                                             enrolment_id)))
    if learner_id is not None:
        from app.caseload.same_learner import same_learner_ids
        query = query.where(EvidenceRecord.learner_id.in_(same_learner_ids(session, learner_id)))
    rows = session.execute(query).all()
    if not rows:
        return {}, set()
    policy = current_policy(session)
    corrections: dict[str, tuple[str, object]] = {}
    kind: dict[str, tuple[str, bool]] = {}
    signed: dict[str, set[str]] = {}
    for record_id, amends_id, method, created_at, assessor_role, signer_role in rows:
        corrections[record_id] = (amends_id, created_at)
        kind[record_id] = (method, assessor_role == "trainee_assessor")
        if signer_role is not None:
            signed.setdefault(record_id, set()).add(signer_role)
    fully_signed = {record_id for record_id, roles in signed.items()
                    if not roles_still_to_sign(policy, *kind[record_id], roles)}
    return corrections, fully_signed
