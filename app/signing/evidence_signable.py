"""Evidence records as signable: what a signature on an observation or testimony covers,
who signs it and in what order, and how an amendment copies it."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.evidence.methods import DETAILS, method_name
from app.evidence.printed_reference import printed_reference
from app.evidence.records import canonical_content
from app.models import AssessmentCriterion, Enrolment, Learner, StaffMember, Unit
from app.models.evidence import JUDGEMENT_FLAGS, Attachment, CriterionMapping, EvidenceRecord
from app.signing.registry import RecordSummary, register_signable

RECORD_TYPE = "evidence_record"


def _ac_labels(session: Session, criterion_ids: list[str]) -> dict[str, tuple[str, str, str]]:
    """criterion id -> (unit number, AC number, AC text)."""
    if not criterion_ids:
        return {}
    rows = session.execute(select(AssessmentCriterion.id, Unit.number, AssessmentCriterion.number,
                                  AssessmentCriterion.text)
                           .join(Unit, Unit.id == AssessmentCriterion.unit_id)
                           .where(AssessmentCriterion.id.in_(criterion_ids))).all()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def serialise_rule_1(session: Session, record_id: str) -> dict | None:
    """Coverage rule 1, frozen: the evidence module's canonical content, with each mapped
    AC also named by unit and AC number, and each list item keyed for field-by-field
    compare. Signatures made before schema 0008 are checked against exactly this."""
    if session.get(EvidenceRecord, record_id) is None:
        return None
    content = canonical_content(session, record_id)
    labels = _ac_labels(session, [m["criterion_id"] for m in content["mappings"]])
    for m in content["mappings"]:
        unit_no, ac_no, _ = labels.get(m["criterion_id"], ("?", "?", ""))
        m["unit_number"], m["number"] = unit_no, ac_no
        m["key"] = f"unit {unit_no} AC {ac_no}"
    for a in content["attachments"]:
        a["key"] = f"{a['original_name']} ({a['sha256'][:12]})"
    return content


def _live_files(session: Session, record_id: str) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(
        Attachment.record_id == record_id, Attachment.deleted_at.is_(None))))


def serialise(session: Session, record_id: str) -> dict | None:
    """Coverage rule 2 (app/signing/coverage.py): rule 1 and what the signer was shown
    besides: the learner's name, each AC's text, each file's caption, kind and playing
    time."""
    content = serialise_rule_1(session, record_id)
    if content is None:
        return None
    learner = session.get(Learner, content["learner_id"])
    content["learner_name"] = learner.full_name if learner else ""
    labels = _ac_labels(session, [m["criterion_id"] for m in content["mappings"]])
    for m in content["mappings"]:
        m["text"] = labels.get(m["criterion_id"], ("?", "?", ""))[2]
    # Rule 1's attachment items, in rule 1's order, each with its row's remaining fields.
    rows = sorted(_live_files(session, record_id),
                  key=lambda a: (a.sha256, a.original_name, a.caption, a.id))
    content["attachments"] = [
        {"sha256": a.sha256, "original_name": a.original_name, "media_type": a.media_type,
         "size": a.size, "kind": a.kind, "caption": a.caption, "duration_ms": a.duration_ms,
         "key": f"{a.original_name} ({a.sha256[:12]})"} for a in rows]
    return content


def signed_files(session: Session, record_id: str) -> list[tuple[str, str, int]]:
    return [(a.original_name or a.sha256[:12], a.sha256, a.size)
            for a in _live_files(session, record_id)]


def describe(session: Session, record_id: str) -> RecordSummary:
    record = session.get(EvidenceRecord, record_id)
    if record is None:
        return RecordSummary(RECORD_TYPE, record_id, "Evidence record", None, "", "", "", False)
    learner = session.get(Learner, record.learner_id)
    kind = method_name(record.method) + (" (amendment)" if record.amends_id else "")
    # Named as printed: "OBS-001/A3F2" where the learner has OBS-001 signed twice.
    return RecordSummary(RECORD_TYPE, record_id, kind, record.learner_id,
                         learner.full_name if learner else "",
                         printed_reference(session, record_id), record.title)


def _assessor_stages(session: Session, record: EvidenceRecord) -> list[list[str]]:
    """A trainee assessor's decision is countersigned by a qualified assessor."""
    enrolment = session.get(Enrolment, record.enrolment_id)
    assessor = session.get(StaffMember, enrolment.assessor_id) if enrolment and enrolment.assessor_id else None
    return assessor_stages(assessor is not None and assessor.role == "trainee_assessor")


def assessor_stages(trainee: bool) -> list[list[str]]:
    return [["trainee_assessor"], ["countersigning_assessor"]] if trainee else [["assessor"]]


def required_signers(session: Session, record_id: str) -> list[list[str]]:
    record = session.get(EvidenceRecord, record_id)
    return signers_for(record.method, _assessor_stages(session, record))


def signers_for(method: str, assessor: list[list[str]]) -> list[list[str]]:
    """Who signs a record made by this method, in order, given the assessor's stages."""
    if method == "Wt":   # the witness vouches first; the assessor then accepts it
        return [["witness"]] + assessor
    if method == "EW":
        return [["expert_witness"]] + assessor
    if len(assessor) == 1:      # learner and assessor, in either order
        return [["learner", assessor[0][0]]]
    return [["learner", assessor[0][0]], assessor[1]]


def policy_key(session: Session, record_id: str) -> str:
    return f"evidence:{session.get(EvidenceRecord, record_id).method}"


def present(session: Session, record_id: str) -> list[tuple[str, str]]:
    """The record in full, as the signer reads it before signing."""
    record = session.get(EvidenceRecord, record_id)
    learner = session.get(Learner, record.learner_id)
    details = json.loads(record.details_json or "{}")
    # The reference as printed: the signature covers the portfolio reference and the id
    # the qualifier of "OBS-001/A3F2" is read from (app/evidence/printed_reference.py).
    ref = printed_reference(session, record_id)
    sections = [("Record", f"{method_name(record.method)} {ref}: {record.title}\n"
                           f"Learner: {learner.full_name if learner else ''}\n"
                           f"Date: {record.date.strftime('%d/%m/%Y') if record.date else '—'}"
                           + (f"\nWhere: {record.location}" if record.location else ""))]
    for f in DETAILS.get(record.method, ()):
        value = details.get(f.key)
        if not value:
            continue
        if isinstance(value, list):
            lines = []
            for row in value:
                lines.append(" · ".join(f"{label}: {row.get(key, '')}" for key, label in f.columns
                                        if row.get(key, "") != ""))
            value = "\n".join(lines)
        sections.append((f.label, str(value)))
    mappings = session.scalars(select(CriterionMapping).where(
        CriterionMapping.record_id == record_id, CriterionMapping.deleted_at.is_(None))).all()
    labels = _ac_labels(session, [m.criterion_id for m in mappings])
    if mappings:
        rows = sorted((labels.get(m.criterion_id, ("?", "?", "")), m.status) for m in mappings)
        sections.append(("Assessment criteria covered", "\n".join(
            f"Unit {u} AC {n} ({'met' if s == 'met' else 'working towards'}): {t}"
            for (u, n, t), s in rows)))
    files = session.scalars(select(Attachment).where(
        Attachment.record_id == record_id, Attachment.deleted_at.is_(None))).all()
    if files:
        sections.append(("Files", "\n".join(f"{a.original_name} ({a.size:,} bytes)" for a in files)))
    flags = [f for f in JUDGEMENT_FLAGS if getattr(record, f)]
    sections.append(("Assessor's judgement of the evidence",
                     ", ".join(flags) if flags else "not yet recorded"))
    return sections


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def check_signer(session: Session, record_id: str, role: str, signer_name: str) -> str | None:
    """A witness signs under the witness's name on the record ("from Sian Morgan" is not
    signed by "Somebody Else"), unless the record states why not before they sign."""
    if role not in ("witness", "expert_witness"):
        return None
    record = session.get(EvidenceRecord, record_id)
    details = json.loads(record.details_json or "{}")
    named = (details.get("witness_name") or "").strip()
    if not named:
        return ("Write the witness's name on the record before they sign: the testimony "
                "says whose it is.")
    if _same_name(named, signer_name) or (details.get("signs_as_reason") or "").strip():
        return None
    return (f"This testimony is from {named}, so the witness signs as {named}. If "
            f"“{signer_name.strip()}” is right, write why on the record first (“If the "
            f"witness signs under another name: why”).")


def mark_signed(session: Session, record_id: str) -> None:
    record = session.get(EvidenceRecord, record_id)
    if record.state != "signed":
        record.state = "signed"
        session.flush()


def copy_for_amendment(session: Session, record_id: str) -> str:
    """A new draft with the signed record's content, pointing at it; same portfolio ref."""
    old = session.get(EvidenceRecord, record_id)
    new = EvidenceRecord(
        enrolment_id=old.enrolment_id, learner_id=old.learner_id, method=old.method,
        portfolio_ref=old.portfolio_ref, title=old.title, date=old.date, location=old.location,
        state="draft", details_json=old.details_json, amends_id=old.id,
        **{f: getattr(old, f) for f in JUDGEMENT_FLAGS})
    session.add(new)
    session.flush()
    for m in session.scalars(select(CriterionMapping).where(
            CriterionMapping.record_id == record_id, CriterionMapping.deleted_at.is_(None))):
        session.add(CriterionMapping(record_id=new.id, criterion_id=m.criterion_id,
                                     unit_id=m.unit_id, status=m.status, note=m.note))
    for a in session.scalars(select(Attachment).where(
            Attachment.record_id == record_id, Attachment.deleted_at.is_(None))):
        session.add(Attachment(record_id=new.id, sha256=a.sha256, original_name=a.original_name,
                               media_type=a.media_type, size=a.size, kind=a.kind, caption=a.caption,
                               duration_ms=a.duration_ms))
    session.flush()
    return new.id


def version(session: Session, record_id: str) -> int:
    return session.get(EvidenceRecord, record_id).version


def is_deleted(session: Session, record_id: str) -> bool:
    record = session.get(EvidenceRecord, record_id)
    return record is None or record.deleted_at is not None


register_signable(RECORD_TYPE, serialise, describe=describe, required_signers=required_signers,
                  present=present, copy_for_amendment=copy_for_amendment, version=version,
                  mark_signed=mark_signed, policy_key=policy_key, is_deleted=is_deleted,
                  rule=2, earlier_rules={1: serialise_rule_1}, signed_files=signed_files,
                  check_signer=check_signer)
