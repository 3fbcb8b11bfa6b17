"""The qualifications every laptop ships with are loaded into the centre's database at each
start, with the same deterministic ids, so enrolments and mappings pushed by laptops point
at rows the centre holds. (The laptop's search index is SQLite FTS5 and stays there.)"""
from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalogue.loader import load_pack_data, pack_files, read_pack
from app.models import SpecPack


def load_shipped_packs(session: Session) -> list[str]:
    known = set(session.scalars(select(SpecPack.sha256)))
    loaded = []
    for path in pack_files():
        if hashlib.sha256(path.read_bytes()).hexdigest() in known:
            continue
        data, sha = read_pack(path)
        _, new = load_pack_data(session, data, sha)
        if new:
            loaded.append(data["pack_id"])
    return loaded
