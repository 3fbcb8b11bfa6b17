"""A shorter PIN for the lock screen, once the passphrase has been typed that day.

Why a PIN at all: an assessor at a counter locks and unlocks many times a visit (the idle
lock, each hand-over to a learner), and a long passphrase each time invites a short one.
Why only after the passphrase that day: the passphrase is what the encryption rests on; the
PIN only stands in for it on a laptop already opened today by the person who knows it.

- Stored only as an Argon2id verifier (salt, cost and derived bytes) in this laptop's local
  settings, inside the encrypted database; never the PIN itself, never synced. Beside it,
  its number of digits: taking the laptop back checks a PIN as soon as that many are typed
  (one Argon2id derivation, not one per key press), with no Enter to press. A PIN set
  before the count was kept has none until it is next typed right.
- On a plain (unencrypted) data folder the PIN is the only thing between a learner holding
  the laptop and the rest of the caseload: there it always counts, wrong ones backing off.
- `PinDay` (in this process's memory, so a restart needs the passphrase anyway) remembers
  the day the passphrase was last typed and counts wrong PINs: after WRONG_PINS_ALLOWED the
  PIN stops working until the passphrase is typed again.
"""
from __future__ import annotations

import base64
import hmac
import json
import os
from datetime import date

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.models.local import LocalSetting
from app.safekeeping.keys import COST

PIN_KEY = "lock.pin"
MIN_DIGITS, MAX_DIGITS = 4, 8
WRONG_PINS_ALLOWED = 3


def looks_like_pin(text: str) -> bool:
    return text.isdigit() and MIN_DIGITS <= len(text) <= MAX_DIGITS


def check_new_pin(pin: str) -> None:
    if not looks_like_pin(pin):
        raise InvalidInput({"pin": f"A PIN is {MIN_DIGITS} to {MAX_DIGITS} digits."})
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise InvalidInput({"pin": "Choose a PIN that is not one digit repeated or a run "
                                   "such as 1234."})


def _derive(pin: str, salt: bytes, cost: dict) -> bytes:
    return Argon2id(salt=salt, length=32, **cost).derive(pin.encode("utf-8"))


def set_pin(session: Session, pin: str) -> None:
    check_new_pin(pin)
    salt = os.urandom(16)
    record = json.dumps({"kdf": "argon2id", **COST, "salt": base64.b64encode(salt).decode(),
                         "verifier": base64.b64encode(_derive(pin, salt, COST)).decode(),
                         "digits": len(pin)})
    row = session.get(LocalSetting, PIN_KEY)
    if row is None:
        session.add(LocalSetting(key=PIN_KEY, value=record))
    else:
        row.value = record


def clear_pin(session: Session) -> None:
    row = session.get(LocalSetting, PIN_KEY)
    if row is not None:
        session.delete(row)


def has_pin(session: Session) -> bool:
    return session.get(LocalSetting, PIN_KEY) is not None


def pin_digits(session: Session) -> int | None:
    """How many digits the PIN has (None: no PIN, or one set before the count was kept)."""
    row = session.get(LocalSetting, PIN_KEY)
    try:
        digits = json.loads(row.value).get("digits") if row is not None else None
    except (ValueError, AttributeError):
        return None
    return digits if isinstance(digits, int) and MIN_DIGITS <= digits <= MAX_DIGITS else None


def remember_pin_digits(session: Session, pin: str) -> None:
    """A PIN from before the count was kept, just typed right: keep its length from now on.
    Checked again here, so only the right PIN's length is ever written."""
    row = session.get(LocalSetting, PIN_KEY)
    if row is None or not pin_matches(session, pin):
        return
    record = json.loads(row.value)
    record["digits"] = len(pin)
    row.value = json.dumps(record)


def pin_matches(session: Session, pin: str) -> bool:
    row = session.get(LocalSetting, PIN_KEY)
    if row is None or not looks_like_pin(pin):
        return False
    try:
        record = json.loads(row.value)
        cost = {k: int(record[k]) for k in COST}
        salt = base64.b64decode(record["salt"])
        verifier = base64.b64decode(record["verifier"])
    except (ValueError, KeyError, TypeError):
        return False            # a damaged verifier never unlocks; the passphrase still does
    return hmac.compare_digest(_derive(pin, salt, cost), verifier)


class PinDay:
    """When a PIN may stand in for the passphrase in this run of Fieldfolio."""

    def __init__(self) -> None:
        self.passphrase_day: date | None = None
        self.wrong = 0

    def passphrase_typed(self, today: date | None = None) -> None:
        self.passphrase_day = today or date.today()
        self.wrong = 0

    def pin_allowed(self, today: date | None = None) -> bool:
        return (self.passphrase_day == (today or date.today())
                and self.wrong < WRONG_PINS_ALLOWED)

    def wrong_pin(self) -> None:
        self.wrong += 1


PIN_DAY = PinDay()
