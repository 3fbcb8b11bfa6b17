"""The laptop's half of being revoked (the centre's half and the protocol: server/revocation.py).

A sync pushes as always (the centre still takes a revoked laptop's changes and files); when
the centre then refuses it data (410 device_revoked), `hand_in` asks the centre to confirm it
holds everything this laptop has: every change (by the number of the last one it
acknowledged) and every evidence file. Only with that confirmation, and only if nothing new
was written meanwhile, does `wipe_after_hand_in` close the data folder and wipe it
(app/safekeeping/wipe.py). Anything not yet at the centre keeps the whole caseload on the
laptop: a failed push, an unsent file, an unfinished recording or a change typed during the
sync each stop the wipe, and the next sync tries again.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from app.evidence.attachment_store import well_formed
from app.models.evidence import Attachment
from app.sync import state


class LaptopRevoked(Exception):
    """The centre revoked this laptop. `confirmation` is the centre's answer when it holds
    everything (the caller then calls `wipe_after_hand_in`); None when something is still
    only here, and the message says what."""

    def __init__(self, message: str, confirmation: dict | None = None, pushed: int = 0):
        super().__init__(message)
        self.message, self.confirmation, self.pushed = message, confirmation, pushed
        self.error = "device_revoked"


def _held_files(session, attachments) -> list[str]:
    hashes = session.scalars(select(Attachment.sha256).distinct())
    return sorted(h for h in hashes if well_formed(h) and attachments.exists(h))


def _unfinished_recordings(attachments) -> int:
    journal = attachments.journal_dir
    return sum(1 for p in journal.iterdir() if p.is_file()) if journal.is_dir() else 0


def hand_in(store, client, pushed: int = 0) -> LaptopRevoked:
    """After the centre refused this laptop data: ask it to confirm a wipe. Returns the
    exception the sync ends with (raised by the caller)."""
    status = store.read(state.status)
    centre = status.centre_name or "the centre"
    revoked = f"{centre} has revoked this laptop's access (reported lost or retired)"
    if status.waiting:
        return LaptopRevoked(f"{revoked}. {status.waiting} change(s) have not reached the "
                             f"centre yet, so nothing on this laptop has been wiped: sync "
                             f"again to send them.", pushed=pushed)
    if _unfinished_recordings(store.attachments):
        return LaptopRevoked(f"{revoked}. A recording is not finished yet, so nothing on this "
                             f"laptop has been wiped: stop it, then sync again.", pushed=pushed)
    files = store.read(_held_files, store.attachments)
    last = int(store.read(state.get, "acked_seq") or 0)
    answer = client.wipe(last, files)
    if not answer.get("wipe"):
        return LaptopRevoked(f"{revoked}. The centre did not confirm it holds everything "
                             f"({answer.get('reason', 'no reason given')}), so nothing on this "
                             f"laptop has been wiped: sync again.", pushed=pushed)
    return LaptopRevoked(f"{revoked}. It confirmed it holds all of this laptop's changes and "
                         f"evidence files, so the caseload on this laptop is being wiped.",
                         confirmation={**answer, "centre": answer.get("centre") or centre},
                         pushed=pushed)


def _still_waiting(store) -> int:
    """Changes not at the centre, read from the closed database's file (nothing can write
    to it any more): a change typed while the sync ran must not be wiped."""
    from app.db import health
    pragma = store.keys.sqlcipher_pragma() if store.keys else None
    with health.read_only(store.db_path, pragma) as con:
        return sum(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                   for table in ("outbox", "sync_mutation"))


def wipe_after_hand_in(store, revoked: LaptopRevoked) -> tuple[bool, str]:
    """Close `store` and wipe its folder, if the centre confirmed and nothing was written
    since. Returns (wiped?, the sentence to show)."""
    from app.safekeeping.wipe import wipe_caseload
    if revoked.confirmation is None:
        return False, revoked.message
    store.close()
    waiting = _still_waiting(store)
    if waiting:
        return False, (f"The centre has revoked this laptop's access, but {waiting} change(s) "
                       f"were made during the sync and are not at the centre yet, so nothing "
                       f"has been wiped: start Fieldfolio and sync again to send them.")
    answer = revoked.confirmation
    when = datetime.now(timezone.utc).strftime("%d/%m/%Y %H:%M UTC")
    why = (f"Fieldfolio wiped this laptop's caseload on {when}: {answer['centre']} revoked "
           f"the laptop's access (it was reported lost, or is no longer to be used). Before "
           f"wiping, it sent what had not been synced ({revoked.pushed} change(s) this time) "
           f"and the centre confirmed it holds all of this laptop's changes and its "
           f"{answer.get('files', 0)} evidence file(s). Removed from this laptop: the database "
           f"and its backups, every photo, recording and file, the recording journal, the "
           f"signing key and the key file. To use Fieldfolio here again, ask the centre's "
           f"admin for a new enrol code.")
    wipe_caseload(store.data_dir, why)
    return True, why
