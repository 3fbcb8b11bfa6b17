"""This laptop's Ed25519 signing key.

The private key lives in a file in the data folder (`keys/device-signing-key.pem`, mode
0600), not in the database. Reason: the database is what gets copied (backups, support
requests, sync) and what someone would edit with the sqlite3 shell; a key stored beside
the rows it protects would let whoever edits the rows re-sign them. With the key outside
the database, a database edited by hand cannot forge a device signature, and a copy of
the database handed to anyone carries no secret. The public key goes into the synced
`device_key` table so the centre can verify every signature this device made.

In an encrypted data folder the key file is sealed (AES-GCM, app/safekeeping/sealed.py) under
a key derived from the folder's data key: a copied laptop disk yields no usable key. (Not
PKCS#8's own encryption: its password KDF costs a second per signature, for a password that
is already a random 256-bit key.) A
plain key file found in an encrypted folder (made before the folder was converted) is
rewritten encrypted the first time it is used.

If the key file is lost (laptop rebuilt from a database backup) a new key is made and
recorded; earlier signatures still verify against the old public key, which stays.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey, Ed25519PublicKey,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Device, DeviceKey
from app.safekeeping import sealed
from app.safekeeping.keys import unlocked
from app.signing.canonical import sha256_hex

KEY_FILE = Path("keys") / "device-signing-key.pem"


@dataclass(frozen=True)
class DeviceSigner:
    device_id: str
    fingerprint: str
    private_key: Ed25519PrivateKey

    def sign(self, data: bytes) -> str:
        return self.private_key.sign(data).hex()


def data_dir_of(session: Session) -> Path:
    """The data folder of the database this session writes to (the key sits beside it)."""
    database = session.get_bind().url.database
    if not database or database == ":memory:":
        raise RuntimeError("signing needs a database in a data folder")
    return Path(database).resolve().parent


def raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint_of(public_raw: bytes) -> str:
    return sha256_hex(public_raw)


def _read_private(path: Path, password: bytes | None) -> Ed25519PrivateKey:
    stored = path.read_bytes()
    if stored.startswith(sealed.MAGIC):
        if password is None:
            raise RuntimeError("the signing key is encrypted but the data folder is not unlocked")
        return serialization.load_pem_private_key(sealed.open_bytes(stored, password),
                                                  password=None)
    return serialization.load_pem_private_key(stored, password=None)


def _load_or_create_private(path: Path, password: bytes | None) -> Ed25519PrivateKey:
    if path.exists():
        key = _read_private(path, password)
        if password is not None and not path.read_bytes().startswith(sealed.MAGIC):
            _save(path, key, password)   # the folder was encrypted since: so is the key now
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path.parent, 0o700)
    except OSError:
        pass
    key = Ed25519PrivateKey.generate()
    _save(path, key, password)
    return key


def reseal_key_file(path: Path, password: bytes) -> None:
    """Encrypt a plain key file in place (a data folder being converted); no-op otherwise."""
    if path.exists() and not path.read_bytes().startswith(sealed.MAGIC):
        _save(path, serialization.load_pem_private_key(path.read_bytes(), password=None), password)


def _save(path: Path, key: Ed25519PrivateKey, password: bytes | None) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    if password is not None:
        pem = sealed.seal_bytes(pem, password)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)  # whole key or none: a half-written key would sign nothing valid


def device_signer(session: Session) -> DeviceSigner:
    """The key for signing on this device, made on first use; its public half recorded."""
    device = session.scalars(select(Device)).first()
    device_id = device.id if device else session.info.get("device_id", "")
    data_dir = data_dir_of(session)
    keys = unlocked(data_dir)
    private = _load_or_create_private(data_dir / KEY_FILE, keys.signing if keys else None)
    public_raw = raw_public(private.public_key())
    fingerprint = fingerprint_of(public_raw)
    known = session.scalars(select(DeviceKey).where(DeviceKey.fingerprint == fingerprint)).first()
    if known is None:
        session.add(DeviceKey(owner_device_id=device_id, device_name=device.name if device else "",
                              public_key=public_raw.hex(), fingerprint=fingerprint))
        session.flush()
    return DeviceSigner(device_id, fingerprint, private)


def public_keys(session: Session) -> dict[str, Ed25519PublicKey]:
    """fingerprint -> public key, for every device key this database knows."""
    keys = {}
    for row in session.scalars(select(DeviceKey)):
        raw = bytes.fromhex(row.public_key)
        if fingerprint_of(raw) == row.fingerprint:  # a swapped key fails to load, so it fails checks
            keys[row.fingerprint] = Ed25519PublicKey.from_public_bytes(raw)
    return keys


def own_public_keys(data_dir: Path) -> list[Ed25519PublicKey]:
    """The public half of the key file in this data folder, if there is one; never makes
    one (verify reads, it does not sign)."""
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        return []
    keys = unlocked(data_dir)
    try:
        return [_read_private(path, keys.signing if keys else None).public_key()]
    except (ValueError, TypeError, OSError, RuntimeError):
        return []     # an unreadable key file vouches for nothing
