"""What the centre sets for every laptop, taken from a sync's answers (server/
centre_settings.py): today the idle minutes before the window locks, which win over the
laptop's own (app/safekeeping/lock_policy.py). A centre that sent nothing (an older server)
changes nothing here."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.safekeeping.lock_policy import take_centre_minutes

LOCK_MINUTES = "lock_idle_minutes"


def take(session: Session, settings: dict | None) -> bool:
    """Keep `settings` as the centre sent them. True if the lock minutes changed."""
    if not isinstance(settings, dict) or LOCK_MINUTES not in settings:
        return False
    minutes = settings[LOCK_MINUTES]
    try:
        return take_centre_minutes(session, int(minutes) if minutes is not None else None)
    except (InvalidInput, TypeError, ValueError):
        return False        # a number the laptop cannot use: keep the one it has
