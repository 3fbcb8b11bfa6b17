"""A refusal the centre gives a laptop: an HTTP status, a code the client program reads and
a message the user reads (the table in app/sync/protocol.py). Every one is logged."""
from __future__ import annotations

import logging

from app.sync.protocol import STATUS_OF

log = logging.getLogger("fieldfolio.server")


class Refusal(Exception):
    def __init__(self, error: str, message: str, **extra):
        super().__init__(message)
        self.error = error
        self.message = message
        self.extra = extra  # for the client program (e.g. last_seq with sequence_gap)

    @property
    def status(self) -> int:
        return STATUS_OF[self.error]

    def body(self) -> dict:
        return {"error": self.error, "message": self.message, **self.extra}
