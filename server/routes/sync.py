"""Push and pull over HTTP: thin wrappers around server/push.py and server/pull.py, which
hold the logic (callable without HTTP, e.g. for a sync file carried on a USB stick)."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
