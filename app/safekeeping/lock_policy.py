"""How long the window may sit untouched before it locks.

The centre wins: once the centre's admin has set its lock minutes (`server-admin
lock-minutes N`), each laptop receives them at every sync (app/sync/centre_settings.py) and
keeps them under their own key, and that number is used whatever this laptop's own setting
(`lock.idle_minutes`, default 5) says; the laptop's own applies only while the centre has set
none. A centre that clears its number hands the choice back to the laptop."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.models.local import LocalSetting

IDLE_MINUTES_KEY = "lock.idle_minutes"
CENTRE_IDLE_MINUTES_KEY = "lock.centre_idle_minutes"   # as the centre last sent it
DEFAULT_IDLE_MINUTES = 5
LONGEST_IDLE_MINUTES = 120


def idle_minutes(session: Session) -> int:
    return lock_rule(session)[0]


def lock_rule(session: Session) -> tuple[int, bool]:
    """(minutes, set by the centre?)"""
    centre = session.get(LocalSetting, CENTRE_IDLE_MINUTES_KEY)
    if centre is not None:
        try:
            return min(max(int(centre.value), 1), LONGEST_IDLE_MINUTES), True
        except ValueError:
            pass                         # unreadable: the laptop's own number, below
    return _own_minutes(session), False


def _own_minutes(session: Session) -> int:
    row = session.get(LocalSetting, IDLE_MINUTES_KEY)
    try:
        minutes = int(row.value) if row else DEFAULT_IDLE_MINUTES
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES   # a bad value must not leave the laptop unlocked
    return min(max(minutes, 1), LONGEST_IDLE_MINUTES)


def check_minutes(minutes) -> None:
    if not isinstance(minutes, int) or isinstance(minutes, bool) \
            or not 1 <= minutes <= LONGEST_IDLE_MINUTES:
        raise InvalidInput({"idle_minutes": f"Lock after 1 to {LONGEST_IDLE_MINUTES} minutes "
                                            f"without use."})


def set_idle_minutes(session: Session, minutes: int) -> None:
    """This laptop's own number (used while the centre has set none)."""
    check_minutes(minutes)
    _put(session, IDLE_MINUTES_KEY, str(minutes))


def take_centre_minutes(session: Session, minutes: int | None) -> bool:
    """Keep what the centre sent (None: it has set none). Returns True if it changed."""
    row = session.get(LocalSetting, CENTRE_IDLE_MINUTES_KEY)
    if minutes is None:
        if row is None:
            return False
        session.delete(row)
        session.flush()      # read back in this same transaction (lock_rule) as gone
        return True
    check_minutes(minutes)
    if row is not None and row.value == str(minutes):
        return False
    _put(session, CENTRE_IDLE_MINUTES_KEY, str(minutes))
    return True


def describe(minutes: int, by_centre: bool, centre_name: str = "") -> str:
    """The sentence the window shows about the lock."""
    who = (f"set by {centre_name or 'the centre'}, whose number wins" if by_centre else
           "this laptop's own setting; the centre has not set one")
    return f"Locks after {minutes} minute{'s' if minutes != 1 else ''} without use ({who})."


def _put(session: Session, key: str, value: str) -> None:
    row = session.get(LocalSetting, key)
    if row is None:
        session.add(LocalSetting(key=key, value=value))
    else:
        row.value = value
