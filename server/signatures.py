"""The centre vouches for a signature only after checking it against the key the laptop
registered at enrolment and against the record as the centre holds it.

A signature is refused when: it claims another device; its key is not the one registered;
its row fails its own hash or Ed25519 signature; or the signed record's content, recomputed
from the centre's database, is not what was signed. A record that already carries
signatures is refused any change that would break one of them, and any that would take it
out of 'signed' or delete it, which no signature covers (server/stays_signed.py). So is a
change to the name of a learner with signed work, which their signatures cover too
(`refusal_to_rename`, app/caseload/name_as_signed.py).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.name_as_signed import refusal_of_pushed_name
from app.models.signing import Signature
from app.signing.check import check_signature, content_problem
from app.signing.registry import load_all
from server.models import SyncDevice
from server.refusal import log

# Records whose signatures cover rows of another table: a mapping or file belongs to its
# evidence record's signed content.
SIGNED_THROUGH = {"criterion_mapping": ("evidence_record", "record_id"),
                  "attachment": ("evidence_record", "record_id")}
SIGNABLE_TABLES = ("evidence_record", "unit_sign_off", "claim")


def refusal_of_signature(session: Session, device: SyncDevice, row: dict) -> str | None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    sig = Signature(**row)
    if sig.signing_device_id != device.id:
        return "a laptop may send only signatures made on it"
    if not device.key_fingerprint or sig.key_fingerprint != device.key_fingerprint:
        return "signed with a key the centre never registered for this laptop"
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(device.public_key))
    # The same check a laptop's verify makes (app/signing/check.py), under the one key
    # this laptop registered at enrolment.
    load_all()
    problems = check_signature(session, sig, key)
    return "; ".join(problems) if problems else None


def _content_refusal(session: Session, sigs: list[Signature]) -> str | None:
    load_all()
    cache: dict = {}
    for sig in sigs:
        problem = content_problem(session, sig, cache)
        if problem:
            return f"{problem}: a signed record cannot be changed, make an amendment instead"
    return None


def refusal_to_unsign(session: Session, table: str, row: dict) -> str | None:
    """After writing `row`, does every signature on the record it belongs to still hold?"""
    if table in SIGNED_THROUGH:
        record_type, column = SIGNED_THROUGH[table]
        record_id = row.get(column)
    elif table in SIGNABLE_TABLES:
        record_type, record_id = table, row["id"]
    else:
        return None
    sigs = list(session.scalars(select(Signature).where(
        Signature.record_type == record_type, Signature.record_id == record_id)))
    if not sigs:
        return None
    return _content_refusal(session, sigs)


def refusal_to_rename(session: Session, table: str, existing: dict | None,
                      row: dict) -> str | None:
    """A pushed learner row that changes the name of a learner with signed work here: in
    the words the laptop's Details form uses (app/caseload/name_as_signed.py), for a laptop
    too old to refuse it itself, or altered."""
    if table != "learner":
        return None
    return refusal_of_pushed_name(session, existing, row)


def advance_chain(device: SyncDevice, row: dict) -> None:
    if row["sequence"] > (device.chain_sequence or 0):
        device.chain_sequence, device.chain_head_hash = row["sequence"], row["signature_hash"]


def chain_report(dev: SyncDevice | None, head: dict | None) -> dict:
    """A laptop whose newest signature is older than what the centre has seen from it has
    lost signatures (restored from an old backup, or edited). Asked on every sync: with the
    push, the pull and the "anything new?" question of a sync with nothing to do, so a
    newest signature deleted on the laptop is noticed even when nothing else changed."""
    if dev is None:
        return {"centre_sequence": 0, "behind": False}
    report = {"centre_sequence": dev.chain_sequence, "behind": False}
    if head is not None and int(head.get("sequence") or 0) < (dev.chain_sequence or 0):
        report["behind"] = True
        log.warning("device %s reports signature chain head %s; the centre has seen %s",
                    dev.id, head.get("sequence"), dev.chain_sequence)
    return report
