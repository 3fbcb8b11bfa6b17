"""The centre's side of sync without a network: import a laptop's sync file, and write one
for a laptop with everything it should receive.

Importing applies the laptop's changes with `server.push.apply_push`, the very function a
network push runs, after its files went into the file store: so importing the same file
twice, or after the same changes came over the network, changes nothing (each change's
number is already applied and its stored result is returned). The file is checked whole
before anything is applied; its seal must be the Ed25519 key the centre registered for the
laptop it names at enrolment, and its entries open only with the key derived from that
laptop's token hash (a version 1 file, from before sync files were encrypted, has none).

Exporting for a laptop runs `server.pull.pull` from the cursors that laptop last reported
(in its last sync file; from the start if none), adds the centre's stored answers to its
pushed changes, and the files of records made on other laptops. It is sealed with an HMAC
keyed by the laptop's token hash, which only the centre and that laptop can compute, and
encrypted with a key derived from the same hash.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy import select

from app.models import StaffMember
from app.models.evidence import Attachment
from app.sync_file.archive import (
    CENTRE_TO_LAPTOP, LAPTOP_TO_CENTRE, Attachment as Carried, SyncFileRefused, TokenSeal,
    check_device_seal, open_sync_file, write_sync_file,
)
from server.auth import CallingDevice
from server.database import CentreDatabase
from server.files.store import FileStore
from server.models import AppliedMutation, ServerSetting, SyncDevice
from server.packs import carried_for_laptops, take_carried
from server.pull import pull
from server.push import Mutation, apply_push
from server.refusal import Refusal
from server.staff import device_laptop_name

Progress = Callable[[int, int], None]


@dataclass
class Imported:
    device_id: str
    device_name: str
    changes: int
    applied: int
    already_applied: int
    rejected: int
    conflicts: int
    files_stored: int
    files_already_here: int
    packs_refused: list[str] = field(default_factory=list)  # why, for each pack not taken

    def summary(self) -> str:
        return (f"Sync file from {self.device_name or self.device_id}: {self.changes} change(s) "
                f"({self.applied} applied, {self.already_applied} already here, "
                f"{self.rejected} refused, {self.conflicts} conflicts kept for the assessor); "
                f"{self.files_stored} file(s) stored, {self.files_already_here} already here."
                + "".join(f"\n{why}" for why in self.packs_refused))


def _setting_key(device_id: str) -> str:
    return f"sync_file.{device_id}"


def _enrolled(session, device_id: str) -> SyncDevice:
    """The laptop a sync file is from or for; refused if unknown or revoked."""
    dev = session.get(SyncDevice, device_id)
    if dev is None:
        raise SyncFileRefused(f"No laptop with id {device_id} is enrolled at this centre "
                              f"(see 'server-admin devices').")
    if dev.revoked_at is not None:
        raise SyncFileRefused(f"The centre revoked {device_laptop_name(session, dev)}: it sends and "
                              f"receives no more data.")
    return dev


def _calling(session, dev: SyncDevice) -> CallingDevice:
    staff = session.get(StaffMember, dev.staff_id)
    return CallingDevice(dev.id, dev.staff_id, staff.role if staff else "", dev.name)


def import_from_laptop(centre: CentreDatabase, files: FileStore, path: Path | str,
                       progress: Progress | None = None) -> Imported:
    """Check then apply a laptop's sync file. Raises SyncFileRefused naming what failed."""
    def registered_key(manifest: dict, manifest_bytes: bytes, seal: str) -> bool:
        with centre.reading() as session:
            dev = _enrolled(session, str(manifest.get("device_id")))
            return check_device_seal(manifest_bytes, seal, dev.public_key)

    def laptops_token_hash(manifest: dict) -> str:
        with centre.reading() as session:
            return _enrolled(session, str(manifest.get("device_id"))).token_hash

    with open_sync_file(path, direction=LAPTOP_TO_CENTRE, check_seal=registered_key,
                        token_hash=laptops_token_hash, progress=progress) as sync:
        with centre.reading() as session:
            dev = session.get(SyncDevice, sync.device_id)
            device = _calling(session, dev)
            last_before = dev.last_seq
            laptop = device_laptop_name(session, dev)   # "Sam Patel's laptop (vm)"
        stored = 0
        for sha in sync.files:
            with sync.open_file(sha) as fh:
                stored += files.put(sha, sync.size_of(sha), fh, owner=device.id)
        changes = sync.changes
        mutations = [Mutation.from_json(m) for m in changes.get("mutations", [])]
        # The laptop's own qualification packs first: its records may be enrolled on them.
        packs_refused = take_carried(centre, device, changes.get("packs"))
        try:
            answer = apply_push(centre, device, mutations, changes.get("chain_head"))
        except Refusal as refused:
            raise SyncFileRefused(f"{Path(path).name}: the centre could not apply it: "
                                  f"{refused.message}") from None
        with centre.writing() as session:
            row = session.get(ServerSetting, _setting_key(device.id))
            known = {"cursors": changes.get("cursors") or {},
                     "acked_seq": int(changes.get("acked_seq") or 0)}
            if row is None:
                session.add(ServerSetting(key=_setting_key(device.id), value=json.dumps(known)))
            else:
                row.value = json.dumps(known)
    statuses = [r.get("status") for r in answer["results"]]
    fresh = [r for r, m in zip(answer["results"], sorted(mutations, key=lambda m: m.seq), strict=True)
             if m.seq > last_before]
    return Imported(device.id, laptop, len(mutations),
                    sum(1 for r in fresh if r.get("status") == "applied"),
                    len(mutations) - len(fresh), statuses.count("rejected"),
                    statuses.count("conflict"), stored, len(sync.files) - stored, packs_refused)


def export_for_device(centre: CentreDatabase, files: FileStore, device_id: str,
                      target: Path | str, progress: Progress | None = None,
                      cancelled: Callable[[], bool] | None = None) -> dict:
    """Write `target` for one laptop: what a pull would give it, the centre's answers to its
    pushed changes, and the files made on other laptops that its records use."""
    with centre.reading() as session:
        dev = _enrolled(session, device_id)
        device = _calling(session, dev)
        token_hash = dev.token_hash
        row = session.get(ServerSetting, _setting_key(device_id))
        known = json.loads(row.value) if row else {}
        results = [json.loads(r) for r in session.scalars(
            select(AppliedMutation.result_json).where(
                AppliedMutation.device_id == device_id,
                AppliedMutation.seq > int(known.get("acked_seq") or 0))
            .order_by(AppliedMutation.seq))]
        last_seq = dev.last_seq
    cursors = dict(known.get("cursors") or {})
    pages = []
    while True:
        page = pull(centre, device, cursors)
        pages.append(page)
        cursors.update(page.get("cursors", {}))
        if not page.get("more"):
            break
    wanted = {}
    for page in pages:
        for change in page.get("changes", []):
            row = change["row"]
            if change["table"] == Attachment.__tablename__ and row.get("device_id") != device_id \
                    and files.has(row.get("sha256", "")):
                wanted[row["sha256"]] = files.size_of(row["sha256"])
    changes = {"pages": pages, "push_answer": {"results": results, "last_seq": last_seq},
               "packs": carried_for_laptops(centre)}  # loaded before the pages' records
    return write_sync_file(target, direction=CENTRE_TO_LAPTOP, device_id=device_id,
                           changes=changes, files=[Carried(s, n) for s, n in wanted.items()],
                           open_file=files.open, seal=TokenSeal(token_hash),
                           token_hash=token_hash, progress=progress, cancelled=cancelled)
