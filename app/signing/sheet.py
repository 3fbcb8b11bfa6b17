"""Everything the signing screen shows, read in one go: the record in full, who has
signed, who signs next, what the policy allows, and who is using the laptop."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.profile import current_profile
from app.models import Amendment, Enrolment, StaffMember
from app.models.claims import Claim, UnitSignOff
from app.signing.amend import amendment_of
from app.signing.locking import lock_reason
from app.signing.registry import signable
from app.signing.sign import SigningStatus, signing_status


@dataclass(frozen=True)
class SigningSheet:
    status: SigningStatus
    sections: list[tuple[str, str]]
    assessor_name: str
    assessor_role: str
    lock_reason: str | None
    amended_by_id: str | None      # the amendment that corrects this record, if any
    amends_id: str | None          # the signed record this one corrects, if any
    iqa_name: str = ""             # who the IQA slot names: the sample's IQA, or the enrolment's


def signing_sheet(session: Session, record_type: str, record_id: str) -> SigningSheet:
    sig = signable(record_type)
    status = signing_status(session, record_type, record_id)
    sections = sig.present(session, record_id) if sig.present else [
        ("Record", status.record.label())]
    sections = sections + _iqa_sample(session, record_type, record_id)
    me = current_profile(session)
    later = amendment_of(session, record_id)
    earlier = session.scalars(select(Amendment.original_id).where(
        Amendment.amended_id == record_id)).first()
    return SigningSheet(status, sections, me.name if me else "", me.role if me else "",
                        lock_reason(session, record_type, record_id),
                        later.amended_id if later else None, earlier,
                        _iqa_name(session, record_type, record_id))


def _iqa_sample(session: Session, record_type: str, record_id: str) -> list[tuple[str, str]]:
    """The IQA's sample, when one is recorded: the IQA signs beside their sample date and
    initials on paper (the IV columns), so the screen they sign on shows them too."""
    model = {"unit_sign_off": UnitSignOff, "claim": Claim}.get(record_type)
    row = session.get(model, record_id) if model else None
    if row is None or row.iqa_sampled_on is None:
        return []
    who = f" by {row.iqa_name}" if row.iqa_name else ""
    initials = f" (initials {row.iqa_initials})" if row.iqa_initials else ""
    return [("IQA sample", f"Sampled on {row.iqa_sampled_on:%d/%m/%Y}{who}{initials}.")]


def _iqa_name(session: Session, record_type: str, record_id: str) -> str:
    """The IQA who signs a sign-off or claim: the one who recorded its sample, else the
    enrolment's IQA; never the person using the laptop by default (usually the assessor)."""
    model = {"unit_sign_off": UnitSignOff, "claim": Claim}.get(record_type)
    row = session.get(model, record_id) if model else None
    if row is None:
        return ""
    if row.iqa_name:
        return row.iqa_name
    enrolment = session.get(Enrolment, row.enrolment_id)
    iqa = session.get(StaffMember, enrolment.iqa_id) if enrolment and enrolment.iqa_id else None
    return iqa.name if iqa else ""
