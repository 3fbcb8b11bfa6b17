"""One sync, as the window's "Sync now", automatic sync and `fieldfolio sync` all run it:
push the outbox until empty, then pull until done, then check.

Runs on any thread except the writer (it waits for the writer between steps); every step
is its own local transaction, so cancelling or killing the process between or during steps
loses nothing: the next sync carries on from the last committed step. `progress(text)` is
called before each step; `cancelled()` is asked between steps.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from app.db.store import Store
from app.signing.chain import chain_head
from app.sync import state
from app.sync.check import local_digests, mismatched_scopes, reset_cursors
from app.sync.client import CentreClient
from app.sync.incoming import apply_page
from app.sync.outgoing import next_batch, record_results
from app.transfer.sync_step import send_files_step
from app.transfer.upload import TransferCancelled
from app.models.local import SyncCursor


class SyncCancelled(Exception):
    pass


@dataclass
class SyncOutcome:
    pushed: int = 0
    pulled: int = 0
    rejected: int = 0
    conflicts: int = 0
    refetched: list[str] = field(default_factory=list)
    check_ok: bool = True
    chain_behind: bool = False
    attention: int = 0
    files_sent: int = 0
    files_failed: list[str] = field(default_factory=list)  # why each file could not go yet

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _chain(session, device_id: str) -> dict:
    sequence, head = chain_head(session, device_id)
    return {"sequence": sequence, "hash": head}


def _cursors(session) -> dict[str, int]:
    return {c.scope: c.clock for c in session.query(SyncCursor)}


def run_sync(store: Store, progress: Callable[[str], None] = lambda text: None,
             cancelled: Callable[[], bool] = lambda: False,
             client: CentreClient | None = None) -> SyncOutcome:
    conn = store.read(state.connection)
    own_client = client is None
    client = client or CentreClient(conn.url, conn.token)
    outcome = SyncOutcome()

    def step(text: str) -> None:
        if cancelled():
            raise SyncCancelled("Sync cancelled; everything done so far is kept.")
        progress(text)

    try:
        step(f"Sending files to {conn.centre_name}…")
        try:
            files = send_files_step(store, client, progress, cancelled)  # before their records
        except TransferCancelled:
            raise SyncCancelled("Sync cancelled; everything done so far is kept.") from None
        outcome.files_sent, outcome.files_failed = len(files.sent), files.failed
        while True:
            step(f"Sending changes to {conn.centre_name}…")
            batch = store.write_now(next_batch)
            if not batch:
                break
            answer = client.push(batch, store.read(_chain, store.device_id))
            counts = store.write_pulled(record_results, answer).result()
            outcome.pushed += counts.get("applied", 0)
            outcome.rejected += counts.get("rejected", 0)
            outcome.conflicts += counts.get("conflict", 0)
            outcome.chain_behind |= bool(answer.get("chain", {}).get("behind"))
        for attempt in range(2):
            _pull_all(store, client, step, outcome, own=attempt > 0)
            step("Checking this laptop agrees with the centre…")
            digests = client.check()["scopes"]
            wrong = store.read(mismatched_scopes, digests, store.read(local_digests))
            if not wrong:
                break
            outcome.refetched = wrong
            outcome.check_ok = False
            store.write_pulled(reset_cursors, wrong).result()
        else:
            wrong = store.read(mismatched_scopes, client.check()["scopes"],
                               store.read(local_digests))
        outcome.check_ok = not wrong
        store.write_now(_succeeded)
        outcome.attention = store.read(state.status).attention
        return outcome
    except Exception as exc:
        store.write_now(_failed, str(exc))
        raise
    finally:
        if own_client:
            client.close()


def _pull_all(store: Store, client: CentreClient, step, outcome: SyncOutcome,
              own: bool = False) -> None:
    """Pages until done. The centre leaves out this laptop's own changes, except when
    re-fetching a scope that failed the check (`own`)."""
    while True:
        step("Receiving changes from the centre…")
        page = client.pull(store.read(_cursors), own)
        counts = store.write_pulled(apply_page, page).result()
        outcome.pulled += counts.get("inserted", 0) + counts.get("updated", 0)
        if not page.get("more"):
            return


def _succeeded(session) -> None:
    state.put(session, "last_success_at", datetime.now(timezone.utc).isoformat())
    state.put(session, "last_error", None)


def _failed(session, message: str) -> None:
    state.put(session, "last_error", message[:500])
