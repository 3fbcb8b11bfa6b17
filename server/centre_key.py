"""The centre's own Ed25519 key: laptops pin its public half at enrolment, and the centre
signs a certificate for each laptop's signing key with it (app/signing/trust.py holds the
contract), so a key inserted into a laptop's database by hand vouches for nothing.

Kept in the centre's database (server_setting), not a file: several server processes on
one PostgreSQL must sign with the same key, and they share nothing else. Protect the
database (and its backups) accordingly.
"""
from __future__ import annotations

from datetime import datetime, timezone

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import DeviceCertificate
from app.signing.device_key import raw_public
from app.signing.trust import sign_certificate
from app.sync.protocol import CENTRE_SCOPE
from server.clock import mark_changed
from server.models import ServerSetting

SETTING = "centre_private_key"


def centre_private_key(session: Session) -> Ed25519PrivateKey:
    row = session.get(ServerSetting, SETTING)
    if row is None:
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode()
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        # Two processes starting at once: the first key written is the centre's key.
        session.execute(insert(ServerSetting).values(key=SETTING, value=pem)
                        .on_conflict_do_nothing(index_elements=["key"]))
        session.flush()
        row = session.get(ServerSetting, SETTING, populate_existing=True)
    return serialization.load_pem_private_key(row.value.encode(), password=None)


def centre_public_hex(session: Session) -> str:
    return raw_public(centre_private_key(session).public_key()).hex()


def certify_device(session: Session, device_id: str, public_key: str, fingerprint: str,
                   staff_name: str, role: str) -> str:
    """Write (and queue for every laptop) the centre's certificate for a device's key."""
    cert = DeviceCertificate(certified_device_id=device_id, public_key=public_key,
                             fingerprint=fingerprint, staff_name=staff_name, role=role,
                             issued_at=datetime.now(timezone.utc), centre_key_fingerprint="",
                             centre_signature="", version=1, device_id="centre")
    sign_certificate(cert, centre_private_key(session))
    session.add(cert)
    session.flush()
    mark_changed(session, [("device_certificate", cert.id, CENTRE_SCOPE, cert.version)])
    return cert.id
