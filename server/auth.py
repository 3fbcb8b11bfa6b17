"""Who is calling: the protocol check every request passes, and the enrolled device behind
a bearer token. A FastAPI dependency, so a router adds `device = Depends(current_device)`.

Only the token's SHA-256 is stored; the device row is read afresh on every request (no
session state), so a revoke takes effect on the next request to any server process. Each
request also counts as hearing from the laptop (server/heard_from.py).

A revoked laptop is refused everything that gives it data (`current_device`), but may still
hand in what it holds (`device_handing_in`: push, file uploads, the wipe confirmation):
records made on a lost laptop are still learners' evidence (server/revocation.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import select

from app.models import StaffMember
from app.sync.protocol import (DEVICE_REVOKED, NOT_ENROLLED, PROTOCOL_HEADER, UPDATE_FIELDFOLIO,
                               too_old)
from server.models import SyncDevice
from server.heard_from import note_heard_from
from server.refusal import Refusal
from server.staff import token_hash


@dataclass(frozen=True)
class CallingDevice:
    id: str
    staff_id: str
    role: str
    name: str
    revoked: bool = False


def check_protocol(request: Request) -> None:
    raw = request.headers.get(PROTOCOL_HEADER, "")
    try:
        version = int(raw)
    except ValueError:
        version = 0
    refused = too_old(version)
    if refused:
        raise Refusal(UPDATE_FIELDFOLIO, refused)


def current_device(request: Request) -> CallingDevice:
    """The calling laptop; a revoked one is refused (410 device_revoked): it gets no data."""
    device = device_handing_in(request)
    if device.revoked:
        raise Refusal(DEVICE_REVOKED, "The centre has revoked this laptop's access: it "
                                      "will receive no more data.")
    return device


def device_handing_in(request: Request) -> CallingDevice:
    """The calling laptop, revoked or not: for the calls that only take from it."""
    check_protocol(request)
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else ""
    if not token:
        raise Refusal(NOT_ENROLLED, "This laptop is not enrolled with the centre.")
    with request.app.state.centre.reading() as session:
        device = session.scalars(select(SyncDevice).where(
            SyncDevice.token_hash == token_hash(token))).first()
        if device is None:
            raise Refusal(NOT_ENROLLED, "The centre does not recognise this laptop: enrol it "
                                        "again with a new code from the centre's admin.")
        staff = session.get(StaffMember, device.staff_id)
        calling = CallingDevice(device.id, device.staff_id, staff.role if staff else "",
                                device.name, device.revoked_at is not None)
        last_heard = device.last_sync_at
    note_heard_from(request.app.state.centre, calling.id, last_heard)   # its "last sync"
    return calling
