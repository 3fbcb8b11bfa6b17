"""What a signature covers, by rule, so that widening the coverage never invalidates a
signature already made.

Rule 1 (every signature made before schema 0008): the record's own fields, each mapped AC
by id, unit and number, each file by SHA-256, name, type and size; for sign-offs and claims
their own fields and evidence list.
Rule 2 (from schema 0008): what the signed page shows besides, so that changing it anywhere
fails the signature: the learner's name, each mapped AC's text, each file's caption, kind
and playing time. A file's bytes were covered by its SHA-256 from rule 1 on; verify now
also reads the bytes (app/signing/check.py).

Each signature stores the rule it was made under (`signature.content_rule`, in its signed
payload from rule 2 on, so it cannot be moved to a narrower rule without failing its own
check). A record's later signatures use the newest rule even where its first signature
used an older one: each signature covers what its signer was shown.

Everything here works on any SQLAlchemy session holding the app tables (the laptop's
SQLite, the centre's PostgreSQL): no Qt, no data folder, no key file.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.signing.registry import signable

RULES = {
    1: "the record's fields, its ACs by number and its files' SHA-256 (signatures made "
       "before Fieldfolio's schema 0008)",
    2: "the record's fields, the learner's name, each AC's number and text, and each "
       "file's SHA-256, caption and playing time",
}


class UnknownRule(ValueError):
    """A signature names a coverage rule this version of Fieldfolio does not know (made by
    a newer version): it cannot be checked here, which verify reports, never passes."""


def current_rule(record_type: str) -> int:
    sig = signable(record_type)
    return sig.rule if sig is not None else 1


def content_under(session: Session, record_type: str, record_id: str,
                  rule: int) -> dict | None:
    """The content as a signature made under `rule` covers it; None if the record is gone."""
    sig = signable(record_type)
    if sig is None:
        raise UnknownRule(f"records of type '{record_type}' cannot be checked here")
    if rule == sig.rule:
        return sig.serialise(session, record_id)
    older = sig.earlier_rules.get(rule)
    if older is None:
        raise UnknownRule(f"coverage rule {rule} is not known to this version of Fieldfolio")
    return older(session, record_id)
