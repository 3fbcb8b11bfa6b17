"""Enrolling a laptop: a one-time code from the admin buys an opaque device token.

The laptop registers its Ed25519 public key here; the centre checks every signature the
laptop later sends against this key and no other. Only the token's hash is stored.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from app.models import StaffMember
from app.signing.device_key import fingerprint_of
from app.sync.protocol import API, FORBIDDEN, NO_SUCH_CODE
from server.auth import check_protocol
from server.centre_key import centre_public_hex, certify_device
from server.models import EnrolCode, ServerSetting, SyncDevice
from server.refusal import Refusal, log
from server.staff import code_hash, token_hash

router = APIRouter()


class EnrolRequest(BaseModel):
    code: str = Field(max_length=64)
    device_id: str = Field(min_length=1, max_length=36)
    device_name: str = Field(default="", max_length=200)
    public_key: str = Field(pattern=r"^[0-9a-f]{64}$")


def centre_name(session) -> str:
    row = session.get(ServerSetting, "centre_name")
    return row.value if row else "the centre"


@router.post(f"{API}/enrol")
def enrol(body: EnrolRequest, request: Request) -> dict:
    check_protocol(request)
    now = datetime.now(timezone.utc)
    token = secrets.token_urlsafe(32)
    with request.app.state.centre.writing() as session:
        code = session.scalars(select(EnrolCode).where(
            EnrolCode.code_hash == code_hash(body.code)).with_for_update()).first()
        if code is None or code.used_at is not None or code.expires_at < now:
            raise Refusal(NO_SUCH_CODE, "That enrol code is wrong, already used or expired: "
                                        "ask the centre's admin for a new one.")
        fingerprint = fingerprint_of(bytes.fromhex(body.public_key))
        device = session.get(SyncDevice, body.device_id, with_for_update=True)
        if device is not None and device.key_fingerprint != fingerprint:
            raise Refusal(FORBIDDEN, "This laptop was enrolled before with another signing "
                                     "key; the centre's admin must look into it.")
        if device is not None and device.staff_id != code.staff_id:
            raise Refusal(FORBIDDEN, "This laptop is enrolled for someone else.")
        staff = session.get(StaffMember, code.staff_id)
        if device is None:
            device = SyncDevice(id=body.device_id, staff_id=code.staff_id, enrolled_at=now,
                                public_key=body.public_key, key_fingerprint=fingerprint,
                                token_hash=token_hash(token), last_seq=0, chain_sequence=0,
                                chain_head_hash="")
            session.add(device)
            # Every laptop learns, by pull, that the centre vouches for this key.
            certify_device(session, device.id, body.public_key, fingerprint, staff.name,
                           staff.role)
        device.name = body.device_name
        device.token_hash = token_hash(token)
        code.used_at, code.used_by_device = now, body.device_id
        session.flush()
        log.info("enrolled device %s (%s) for %s", device.id, device.name, staff.name)
        return {"token": token, "device_id": device.id, "last_seq": device.last_seq,
                "staff": {"id": staff.id, "name": staff.name, "role": staff.role},
                "centre": {"name": centre_name(session),
                           "public_key": centre_public_hex(session)}}
