"""Automatic sync, so the assessor never has to remember to "sync before and after" a visit:
while the window is open and the laptop is connected to a centre, a sync starts by itself
when there is something to send, or nothing has been heard from the centre for a while,
and the centre answers a short question first. An offline laptop therefore records no
failure it was not asked to make; Sync now (F9) is still there, and this can be turned off
(File → Sync automatically), say on a metered connection.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import httpx

from app.sync import state
from app.sync.client import CentreClient, CentreRefused, CentreUnreachable

KEY = "automatic"              # sync.automatic: "on" (the default) or "off"
QUIET = timedelta(minutes=10)  # nothing to send: still ask the centre this often
PROBE_TIMEOUT = httpx.Timeout(3.0)


@dataclass(frozen=True)
class Plan:
    on: bool
    url: str
    status: state.SyncStatus

    def worth_a_sync(self, now: datetime | None = None) -> bool:
        s = self.status
        if not (self.on and s.enrolled and self.url):
            return False
        if s.waiting or s.files_waiting or s.last_success_at is None:
            return True
        return (now or datetime.now(timezone.utc)) - s.last_success_at >= QUIET


def is_on(session) -> bool:
    return (state.get(session, KEY) or "on") == "on"


def turn(session, on: bool) -> None:
    state.put(session, KEY, "on" if on else "off")


def plan(session) -> Plan:
    return Plan(is_on(session), state.get(session, "url") or "", state.status(session))


def centre_answers(url: str) -> bool:
    """Off the GUI thread. A centre that answers but refuses (an old Fieldfolio, say) counts
    as answering: the sync then says why, which the assessor needs to hear."""
    try:
        with CentreClient(url, timeout=PROBE_TIMEOUT) as client:
            client.health()
        return True
    except CentreRefused:
        return True
    except CentreUnreachable:
        return False
