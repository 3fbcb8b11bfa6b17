"""The laptop's side of sync without a network: "Export for sync…" and "Import from centre…"
(and `fieldfolio export-sync FILE` / `fieldfolio import-sync FILE`).

Export freezes the changes waiting to go up exactly as a network push does
(`app.sync.outgoing.next_batch`: numbered, sent byte for byte until the centre answers)
and writes them, with the files their records use, the signature chain head and this
laptop's pull cursors, into a sync file sealed with the device key and encrypted with a key
derived from this laptop's token hash (which the centre holds). Nothing is marked as
sent: the changes stay waiting until the centre's answer comes back, by network or by a
file from the centre, so a lost stick loses nothing.

Import decrypts and checks the centre's file whole (its seal is an HMAC keyed by this
laptop's token hash, its entries encrypted with a key derived from the same hash), keeps its files (each verified by SHA-256), records the centre's answers to this
laptop's changes (`record_results`) and applies its pages (`pull_page`), each page with
its cursors in one local transaction, as a network pull does. Importing it twice changes
nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from app.models.local import SyncCursor
from app.signing.chain import chain_head
from app.signing.device_key import device_signer
from app.sync import state
from app.sync.incoming import pull_page
from app.catalogue.importer import PackImportError
from app.sync.packs import load_carried, packs_to_carry
from app.sync.outgoing import next_batch, record_results
from app.sync_file.archive import (
    CENTRE_TO_LAPTOP, LAPTOP_TO_CENTRE, Attachment, DeviceSeal, SyncFileRefused,
    check_token_seal, open_sync_file, write_sync_file,
)
from app.transfer.laptop_files import attachments_of_store

Progress = Callable[[int, int], None]
EVERYTHING = 1_000_000_000  # freeze the whole outbox into one export


@dataclass
class Exported:
    changes: int
    files: int
    bytes: int

    def summary(self, target: Path) -> str:
        return (f"Wrote {target}: {self.changes} change(s) and {self.files} file(s) "
                f"({self.bytes / 1024 / 1024:.1f} MB), encrypted so that only your centre can "
                f"read it. Take it to the centre; the changes stay waiting on this laptop until "
                f"the centre's answer comes back.")


@dataclass
class ImportedFromCentre:
    received: int
    answers: int          # answers to changes still waiting here (not those settled before)
    files: int
    answered_before: bool = False   # the file answers changes this laptop has settled already

    def summary(self) -> str:
        if not (self.received or self.answers or self.files):
            # A second import of the same file repeated "19 answer(s) to this laptop's
            # changes": they had been counted, and settled, the first time.
            return ("Already imported: nothing new in this sync file." if self.answered_before
                    else "Nothing new from the centre in this sync file.")
        return (f"Imported from the centre: {self.received} change(s) received, "
                f"{self.answers} answer(s) to this laptop's changes, {self.files} file(s).")


def token_hash_of(token: str) -> str:
    """What the centre keeps of this laptop's token (server.staff.token_hash): the secret
    behind the centre's seal and both directions' sync file key."""
    return hashlib.sha256(token.encode()).hexdigest()


def _export_state(session, device_id: str) -> dict:
    sequence, head = chain_head(session, device_id)
    return {"chain_head": {"sequence": sequence, "hash": head},
            "packs": packs_to_carry(session),   # before the records enrolled on them
            "cursors": {c.scope: c.clock for c in session.query(SyncCursor)},
            "acked_seq": int(state.get(session, "acked_seq") or 0)}


def _attachment_files(mutations: list[dict]) -> dict[str, int]:
    return {m["row"]["sha256"]: int(m["row"].get("size") or 0) for m in mutations
            if m["table"] == "attachment" and m["row"].get("sha256")}


def export_for_centre(store, target: Path | str, progress: Progress | None = None,
                      cancelled: Callable[[], bool] | None = None) -> Exported:
    """Write everything the centre has not acknowledged into `target`. Raises
    state.NotEnrolled (the centre must know this laptop's key), SyncFileFailed (full or
    removed stick), SyncFileCancelled, or SyncFileRefused (a file here fails its hash)."""
    conn = store.read(state.connection)
    mutations = store.write_now(next_batch, EVERYTHING)
    extra = store.read(_export_state, store.device_id)
    signer = store.write_now(device_signer)
    files = attachments_of_store(store)
    carried = {sha: size for sha, size in _attachment_files(mutations).items() if files.exists(sha)}
    write_sync_file(target, direction=LAPTOP_TO_CENTRE, device_id=store.device_id,
                    changes={"mutations": mutations, **extra},
                    files=[Attachment(sha, files.size(sha)) for sha in carried],
                    open_file=files.open, seal=DeviceSeal(signer.private_key),
                    token_hash=token_hash_of(conn.token), progress=progress, cancelled=cancelled)
    return Exported(len(mutations), len(carried), Path(target).stat().st_size)


def import_from_centre(store, path: Path | str, progress: Progress | None = None) -> ImportedFromCentre:
    """Check then apply a sync file the centre wrote for this laptop. Raises SyncFileRefused
    naming what failed (nothing is changed) or state.NotEnrolled."""
    conn = store.read(state.connection)
    token_hash = token_hash_of(conn.token)

    def for_this_laptop(manifest: dict, manifest_bytes: bytes, seal: str) -> bool:
        if manifest.get("device_id") != store.device_id:
            raise SyncFileRefused(f"{Path(path).name} was written for another laptop "
                                  f"(device {manifest.get('device_id')}), not this one.")
        return check_token_seal(manifest_bytes, seal, token_hash)

    files = attachments_of_store(store)
    kept = 0
    with open_sync_file(path, direction=CENTRE_TO_LAPTOP, check_seal=for_this_laptop,
                        token_hash=lambda manifest: token_hash, progress=progress) as sync:
        incoming = Path(store.data_dir) / "sync" / "downloads"
        incoming.mkdir(parents=True, exist_ok=True)
        for sha in sync.files:
            if files.exists(sha):
                continue
            _keep_file(sync, sha, incoming / f"{sha}.part", files)
            kept += 1
        changes = sync.changes
    try:
        load_carried(store, changes.get("packs"))   # before the records that use them
    except PackImportError as exc:
        raise SyncFileRefused(f"{Path(path).name} carries a qualification pack this laptop "
                              f"cannot load ({'; '.join(exc.problems[:3])}): none of its "
                              f"changes were applied. Update Fieldfolio, or ask the centre's "
                              f"admin.") from None
    answer = changes.get("push_answer") or {}
    answered = {}
    if answer.get("results"):
        answered = store.write_pulled(record_results, answer).result()
    received = 0
    for page in changes.get("pages", []):
        counts = pull_page(store, page)
        received += counts.get("inserted", 0) + counts.get("updated", 0)
    # The status bar says when the centre's state last arrived, by network or by stick
    # (a file is not a network sync: automatic sync still goes by `last_success_at`).
    store.write_now(state.put, "last_file_at", datetime.now(timezone.utc).isoformat())
    return ImportedFromCentre(received, sum(answered.values()), kept,
                              bool(answer.get("results")) and not answered)


def _keep_file(sync, sha: str, part: Path, files) -> None:
    """Copy one carried file out (hashing it again on the way, sealed as it goes in an
    encrypted folder) and hand it to the store."""
    incoming = files.incoming(part)
    incoming.start_again()   # a part a killed import left is not trusted: the stick has it all
    with sync.open_file(sha) as src:
        for piece in iter(lambda: src.read(1024 * 1024), b""):
            incoming.write(piece)
    if not incoming.matches(sha):
        incoming.discard()
        raise SyncFileRefused(f"files/{sha} changed while it was being read; nothing more was "
                              f"imported.")
    files.keep(incoming, sha)
