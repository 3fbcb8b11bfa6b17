"""A centre's signing policy: which methods each role may use, signing on someone's behalf,
and required signers per kind of record.

Defaults (no policy row yet): everyone may sign by drawing on the laptop or on paper (scan
attached); typed signatures are off until the centre allows them for a role (quality
assurance often rejects a typed name); nobody signs on another person's behalf.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.profile import current_profile
from app.caseload.validation import InvalidInput
from app.models import SignaturePolicy
from app.models.signing import SIGNATURE_METHODS, SIGNER_ROLES

DEFAULT_METHODS = ["drawn", "paper_scan"]


@dataclass(frozen=True)
class Policy:
    methods: dict[str, list[str]]          # role -> allowed methods
    on_behalf_allowed: bool = False
    required: dict[str, list[list[str]]] = field(default_factory=dict)  # policy key -> stages

    def methods_for(self, role: str) -> list[str]:
        return list(self.methods.get(role, DEFAULT_METHODS))


def _row(session: Session) -> SignaturePolicy | None:
    me = current_profile(session)
    query = select(SignaturePolicy).where(SignaturePolicy.deleted_at.is_(None))
    if me and me.centre_id:
        query = query.where(SignaturePolicy.centre_id == me.centre_id)
    return session.scalars(query.order_by(SignaturePolicy.created_at)).first()


def current_policy(session: Session) -> Policy:
    row = _row(session)
    methods = {role: list(DEFAULT_METHODS) for role in SIGNER_ROLES}
    if row is None:
        return Policy(methods)
    methods.update(json.loads(row.methods_json or "{}"))
    return Policy(methods, bool(row.on_behalf_allowed), json.loads(row.required_json or "{}"))


def save_policy(session: Session, methods: dict[str, list[str]] | None = None,
                on_behalf_allowed: bool | None = None,
                required: dict[str, list[list[str]]] | None = None) -> Policy:
    """Change this centre's policy (only the parts given)."""
    problems = {}
    for role, allowed in (methods or {}).items():
        if role not in SIGNER_ROLES:
            problems[f"methods.{role}"] = f"'{role}' is not a signer role."
        elif not allowed:
            problems[f"methods.{role}"] = f"{SIGNER_ROLES[role]} needs at least one way to sign."
        elif any(m not in SIGNATURE_METHODS for m in allowed):
            problems[f"methods.{role}"] = "Methods are drawn, typed or paper_scan."
    for key, stages in (required or {}).items():
        if any(r not in SIGNER_ROLES for stage in stages for r in stage):
            problems[f"required.{key}"] = "Unknown signer role in the required signers."
    if problems:
        raise InvalidInput(problems)
    row = _row(session)
    if row is None:
        me = current_profile(session)
        row = SignaturePolicy(centre_id=me.centre_id if me and me.centre_id else None)
        session.add(row)
    if methods is not None:
        merged = json.loads(row.methods_json or "{}")
        merged.update(methods)
        row.methods_json = json.dumps(merged, sort_keys=True)
    if on_behalf_allowed is not None:
        row.on_behalf_allowed = on_behalf_allowed
    if required is not None:
        merged = json.loads(row.required_json or "{}")
        merged.update(required)
        row.required_json = json.dumps(merged, sort_keys=True)
    session.flush()
    return current_policy(session)
