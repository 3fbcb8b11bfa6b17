"""Qualification packs travel with sync: a pack imported on this laptop goes up to the
centre before the records enrolled on it, and a pack the centre has (imported there, or sent
up by another laptop) comes down before the records that use it.

A pack travels as its file, named by its SHA-256 (app/catalogue/pack_documents.py), and the
receiving side checks and loads it with the importer's own checks. Asking costs nothing
when nothing is new: every pull names the packs the centre holds, this laptop remembers
them, and asks the centre only about a pack of its own not among them.

The centre refuses a pack that is invalid or whose id and version name a different pack in
its catalogue (or one sent by an IQA's laptop). That is said once in "needs attention",
naming the pack and why, and the pack is not offered again; the learners enrolled on it
stay on this laptop, and the centre refuses their enrolments naming the pack (server/
push.py). A pack the centre has is loaded here even beside a clashing one of this laptop's:
its rows have ids of their own, and the records the centre sends need them.
"""
from __future__ import annotations

import base64
import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalogue.importer import PackImportError, prepare_pack_bytes
from app.catalogue.loader import load_pack_data
from app.catalogue.pack_documents import document_of, keep_document, loaded_packs, shipped_packs
from app.models import PackDocument, Qualification, SpecPack
from app.models.local import SyncAttention
from app.sync import state
from app.sync.client import CentreClient, CentreRefused
from app.sync.protocol import BAD_REQUEST, FORBIDDEN, PACK_REFUSED

CENTRE_PACKS = "centre_packs"   # the packs the centre named at the last pull (JSON list)


def centre_has(session: Session) -> set[str]:
    return set(json.loads(state.get(session, CENTRE_PACKS) or "[]"))


def remember_centre_has(session: Session, shas) -> None:
    state.put(session, CENTRE_PACKS, json.dumps(sorted(set(shas))))


def _refused_before(session: Session) -> set[str]:
    return set(session.scalars(select(SpecPack.sha256).join(
        SyncAttention, SyncAttention.record_id == SpecPack.id).where(
        SyncAttention.kind == PACK_REFUSED)))


def packs_to_offer(session: Session) -> list[str]:
    """Packs loaded here that the centre may lack: not shipped (the centre loads the packs
    it ships itself), not named by its last pull, not refused before. So a laptop that
    imported nothing never asks, not even at its first sync."""
    return sorted(loaded_packs(session) - shipped_packs() - centre_has(session)
                  - _refused_before(session))


def pack_name(session: Session, sha256: str) -> str:
    """'EDI Level 2 NVQ … (pack edi-l2-…, Issue 2)' as the catalogue window names it."""
    pack = session.scalars(select(SpecPack).where(SpecPack.sha256 == sha256)).first()
    if pack is None:
        return f"the qualification pack {sha256[:12]}…"
    titles = session.scalars(select(Qualification.title).where(
        Qualification.pack_row_id == pack.id).order_by(Qualification.sort_order)).all()
    version = f", {pack.document_version}" if pack.document_version else ""
    return f"{'; '.join(titles) or pack.pack_id} (pack {pack.pack_id}{version})"


def _note_refused(session: Session, sha256: str, why: str) -> None:
    pack = session.scalars(select(SpecPack).where(SpecPack.sha256 == sha256)).first()
    if pack is None:
        return
    session.add(SyncAttention(
        kind=PACK_REFUSED, table_name="spec_pack", record_id=pack.id,
        reason=(f"{pack_name(session, sha256)}, imported on this laptop. {why} Learners "
                f"enrolled on it stay on this laptop, but the centre cannot take their "
                f"enrolments or evidence until they are enrolled on a qualification the "
                f"centre has: ask the centre's admin which one to use."),
        mine_json="{}", theirs_json=json.dumps({"sha256": sha256})))


def send_packs(store, client: CentreClient) -> int:
    """Before the push: this laptop's packs the centre lacks go up. Returns how many went."""
    offer = store.read(packs_to_offer)
    if not offer:
        return 0
    lacking = set(client.packs_lacking(offer))
    sent, refused = [], []
    for sha in sorted(lacking):
        document = store.read(document_of, sha)
        if document is None:   # imported before packs were kept with their files
            refused.append((sha, "This laptop no longer has the pack's file (it was imported "
                                 "before Fieldfolio kept it): import the file again."))
            continue
        try:
            client.send_pack(sha, document)
            sent.append(sha)
        except CentreRefused as exc:
            if exc.error not in (PACK_REFUSED, FORBIDDEN, BAD_REQUEST):
                raise
            refused.append((sha, exc.message))

    def settle(session: Session) -> None:
        for sha, why in refused:
            _note_refused(session, sha, why)
        remember_centre_has(session, centre_has(session) | (set(offer) - lacking) | set(sent))
    store.write_now(settle)
    return len(sent)


def fetch_packs(store, client: CentreClient, centre_packs: list[str] | None) -> int:
    """Before a pulled page is applied: the centre's packs this laptop lacks come down and
    are loaded. Returns how many were loaded."""
    if centre_packs is None:   # a centre from before packs travelled
        return 0
    missing = sorted(set(centre_packs) - store.read(loaded_packs))
    for sha in missing:
        document = client.fetch_pack(sha)
        if hashlib.sha256(document).hexdigest() != sha:
            raise CentreRefused(422, PACK_REFUSED, "A qualification pack from the centre "
                                "arrived changed (its SHA-256 differs): sync again.")
        try:
            prepared = prepare_pack_bytes(document, f"pack {sha[:12]}…")
        except PackImportError as exc:
            # Only a Fieldfolio older or newer than the one that checked it at the centre
            # can see a problem: the sync stops here, saying so, before the records using it.
            raise CentreRefused(422, PACK_REFUSED, f"A qualification pack from the centre "
                                f"cannot be loaded on this laptop ({'; '.join(exc.problems[:3])}"
                                f"). Update Fieldfolio, or ask the centre's admin about it."
                                ) from None
        store.write_now(_load_from_centre, prepared)
    if store.read(centre_has) != set(centre_packs):
        store.write_now(remember_centre_has, centre_packs)
    return len(missing)


def _load_from_centre(session: Session, prepared) -> None:
    load_pack_data(session, prepared.data, prepared.sha256)
    keep_document(session, prepared.sha256, prepared.document)


# -- on a USB stick (app/sync_file/laptop.py) --------------------------------------------------

def packs_to_carry(session: Session) -> dict[str, str]:
    """The files of packs imported here that the centre may lack, for a sync file to the
    centre: {sha256: base64 of the file}. (The shipped packs the centre has from its own
    install.)"""
    offer = set(packs_to_offer(session))
    return {d.sha256: base64.b64encode(bytes(d.content)).decode()
            for d in session.scalars(select(PackDocument)) if d.sha256 in offer}


def load_carried(store, carried: dict[str, str] | None) -> int:
    """Packs a sync file from the centre carries that this laptop lacks are loaded, before
    the file's records (which may be enrolled on them). Returns how many."""
    loaded = 0
    have = store.read(loaded_packs)
    for sha, text in sorted((carried or {}).items()):
        if sha in have:
            continue
        document = base64.b64decode(text, validate=True)
        if hashlib.sha256(document).hexdigest() != sha:
            raise PackImportError(f"pack {sha[:12]}…", ["the pack's file in the sync file "
                                                       "differs from its SHA-256"])
        store.write_now(_load_from_centre, prepare_pack_bytes(document, f"pack {sha[:12]}…"))
        loaded += 1
    return loaded
