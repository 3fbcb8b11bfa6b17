"""Settings the centre's admin makes for every laptop, sent with each sync's answers
(`/changes` and `/check`, so the quickest sync carries them too) under "centre_settings".

Today one: how many idle minutes before a laptop locks (`server-admin lock-minutes N`); the
laptop keeps it and it wins over the laptop's own (app/safekeeping/lock_policy.py).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.safekeeping.lock_policy import LONGEST_IDLE_MINUTES
from server.models import ServerSetting

LOCK_MINUTES = "lock_idle_minutes"


def centre_settings(session: Session) -> dict:
    row = session.get(ServerSetting, LOCK_MINUTES)
    return {LOCK_MINUTES: int(row.value) if row else None}


def set_lock_minutes(session: Session, minutes: int | None) -> None:
    """None clears it: each laptop then uses its own number again."""
    row = session.get(ServerSetting, LOCK_MINUTES)
    if minutes is None:
        if row is not None:
            session.delete(row)
            session.flush()
        return
    if not 1 <= minutes <= LONGEST_IDLE_MINUTES:
        raise InvalidInput({"minutes": f"Lock after 1 to {LONGEST_IDLE_MINUTES} minutes "
                                       f"without use."})
    if row is None:
        session.add(ServerSetting(key=LOCK_MINUTES, value=str(minutes)))
    else:
        row.value = str(minutes)
