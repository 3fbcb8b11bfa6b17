"""The assessor's five judgements of a piece of evidence: valid, authentic, current,
reliable and sufficient (domain.md; EDI's matrix declaration). All five are recorded before
a record is marked ready for signatures, and before a unit is signed off on it: the sign-off
declaration says the evidence was judged on all five, so it must have been."""
from __future__ import annotations

from app.models.evidence import JUDGEMENT_FLAGS


def missing_judgements(record) -> list[str]:
    """The judgements not yet recorded on a record (anything with the five flags)."""
    return [flag for flag in JUDGEMENT_FLAGS if not getattr(record, flag)]


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def not_judged_problem(record) -> str | None:
    """Why the record cannot be marked ready for want of judgements, or None."""
    missing = missing_judgements(record)
    if not missing:
        return None
    return (f"{record.portfolio_ref} is not yet judged {_listed(missing)}. Tick all five "
            f"judgements (valid, authentic, current, reliable, sufficient) before marking it "
            f"ready for signatures.")


def not_judged_evidence(refs_missing: list[tuple[str, list[str]]]) -> str:
    """The sign-off's reason: 'Evidence not judged on all five counts: OBS-001 (current)'."""
    return ("Evidence not judged on all five counts (valid, authentic, current, reliable, "
            "sufficient): " + "; ".join(f"{ref} (not {_listed(missing)})"
                                        for ref, missing in refs_missing) + ".")
