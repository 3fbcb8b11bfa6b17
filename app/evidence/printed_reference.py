"""The reference a record is printed and shown under (issue 13).

A portfolio reference is numbered per learner on each laptop, so two laptops offline can
both number a learner's observation OBS-001, and a learner created twice and merged can
bring two OBS-001s together. Where one of them is unsigned it is renumbered. Where both
are signed neither may change: a signature covers the record's `portfolio_ref` and `id`.

So the PRINTED reference is the record's `portfolio_ref`, except where two or more live
signed originals of one learner (with the records merged into it) share it: then each
prints qualified by its own record id, "OBS-001/A3F2" (the id's first 4 hex digits, more
where 4 still clash). That depends only on the record and on whether a clash exists, so
every laptop and the centre print the same with no order to agree on, and the qualifier
comes from content the signature covers. An amendment prints as the record it corrects.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import EvidenceRecord

SHORTEST = 4


def qualified(portfolio_ref: str, record_ids: list[str]) -> dict[str, str]:
    """record id -> "REF/XXXX" for records that share `portfolio_ref`: the shortest
    upper-case prefix of each id's hex digits (4 at least) that tells them all apart."""
    digits = {i: i.replace("-", "").upper() for i in record_ids}
    length = SHORTEST
    while len({d[:length] for d in digits.values()}) < len(digits) and \
            length < max(len(d) for d in digits.values()):
        length += 1
    return {i: f"{portfolio_ref}/{d[:length]}" for i, d in digits.items()}


def printed_references(session: Session, learner_id: str) -> dict[str, str]:
    """record id -> printed reference, for every record of the learner's portfolio (its
    family: app/caseload/same_learner.py), deleted ones included, in one query of records."""
    from app.caseload.same_learner import same_learner_ids
    rows = session.execute(select(
        EvidenceRecord.id, EvidenceRecord.portfolio_ref, EvidenceRecord.state,
        EvidenceRecord.deleted_at, EvidenceRecord.amends_id).where(
        EvidenceRecord.learner_id.in_(same_learner_ids(session, _kept(session, learner_id))))).all()
    printed = {r.id: r.portfolio_ref for r in rows}
    signed: dict[str, list[str]] = {}
    for r in rows:
        if r.state == "signed" and r.deleted_at is None and r.amends_id is None:
            signed.setdefault(r.portfolio_ref, []).append(r.id)
    for ref, ids in signed.items():
        if len(ids) > 1:
            printed.update(qualified(ref, ids))
    amends = {r.id: r.amends_id for r in rows if r.amends_id}
    for record_id in amends:
        original = record_id
        seen = set()
        while original in amends and original not in seen:   # a correction of a correction
            seen.add(original)
            original = amends[original]
        printed[record_id] = printed.get(original, printed[record_id])
    return printed


def _kept(session: Session, learner_id: str) -> str:
    """The learner a merged record was merged into (through every merge): its family is
    the one whose references clash."""
    from app.models import Learner
    seen = {learner_id}
    while True:
        up = session.scalar(select(Learner.merged_into_id).where(Learner.id == learner_id))
        if up is None or up in seen:
            return learner_id
        seen.add(up)
        learner_id = up


def printed_reference(session: Session, record_id: str) -> str:
    """One record's printed reference ("" for no such record)."""
    record = session.get(EvidenceRecord, record_id)
    if record is None:
        return ""
    return printed_references(session, record.learner_id).get(record.id, record.portfolio_ref)
