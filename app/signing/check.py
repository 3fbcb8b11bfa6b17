"""Checking one signature, the same way on the laptop and on the centre server.

`check_signature(session, signature, public_key)` recomputes the content the signature
covers under the rule it was made under (app/signing/coverage.py), compares its hash,
checks the signature row's own payload hash and its Ed25519 signature under `public_key`
(the caller chooses the key: app/signing/trust.py). It works on any SQLAlchemy session
holding the app tables and touches no file, so the centre can run it before a record's
files have arrived ("awaiting files"): the files' SHA-256 are part of the content.

`file_problems(session, record_type, record_id, attachments)` is the separate step that
reads each signed file's bytes where they are kept; verify on the laptop does both.
"""
from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from app.evidence.attachment_store import AttachmentStore, well_formed
from app.models import Signature
from app.signing.canonical import content_hash, sha256_hex
from app.signing.chain import device_signature_ok, payload_bytes
from app.signing.coverage import UnknownRule, content_under
from app.signing.registry import signable


def _when(s: Signature) -> str:
    return f"{s.signer_name} ({s.role}) signed it on {s.signed_at:%d/%m/%Y %H:%M} UTC"


def content_problem(session: Session, signature: Signature,
                    cache: dict | None = None) -> str | None:
    """Why the record no longer hashes to what this signature holds, or None."""
    key = (signature.record_type, signature.record_id, signature.content_rule)
    if cache is not None and key in cache:
        now = cache[key]
    else:
        try:
            content = content_under(session, *key)
        except UnknownRule as exc:
            return f"cannot be checked: {exc}"
        except (ValueError, TypeError, KeyError) as exc:
            # A value no Fieldfolio writes (a date that is not a date, JSON that is not
            # JSON): edited outside the app, so it cannot be what was signed.
            return f"cannot be read as Fieldfolio wrote it ({exc}): it was edited outside Fieldfolio"
        now = content_hash(content) if content is not None else None
        if cache is not None:
            cache[key] = now
    if now is None:
        return "the signed record is missing from the database"
    if now != signature.content_hash:
        return (f"changed since {_when(signature)}: its content no longer matches the "
                f"signature (rule {signature.content_rule}: what the signature covers)")
    return None


def row_problem(signature: Signature, public_key: Ed25519PublicKey | None) -> str | None:
    """Why the signature row itself fails (edited, or its key does not verify it)."""
    if sha256_hex(payload_bytes(signature)) != signature.signature_hash:
        return (f"the signature of {signature.signer_name} ({signature.role}) fails its "
                f"check: its signature row was altered")
    if public_key is not None and not device_signature_ok(signature, public_key):
        return (f"the signature of {signature.signer_name} ({signature.role}) fails its "
                f"check: it was not made with the key it names, or its row was altered")
    return None


def check_signature(session: Session, signature: Signature,
                    public_key: Ed25519PublicKey | None) -> list[str]:
    """Every problem with one signature; [] if it holds. `public_key` None means no trusted
    key for it: that is a problem, named."""
    problems = [p for p in (content_problem(session, signature),
                            row_problem(signature, public_key)) if p]
    if public_key is None:
        problems.append(f"the signature of {signature.signer_name} ({signature.role}) does "
                        f"not count: no trusted key for it")
    return problems


def file_problems(session: Session, record_type: str, record_id: str,
                  attachments: AttachmentStore | Path) -> list[str]:
    """Each signed file that is missing, or whose bytes no longer hash to what was signed.
    Read through the attachment store, which alone knows how the bytes are kept."""
    files = AttachmentStore.of(attachments)
    sig = signable(record_type)
    if sig is None or sig.signed_files is None:
        return []
    out = []
    for name, sha256, size in sig.signed_files(session, record_id):
        if not well_formed(sha256):
            out.append(f"the signed file '{name}' has a damaged entry in the database (its "
                       f"fingerprint is not a SHA-256): it was changed outside Fieldfolio")
            continue
        if not files.exists(sha256):
            out.append(f"the signed file '{name}' is missing from the attachment store")
            continue
        try:
            actual = files.size(sha256)
        except OSError:
            actual = -1     # unreadable: reported as changed below
        if actual != size:
            out.append(f"the signed file '{name}' has changed on disk ({actual:,} bytes, "
                       f"signed at {size:,}): its bytes are not what was signed")
        elif not files.verify(sha256):
            out.append(f"the signed file '{name}' has changed on disk: its bytes are not "
                       f"what was signed")
    return out
