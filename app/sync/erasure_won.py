"""Telling the assessor that changes made on this laptop to a learner were not kept, because
the learner's personal data was erased at their request on another laptop that had not
received them (the centre decides it, whichever laptop synced first: server/erased.py).

Learnt one of two ways: the centre refuses a change made here before the erasure reached
this laptop (app/sync/outgoing.py); or this laptop's change reached the centre first and a
pull brings the centre's erased copy of a row this laptop wrote last (app/sync/incoming.py).
Either way one "needs attention" item per learner while unread, which holds none of the
details it is about: they were erased on request. It names the learner only while the
erasure keeps their name (signed work is about them).
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.erased_fields import ERASED_NAME
from app.models import Learner
from app.models.local import SyncAttention

ERASURE_WON = "erasure_won"   # the kind of item


def note_not_kept(session: Session, learner_id: str, identity_kept: bool | None = None) -> None:
    """`identity_kept`: as the centre said; else read from this laptop's copy."""
    if session.scalar(select(SyncAttention.id).where(
            SyncAttention.kind == ERASURE_WON, SyncAttention.record_id == learner_id,
            SyncAttention.resolved_at.is_(None)).limit(1)) is not None:
        return
    learner = session.get(Learner, learner_id)
    if identity_kept is None:
        identity_kept = learner is not None and \
            (learner.given_names, learner.family_name) != ERASED_NAME
    who = (learner.full_name if identity_kept and learner is not None
           else "a learner whose name was erased too (now shown as Erased learner)")
    session.add(SyncAttention(
        kind=ERASURE_WON, table_name="learner", record_id=learner_id,
        reason=(f"Changes made on this laptop to {who} were not kept: the learner asked for "
                f"their personal data to be erased, and it was erased on another laptop that "
                f"had not received those changes. Their contact details, notes and unsigned "
                f"evidence records, with their files, are gone from this laptop and from the "
                f"centre. Their signed records, sign-offs and claims are kept, as the awarding "
                f"body requires."),
        mine_json="{}", theirs_json="{}", created_at=datetime.now(timezone.utc), resolution=""))
    session.flush()
