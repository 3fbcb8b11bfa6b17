"""This laptop remembers its newest signature outside the database, beside its key.

Deleting the newest signature together with its audit entry leaves a signature chain and
an audit chain that still hang together; so does putting back an older copy of the
database. Neither can hide from a note of the chain's head kept in the data folder's
`keys/` (where the signing key is, never in a backup or a copy of the database): verify
fails when the database no longer holds the signature the note names.

The note is written after the signing transaction commits, so a failed commit never
leaves it ahead of the database (a false alarm); killed between commit and note, it is
one signature behind, which only narrows what it proves. A missing note (a folder from
before this, or deleted) is said in verify's report, not treated as tampering. The
centre, holding every device's heads, is the anchor that does not depend on the laptop.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

NOTE_FILE = Path("keys") / "newest-signature.json"


def remember_after_commit(session: Session, data_dir: Path, device_id: str, sequence: int,
                          signature_hash: str) -> None:
    """Note this signature as the newest once the session's transaction commits."""
    first = "_newest_signature" not in session.info
    session.info["_newest_signature"] = (Path(data_dir), device_id, sequence, signature_hash)
    if first:
        event.listen(session, "after_commit", _write_note, once=True)


def _write_note(session: Session) -> None:
    data_dir, device_id, sequence, signature_hash = session.info.pop("_newest_signature")
    path = data_dir / NOTE_FILE
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps({"device_id": device_id, "sequence": sequence,
                                   "signature_hash": signature_hash}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass   # a note that could not be written only narrows what verify can prove


def remembered(data_dir: Path) -> dict | None:
    try:
        return json.loads((Path(data_dir) / NOTE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
