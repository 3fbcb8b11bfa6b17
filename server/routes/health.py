"""Is the centre up, and which protocol does it speak (for load balancers and the laptop's
"Connect to centre…" check). Touches the database, so a dead database is not 'ok'."""
from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from app.sync.protocol import API, OLDEST_ACCEPTED, PROTOCOL_VERSION

router = APIRouter()


@router.get(f"{API}/health")
def health(request: Request) -> dict:
    with request.app.state.centre.reading() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "protocol": PROTOCOL_VERSION, "oldest_accepted": OLDEST_ACCEPTED}
