"""Push, pull and check over HTTP: thin wrappers around server/push.py and server/pull.py,
which hold the logic (callable without HTTP, e.g. for a sync file carried on a USB stick)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from app.sync.protocol import API
from server.auth import CallingDevice, current_device, device_handing_in
from server.pull import anything_new, pull, scope_digests
from server.push import Mutation, apply_push

router = APIRouter()
MAX_BATCH = 1000


class PushRequest(BaseModel):
    mutations: list[dict] = Field(max_length=MAX_BATCH)
    chain_head: dict | None = None


class PullRequest(BaseModel):
    cursors: dict[str, int] = Field(default_factory=dict)
    own: bool = False  # include this laptop's own changes (a re-fetch after a failed check)
    chain_head: dict | None = None  # the laptop's newest signature (server/signatures.py)


@router.post(f"{API}/push")
def push(body: PushRequest, request: Request,
         device: CallingDevice = Depends(device_handing_in)) -> dict:
    """A revoked laptop may still push (server/revocation.py); it is told so, and its
    answer carries no other device's version of a conflicting record."""
    mutations = [Mutation.from_json(m) for m in body.mutations]
    answer = apply_push(request.app.state.centre, device, mutations, body.chain_head)
    if device.revoked:
        for result in answer["results"]:
            result.pop("server_row", None)
        answer["revoked"] = True
    return answer


@router.post(f"{API}/pull")
def pull_changes(body: PullRequest, request: Request,
                 device: CallingDevice = Depends(current_device)) -> dict:
    return pull(request.app.state.centre, device, body.cursors, own=body.own,
                chain_head=body.chain_head)


@router.get(f"{API}/check")
def check(request: Request, device: CallingDevice = Depends(current_device)) -> dict:
    return {"scopes": scope_digests(request.app.state.centre, device),
            "centre_settings": _settings(request)}


@router.get(f"{API}/changes")
def changes_since(since: str, request: Request, chain_sequence: int | None = None,
                  device: CallingDevice = Depends(current_device)) -> dict:
    """A sync with nothing to send asks this first: one cheap round trip when nothing changed.
    `chain_sequence`: the number of the laptop's newest signature, checked on every sync."""
    head = None if chain_sequence is None else {"sequence": chain_sequence}
    return {**anything_new(request.app.state.centre, device, since, head),
            "centre_settings": _settings(request)}


def _settings(request: Request) -> dict:
    """The centre's settings for every laptop, on the answers every sync gets."""
    from server.centre_settings import centre_settings
    with request.app.state.centre.reading() as session:
        return centre_settings(session)
