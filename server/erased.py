"""An erased learner stays erased at the centre, whichever laptop syncs first.

A learner erased at their request on one laptop (app/caseload/erasure.py) may meet, at the
centre, changes another laptop made to their rows before it knew: a phone number typed
offline, an unsigned record's details edited. Whichever arrives second is based on an older
version than the centre holds, which is ordinarily a conflict: both versions kept, the
laptop shown the other and free to take its fields back. For an erasure that would hand
the erased details to whoever resolves it, and put them back at the centre. Instead, for a
learner, or an unsigned record of theirs or its files and criterion links, once the
learner's "erased" audit event is at the centre or in the same push:

- a change that still carries details the erasure removes (the change made before it) is
  refused with ERASED_REASON; what the centre keeps of it leaves those details out, and
  the laptop is sent the centre's erased copy to show (app/sync/outgoing.py);
- a change that carries none (the erasure itself, reaching the centre after the other
  laptop's change) is settled by the centre erasing its own copy under the same rules
  (app/caseload/erased_fields.py), which keeps the other laptop's changes to what an
  erasure leaves (a corrected name, say); written as the centre's own version
  (CENTRE_WRITER), so every laptop, the eraser's too, receives it.

Signed records and their links, sign-offs, claims and enrolments are never touched here:
they keep the ordinary conflict. A change made after the laptop received the erasure is
based on the erased version and applies as any other.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from app.caseload.erased_fields import ERASED_TABLES, erasure_of
from app.caseload.erasure import ERASED, erasure_covering, is_signed
from app.sync.protocol import CENTRE_SCOPE

ERASED_REASON = ("the learner's personal data was erased at their request, on another laptop "
                 "that had not received this change, so it was not kept; their signed "
                 "records, sign-offs and claims are kept")


@dataclass
class Settled:
    refused: bool         # the change carries erased details: refused
    learner_id: str       # the learner erased (the one kept, where records were merged)
    identity_kept: bool   # their name, ULN and date of birth are kept (signed work)
    values: dict          # what erasing the centre's copy changes in it ({}: erased already)


def erasures_in(mutations) -> set[str]:
    """The learners a push erases (its "erased" audit events), which may come after their
    rows in it."""
    return {m.row.get("record_id") for m in mutations
            if m.table == "audit_event" and isinstance(m.row, dict)
            and m.row.get("action") == ERASED and m.row.get("record_type") == "learner"}


def settle(session: Session, table: str, pushed: dict, existing: dict, scope: str,
           erasing: set[str]) -> Settled | None:
    """For a change based on an older version than the centre's (decoded rows): how an
    erasure of its learner settles it, or None when none covers it (an ordinary conflict).
    Asked only then, so an ordinary push never pays for it."""
    if table not in ERASED_TABLES or scope == CENTRE_SCOPE:
        return None
    record_id = existing["id"] if table == "evidence_record" else existing.get("record_id")
    if table != "learner" and is_signed(session, record_id):
        return None
    erasure = erasure_covering(session, scope, erasing)
    if erasure is None:
        return None
    identity_kept = {erasure.learner_id: erasure.identity_kept,
                     **dict(erasure.merged)}.get(scope, True)
    now = datetime.now(timezone.utc)
    return Settled(refused=bool(erasure_of(table, pushed, now, identity_kept)),
                   learner_id=erasure.learner_id, identity_kept=erasure.identity_kept,
                   values=erasure_of(table, existing, now, identity_kept))
