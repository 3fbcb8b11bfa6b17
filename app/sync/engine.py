"""One sync, as the window's "Sync now", automatic sync and `fieldfolio sync` all run it:
push the outbox until empty, then pull until done, then check. When nothing waits here and
the centre says nothing changed since the last complete sync, that one question is all.

A laptop the centre revoked still pushes; the sync then ends with app/sync/revoked.py's
LaptopRevoked, carrying the centre's confirmation when the caller may wipe the caseload.

Runs on any thread except the writer (it waits for the writer between steps); every step
is its own local transaction, so cancelling or killing the process between or during steps
loses nothing: the next sync carries on from the last committed step. `progress(text)` is
called before each step; `cancelled()` is asked between steps.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import func, select

from app.db.store import Store
from app.signing.chain import chain_head
from app.sync import state
from app.sync.attention import signatures_missing
from app.sync.check import local_digests, mismatched_scopes, reset_cursors
from app.sync.client import CentreClient, CentreRefused
from app.sync.protocol import DEVICE_REVOKED, SEQUENCE_GAP
from app.sync.revoked import hand_in
from app.sync.incoming import pull_page
from app.sync.packs import fetch_packs, packs_to_offer, send_packs
from app.sync.outgoing import next_batch, number_on_from, record_results
from app.transfer.sync_step import send_files_step
from app.transfer.upload import TransferCancelled
from app.models import OutboxEntry
from app.models.local import SyncAttention, SyncCursor, SyncMutation


# Even with nothing to send or receive, a full sync (every scope's count and digest compared
# with the centre's) at least this often: it is what would notice a laptop database that
# lost rows outside Fieldfolio, which no change would ever announce.
FULL_CHECK_EVERY = timedelta(hours=12)


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
    sent_back: int = 0   # records the centre had lost (restored from a backup), sent again
    packs_sent: int = 0      # qualification packs imported here that went to the centre
    packs_fetched: int = 0   # qualification packs the centre had that were loaded here

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
        # A laptop enrolled before it took the centre's own name at enrolment takes it
        # here, before sending, so the change goes up with this sync (app/sync/enrolment.py).
        from app.caseload.validation import InvalidInput
        from app.sync.enrolment import take_the_centres_own_name
        try:
            store.write_now(take_the_centres_own_name, conn.centre_name)
        except InvalidInput:
            pass   # a name for paperwork never stops a sync
        step(f"Asking {conn.centre_name} for changes…")
        if _nothing_to_do(store, client, outcome):
            store.write_now(_succeeded, store.read(state.get, "watch"), client.centre_settings,
                            checked=False)
            outcome.attention = store.read(_attention)
            return outcome
        step(f"Sending files to {conn.centre_name}…")
        try:
            files = send_files_step(store, client, progress, cancelled)  # before their records
        except TransferCancelled:
            raise SyncCancelled("Sync cancelled; everything done so far is kept.") from None
        outcome.files_sent, outcome.files_failed = len(files.sent), files.failed
        step(f"Sending qualifications to {conn.centre_name}…")
        outcome.packs_sent = send_packs(store, client)  # before the records enrolled on them
        push_all(store, client, step, outcome, conn.centre_name)
        watch = None
        for attempt in range(2):
            watch = _pull_all(store, client, step, outcome, own=attempt > 0)
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
        if outcome.sent_back:
            # The centre went back in time and this laptop queued what it lost: sent now,
            # not at the next sync, then checked again (packs it lost first: the pull told
            # which it has).
            outcome.packs_sent += send_packs(store, client)
            push_all(store, client, step, outcome, conn.centre_name)
            watch = _pull_all(store, client, step, outcome)
            wrong = store.read(mismatched_scopes, client.check()["scopes"],
                               store.read(local_digests))
        outcome.check_ok = not wrong
        # What this laptop has seen, for the next sync's one-question shortcut; not kept
        # when the check failed or a file is still to go (the next sync does it all again).
        settled = outcome.check_ok and not outcome.files_failed
        store.write_now(_succeeded, watch if settled else None, client.centre_settings)
        outcome.attention = store.read(state.status).attention
        return outcome
    except Exception as exc:
        if isinstance(exc, CentreRefused) and exc.error == DEVICE_REVOKED:
            # Revoked: what was pushed is at the centre; may the laptop now wipe itself?
            try:
                revoked = hand_in(store, client, outcome.pushed)
            except Exception as failed:  # noqa: BLE001 - e.g. the centre went away meanwhile
                revoked = failed
            store.write_now(_failed, str(revoked))
            raise revoked from None
        store.write_now(_failed, str(exc))
        raise
    finally:
        if own_client:
            client.close()


def push_all(store: Store, client: CentreClient, step, outcome: SyncOutcome,
             centre_name: str) -> None:
    """Push the outbox until empty. A centre that has fewer of this laptop's changes than
    the laptop was told it applied (restored from an older backup) refuses the next number:
    the changes not yet answered are numbered on from where the centre is, once."""
    renumbered = False
    while True:
        step(f"Sending changes to {centre_name}…")
        batch = store.write_now(next_batch)
        if not batch:
            return
        try:
            answer = client.push(batch, store.read(_chain, store.device_id))
        except CentreRefused as exc:
            if exc.error != SEQUENCE_GAP or renumbered or "last_seq" not in exc.body:
                raise
            store.write_now(number_on_from, int(exc.body["last_seq"]))
            renumbered = True
            continue
        counts = store.write_pulled(record_results, answer).result()
        outcome.pushed += counts.get("applied", 0)
        outcome.rejected += counts.get("rejected", 0)
        outcome.conflicts += counts.get("conflict", 0)
        _heed_chain(store, outcome, answer.get("chain"))


def _heed_chain(store: Store, outcome: SyncOutcome, report: dict | None) -> None:
    """The centre has seen a newer signature from this laptop than the laptop now holds:
    said in "needs attention" (once while unread: app/sync/attention.py)."""
    if (report or {}).get("behind"):
        outcome.chain_behind = True
        store.write_now(signatures_missing, store.device_id, report)


def _pull_all(store: Store, client: CentreClient, step, outcome: SyncOutcome,
              own: bool = False) -> str | None:
    """Pages until done; returns the centre's watch token of the last page. The centre
    leaves out this laptop's own changes, except when re-fetching a scope that failed the
    check (`own`). The first page carries this laptop's signature chain head, so it goes up
    with every sync even when nothing was pushed."""
    first = True
    while True:
        step("Receiving changes from the centre…")
        head = store.read(_chain, store.device_id) if first else None
        page = client.pull(store.read(_cursors), own, head)
        outcome.packs_fetched += fetch_packs(store, client, page.get("packs"))  # records use them
        if first:
            _heed_chain(store, outcome, page.get("chain"))
            first = False
        counts = pull_page(store, page, own)
        outcome.pulled += counts.get("inserted", 0) + counts.get("updated", 0)
        outcome.sent_back += counts.get("sent_back", 0)
        if not page.get("more"):
            return page.get("watch")


def _quiet_here(session) -> str | None:
    """The watch token of the last complete sync, if nothing waits to go up since and the
    last full check (counts and digests of every scope) is recent enough."""
    waiting = session.execute(select(OutboxEntry.id).limit(1)).first() or \
        session.execute(select(SyncMutation.seq).limit(1)).first()
    checked = state.get(session, "checked_at")
    if waiting or not checked or packs_to_offer(session):  # a pack imported here goes up
        return None
    if datetime.now(timezone.utc) - datetime.fromisoformat(checked) > FULL_CHECK_EVERY:
        return None
    return state.get(session, "watch")


def _nothing_to_do(store: Store, client: CentreClient, outcome: SyncOutcome) -> bool:
    """A sync with nothing to send asks the centre one question (server/pull.anything_new)
    instead of sending every learner's cursor and comparing every scope's digest: nothing
    waits here (the outbox is the sync queue, so no record is scanned), and the centre has
    nothing after what this laptop last pulled. The question carries this laptop's newest
    signature number, so a signature deleted here is noticed even by such a sync."""
    watch = store.read(_quiet_here)
    if not watch:
        return False
    try:
        answer = client.changed_since(watch, store.read(_chain, store.device_id))
    except CentreRefused as refused:
        if refused.status == 404:  # a centre from before the question: sync in full
            return False
        raise
    _heed_chain(store, outcome, answer.get("chain"))
    return not answer.get("changed", True)


def _attention(session) -> int:
    return session.scalar(select(func.count()).select_from(SyncAttention).where(
        SyncAttention.resolved_at.is_(None))) or 0


def _succeeded(session, watch: str | None = None, centre_settings: dict | None = None,
               checked: bool = True) -> None:
    """`checked`: this sync ran the full check (not the one-question shortcut)."""
    from app.sync.centre_settings import take
    take(session, centre_settings)   # e.g. the centre's lock minutes, which win here
    now = datetime.now(timezone.utc).isoformat()
    state.put(session, "last_success_at", now)
    state.put(session, "last_error", None)
    state.put(session, "watch", watch)
    if checked:
        state.put(session, "checked_at", now)


def _failed(session, message: str) -> None:
    state.put(session, "last_error", message[:500])
    state.put(session, "watch", None)  # the next sync does everything
