"""Evidence for the demo caseload, so a new user sees the progress grid turn amber and green
and can walk a unit through sign-off and a claim without typing a portfolio first.

Everything goes through the evidence operations an assessor's typing uses (create, autosave,
map, mark ready, sign), so the demo keeps every rule the app keeps: a method a unit bars is
refused, a date in the future is refused, signed records are locked. What the records say
is in demo_evidence_plans.py. Dates count back from today, so the demo always looks current.
"""
from __future__ import annotations

import math
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.demo_media import attach_demo_file, demo_photo, demo_recording
from app.caseload.demo_evidence_plans import FLAVOUR, GENERIC, PLANS, RECORDS, DemoRecord
from app.caseload.profile import current_profile
from app.caseload.validation import InvalidInput
from app.documents.sample import signature_png
from app.evidence.attachment_store import AttachmentStore
from app.evidence.mapping import map_criteria
from app.evidence.records import autosave_record, create_record, set_record_state
from app.models import (
    AssessmentCriterion, Centre, Employer, Enrolment, EnrolmentUnit, Learner, LocalSetting,
    Qualification, SpecPack, StaffMember, Unit,
)
from app.models.evidence import JUDGEMENT_FLAGS, EvidenceRecord
from app.signing.device_key import data_dir_of
from app.signing.policy import current_policy
from app.signing.sign import sign_record, signing_status

EVIDENCE = "evidence_record"


def add_demo_evidence(session: Session, learners: list[tuple[str, str]]) -> int:
    """Evidence for demo learners, given as (learner id, workplace) in demo order. A learner
    whose enrolment has any record already (the demo loaded before, or the user started)
    is left alone, so loading twice adds nothing. Returns how many records were added."""
    # Every operation asks who is using the laptop, for its audit event; holding those rows
    # keeps them in the session, so each ask is not another query (a fifth of the time).
    held = [*session.scalars(select(LocalSetting)), *session.scalars(select(StaffMember)),
            *session.scalars(select(Centre))]
    slots: dict[str, int] = {}
    added = 0
    for learner_id, place in learners:
        enrolment = session.scalars(select(Enrolment).where(
            Enrolment.learner_id == learner_id, Enrolment.deleted_at.is_(None))
            .order_by(Enrolment.created_at)).first()
        if enrolment is None:
            continue
        pack = session.scalar(select(SpecPack.pack_id).join(
            Qualification, Qualification.pack_row_id == SpecPack.id)
            .where(Qualification.id == enrolment.qualification_id))
        slot = slots.get(pack, 0)
        slots[pack] = slot + 1
        plans = PLANS.get(pack, [])
        if slot >= len(plans) or session.scalars(select(EvidenceRecord.id).where(
                EvidenceRecord.enrolment_id == enrolment.id)).first():
            continue
        added += _write_plan(session, enrolment, place, RECORDS[pack], plans[slot])
    del held
    return added


class _Words(dict):
    def __missing__(self, key: str) -> str:   # a brace the plans did not mean as a word
        return "{" + key + "}"


def _words(session: Session, learner: Learner, place: str) -> _Words:
    employer = session.get(Employer, learner.employer_id) if learner.employer_id else None
    name = employer.name if employer else ""
    return _Words({
        **GENERIC, **FLAVOUR.get(name, {}),
        "first": learner.given_names.split()[0] if learner.given_names else "The learner",
        "employer": name or "the employer", "place": place or "the workplace",
        "witness": (employer.contact_name if employer else "") or "the line manager",
        "witness_role": (employer.contact_role if employer else "") or "Line manager",
        "contact": ", ".join(v for v in (employer.contact_phone, employer.contact_email) if v)
                   if employer else "",
    })


def _fill(value, words: _Words):
    if isinstance(value, str):
        return value.format_map(words)
    if isinstance(value, list):
        return [_fill(v, words) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, words) for k, v in value.items()}
    return value


def _criteria(session: Session, enrolment_id: str) -> dict[tuple[str, str], str]:
    """(unit number, AC number) -> criterion id, for the enrolment's chosen units."""
    rows = session.execute(
        select(Unit.number, AssessmentCriterion.number, AssessmentCriterion.id)
        .join(AssessmentCriterion, AssessmentCriterion.unit_id == Unit.id)
        .join(EnrolmentUnit, EnrolmentUnit.unit_id == Unit.id)
        .where(EnrolmentUnit.enrolment_id == enrolment_id, EnrolmentUnit.deleted_at.is_(None)))
    return {(unit, ac): criterion_id for unit, ac, criterion_id in rows}


def _dated(days_ago: int, start: date | None) -> date:
    """Some weeks back, never in the future, and not before the learner started if that
    can be helped."""
    today = date.today()
    when = today - timedelta(days=days_ago)
    if start is not None and when < start:
        when = min(start, today)
    return when


def _map(session: Session, record_id: str, covers, criteria: dict) -> None:
    wanted = {}
    for unit, numbers, status in covers:
        for number in numbers.split():
            criterion_id = criteria.get((unit, number))
            if criterion_id:              # a unit the learner did not choose is left out
                wanted[criterion_id] = status
    try:
        map_criteria(session, record_id, wanted)
    except InvalidInput as refused:       # a rule the catalogue gained since: keep the rest
        wanted = {c: s for c, s in wanted.items() if c not in refused.problems}
        if wanted:
            map_criteria(session, record_id, wanted)


def _write_plan(session: Session, enrolment: Enrolment, place: str,
                records: dict[str, DemoRecord], plan: list[tuple[str, int, str]]) -> int:
    learner = session.get(Learner, enrolment.learner_id)
    words = _words(session, learner, place)
    criteria = _criteria(session, enrolment.id)
    to_sign = []
    for key, days_ago, state in plan:
        spec = records[key]
        record_id = create_record(session, enrolment.id, spec.method, title=_fill(spec.title, words),
                                  on=_dated(days_ago, enrolment.start_date),
                                  location=_fill(spec.location, words))
        # Held while it is written: each operation below finds it in the session instead of
        # reading it again (an unreferenced row drops out of SQLAlchemy's identity map).
        record = session.get(EvidenceRecord, record_id)
        fields = {"details": _fill(spec.details, words)}
        if state != "draft":              # the assessor has judged a finished record
            fields.update({flag: True for flag in JUDGEMENT_FLAGS})
        autosave_record(session, record_id, fields)
        _map(session, record_id, spec.covers, criteria)
        if state == "signed":
            _attach_media(session, record_id, spec.method, len(to_sign))
        if state != "draft":
            set_record_state(session, record_id, "ready")
        if state == "signed":
            to_sign.append(record)
    if to_sign:
        me = current_profile(session)
        signers = {"learner": learner.full_name, "witness": words["witness"]}
        if me is not None:
            signers["assessor"] = me.name
        _sign(session, [r.id for r in to_sign], signers)
    return len(plan)


def _attach_media(session: Session, record_id: str, method: str, seed: int) -> None:
    """A photo on a signed observation, a short recording on a signed discussion: files
    whose bytes the signatures cover (nothing where the database has no data folder)."""
    try:
        attachments = AttachmentStore.of_data_folder(data_dir_of(session))
    except RuntimeError:
        return
    if method == "Obs":
        attach_demo_file(session, attachments, record_id, f"photo-{seed + 1}.jpg",
                         demo_photo(seed), "Taken at the time, with the learner's agreement")
    elif method == "PD":
        attach_demo_file(session, attachments, record_id, f"discussion-{seed + 1}.wav",
                         demo_recording(pitch=200 + seed * 20), "The start of the discussion")


def _sign(session: Session, record_ids: list[str], signers: dict[str, str]) -> None:
    """Each record signed by everyone it needs, by drawing, in the order the signing engine
    asks. Where a signer is not known here (a trainee assessor's countersigner) or the
    centre's policy does not take drawn signatures, the records stay ready to sign."""
    try:
        data_dir_of(session)
    except RuntimeError:      # a database in memory has no folder for the signing key
        return
    policy = current_policy(session)
    for record_id in record_ids:
        status = signing_status(session, EVIDENCE, record_id)
        roles = [role for stage in status.stages for role in stage]
        if any(role not in signers or "drawn" not in policy.methods_for(role) for role in roles):
            continue
        for stage in status.stages:       # the witness first, where there is one
            for role in stage:
                strokes, png = _scribble(signers[role])
                sign_record(session, EVIDENCE, record_id, signer_name=signers[role], role=role,
                            method="drawn", strokes=strokes, image_png=png)


@lru_cache(maxsize=16)
def _scribble_of(seed: int) -> tuple[tuple[tuple[tuple[int, int], ...], ...], bytes]:
    # The same curve signature_png draws, as the pad would have recorded it.
    width, height = 240, 70
    points = tuple((int(10 + t * (width - 20) / (width * 6)),
                    int(height / 2 + math.sin(t / (14 + seed)) * height / 3
                        * math.cos(t / (90 + seed * 7))))
                   for t in range(0, width * 6, 24))
    return (points,), signature_png(seed)


def _scribble(name: str) -> tuple[list, bytes]:
    strokes, png = _scribble_of(1 + sum(map(ord, name)) % 7)
    return [[list(p) for p in stroke] for stroke in strokes], png
