"""Unit sign-offs and claims as signable records: what learner, assessor and (when the unit
is sampled) IQA sign, and the checks made before the first signature locks them."""
from __future__ import annotations

import json

from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.claims.claim import RECORD_TYPE as CLAIM, claim_problems, claim_statement_problems
from app.claims.sign_off import RECORD_TYPE as SIGN_OFF
from app.models import Enrolment, Learner, Qualification, Unit
from app.models.claims import Claim, UnitSignOff
from app.signing.registry import RecordSummary, register_signable

STAGES = [["learner", "assessor"], ["iqa"]]


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def serialise_sign_off_rule_1(session: Session, record_id: str) -> dict | None:
    row = session.get(UnitSignOff, record_id)
    if row is None:
        return None
    unit = session.get(Unit, row.unit_id)
    return {"record_type": SIGN_OFF, "id": row.id, "enrolment_id": row.enrolment_id,
            "learner_id": row.learner_id, "unit_id": row.unit_id, "unit_number": unit.number,
            "unit_title": unit.title, "summative_date": _iso(row.summative_date),
            "decision": row.decision, "assessor_name": row.assessor_name,
            "assessor_declaration": row.assessor_declaration,
            "learner_confirmation": row.learner_confirmation,
            "evidence": json.loads(row.evidence_json or "[]")}


def serialise_claim_rule_1(session: Session, record_id: str) -> dict | None:
    row = session.get(Claim, record_id)
    if row is None:
        return None
    units = []
    for sign_off_id in json.loads(row.sign_offs_json or "[]"):
        s = session.get(UnitSignOff, sign_off_id)
        unit = session.get(Unit, s.unit_id) if s else None
        units.append({"sign_off_id": sign_off_id, "unit_number": unit.number if unit else "?",
                      "summative_date": _iso(s.summative_date) if s else None})
    return {"record_type": CLAIM, "id": row.id, "enrolment_id": row.enrolment_id,
            "learner_id": row.learner_id, "reference": row.reference, "units": units,
            "full_award": row.full_award, "combination_summary": row.combination_summary,
            "learner_statement": row.learner_statement,
            "assessor_statement": row.assessor_statement,
            "learner_declaration": row.learner_declaration,
            "assessor_declaration": row.assessor_declaration,
            "claimed_on": _iso(row.claimed_on)}


def _with_learner_name(rule_1):
    """Coverage rule 2 (app/signing/coverage.py): rule 1 and the learner's name, which the
    signed page shows; rule 1 stays as it was for the signatures made under it."""
    def serialise(session: Session, record_id: str) -> dict | None:
        content = rule_1(session, record_id)
        if content is not None:
            content["learner_name"] = _learner_name(session, content["learner_id"])
        return content
    return serialise


serialise_sign_off = _with_learner_name(serialise_sign_off_rule_1)
serialise_claim = _with_learner_name(serialise_claim_rule_1)


def _uk(iso: str | None) -> str:
    return "/".join(reversed(iso.split("-"))) if iso else ""


def _learner_name(session: Session, learner_id: str) -> str:
    learner = session.get(Learner, learner_id)
    return learner.full_name if learner else ""


def describe_sign_off(session: Session, record_id: str) -> RecordSummary:
    row = session.get(UnitSignOff, record_id)
    if row is None:
        return RecordSummary(SIGN_OFF, record_id, "Unit sign-off", None, "", "", "", False)
    unit = session.get(Unit, row.unit_id)
    return RecordSummary(SIGN_OFF, record_id, "Unit sign-off", row.learner_id,
                         _learner_name(session, row.learner_id), f"UNIT {unit.number}",
                         unit.title)


def describe_claim(session: Session, record_id: str) -> RecordSummary:
    row = session.get(Claim, record_id)
    if row is None:
        return RecordSummary(CLAIM, record_id, "Claim", None, "", "", "", False)
    count = len(json.loads(row.sign_offs_json or "[]"))
    return RecordSummary(CLAIM, record_id, "Claim to competence", row.learner_id,
                         _learner_name(session, row.learner_id), row.reference,
                         f"{count} unit{'s' * (count != 1)}"
                         + (", full award" if row.full_award else ""))


def present_sign_off(session: Session, record_id: str) -> list[tuple[str, str]]:
    c = serialise_sign_off(session, record_id)
    refs = ", ".join(f"{e['ref']} ({e['method']})" for e in c["evidence"]) or "none listed"
    return [("Unit", f"Unit {c['unit_number']}: {c['unit_title']}\n"
                     f"Learner: {_learner_name(session, c['learner_id'])}\n"
                     f"Summative assessment date: {_uk(c['summative_date'])}\n"
                     f"Decision: {c['decision']}"),
            ("Evidence the decision rests on", refs),
            ("Assessor's declaration", c["assessor_declaration"]),
            ("Learner's confirmation", c["learner_confirmation"])]


def present_claim(session: Session, record_id: str) -> list[tuple[str, str]]:
    c = serialise_claim(session, record_id)
    from app.documents.words import in_words
    units = ", ".join(u["unit_number"] for u in c["units"])
    award = ("A claim for units (a bank of units, not a qualification)" if _unit_bank(session, c)
             else f"Full award: {'yes' if c['full_award'] else 'no'}")
    return [("Claim", f"{c['reference']} for {_learner_name(session, c['learner_id'])}\n"
                      f"Units claimed ({in_words(len(c['units']))}): {units}\n"
                      f"{award}" + (f"\n{c['combination_summary']}"
                                    if c['combination_summary'] else "")),
            ("Learner statement", c["learner_statement"]),
            ("Learner's declaration", c["learner_declaration"]),
            ("Assessor summative statement", c["assessor_statement"]),
            ("Assessor's declaration", c["assessor_declaration"])]


def _unit_bank(session: Session, content: dict) -> bool:
    """Whether the claim is for units of a unit bank (no qualification, no award)."""
    enrolment = session.get(Enrolment, content.get("enrolment_id") or "")
    qualification = session.get(Qualification, enrolment.qualification_id) if enrolment else None
    return qualification is not None and qualification.kind == "unit_bank"


def check_claim_before_signing(session: Session, record_id: str) -> None:
    """A claim is only signed while it still claims signed-off units and a supported award."""
    row = session.get(Claim, record_id)
    problems = claim_problems(session, row.enrolment_id, json.loads(row.sign_offs_json),
                              row.full_award, claim_id=row.id)
    problems.update(claim_statement_problems(row))
    if problems:
        raise InvalidInput(problems)


def _version(model):
    return lambda session, record_id: session.get(model, record_id).version


def _deleted(model):
    def is_deleted(session: Session, record_id: str) -> bool:
        row = session.get(model, record_id)
        return row is None or row.deleted_at is not None
    return is_deleted


register_signable(SIGN_OFF, serialise_sign_off, describe=describe_sign_off,
                  required_signers=lambda s, r: STAGES, present=present_sign_off,
                  version=_version(UnitSignOff), is_deleted=_deleted(UnitSignOff),
                  policy_key=lambda s, r: SIGN_OFF, rule=2,
                  earlier_rules={1: serialise_sign_off_rule_1})
register_signable(CLAIM, serialise_claim, describe=describe_claim,
                  required_signers=lambda s, r: STAGES, present=present_claim,
                  version=_version(Claim), is_deleted=_deleted(Claim),
                  mark_signed=check_claim_before_signing, policy_key=lambda s, r: CLAIM,
                  rule=2, earlier_rules={1: serialise_claim_rule_1})
