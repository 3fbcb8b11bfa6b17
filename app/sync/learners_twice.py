"""One learner, two records: the same ULN typed on two devices before either synced (two
laptops of one assessor, or the centre's admin and a laptop). The centre keeps one live
learner per ULN and refuses the second; a laptop keeps both (its ULN index is not unique,
migration 0011), so a pull never stops on the clash and nothing of either side is lost.

Either way the assessor is told, in "needs attention", in plain words:
- "Amelia Hughes (ULN …) is on this laptop twice: merge them": both records are here, and
  the merge screen (app/caseload/merge.py) keeps one;
- "… is at the centre already: merge them": the centre refused this laptop's record and its
  own has not reached this laptop (it is assigned to someone else): the centre assigns it
  to this assessor, the next sync brings it, and the item becomes the one above.
The item is kept up to date after every push and pull, and goes away once merged.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Learner
from app.models.local import SyncAttention

LEARNER_TWICE = "learner_twice"


def _live(uln: str):
    return select(Learner).where(Learner.uln == uln, Learner.deleted_at.is_(None)) \
        .order_by(Learner.created_at, Learner.id)


def twice_here(session: Session) -> list[str]:
    """ULNs two or more live learners on this laptop share."""
    return list(session.scalars(select(Learner.uln).where(
        Learner.deleted_at.is_(None), Learner.uln.is_not(None)).group_by(Learner.uln)
        .having(func.count() > 1).order_by(Learner.uln)))


def open_items(session: Session) -> dict[str, SyncAttention]:
    return {a.record_id: a for a in session.scalars(select(SyncAttention).where(
        SyncAttention.kind == LEARNER_TWICE, SyncAttention.resolved_at.is_(None)))}


def refused_at_centre(session: Session, learner_id: str, reason: str) -> None:
    """The centre refused this laptop's learner: another live learner there has its ULN."""
    learner = session.get(Learner, learner_id)
    if learner is None or not learner.uln:
        return
    item = open_items(session).get(learner.uln)
    if item is None:
        item = SyncAttention(kind=LEARNER_TWICE, table_name="learner", record_id=learner.uln,
                             reason="", mine_json="{}", theirs_json="{}", resolution="",
                             created_at=datetime.now(timezone.utc))
        session.add(item)
    mine = json.loads(item.mine_json or "{}")
    mine["refused"] = sorted(set(mine.get("refused", [])) | {learner_id})
    item.mine_json = json.dumps(mine)
    item.theirs_json = json.dumps({"centre_said": reason})
    _word(session, item)


def held_back(session: Session, table: str, payload: dict) -> bool:
    """A record of a learner the centre refused as made twice is refused too (the centre
    has no such learner): noted on that learner's item, to be sent again once merged,
    rather than listed on its own. False for any other record."""
    from app.sync.scopes import UnknownParent, scope_of
    from app.sync.wire import BadRow, decode, table_of
    items = [i for i in open_items(session).values()
             if json.loads(i.mine_json or "{}").get("refused")]
    if not items:
        return False
    try:
        scope = scope_of(session, table, decode(table_of(table), payload))
    except (UnknownParent, BadRow, KeyError):
        return False
    for item in items:
        mine = json.loads(item.mine_json)
        if scope in mine["refused"]:
            mine.setdefault("held_back", []).append([table, payload.get("id")])
            item.mine_json = json.dumps(mine)
            return True
    return False


def note_learners_twice(session: Session) -> None:
    """After a push's answers or a pulled page: every ULN held by two live learners here has
    an open item; an item whose learners are merged (or no longer clash) is closed."""
    items = open_items(session)
    for uln in twice_here(session):
        if uln not in items:
            items[uln] = SyncAttention(kind=LEARNER_TWICE, table_name="learner", record_id=uln,
                                       reason="", mine_json="{}", theirs_json="{}",
                                       resolution="", created_at=datetime.now(timezone.utc))
            session.add(items[uln])
    for item in items.values():
        _word(session, item)
    session.flush()


def _word(session: Session, item: SyncAttention) -> None:
    uln = item.record_id
    here = list(session.scalars(_live(uln)))
    mine = json.loads(item.mine_json or "{}")
    refused = [i for i in mine.get("refused", []) if any(le.id == i for le in here)]
    mine["learners"] = [le.id for le in here]
    item.mine_json = json.dumps(mine)
    if len(here) > 1 and _an_iqa(session):   # an IQA adds samples only: not theirs to merge
        item.reason = (f"{here[0].full_name} (ULN {uln}) is on this laptop twice: their "
                       f"assessor merges them. Both records stay here as they are until then")
    elif len(here) > 1:
        item.reason = f"{here[0].full_name} (ULN {uln}) is on this laptop twice: merge them"
    elif refused:
        item.reason = (f"{here[0].full_name} (ULN {uln}) is at the centre already: merge them. "
                       f"The centre's record is not on this laptop yet: ask the centre to "
                       f"assign ULN {uln} to you, then sync")
    else:
        item.resolved_at = datetime.now(timezone.utc)
        item.resolution = item.resolution or "no longer twice"


def _an_iqa(session: Session) -> bool:
    from app.caseload.profile import current_profile
    from app.sync.iqa_laptop import an_iqa_laptop
    if an_iqa_laptop(session):   # enrolled as one: merging is refused here (iqa_laptop.py)
        return True
    me = current_profile(session)
    return me is not None and me.role == "iqa"


def may_merge(title: str) -> bool:
    """The item asks this laptop's user to merge (both records are here, and they are not
    an IQA)."""
    return title.endswith("twice: merge them")


def learners_of(session: Session, attention_id: int) -> list[str]:
    """The live learners an open item is about, oldest first."""
    item = session.get(SyncAttention, attention_id)
    if item is None or item.kind != LEARNER_TWICE:
        return []
    return [le.id for le in session.scalars(_live(item.record_id))]
