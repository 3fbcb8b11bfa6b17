"""How long the window may sit untouched before it locks: a setting of this laptop that the
centre can set (its value travels as an ordinary setting row when sync carries settings)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.models.local import LocalSetting

IDLE_MINUTES_KEY = "lock.idle_minutes"
DEFAULT_IDLE_MINUTES = 5
LONGEST_IDLE_MINUTES = 120


def idle_minutes(session: Session) -> int:
    row = session.get(LocalSetting, IDLE_MINUTES_KEY)
    try:
        minutes = int(row.value) if row else DEFAULT_IDLE_MINUTES
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES   # a bad value must not leave the laptop unlocked
    return min(max(minutes, 1), LONGEST_IDLE_MINUTES)


def set_idle_minutes(session: Session, minutes: int) -> None:
    if not isinstance(minutes, int) or not 1 <= minutes <= LONGEST_IDLE_MINUTES:
        raise InvalidInput({"idle_minutes": f"Lock after 1 to {LONGEST_IDLE_MINUTES} minutes "
                                            f"without use."})
    row = session.get(LocalSetting, IDLE_MINUTES_KEY)
    if row is None:
        session.add(LocalSetting(key=IDLE_MINUTES_KEY, value=str(minutes)))
    else:
        row.value = str(minutes)
