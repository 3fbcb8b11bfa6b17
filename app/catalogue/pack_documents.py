"""Each pack's file, named by the SHA-256 of its bytes, on the laptop and at the centre
alike: what travels when a pack goes up to the centre or down to another laptop, so the
receiving side checks and loads exactly what was imported, with the same loader.

A shipped pack's file is in the specs folder of every install; an imported one is kept in
the pack_document table when it is imported (app/catalogue/importer.py).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import PackDocument, SpecPack


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Path]:
    from app.catalogue.loader import pack_files
    return {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in pack_files()}


def shipped_packs() -> set[str]:
    """The SHA-256 of every pack this install ships (every centre loads its own at start)."""
    return set(_shipped())


def keep_document(session: Session, sha256: str, content: bytes) -> None:
    """Keep a pack's file (once: the same bytes are the same file)."""
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ValueError("a pack's file must be kept under the SHA-256 of its own bytes")
    if sha256 in _shipped() or session.get(PackDocument, sha256) is not None:
        return
    session.add(PackDocument(sha256=sha256, content=content))
    session.flush()


def document_of(session: Session, sha256: str) -> bytes | None:
    """The file of the pack loaded under `sha256`, if this side has it."""
    kept = session.get(PackDocument, sha256)
    if kept is not None:
        return bytes(kept.content)
    path = _shipped().get(sha256)
    return path.read_bytes() if path is not None else None


def loaded_packs(session: Session) -> set[str]:
    """The SHA-256 of every pack loaded here."""
    return set(session.scalars(select(SpecPack.sha256)))
