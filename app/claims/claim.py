"""A claim to competence: signed-off units chosen for certification, whether they make a
full award by the qualification's rules of combination, and the learner's and assessor's
statements (EDI "Learner statement and assessor summative statement", seed 002 App. E).

A claim is a draft while the statements are typed (saved as typed, nothing lost); the
first signature locks it. Signing is refused while it claims an unsigned unit or a full
award the rules do not support (see `claim_problems`, also called by app/claims/signable.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.caseload.enrolments import check_units
from app.caseload.validation import InvalidInput
from app.catalogue.combination import CombinationCheck
from app.claims.sign_off import sign_offs_of
from app.db.base import utcnow
from app.models import Enrolment
from app.models.claims import Claim, UnitSignOff
from app.signing.locking import ensure_editable
from app.sync.iqa_laptop import refuse_the_assessors_work
from app.documents.words import in_words

RECORD_TYPE = "claim"
LEARNER_DECLARATION = "I confirm the evidence I have submitted to claim competence is authentic."
ASSESSOR_DECLARATION = "I confirm the evidence I have assessed is authentic."
LEARNER_PROMPTS = (
    "How you completed the units and what you have learnt from the experience",
    "How long you have been in your current role and working towards this qualification",
    "The assessment methods used to show your competence",
    "How this has affected the way you approach your job",
)
ASSESSOR_PROMPTS = (
    "Support for the learner's statement",
    "How the learner achieved the units, drawing on their particular circumstances",
)
EDITABLE = ("learner_statement", "assessor_statement")


@dataclass(frozen=True)
class ClaimView:
    id: str
    enrolment_id: str
    reference: str
    sign_off_ids: list[str]
    unit_numbers: list[str]
    full_award: bool
    combination_summary: str
    learner_statement: str
    assessor_statement: str
    locked: bool
    signed_roles: tuple[str, ...] = ()
    iqa_sampled_on: date | None = None
    iqa_initials: str = ""
    iqa_name: str = ""

    @property
    def units_in_words(self) -> str:
        return in_words(len(self.sign_off_ids))

    @property
    def signed_by_both(self) -> bool:
        """Learner and assessor (or countersigning assessor) have signed: the IQA may sample."""
        roles = set(self.signed_roles)
        return "learner" in roles and bool(roles & {"assessor", "countersigning_assessor"})


def combination_for(session: Session, enrolment_id: str, sign_off_ids: list[str]) -> CombinationCheck:
    enrolment = session.get(Enrolment, enrolment_id)
    unit_ids = set(session.scalars(select(UnitSignOff.unit_id).where(
        UnitSignOff.id.in_(sign_off_ids or [""]))))
    return check_units(session, enrolment.qualification_id, unit_ids, "claimed")


def claimed_elsewhere(session: Session, enrolment_id: str, sign_off_ids: list[str],
                      claim_id: str | None = None) -> dict[str, str]:
    """sign-off id -> the reference of another live (not withdrawn) claim already claiming
    it: a unit is claimed once; withdrawing that claim frees it. With the claims of an
    enrolment joined into this one at a merge, where the unit may have been signed off in
    both records: claiming either sign-off claims the unit."""
    from app.caseload.same_enrolment import enrolment_family
    family = enrolment_family(session, enrolment_id)
    unit_of = dict(session.execute(select(UnitSignOff.id, UnitSignOff.unit_id).where(
        UnitSignOff.enrolment_id.in_(family))).all())
    wanted = {unit_of.get(sid, sid): sid for sid in sign_off_ids}
    out = {}
    for other in session.scalars(select(Claim).where(
            Claim.enrolment_id.in_(family), Claim.deleted_at.is_(None))):
        if other.id != claim_id:
            for sid in json.loads(other.sign_offs_json or "[]"):
                mine = wanted.get(unit_of.get(sid, sid))
                if mine is not None:
                    out.setdefault(mine, other.reference)
    return out


def claim_problems(session: Session, enrolment_id: str, sign_off_ids: list[str],
                   full_award: bool, claim_id: str | None = None) -> dict[str, str]:
    problems: dict[str, str] = {}
    views = {v.id: v for v in sign_offs_of(session, enrolment_id, every=True)}
    if not sign_off_ids:
        problems["units"] = "Choose at least one signed-off unit to claim."
    unknown = [i for i in sign_off_ids if i not in views]
    unsigned = [views[i].unit_number for i in sign_off_ids if i in views and not views[i].signed_off]
    if unknown:
        problems["units"] = "A chosen unit sign-off no longer exists for this enrolment."
    elif unsigned:
        problems["units"] = (f"Unit{'s' if len(unsigned) > 1 else ''} {', '.join(unsigned)} "
                             f"{'are' if len(unsigned) > 1 else 'is'} not signed off by both "
                             "learner and assessor, so cannot be claimed.")
    elsewhere = claimed_elsewhere(session, enrolment_id, sign_off_ids, claim_id)
    if elsewhere and "units" not in problems:
        problems["units"] = "; ".join(
            f"Unit {views[sid].unit_number} is already claimed in {ref}"
            for sid, ref in elsewhere.items() if sid in views) + (
            ". A unit is claimed once: withdraw that claim first if it must be claimed again.")
    if full_award and sign_off_ids:
        check = combination_for(session, enrolment_id, sign_off_ids)
        if not check.rules_stated:
            problems["full_award"] = ("The specification gives no rules of combination for this "
                                      "qualification, so a full award cannot be claimed here: "
                                      "claim the units.")
        elif not check.ok:
            problems["full_award"] = ("A full award cannot be claimed: "
                                      + " ".join(check.problems))
    return problems


def claim_note(check: CombinationCheck) -> str:
    """What the claim form says about the rules of combination, signed with the claim.
    Where the source gives none (a unit bank: a claim for units, not a qualification),
    nothing: the catalogue's sentence about its source is not the signers' business."""
    return check.summary() if check.rules_stated else ""


def _next_reference(session: Session, learner_id: str) -> str:
    # Counted with any record of the learner merged into this one (app/caseload/merge.py),
    # whose signed claims keep their references.
    from app.caseload.same_learner import same_learner_ids
    count = session.scalar(select(func.count()).select_from(Claim).where(
        Claim.learner_id.in_(same_learner_ids(session, learner_id)))) or 0
    return f"CLAIM-{count + 1:03d}"


def start_claim(session: Session, enrolment_id: str, sign_off_ids: list[str],
                full_award: bool | None = None) -> str:
    """A draft claim for these signed-off units. `full_award` None: a full award when the
    rules of combination are met. Refuses an unsigned unit or an unsupported full award."""
    from app.caseload.same_enrolment import kept_enrolment_id
    enrolment_id = kept_enrolment_id(session, enrolment_id)   # never on a joined one
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise InvalidInput({"enrolment": "That enrolment no longer exists."})
    refuse_the_assessors_work(session, enrolment.learner_id)   # an IQA's laptop
    check = combination_for(session, enrolment_id, sign_off_ids)
    if full_award is None:
        full_award = check.rules_stated and check.ok
    problems = claim_problems(session, enrolment_id, sign_off_ids, full_award)
    if problems:
        raise InvalidInput(problems)
    claim = Claim(enrolment_id=enrolment_id, learner_id=enrolment.learner_id,
                  reference=_next_reference(session, enrolment.learner_id),
                  sign_offs_json=json.dumps(_in_print_order(session, enrolment_id, sign_off_ids)),
                  full_award=full_award, combination_summary=claim_note(check),
                  learner_declaration=LEARNER_DECLARATION,
                  assessor_declaration=ASSESSOR_DECLARATION, claimed_on=utcnow().date())
    session.add(claim)
    session.flush()
    return claim.id


def _in_print_order(session: Session, enrolment_id: str, ids: list[str]) -> list[str]:
    order = [v.id for v in sign_offs_of(session, enrolment_id, every=True)]
    return sorted(ids, key=lambda i: order.index(i) if i in order else len(order))


def autosave_claim(session: Session, claim_id: str, fields: dict) -> None:
    """Statements as typed. Refused once anyone has signed (the claim is locked)."""
    claim = session.get(Claim, claim_id)
    if claim is None or claim.deleted_at is not None:
        raise InvalidInput({"claim": "That claim no longer exists."})
    ensure_editable(session, RECORD_TYPE, claim_id)
    for key in EDITABLE:
        if key in fields and getattr(claim, key) != (fields[key] or ""):
            setattr(claim, key, fields[key] or "")
    session.flush()


# A statement shorter than this says nothing an IQA can judge. The window shows the count
# as it is typed, and checks it before the laptop is handed to the learner to sign.
STATEMENT_MIN_WORDS = 10


def word_count(text: str) -> int:
    return len((text or "").split())


def statement_length_words(text: str) -> str:
    """'4 words: at least 10 needed', or '12 words' once the minimum is reached."""
    n = word_count(text)
    said = f"{n} word{'s' if n != 1 else ''}"
    return said if n >= STATEMENT_MIN_WORDS else f"{said}: at least {STATEMENT_MIN_WORDS} needed"


def claim_statement_problems(claim: Claim) -> dict[str, str]:
    problems = {}
    if word_count(claim.learner_statement) < STATEMENT_MIN_WORDS:
        problems["learner_statement"] = (
            "Write the learner's statement first: how the units were achieved, time in role, "
            f"methods used, what changed (at least {STATEMENT_MIN_WORDS} words; "
            f"{word_count(claim.learner_statement)} so far).")
    if word_count(claim.assessor_statement) < STATEMENT_MIN_WORDS:
        problems["assessor_statement"] = (
            "Write the assessor's summative statement first, supporting the learner's "
            f"statement (at least {STATEMENT_MIN_WORDS} words; "
            f"{word_count(claim.assessor_statement)} so far).")
    return problems


def problems_before_signing(session: Session, claim_id: str) -> dict[str, str]:
    """Everything that would stop anyone signing the claim now, so it is said to the
    assessor before the laptop is handed over, never to the learner holding it."""
    claim = session.get(Claim, claim_id)
    if claim is None or claim.deleted_at is not None:
        return {"claim": "That claim no longer exists."}
    problems = claim_problems(session, claim.enrolment_id, json.loads(claim.sign_offs_json),
                              claim.full_award, claim_id=claim.id)
    problems.update(claim_statement_problems(claim))
    return problems


def get_claim(session: Session, claim_id: str) -> ClaimView | None:
    from app.signing.locking import signatures_on
    claim = session.get(Claim, claim_id)
    if claim is None or claim.deleted_at is not None:
        return None
    ids = json.loads(claim.sign_offs_json)
    numbers = {v.id: v.unit_number for v in sign_offs_of(session, claim.enrolment_id,
                                                          every=True)}
    roles = tuple(s.role for s in signatures_on(session, RECORD_TYPE, claim.id))
    return ClaimView(claim.id, claim.enrolment_id, claim.reference, ids,
                     [numbers.get(i, "?") for i in ids], claim.full_award,
                     claim.combination_summary, claim.learner_statement,
                     claim.assessor_statement, bool(roles), roles, claim.iqa_sampled_on,
                     claim.iqa_initials, claim.iqa_name)


def claims_of(session: Session, enrolment_id: str) -> list[ClaimView]:
    """The enrolment's live claims, with those of an enrolment joined into it at a merge
    (a signed claim stays where it was signed: app/caseload/same_enrolment.py)."""
    from app.caseload.same_enrolment import enrolment_family
    ids = session.scalars(select(Claim.id).where(
        Claim.enrolment_id.in_(enrolment_family(session, enrolment_id)),
        Claim.deleted_at.is_(None))
        .order_by(Claim.created_at)).all()
    return [get_claim(session, i) for i in ids]
