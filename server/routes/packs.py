"""Qualification packs over HTTP (server/packs.py holds the logic): which packs the centre
lacks, a laptop sending one up, and a laptop fetching one the centre has."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app.catalogue.pack_file import MAX_PACK_BYTES
from app.sync.protocol import API, BAD_REQUEST
from server.auth import CallingDevice, current_device, device_handing_in
from server.packs import pack_file, packs_lacking, receive_pack
from server.refusal import Refusal

router = APIRouter()


class PacksHeld(BaseModel):
    packs: list[str] = Field(max_length=1000)


# A revoked laptop may still hand in its packs, as it may push (server/revocation.py): the
# learners enrolled on them are still learners' evidence. It may not fetch any.
@router.post(f"{API}/packs/lacking")
def lacking(body: PacksHeld, request: Request,
            device: CallingDevice = Depends(device_handing_in)) -> dict:
    return {"lacking": packs_lacking(request.app.state.centre, body.packs)}


@router.put(f"{API}/packs/{{sha256}}")
async def send_up(sha256: str, request: Request,
                  device: CallingDevice = Depends(device_handing_in)) -> dict:
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_PACK_BYTES:
            raise Refusal(BAD_REQUEST, "That is too large to be a qualification pack.")
    return await run_in_threadpool(receive_pack, request.app.state.centre, device,
                                   sha256.lower(), bytes(raw))


@router.get(f"{API}/packs/{{sha256}}")
def fetch(sha256: str, request: Request,
          device: CallingDevice = Depends(current_device)) -> Response:
    raw = pack_file(request.app.state.centre, sha256.lower())
    return Response(content=raw, media_type="application/json")
