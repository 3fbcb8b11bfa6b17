"""Merging a learner created twice (one ULN, two records: app/sync/learners_twice.py).

The assessor compares the two side by side (`side_by_side`) and picks the record whose
details to keep. Then (`merge_learners`), in one local transaction:

- The record that survives is the one the centre holds, whichever side's details were
  picked: where the centre refused this laptop's record, the centre's record takes the
  picked details as a new version. Otherwise the survivor would have to be inserted at the
  centre before the other is tombstoned and after it points at it, which no single push
  order allows.
- The other record's enrolments, and its evidence, sign-offs and claims nobody has signed,
  move onto the survivor as new versions that sync normally. A portfolio reference the
  survivor already uses is renumbered (only an unsigned one: a signed reference never
  changes); mappings and files follow their record.
- Signed records are not moved: a signature covers the learner id written in them. They
  stay on the other record, which is tombstoned and points at the survivor
  (`merged_into_id`), and are read under the survivor through that link
  (app/caseload/same_learner.py). Their enrolment moves, so they count where they did;
  an enrolment on a qualification the survivor is on already is joined to the survivor's
  (`joined_into_id`, app/caseload/same_enrolment.py): one enrolment per qualification.
- Records the centre refused because their learner was refused go to the centre again,
  and what waits to go is put parents first (app/sync/parents_first.py), so where the
  centre had refused both records the kept learner and enrolment arrive before the links
  that name them.
- Each step is in the audit trail; the other record can be restored (it is a tombstone).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.db.base import utcnow
from app.evidence.methods import next_free_reference
from app.models import (Claim, Employer, Enrolment, EvidenceRecord, Learner, Qualification,
                        UnitSignOff)
from app.models.signing import Signature
from app.signing.audit import record_event

# What "keep this record's details" keeps: everything a person typed about the learner.
DETAILS = ("given_names", "family_name", "date_of_birth", "registration_number", "email",
           "phone", "employer_id", "workplace_address", "start_date", "planned_end_date")


@dataclass(frozen=True)
class LearnerSide:
    """One of the two records, as the merge screen shows it."""
    id: str
    name: str
    date_of_birth: str
    employer: str
    registration_number: str
    enrolments: list[str]
    records: int
    signed_records: int
    sign_offs: int
    claims: int
    made_on: str
    at_centre: bool


@dataclass
class MergeOutcome:
    kept_id: str
    merged_id: str
    moved: dict[str, int] = field(default_factory=dict)
    renumbered: list[tuple[str, str]] = field(default_factory=list)   # (old ref, new ref)
    left_signed: int = 0
    both_signed_refs: list[str] = field(default_factory=list)
    # How each of those now prints: "OBS-001/A3F2 and OBS-001/7C10" (a signed reference
    # never changes, so each is qualified by its record's id: app/evidence/printed_reference.py)
    printed_apart: list[str] = field(default_factory=list)
    sent_again: int = 0
    joined_enrolments: int = 0      # the same qualification twice, now one enrolment


def _signed_ids(session: Session, record_type: str, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    return set(session.scalars(select(Signature.record_id).where(
        Signature.record_type == record_type, Signature.record_id.in_(ids))))


def _refused_here(session: Session) -> set[str]:
    """Learners whose record the centre refused as made twice (open items)."""
    from app.sync.learners_twice import open_items
    out: set[str] = set()
    for item in open_items(session).values():
        out.update(json.loads(item.mine_json or "{}").get("refused", []))
    return out


def side_by_side(session: Session, learner_ids: list[str]) -> list[LearnerSide]:
    refused = _refused_here(session)
    sides = []
    for learner_id in learner_ids:
        learner = session.get(Learner, learner_id)
        if learner is None:
            continue
        employer = session.get(Employer, learner.employer_id) if learner.employer_id else None
        enrolments = [f"{q.title} ({e.status.replace('_', ' ')})" for e, q in session.execute(
            select(Enrolment, Qualification).join(Qualification,
                                                  Qualification.id == Enrolment.qualification_id)
            .where(Enrolment.learner_id == learner_id, Enrolment.deleted_at.is_(None))
            .order_by(Qualification.title))]
        records = list(session.scalars(select(EvidenceRecord.id).where(
            EvidenceRecord.learner_id == learner_id, EvidenceRecord.deleted_at.is_(None))))

        def count(model) -> int:
            return session.scalar(select(func.count()).select_from(model).where(
                model.learner_id == learner_id, model.deleted_at.is_(None))) or 0
        sides.append(LearnerSide(
            learner.id, learner.full_name,
            learner.date_of_birth.strftime("%d/%m/%Y") if learner.date_of_birth else "—",
            employer.name if employer else "—", learner.registration_number or "—",
            enrolments, len(records), len(_signed_ids(session, "evidence_record", records)),
            count(UnitSignOff), count(Claim),
            learner.created_at.strftime("%d/%m/%Y %H:%M") if learner.created_at else "",
            learner.id not in refused))
    return sides


def merge_learners(session: Session, keep_id: str, other_id: str) -> MergeOutcome:
    """Keep `keep_id`'s details; `other_id`'s work joins it. See the module docstring."""
    from app.sync.learners_twice import _an_iqa
    if _an_iqa(session):
        raise InvalidInput({"learner": "An IQA does not merge learners: their assessor does, "
                                       "and the merge reaches this laptop at a sync."})
    keep, other = session.get(Learner, keep_id), session.get(Learner, other_id)
    if keep is None or other is None or keep_id == other_id:
        raise InvalidInput({"learner": "Choose two different learners to merge."})
    if keep.deleted_at is not None or other.deleted_at is not None:
        raise InvalidInput({"learner": "One of these learners has already been merged or "
                                       "deleted: restore it first."})
    if not keep.uln or keep.uln != other.uln:
        raise InvalidInput({"learner": "Only two records of one learner (the same ULN) are "
                                       "merged."})
    refused = _refused_here(session)
    survivor, merged = keep, other
    if keep_id in refused and other_id not in refused:
        # The centre holds the other record: it survives, with the picked details.
        survivor, merged = other, keep
        for name in DETAILS:
            setattr(survivor, name, getattr(keep, name))
    if merged.notes.strip() and merged.notes.strip() not in survivor.notes:
        survivor.notes = (survivor.notes.rstrip() + "\n\n" if survivor.notes.strip() else "") \
            + f"Notes from the merged record of {merged.full_name}:\n{merged.notes.strip()}"
    outcome = MergeOutcome(survivor.id, merged.id)
    # Tombstoned and linked first: the centre must see this learner stop being live
    # before the survivor (if it is new there) or its records arrive.
    merged.deleted_at = utcnow()
    merged.merged_into_id = survivor.id
    session.flush()
    if survivor.id in refused:
        _send_again(session, "learner", survivor.id)
    _move_enrolments(session, merged.id, survivor.id, outcome)
    _move_records(session, merged.id, survivor.id, outcome)
    for model, record_type in ((UnitSignOff, "unit_sign_off"), (Claim, "claim")):
        rows = list(session.scalars(select(model).where(model.learner_id == merged.id)))
        signed = _signed_ids(session, record_type, [r.id for r in rows])
        for row in rows:
            if row.id not in signed:
                row.learner_id = survivor.id
                outcome.moved[record_type] = outcome.moved.get(record_type, 0) + 1
                if record_type == "claim":
                    _claim_reference_once(session, row, survivor.id, outcome)
            else:
                outcome.left_signed += 1
    session.flush()
    outcome.sent_again += _send_held_back(session, survivor.uln)
    _close_items(session, survivor.uln, outcome)
    # Queued above links first, then what they link to where the centre had neither
    # record: sent parents first instead (app/sync/parents_first.py).
    from app.sync.parents_first import put_parents_first
    put_parents_first(session)
    record_event(session, "merged", "learner", merged.id, learner_id=survivor.id,
                 related_id=merged.id, summary=_summary(survivor, merged, outcome))
    from app.db import changes
    changes.note_written(session, [("learner", survivor.id, survivor.id),
                                   ("learner", merged.id, merged.id)])
    return outcome


def _move_enrolments(session: Session, from_id: str, to_id: str, outcome: MergeOutcome) -> None:
    """Each enrolment moves to the survivor. One on a qualification the survivor is already
    on is joined to the survivor's: its units are chosen there too, its unsigned evidence,
    sign-offs and claims move there (new versions that sync), and it is tombstoned and
    points at the survivor's (`joined_into_id`). What is signed stays on it, as its
    signature covers the enrolment it names, and is read under the survivor's enrolment
    through the link (app/caseload/same_enrolment.py), so the learner has one enrolment
    per qualification and every signed record counts and prints there."""
    from app.models import EnrolmentUnit
    kept = {e.qualification_id: e for e in session.scalars(select(Enrolment).where(
        Enrolment.learner_id == to_id, Enrolment.deleted_at.is_(None)))}
    for enrolment in list(session.scalars(select(Enrolment).where(
            Enrolment.learner_id == from_id))):
        enrolment.learner_id = to_id
        outcome.moved["enrolment"] = outcome.moved.get("enrolment", 0) + 1
        target = kept.get(enrolment.qualification_id) if enrolment.deleted_at is None else None
        if target is None:
            continue
        chosen = set(session.scalars(select(EnrolmentUnit.unit_id).where(
            EnrolmentUnit.enrolment_id == target.id, EnrolmentUnit.deleted_at.is_(None))))
        for unit_id in session.scalars(select(EnrolmentUnit.unit_id).where(
                EnrolmentUnit.enrolment_id == enrolment.id, EnrolmentUnit.deleted_at.is_(None))):
            if unit_id not in chosen:
                session.add(EnrolmentUnit(enrolment_id=target.id, unit_id=unit_id))
                chosen.add(unit_id)
        _move_unsigned(session, enrolment.id, target.id)
        enrolment.deleted_at = utcnow()
        enrolment.joined_into_id = target.id
        # One link deep: enrolments joined into this one at an earlier merge now point at
        # the survivor's too (a tombstone's link may change; their records do not).
        for earlier in session.scalars(select(Enrolment).where(
                Enrolment.joined_into_id == enrolment.id)):
            earlier.joined_into_id = target.id
        outcome.joined_enrolments += 1


def _move_unsigned(session: Session, from_id: str, to_id: str) -> None:
    """Evidence, sign-offs and claims nobody has signed move from one enrolment to the
    other. A draft sign-off of a unit the other enrolment already has a live sign-off for
    stays (one live sign-off per unit and enrolment); the unit is shown signed off once."""
    for model, record_type in ((EvidenceRecord, "evidence_record"),
                               (UnitSignOff, "unit_sign_off"), (Claim, "claim")):
        rows = list(session.scalars(select(model).where(model.enrolment_id == from_id)))
        signed = _signed_ids(session, record_type, [r.id for r in rows])
        taken = set(session.scalars(select(UnitSignOff.unit_id).where(
            UnitSignOff.enrolment_id == to_id, UnitSignOff.deleted_at.is_(None)))) \
            if model is UnitSignOff else set()
        for row in rows:
            if row.id in signed:
                continue
            if model is UnitSignOff and row.deleted_at is None:
                if row.unit_id in taken:
                    continue
                taken.add(row.unit_id)
            row.enrolment_id = to_id
    session.flush()


def _move_records(session: Session, from_id: str, to_id: str, outcome: MergeOutcome) -> None:
    """Unsigned evidence moves; a portfolio reference is never printed twice for the
    learner: an unsigned original whose reference a signed or already-kept record of the
    merged learner uses gets the next free one (the survivor's own unsigned records first
    keep theirs, then the moving ones)."""
    from app.caseload.same_learner import same_learner_ids
    family = same_learner_ids(session, to_id)   # now includes from_id (linked above)
    rows = list(session.scalars(select(EvidenceRecord).where(
        EvidenceRecord.learner_id.in_(family)).order_by(EvidenceRecord.portfolio_ref)))
    signed = _signed_ids(session, "evidence_record", [r.id for r in rows])
    every_ref = {r.portfolio_ref for r in rows}
    live = [r for r in rows if r.deleted_at is None and r.amends_id is None]
    printed: dict[str, EvidenceRecord] = {}
    for r in (r for r in live if r.id in signed):
        if r.portfolio_ref in printed:
            outcome.both_signed_refs.append(r.portfolio_ref)
        printed.setdefault(r.portfolio_ref, r)
    outcome.printed_apart = _printed_apart(
        [r for r in live if r.id in signed], dict.fromkeys(outcome.both_signed_refs))
    # Survivor's unsigned first (they were there), then the incoming ones.
    for r in sorted((r for r in live if r.id not in signed), key=lambda r: r.learner_id != to_id):
        if r.portfolio_ref in printed:
            new = next_free_reference(r.method, r.portfolio_ref, every_ref)
            outcome.renumbered.append((r.portfolio_ref, new))
            r.portfolio_ref = new
            every_ref.add(new)
        printed[r.portfolio_ref] = r
    for r in rows:
        if r.learner_id == from_id and r.id not in signed:
            r.learner_id = to_id
            outcome.moved["evidence_record"] = outcome.moved.get("evidence_record", 0) + 1
        elif r.learner_id == from_id:
            outcome.left_signed += 1


def _printed_apart(signed: list[EvidenceRecord], refs) -> list[str]:
    """"OBS-001/A3F2 and OBS-001/7C10" for each reference signed in more than one record."""
    from app.evidence.printed_reference import qualified
    out = []
    for ref in refs:
        ids = sorted(r.id for r in signed if r.portfolio_ref == ref)
        names = sorted(qualified(ref, ids).values())
        out.append(", ".join(names[:-1]) + " and " + names[-1])
    return out


def signed_in_both(session: Session, learner_ids: list[str]) -> list[str]:
    """Before a merge: each reference signed in both records, and how the two will print
    ("OBS-001 is signed in both records: they will print as OBS-001/A3F2 and OBS-001/7C10")."""
    from app.caseload.same_learner import same_learner_ids
    sides = [set(same_learner_ids(session, i)) for i in learner_ids]
    every = sorted(set().union(*sides))
    records = [r for r in session.scalars(select(EvidenceRecord).where(
        EvidenceRecord.learner_id.in_(every), EvidenceRecord.deleted_at.is_(None),
        EvidenceRecord.amends_id.is_(None), EvidenceRecord.state == "signed"))]
    by_side = [{r.portfolio_ref for r in records if r.learner_id in side} for side in sides]
    shared = sorted(set.intersection(*by_side)) if by_side else []
    return [f"{ref} is signed in both records: neither may change, so they will print as {how}"
            for ref, how in zip(shared, _printed_apart(records, shared))]


def _claim_reference_once(session: Session, claim: Claim, learner_id: str,
                          outcome: MergeOutcome) -> None:
    """A moved (unsigned) claim whose reference another claim of the learner has takes the
    next one: claim references are numbered per learner (app/claims/claim.py)."""
    from app.caseload.same_learner import same_learner_ids
    others = set(session.scalars(select(Claim.reference).where(
        Claim.learner_id.in_(same_learner_ids(session, learner_id)), Claim.id != claim.id)))
    if claim.reference in others:
        new = next_free_reference("", claim.reference, others)
        outcome.renumbered.append((claim.reference, new))
        claim.reference = new




def _send_again(session: Session, table: str, record_id: str) -> bool:
    from app.sync.restored import queue_for_the_centre
    from app.sync.wire import table_of
    t = table_of(table)
    version = session.scalar(select(t.c.version).where(t.c.id == record_id))
    return version is not None and queue_for_the_centre(session, table, record_id, version, 0)


def _send_held_back(session: Session, uln: str) -> int:
    """Records the centre refused with their learner go again (parents first): the ones
    moved are queued already as new versions; the others (signed, or the survivor's own)
    are queued as they are."""
    from app.sync.incoming import apply_order
    from app.sync.learners_twice import open_items
    item = open_items(session).get(uln)
    held = json.loads(item.mine_json or "{}").get("held_back", []) if item else []
    order = {name: i for i, name in enumerate(apply_order())}
    sent = 0
    for table, record_id in sorted(held, key=lambda h: order.get(h[0], 99)):
        sent += _send_again(session, table, record_id)
    return sent


def _close_items(session: Session, uln: str, outcome: MergeOutcome) -> None:
    from app.sync.learners_twice import open_items
    item = open_items(session).get(uln)
    if item is not None:
        item.resolved_at = datetime.now(timezone.utc)
        item.resolution = json.dumps({"merged": outcome.merged_id, "kept": outcome.kept_id})


def _summary(survivor: Learner, merged: Learner, outcome: MergeOutcome) -> str:
    moved = ", ".join(f"{n} {t.replace('_', ' ')}{'s' if n != 1 else ''}"
                      for t, n in sorted(outcome.moved.items())) or "nothing"
    text = (f"Learner {merged.full_name} (ULN {merged.uln}) created twice: merged into "
            f"{survivor.full_name}; moved {moved}")
    if outcome.renumbered:
        text += "; renumbered " + ", ".join(f"{a} → {b}" for a, b in outcome.renumbered)
    if outcome.joined_enrolments:
        text += f"; {outcome.joined_enrolments} enrolment(s) on the same qualification joined"
    if outcome.left_signed:
        text += (f"; {outcome.left_signed} signed record(s) stay on the merged record, read "
                 f"through the link")
    if outcome.both_signed_refs:
        text += ("; signed in both records, so printed apart: "
                 + "; ".join(outcome.printed_apart))
    return text
