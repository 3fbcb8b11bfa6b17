"""The IQA's sample of a unit sign-off or a claim: the date, their name and initials.

EDI's claim form prints a sampled unit's date and initials in its "Internal Verifier date"
and "IV initials" columns, and the IV's name and date beside their signature under the
claim. The IQA samples after learner and assessor have signed, so these fields sit outside
what those signatures cover (app/claims/triggers.py); once the IQA has signed, the sample
stays as they signed it.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput, limited, past_date
from app.claims.claim import RECORD_TYPE as CLAIM
from app.claims.sign_off import RECORD_TYPE as SIGN_OFF
from app.models import Unit
from app.models.claims import Claim, UnitSignOff
from app.models.signing import SIGNER_ROLES
from app.signing.audit import record_event
from app.signing.locking import signatures_on

INITIALS_MAX = 5


def clean_initials(initials: str) -> str:
    """'j.w.' or 'J W' as printed in a 13 mm column: 'JW'."""
    return "".join(ch for ch in (initials or "") if ch not in ". ").upper()


def sample_problems(sampled_on: str | date, initials: str, name: str,
                    what: str) -> tuple[dict[str, str], date | None]:
    """Everything wrong with a sample as typed, by field, and the date when it parses."""
    problems: dict[str, str] = {}
    when, problem = past_date(sampled_on, f"Enter the date the IQA sampled this {what}.",
                              "The sample date cannot be in the future.")
    if problem:
        problems["iqa_sampled_on"] = problem
    letters = clean_initials(initials)
    if not letters or len(letters) > INITIALS_MAX or not letters.isalpha():
        problems["iqa_initials"] = (f"Enter the IQA's initials: 1 to {INITIALS_MAX} letters, "
                                    "e.g. JW.")
    if not (name or "").strip():
        problems["iqa_name"] = "Enter the IQA's name as it will be printed."
    else:
        problem = limited(name.strip(), "The IQA's name", 200)
        if problem:
            problems["iqa_name"] = problem
    return problems, when


def _roles(session: Session, record_type: str, record_id: str) -> dict[str, str]:
    return {s.role: f"{s.signer_name} on {s.signed_at:%d/%m/%Y}"
            for s in signatures_on(session, record_type, record_id)}


def _stage_problem(session: Session, record_type: str, record_id: str, what: str) -> str | None:
    roles = _roles(session, record_type, record_id)
    if "iqa" in roles:
        return (f"The IQA ({roles['iqa']}) has signed this {what}'s sample: it stays as "
                "signed.")
    assessed = "assessor" in roles or "countersigning_assessor" in roles
    if not ("learner" in roles and assessed):
        waiting = [SIGNER_ROLES[r].lower() for r, done in (("learner", "learner" in roles),
                                                           ("assessor", assessed)) if not done]
        return (f"The IQA samples a {what} after the learner and assessor have signed it: "
                f"waiting for the {' and '.join(waiting)}.")
    return None


def _record(session: Session, record_type: str, row, what: str, label, *, sampled_on,
            initials, name) -> None:
    """`label(row)` names the record in the audit trail: "unit 202", "CLAIM-001"."""
    if row is None or row.deleted_at is not None:
        raise InvalidInput({"record": f"That {what} no longer exists or was withdrawn."})
    problems, when = sample_problems(sampled_on, initials, name, what)
    stage = _stage_problem(session, record_type, row.id, what)
    if stage:
        problems["record"] = stage
    if problems:
        raise InvalidInput(problems)
    row.iqa_sampled_on, row.iqa_initials, row.iqa_name = when, clean_initials(initials), name.strip()
    session.flush()
    record_event(session, "changed", record_type, row.id, learner_id=row.learner_id,
                 summary=f"IQA sample of {label(row)} recorded: {when:%d/%m/%Y}, "
                         f"{row.iqa_name} ({row.iqa_initials})")


def record_iqa_sample(session: Session, sign_off_id: str, *, sampled_on: str | date,
                      initials: str, name: str) -> None:
    """The IQA sampled this signed-off unit: printed in the claim form's IV columns."""
    _record(session, SIGN_OFF, session.get(UnitSignOff, sign_off_id), "unit sign-off",
            lambda row: f"unit {session.get(Unit, row.unit_id).number}",
            sampled_on=sampled_on, initials=initials, name=name)


def record_claim_iqa_sample(session: Session, claim_id: str, *, sampled_on: str | date,
                            initials: str, name: str) -> None:
    """The IQA sampled this signed claim: printed beside the IV's signature on the form."""
    _record(session, CLAIM, session.get(Claim, claim_id), "claim", lambda row: row.reference,
            sampled_on=sampled_on, initials=initials, name=name)
