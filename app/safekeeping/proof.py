"""Is it the assessor? One answer for every moment Fieldfolio asks (the lock screen, taking
the laptop back from a learner), so a PIN, a passphrase and wrong tries mean the same thing
wherever they are typed.

- Encrypted data folder: the passphrase always; the PIN too once the passphrase has been
  typed that day and until WRONG_PINS_ALLOWED wrong ones (app/safekeeping/pin.py).
- Plain data folder: there is no passphrase, so the PIN is the only answer and always
  counts; wrong ones back off (app/safekeeping/attempts.py) like wrong passphrases.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from app.safekeeping import keys as folder_keys
from app.safekeeping.attempts import Attempts
from app.safekeeping.pin import MAX_DIGITS, MIN_DIGITS, WRONG_PINS_ALLOWED, PinDay, looks_like_pin


@dataclass(frozen=True)
class Answer:
    opened: bool
    used_pin: bool = False
    passphrase: str | None = None    # the passphrase typed, when that is what opened it
    problem: str = ""                # plain words for the window when it did not open


@dataclass
class Guard:
    """What proves it is the assessor on one data folder. `pin_check(pin)` checks a typed PIN
    against the folder's verifier; None when no PIN is to be accepted."""
    data_dir: Path
    encrypted: bool
    pin_check: Callable[[str], bool] | None
    pin_day: PinDay
    attempts: Attempts

    def pin_allowed(self) -> bool:
        return self.pin_check is not None and (not self.encrypted or self.pin_day.pin_allowed())

    def what_to_type(self) -> str:
        if not self.encrypted:
            return "PIN"
        return "passphrase or PIN" if self.pin_allowed() else "passphrase"

    def prove(self, typed: str) -> Answer:
        if self.attempts.wait_left() > 0:
            return Answer(False, problem=self.attempts.words())
        pin_note = ""
        if self.pin_allowed() and looks_like_pin(typed):
            if self.pin_check(typed):
                self.attempts.succeeded()
                return Answer(True, used_pin=True)
            if self.encrypted:
                self.pin_day.wrong_pin()   # it may still be an all-digit passphrase, below
            pin_note = ("That PIN is wrong. " if self.pin_allowed() else
                        f"{WRONG_PINS_ALLOWED} wrong PINs: only the passphrase opens "
                        f"Fieldfolio now. ")
        if not self.encrypted:
            if not pin_note:      # letters, or too short: not a guess at the PIN, not counted
                return Answer(False, problem=f"The PIN is {MIN_DIGITS} to {MAX_DIGITS} digits.")
            self.attempts.failed()
            return Answer(False, problem=f"{pin_note}{self.attempts.words()}".strip())
        try:
            folder_keys.unlock(self.data_dir, typed)
        except folder_keys.WrongPassphrase as exc:
            self.attempts.failed()
            said = pin_note or f"{exc} "
            return Answer(False, problem=f"{said}{self.attempts.words()}".strip())
        self.attempts.succeeded()
        self.pin_day.passphrase_typed()   # a PIN may stand in for it for the rest of today
        return Answer(True, passphrase=typed)
