"""Which device keys a signature may count under, and the contract with the centre.

A `device_key` row proves nothing: anyone with the sqlite3 shell can insert a key of their
own and re-sign edited records with it. So a key counts only if
- this laptop holds it itself (its key file in the data folder: `own_keys`), or
- the centre vouches for it: a `device_certificate` row whose `centre_signature` verifies
  under the centre's public key, which the laptop pins at enrolment (local setting
  `centre_signing_key`, never synced, never changed once pinned).
Until a laptop has pinned the centre's key it trusts only its own, and verify says so.

Contract for the centre server (issue 13) and sync:
- The centre holds one Ed25519 key pair. Enrolling a laptop gives it the public half
  (`pin_centre_key`, raw 32 bytes as hex).
- For each device key it registers, the centre writes a `DeviceCertificate` with
  `certified_device_id`, `public_key` (raw, hex), `fingerprint` (SHA-256 of the raw key),
  `staff_name`, `role`, `issued_at` (UTC), `centre_key_fingerprint`, and `centre_signature`
  = Ed25519 over `certificate_bytes(row)` (canonical JSON of `certificate_payload`), hex.
  `sign_certificate` does exactly that; sync pull inserts the rows as they are.
- The server checks a laptop's signature with app.signing.check.check_signature, giving it
  the key from `trusted_keys(session, own_keys=(), centre_key=<its public key>)`.
- A certificate that is tombstoned (revoked) no longer vouches for its key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey, Ed25519PublicKey,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import DeviceCertificate, DeviceKey
from app.models.local import LocalSetting
from app.signing.canonical import canonical_json
from app.signing.device_key import fingerprint_of, raw_public

CENTRE_KEY_SETTING = "centre_signing_key"


def certificate_payload(cert: DeviceCertificate) -> dict:
    return {"certified_device_id": cert.certified_device_id, "public_key": cert.public_key,
            "fingerprint": cert.fingerprint, "staff_name": cert.staff_name, "role": cert.role,
            "issued_at": cert.issued_at, "centre_key_fingerprint": cert.centre_key_fingerprint}


def certificate_bytes(cert: DeviceCertificate) -> bytes:
    return canonical_json(certificate_payload(cert))


def sign_certificate(cert: DeviceCertificate, centre_private: Ed25519PrivateKey) -> None:
    """Fill in the centre's fingerprint and signature (the centre server's side)."""
    cert.centre_key_fingerprint = fingerprint_of(raw_public(centre_private.public_key()))
    cert.centre_signature = centre_private.sign(certificate_bytes(cert)).hex()


def certificate_ok(cert: DeviceCertificate, centre_key: Ed25519PublicKey) -> bool:
    try:
        raw = bytes.fromhex(cert.public_key)
        if cert.deleted_at is not None or fingerprint_of(raw) != cert.fingerprint:
            return False
        if cert.centre_key_fingerprint != fingerprint_of(raw_public(centre_key)):
            return False
        centre_key.verify(bytes.fromhex(cert.centre_signature), certificate_bytes(cert))
        return True
    except (InvalidSignature, ValueError):
        return False


@dataclass
class TrustedKeys:
    keys: dict[str, Ed25519PublicKey] = field(default_factory=dict)   # fingerprint -> key
    why: dict[str, str] = field(default_factory=dict)                 # fingerprint -> words
    centre_pinned: bool = False

    def refusal(self, fingerprint: str) -> str:
        """Why a signature under this key does not count, in words for verify's report."""
        if self.centre_pinned:
            return ("its key is neither this laptop's own nor vouched for by the centre "
                    "(a key found only in the database)")
        return ("its key is not this laptop's own, and this laptop has not synced with a "
                "centre that could vouch for it (a key found only in the database)")


def trusted_keys(session: Session, own_keys: Iterable[Ed25519PublicKey] = (),
                 centre_key: Ed25519PublicKey | None = None) -> TrustedKeys:
    """The keys signatures may count under: `own_keys` (the laptop's key file) and those the
    centre's certificates vouch for under `centre_key`. Works on any session holding the
    app tables; the caller says where its own keys and the centre's key come from."""
    out = TrustedKeys(centre_pinned=centre_key is not None)
    for key in own_keys:
        fp = fingerprint_of(raw_public(key))
        out.keys[fp], out.why[fp] = key, "this laptop's own key"
    if centre_key is not None:
        for cert in session.scalars(select(DeviceCertificate)):
            if cert.fingerprint not in out.keys and certificate_ok(cert, centre_key):
                out.keys[cert.fingerprint] = Ed25519PublicKey.from_public_bytes(
                    bytes.fromhex(cert.public_key))
                out.why[cert.fingerprint] = (f"vouched for by the centre: {cert.staff_name} "
                                             f"({cert.role}), {cert.issued_at:%d/%m/%Y}")
    return out


def pinned_centre_key(session: Session) -> Ed25519PublicKey | None:
    """The centre's public key this laptop pinned at enrolment, if it has."""
    row = session.get(LocalSetting, CENTRE_KEY_SETTING)
    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(row.value)) if row else None


def pin_centre_key(session: Session, public_key_hex: str) -> None:
    """Pin the centre's key (enrolment). Refuses a different key once one is pinned: a
    laptop that trusted whichever centre key came last would trust an attacker's."""
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))   # refuses a bad key
    row = session.get(LocalSetting, CENTRE_KEY_SETTING)
    if row is not None and row.value != public_key_hex:
        raise ValueError("this laptop already trusts another centre's key")
    if row is None:
        session.add(LocalSetting(key=CENTRE_KEY_SETTING, value=public_key_hex))
        session.flush()


def keys_in_database(session: Session) -> dict[str, str]:
    """fingerprint -> device name, for every key row (trusted or not), for reports."""
    return {k.fingerprint: k.device_name for k in session.scalars(select(DeviceKey))}
