"""The centre's catalogue of qualification packs, as laptops send them up and fetch them.

A pack travels as its file, named by the SHA-256 of its bytes (app/catalogue/
pack_documents.py). One sent up is checked and loaded with the laptop's own importer, so the
centre refuses what a laptop would: an invalid file, or one whose pack id and version name a
different pack already in the catalogue. Assessors' and admins' laptops may add packs (they
enrol learners on them); an IQA's may not: an IQA samples what assessors enrolled, and a
catalogue every laptop receives is not theirs to grow. Any enrolled laptop may fetch a pack.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import text

from app.catalogue.importer import ImportResult, PackImportError, PreparedPack, clashing_pack, \
    import_pack, prepare_pack_bytes
from app.catalogue.pack_documents import document_of, loaded_packs
from app.sync.protocol import BAD_REQUEST, FORBIDDEN, PACK_REFUSED
from server.auth import CallingDevice
from server.clock import announce_catalogue_change
from server.database import CentreDatabase
from server.permissions import ASSESSOR_ROLES
from server.refusal import Refusal, log

MAY_ADD_PACKS = (*ASSESSOR_ROLES, "admin")


def packs_lacking(centre: CentreDatabase, shas: list[str]) -> list[str]:
    """Which of these packs the centre's catalogue does not hold."""
    with centre.reading() as session:
        held = loaded_packs(session)
    return sorted(set(shas) - held)


# Any number, the same in every server process: the lock two pack additions take.
_PACK_LOCK = 0x4646_5041_434B


def one_pack_at_a_time(session) -> None:
    """Two laptops sending packs at once (or a laptop and the admin) add them one after the
    other, so the second sees the first: the same pack is not loaded twice, and two packs
    with one id and version cannot both pass the clash check. PostgreSQL: an advisory lock
    held to commit, blocking no other writer; SQLite has one writer anyway."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PACK_LOCK})


def add_pack(session, prepared: PreparedPack) -> ImportResult:
    """Load a checked pack into the centre's catalogue and keep its file for the laptops;
    a new one is announced to every laptop. Raises PackImportError (an id and version clash)."""
    one_pack_at_a_time(session)
    result = import_pack(session, prepared)
    if result.new:
        announce_catalogue_change(session)  # last: see server/clock.py
    return result


def receive_pack(centre: CentreDatabase, device: CallingDevice, sha256: str,
                 raw: bytes) -> dict:
    """A laptop sends up a pack it has and the centre lacks."""
    if device.role not in MAY_ADD_PACKS:
        raise Refusal(FORBIDDEN, "An IQA's laptop may not add qualifications to the centre's "
                                 "catalogue: ask the learner's assessor or the centre's admin "
                                 "to import the pack.")
    if hashlib.sha256(raw).hexdigest() != sha256:
        raise Refusal(BAD_REQUEST, "The pack's file arrived changed (its SHA-256 differs): "
                                   "sync again.")
    label = f"the pack sent up (SHA-256 {sha256[:12]}…)"
    try:
        prepared = prepare_pack_bytes(raw, label)
        label = describe(prepared.data)
        with centre.writing() as session:
            one_pack_at_a_time(session)
            clash = clashing_pack(session, prepared)
            if clash is not None:
                # Said for the assessor, not for whoever edits the pack file.
                raise Refusal(PACK_REFUSED, f"The centre already has a different {label}, "
                                            f"loaded {clash.loaded_at:%d/%m/%Y}. Two packs "
                                            f"with one name and version cannot be told apart "
                                            f"on paper, so the centre keeps its own.",
                              pack=label)
            result = add_pack(session, prepared)
    except PackImportError as exc:
        log.warning("refused pack %s from device %s: %s", sha256, device.id, exc.problems)
        raise Refusal(PACK_REFUSED, f"The centre's catalogue cannot take {label}: "
                                    + "; ".join(exc.problems[:5]) + ".", pack=label) from None
    log.info("pack %s (%s) from device %s: %s", result.pack_id, sha256, device.id,
             "added" if result.new else "already held")
    return {"sha256": sha256, "pack_id": result.pack_id, "new": result.new}


def describe(data: dict) -> str:
    """A pack as people name it: its id and the version of the document it was made from."""
    version = (data.get("source") or {}).get("document_version")
    return f"pack '{data.get('pack_id')}'" + (f" ({version})" if version else "")


def pack_file(centre: CentreDatabase, sha256: str) -> bytes:
    with centre.reading() as session:
        raw = document_of(session, sha256) if sha256 in loaded_packs(session) else None
    if raw is None:
        raise Refusal(BAD_REQUEST, "The centre has no qualification pack with that SHA-256.")
    return raw


# -- on a USB stick (server/sync_file.py) ------------------------------------------------------

def take_carried(centre: CentreDatabase, device: CallingDevice,
                 carried: dict[str, str] | None) -> list[str]:
    """Packs a laptop's sync file carries, added as a network sync would add them (before
    its changes). Returns why each refused one was refused, for the import's summary."""
    import base64
    refused = []
    lacking = set(packs_lacking(centre, list(carried or {})))
    for sha, encoded in sorted((carried or {}).items()):
        if sha not in lacking:
            continue
        try:
            receive_pack(centre, device, sha, base64.b64decode(encoded, validate=True))
        except (Refusal, ValueError) as exc:
            refused.append(getattr(exc, "message", None) or f"pack {sha[:12]}… is damaged")
    return refused


def carried_for_laptops(centre: CentreDatabase) -> dict[str, str]:
    """The files of every pack the centre holds that was imported rather than shipped, for a
    sync file to a laptop: {sha256: base64}. Small (a pack is well under a megabyte)."""
    import base64
    from sqlalchemy import select

    from app.models import PackDocument
    with centre.reading() as session:
        return {d.sha256: base64.b64encode(bytes(d.content)).decode()
                for d in session.scalars(select(PackDocument))}
