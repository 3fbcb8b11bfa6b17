"""A laptop the centre marked lost: what it may still do, and the wipe the centre confirms.

The protocol, step by step (the laptop's half is app/sync/revoked.py):
1. `server-admin revoke DEVICE` marks the device; the audit notes it.
2. The laptop still pushes its changes and uploads its files (server/auth.py
   `device_handing_in`): records made on a lost laptop are still learners' evidence, so they
   are kept, and each is noted in the audit as pushed after revocation. Its push answers
   carry no other device's data (a conflict's centre version is left out).
3. Everything that gives data refuses it: pull, check and file downloads answer
   410 device_revoked (`current_device`).
4. The laptop, with nothing left to send, asks `POST /api/v1/wipe` with the number of its
   last change the centre acknowledged and the SHA-256 of every evidence file it holds. The
   centre answers {"wipe": true} only if the device is revoked, it has applied every change
   up to that number and it holds every one of those files; otherwise {"wipe": false,
   "reason": …} and the laptop keeps everything. A confirmation is noted in the audit.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from app.sync.protocol import API
from server.auth import CallingDevice, device_handing_in
from server.audit import WIPE_CONFIRMED, note
from server.database import CentreDatabase
from server.models import ServerSetting, SyncDevice

router = APIRouter()


class WipeRequest(BaseModel):
    last_seq: int = Field(ge=0)
    files: list[str] = Field(default_factory=list, max_length=1_000_000)


def confirm_wipe(centre: CentreDatabase, device: CallingDevice, last_seq: int,
                 files: list[str]) -> dict:
    """Whether the laptop may wipe itself now (see the module docstring, step 4)."""
    if not device.revoked:
        return {"wipe": False, "reason": "the centre has not revoked this laptop"}
    from server.files.store import FileStoreError
    from server.files.wiring import centre_files
    try:
        lacking = centre_files(centre).lacking(files)
    except FileStoreError as exc:
        return {"wipe": False, "reason": f"the laptop named files wrongly ({exc})"}
    with centre.writing() as session:
        dev = session.get(SyncDevice, device.id, with_for_update=True)
        centre_name = session.get(ServerSetting, "centre_name")
        name = centre_name.value if centre_name else "the centre"
        if dev.last_seq != last_seq:
            return {"wipe": False, "centre": name,
                    "reason": f"the centre has this laptop's changes up to number "
                              f"{dev.last_seq}, the laptop says {last_seq}: sync again"}
        if lacking:
            return {"wipe": False, "centre": name,
                    "reason": f"{len(lacking)} evidence file(s) on this laptop have not reached "
                              f"the centre yet"}
        note(session, WIPE_CONFIRMED, dev.id, last_seq=last_seq, files=len(files))
        return {"wipe": True, "centre": name, "last_seq": last_seq, "files": len(files),
                "revoked_at": dev.revoked_at.isoformat()}


@router.post(f"{API}/wipe")
def wipe(body: WipeRequest, request: Request,
         device: CallingDevice = Depends(device_handing_in)) -> dict:
    return confirm_wipe(request.app.state.centre, device, body.last_seq, body.files)
