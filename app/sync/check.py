"""After a pull, the laptop and the centre compare what each holds, scope by scope: a
count and a digest of (table, id, version) for every record the centre has (Anki's sanity
check, PowerSync's checksums). A scope that differs is fetched again from the start.

What the laptop counts is what the centre should hold: its rows, except that a record with
a change still waiting (or refused, or in conflict) counts at the version the centre has
(the one the change was based on, or the centre's side of the conflict), and a record the
centre never had does not count. Re-fetching never touches those waiting changes
(app/sync/incoming.py leaves them alone).
"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import String, cast, delete, func, literal, select
from sqlalchemy.orm import Session

from app.models import OutboxEntry
from app.models.local import SyncAttention, SyncCursor, SyncMutation
from app.sync.protocol import CENTRE_SCOPE
from app.sync.scopes import PARENT
from app.sync.wire import synced_tables

SIGNABLE = ("evidence_record", "unit_sign_off", "claim")


def digest(entries: list[str]) -> dict:
    """The same sum the centre makes (server/pull.py)."""
    h = hashlib.sha256()
    for e in sorted(entries):
        h.update(e.encode())
        h.update(b"\n")
    return {"count": len(entries), "digest": h.hexdigest()}


def scoped_rows(session: Session, name: str):
    """A query of every record of table `name` as (id, version, scope): the digest here and
    the restored centre's re-push (app/sync/restored.py) count the same rows."""
    tables = synced_tables()
    t = tables[name]
    if name == "learner":
        return select(t.c.id, t.c.version, t.c.id)
    if "learner_id" in t.c:
        return select(t.c.id, t.c.version, func.coalesce(t.c.learner_id, CENTRE_SCOPE))
    if name in PARENT:
        parent_name, column = PARENT[name]
        parent = tables[parent_name]
        return select(t.c.id, t.c.version, parent.c.learner_id).join(
            parent, t.c[column] == parent.c.id)
    if name == "amendment":
        owners = [select(tables[n].c.learner_id).where(tables[n].c.id == t.c.original_id)
                  .scalar_subquery() for n in SIGNABLE if n in tables]
        return select(t.c.id, t.c.version, func.coalesce(*owners, CENTRE_SCOPE))
    return select(t.c.id, t.c.version, cast(literal(CENTRE_SCOPE), String))


def _centre_versions(session: Session) -> dict[tuple[str, str], int]:
    """Records whose local version is not the centre's: the version the centre has (0 if
    none)."""
    out: dict[tuple[str, str], int] = {}
    for m in session.scalars(select(SyncMutation)):
        out[(m.table_name, m.record_id)] = m.base_version
    for e in session.scalars(select(OutboxEntry)):
        out.setdefault((e.table_name, e.record_id), e.base_version)
    for a in session.scalars(select(SyncAttention).where(SyncAttention.resolved_at.is_(None))):
        key = (a.table_name, a.record_id)
        theirs = json.loads(a.theirs_json or "{}")
        if theirs.get("version"):
            out[key] = theirs["version"]
        else:
            out.setdefault(key, json.loads(a.mine_json or "{}").get("base_version", 0))
    return out


def local_digests(session: Session) -> dict[str, dict]:
    centre_has = _centre_versions(session)
    entries: dict[str, list[str]] = {}
    for name in synced_tables():
        for record_id, version, scope in session.execute(scoped_rows(session, name)):
            version = centre_has.get((name, record_id), version)
            if version:
                entries.setdefault(scope or CENTRE_SCOPE, []).append(f"{name}/{record_id}/{version}")
    return {scope: digest(e) for scope, e in entries.items()}


def mismatched_scopes(session: Session, centre: dict[str, dict], local: dict[str, dict]) -> list[str]:
    """Scopes whose count or digest differs. A scope whose clock at the centre is past this
    laptop's cursor changed (on another laptop) after this one pulled it: it is not compared
    now (it would differ without anything being wrong) and the next sync pulls and checks it."""
    empty = digest([])
    cursors = dict(session.execute(select(SyncCursor.scope, SyncCursor.clock)).all())
    wrong = []
    for scope, theirs in centre.items():
        theirs = dict(theirs)
        clock = theirs.pop("clock", None)
        if clock is not None and clock > (cursors.get(scope) or 0):
            continue
        if local.get(scope, empty) != theirs:
            wrong.append(scope)
    return wrong


def reset_cursors(session: Session, scopes: list[str]) -> None:
    session.execute(delete(SyncCursor).where(SyncCursor.scope.in_(scopes)))
