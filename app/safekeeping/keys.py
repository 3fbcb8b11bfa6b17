"""The data folder's keys, unlocked by the assessor's passphrase and never written to disk.

A random 256-bit data key protects everything in the folder. On disk there is only
`fieldfolio.keys`: the Argon2id salt and cost, and the data key sealed (AES-GCM) under a key
derived from the passphrase. A wrong passphrase fails that seal's check, so it is reported
before anything is opened or changed; a passphrase can later be changed by re-sealing 32 bytes
instead of re-encrypting gigabytes. From the data key come, by HKDF, one key per use (the
SQLCipher database, the attachment files, the device signing key's file), so no two uses
share a key.

Unlocked keys are kept in this process's memory (`remember`/`unlocked`) for code that needs
them below the store, such as the device signing key; they die with the process.
"""
from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.db.errors import StorageError

KEYS_NAME = "fieldfolio.keys"
PASSPHRASE_ENV = "FIELDFOLIO_PASSPHRASE"
MIN_PASSPHRASE = 8
# OWASP's second Argon2id setting (46 MiB, one pass, one lane): about 0.1-0.2 s here, which
# start-up can afford and a guesser with a stolen laptop cannot, many times over.
COST = {"memory_cost": 47104, "iterations": 1, "lanes": 1}
_SEAL_LABEL = b"fieldfolio data key v1"


class PassphraseNeeded(StorageError):
    """The data folder is encrypted and no passphrase was given."""


class WrongPassphrase(StorageError):
    """The passphrase does not open this data folder; nothing was changed."""


class WeakPassphrase(ValueError):
    """A new passphrase too short to protect learners' data."""


FORGOTTEN = ("A forgotten passphrase cannot be recovered or reset: nobody, including the "
             "centre, can read this laptop's data without it. What has been synced is safe at "
             "the centre: ask the centre's admin to re-enrol this laptop, set up Fieldfolio in a "
             "new data folder with a new passphrase, and pull your caseload again. Anything "
             "recorded since the last sync is lost.")


@dataclass(frozen=True)
class Keys:
    """The unlocked keys of one data folder."""
    database: bytes   # SQLCipher's raw key
    files: bytes      # AES-256-GCM for attachments and other files in the folder
    signing: bytes    # password of the device signing key's PKCS#8 file

    @classmethod
    def from_data_key(cls, data_key: bytes) -> "Keys":
        return cls(*(_subkey(data_key, label) for label in (b"database", b"files", b"signing")))

    def sqlcipher_pragma(self) -> str:
        # A raw key skips SQLCipher's own PBKDF2 (Argon2id has done that work once).
        return f"PRAGMA key = \"x'{self.database.hex()}'\""


def _subkey(data_key: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"fieldfolio " + label).derive(data_key)


def _passphrase_key(passphrase: str, salt: bytes, cost: dict) -> bytes:
    return Argon2id(salt=salt, length=32, **cost).derive(passphrase.encode("utf-8"))


def is_encrypted(data_dir: Path) -> bool:
    return (Path(data_dir) / KEYS_NAME).exists()


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise WeakPassphrase(f"A passphrase needs at least {MIN_PASSPHRASE} characters; a few "
                             f"words you can remember are best.")


def create(data_dir: Path, passphrase: str, cost: dict | None = None,
           name: str = KEYS_NAME) -> Keys:
    """Make the keys of a new encrypted data folder. The key file is written whole or not at
    all (temporary name, fsync, rename); `name` lets a conversion write it aside first."""
    check_new_passphrase(passphrase)
    cost = dict(cost or COST)
    salt, nonce, data_key = os.urandom(16), os.urandom(12), os.urandom(32)
    sealed = AESGCM(_passphrase_key(passphrase, salt, cost)).encrypt(nonce, data_key, _SEAL_LABEL)
    record = {"format": 1, "kdf": "argon2id", **cost,
              "salt": base64.b64encode(salt).decode(),
              "sealed_key": base64.b64encode(nonce + sealed).decode()}
    path = Path(data_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps(record, indent=1).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    keys = Keys.from_data_key(data_key)
    remember(data_dir, keys)
    return keys


def unlock(data_dir: Path, passphrase: str) -> Keys:
    """The folder's keys, or WrongPassphrase (nothing is opened or changed)."""
    path = Path(data_dir) / KEYS_NAME
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        cost = {k: int(record[k]) for k in COST}
        salt = base64.b64decode(record["salt"])
        blob = base64.b64decode(record["sealed_key"])
    except (OSError, ValueError, KeyError) as exc:
        raise StorageError(f"The key file {path} cannot be read ({exc}); without it the data "
                           f"folder cannot be opened. Nothing has been changed.") from None
    try:
        data_key = AESGCM(_passphrase_key(passphrase, salt, cost)).decrypt(
            blob[:12], blob[12:], _SEAL_LABEL)
    except InvalidTag:
        raise WrongPassphrase(f"That passphrase does not open the data folder {path.parent}. "
                              f"Nothing has been changed; check Caps Lock and try again.") from None
    keys = Keys.from_data_key(data_key)
    remember(data_dir, keys)
    return keys


def passphrase_from_environment() -> str | None:
    return os.environ.get(PASSPHRASE_ENV) or None


_unlocked: dict[Path, Keys] = {}


def remember(data_dir: Path, keys: Keys) -> None:
    _unlocked[Path(data_dir).resolve()] = keys


def unlocked(data_dir: Path) -> Keys | None:
    """The keys this process unlocked for `data_dir`, or None for a plain folder."""
    return _unlocked.get(Path(data_dir).resolve())


def forget(data_dir: Path) -> None:
    _unlocked.pop(Path(data_dir).resolve(), None)
