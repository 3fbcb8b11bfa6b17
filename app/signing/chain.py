"""A signature's own canonical payload, its hash, and the device chain.

The payload lists every field of the signature row that means something (who, as what,
how, on which content, when, on which device, after which earlier signature). Its SHA-256
is `signature_hash`; the device key signs the payload bytes. The next signature the same
device makes carries this hash as `previous_signature_hash`, so deleting, inserting or
reordering signatures breaks the chain.
"""
from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Signature
from app.signing.canonical import canonical_json, sha256_hex


def payload(sig: Signature) -> dict:
    out = {
        "id": sig.id,
        "record_type": sig.record_type,
        "record_id": sig.record_id,
        "record_version": sig.record_version,
        "learner_id": sig.learner_id,
        "content_hash": sig.content_hash,
        "signer_name": sig.signer_name,
        "role": sig.role,
        "method": sig.method,
        "on_behalf_by": sig.on_behalf_by,
        "typed_name": sig.typed_name,
        "strokes_sha256": sha256_hex((sig.strokes_json or "").encode("utf-8")),
        "image_sha256": sha256_hex(sig.image_png) if sig.image_png else "",
        "scan_sha256": sig.scan_sha256,
        "signed_at": sig.signed_at,
        "signing_device_id": sig.signing_device_id,
        "key_fingerprint": sig.key_fingerprint,
        "sequence": sig.sequence,
        "previous_signature_hash": sig.previous_signature_hash,
    }
    # Named from rule 2 on; rule 1 signatures were made without the field and their
    # payload bytes must stay exactly as they were signed.
    if (sig.content_rule or 1) != 1:
        out["content_rule"] = sig.content_rule
    return out


def payload_bytes(sig: Signature) -> bytes:
    return canonical_json(payload(sig))


def chain_head(session: Session, device_id: str) -> tuple[int, str]:
    """(sequence, signature_hash) of this device's latest signature, (0, '') if none."""
    last = session.scalars(select(Signature).where(Signature.signing_device_id == device_id)
                           .order_by(Signature.sequence.desc()).limit(1)).first()
    return (last.sequence, last.signature_hash) if last else (0, "")


def device_signature_ok(sig: Signature, key: Ed25519PublicKey | None) -> bool:
    if key is None:
        return False
    try:
        key.verify(bytes.fromhex(sig.device_signature), payload_bytes(sig))
        return True
    except (InvalidSignature, ValueError):
        return False


def count_for_device(session: Session, device_id: str) -> int:
    return session.scalar(select(func.count()).select_from(Signature)
                          .where(Signature.signing_device_id == device_id)) or 0
