"""Signing a record: who may sign, in which order, by which method, and the signature row
that binds their name to exactly the content they saw."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput, required_name
from app.db.base import new_id, utcnow
from app.models import Signature
from app.models.signing import SIGNATURE_METHODS, SIGNER_ROLES
from app.signing.audit import record_event
from app.signing.canonical import content_hash, sha256_hex
from app.signing.chain import chain_head, payload_bytes
from app.signing.coverage import content_under
from app.signing.device_key import data_dir_of, device_signer
from app.signing.newest_signature import remember_after_commit
from app.signing.locking import signatures_on
from app.signing.policy import current_policy
from app.signing.registry import RecordSummary, Signable, signable
from app.sync.iqa_laptop import refuse_the_assessors_work

SHA256 = re.compile(r"^[0-9a-f]{64}$")
ASSESSOR_ROLES = ("assessor", "trainee_assessor", "countersigning_assessor")


@dataclass(frozen=True)
class SignatureView:
    id: str
    signer_name: str
    role: str
    role_label: str
    method: str
    signed_at: datetime
    on_behalf_by: str
    typed_name: str
    image_png: bytes | None
    content_hash: str


@dataclass(frozen=True)
class SigningStatus:
    record: RecordSummary
    stages: list[list[str]]
    signatures: list[SignatureView]
    next_roles: list[str]           # roles that may sign now
    waiting_roles: list[str]        # roles that sign later
    complete: bool
    locked: bool
    allowed_methods: dict[str, list[str]] = field(default_factory=dict)
    on_behalf_allowed: bool = False


def _signable(record_type: str) -> Signable:
    found = signable(record_type)
    if found is None:
        raise InvalidInput({"record": f"Records of type '{record_type}' cannot be signed."})
    return found


def _stages(session: Session, sig: Signable, record_id: str) -> list[list[str]]:
    policy = current_policy(session)
    if sig.policy_key is not None:
        override = policy.required.get(sig.policy_key(session, record_id))
        if override:
            return override
    return sig.required_signers(session, record_id)


def _view(s: Signature) -> SignatureView:
    return SignatureView(s.id, s.signer_name, s.role, SIGNER_ROLES.get(s.role, s.role), s.method,
                         s.signed_at, s.on_behalf_by, s.typed_name, s.image_png, s.content_hash)


def signing_status(session: Session, record_type: str, record_id: str) -> SigningStatus:
    sig = _signable(record_type)
    summary = sig.describe(session, record_id)
    stages = _stages(session, sig, record_id)
    existing = signatures_on(session, record_type, record_id)
    signed_roles = {s.role for s in existing}
    next_roles: list[str] = []
    waiting: list[str] = []
    for stage in stages:
        missing = [r for r in stage if r not in signed_roles]
        if missing and not next_roles:
            next_roles = missing
        elif missing:
            waiting.extend(missing)
    policy = current_policy(session)
    roles = {r for stage in stages for r in stage}
    return SigningStatus(summary, stages, [_view(s) for s in existing], next_roles, waiting,
                         not next_roles and not waiting, bool(existing),
                         {r: policy.methods_for(r) for r in sorted(roles)},
                         policy.on_behalf_allowed)


def _order_problem(status: SigningStatus, role: str, kind: str) -> str | None:
    label = SIGNER_ROLES.get(role, role)
    if role in {s.role for s in status.signatures}:
        return f"The {label.lower()} has already signed this {kind.lower()}."
    if role in status.next_roles:
        return None
    if role in status.waiting_roles:
        first = " and ".join(SIGNER_ROLES[r].lower() for r in status.next_roles)
        return f"The {first} signs this {kind.lower()} first; the {label.lower()} signs after."
    who = ", ".join(SIGNER_ROLES[r].lower() for stage in status.stages for r in stage)
    return f"A {label.lower()} does not sign this {kind.lower()} (it is signed by: {who})."


def sign_record(session: Session, record_type: str, record_id: str, *, signer_name: str,
                role: str, method: str, strokes: list | None = None,
                image_png: bytes | None = None, typed_name: str = "", scan_sha256: str = "",
                on_behalf_by: str = "") -> SignatureView:
    """Add one signature. Refuses (InvalidInput) a role out of order, a method the centre's
    policy does not allow for the role, signing on someone's behalf unless allowed, and a
    signature without its mark (strokes, typed name or scan)."""
    sig = _signable(record_type)
    if sig.is_deleted(session, record_id) or sig.serialise(session, record_id) is None:
        raise InvalidInput({"record": "This record has been deleted and cannot be signed."})
    status = signing_status(session, record_type, record_id)
    if role != "iqa":   # an IQA's laptop signs only as IQA, whoever's turn it is
        refuse_the_assessors_work(session, status.record.learner_id)
    kind = status.record.kind
    policy = current_policy(session)
    problems: dict[str, str] = {}
    name_problem = required_name(signer_name, "The signer's printed name", 200)
    if name_problem:
        problems["signer_name"] = name_problem
    if role not in SIGNER_ROLES:
        problems["role"] = f"'{role}' is not a signer role."
    else:
        order = _order_problem(status, role, kind)
        if order:
            problems["role"] = order
    if method not in SIGNATURE_METHODS:
        problems["method"] = "Sign by drawing, typing the name, or on paper with a scan."
    elif role in SIGNER_ROLES and method not in policy.methods_for(role):
        allowed = " or ".join(SIGNATURE_METHODS[m].lower() for m in policy.methods_for(role))
        problems["method"] = (f"The centre's signing policy does not accept a "
                              f"{SIGNATURE_METHODS[method].lower()} from a "
                              f"{SIGNER_ROLES[role].lower()}. Use: {allowed}.")
    if role == "iqa" and not name_problem:
        assessors = {x.signer_name.strip().lower() for x in status.signatures
                     if x.role in ASSESSOR_ROLES}
        if signer_name.strip().lower() in assessors:
            problems["signer_name"] = (f"{signer_name.strip()} assessed this decision, so "
                                       f"cannot also sign as its IQA: the IQA samples "
                                       f"someone else's decisions.")
    if sig.check_signer is not None and role in SIGNER_ROLES and not name_problem:
        problem = sig.check_signer(session, record_id, role, signer_name)
        if problem:
            problems["signer_name"] = problem
    if on_behalf_by.strip() and not policy.on_behalf_allowed:
        problems["on_behalf_by"] = ("The centre's policy does not allow signing on someone's "
                                    "behalf: the signer must sign themselves.")
    if method == "drawn" and (not strokes or not any(len(s) > 1 for s in strokes) or not image_png):
        problems["signature"] = "Draw the signature on the pad first."
    if method == "typed" and not typed_name.strip():
        problems["signature"] = "Type the signer's name as their signature."
    if method == "paper_scan" and not SHA256.match(scan_sha256 or ""):
        problems["signature"] = "Attach the scan of the paper signature first."
    if problems:
        raise InvalidInput(problems)

    digest = content_hash(sig.serialise(session, record_id))
    earlier = signatures_on(session, record_type, record_id)
    if any(s.content_hash != content_hash(content_under(session, record_type, record_id,
                                                        s.content_rule))
           for s in earlier):
        raise InvalidInput({"record": "This record no longer matches what was signed earlier "
                                      "(it was changed outside Fieldfolio). Run Verify integrity."})
    if not earlier and sig.mark_signed is not None:
        sig.mark_signed(session, record_id)   # lock first: triggers refuse changes after this
    signer = device_signer(session)
    sequence, previous = chain_head(session, signer.device_id)
    row = Signature(
        id=new_id(), record_type=record_type, record_id=record_id,
        record_version=sig.version(session, record_id), learner_id=status.record.learner_id,
        content_hash=digest, signer_name=signer_name.strip(), role=role, method=method,
        on_behalf_by=on_behalf_by.strip(),
        strokes_json=json.dumps(strokes or [], separators=(",", ":")) if method == "drawn" else "[]",
        image_png=image_png if method == "drawn" else None,
        scan_sha256=scan_sha256 if method == "paper_scan" else "",
        typed_name=typed_name.strip() if method == "typed" else "",
        signed_at=utcnow(),
        signing_device_id=signer.device_id, key_fingerprint=signer.fingerprint,
        sequence=sequence + 1, previous_signature_hash=previous, content_rule=sig.rule)
    data = payload_bytes(row)
    row.signature_hash = sha256_hex(data)
    row.device_signature = signer.sign(data)
    session.add(row)
    session.flush()
    remember_after_commit(session, data_dir_of(session), row.signing_device_id, row.sequence,
                          row.signature_hash)
    record_event(session, "signed", record_type, record_id, learner_id=status.record.learner_id,
                 related_id=row.id,
                 summary=f"{SIGNER_ROLES[role]} {row.signer_name} signed "
                         f"{status.record.label()} ({SIGNATURE_METHODS[method].lower()}"
                         + (f", on their behalf by {row.on_behalf_by}" if row.on_behalf_by else "")
                         + ")")
    return _view(row)
