"""Wrong passphrase tries back off, so someone who finds the laptop at the lock screen cannot
try a dictionary at typing speed (the key file's Argon2id guards the copied disk; this
guards the running app).

Three tries are free (everyone mistypes); after that each wrong try doubles the wait, from
2 seconds up to 5 minutes. A right answer resets the count. The clock is injectable so tests
do not sleep.
"""
from __future__ import annotations

import time
from typing import Callable

FREE_TRIES = 3
FIRST_WAIT_S = 2.0
LONGEST_WAIT_S = 300.0


class Attempts:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self.wrong = 0
        self._next_allowed = 0.0

    def wait_left(self) -> float:
        """Seconds before another try is accepted (0 when one may be made now)."""
        return max(0.0, self._next_allowed - self._clock())

    def failed(self) -> float:
        """Note a wrong try; returns the wait now imposed."""
        self.wrong += 1
        over = self.wrong - FREE_TRIES - 1
        wait = 0.0 if over < 0 else min(LONGEST_WAIT_S, FIRST_WAIT_S * 2 ** min(over, 16))
        self._next_allowed = self._clock() + wait
        return wait

    def succeeded(self) -> None:
        self.wrong = 0
        self._next_allowed = 0.0

    def words(self) -> str:
        left = self.wait_left()
        if left <= 0:
            return ""
        return f"Too many wrong tries: wait {int(left + 0.999)} s before trying again."
