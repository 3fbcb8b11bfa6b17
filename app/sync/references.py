"""Portfolio references made on two devices (issue 13): two laptops of one assessor, both
offline, each number the learner's next observation OBS-002. The centre keeps one live
record per learner and reference and refuses the second; on the laptop that made the
second, the centre's OBS-002 arrives in the pull beside its own, which the unique index
refused, stopping every sync there.

A learner never has two records with the same printed reference, and a signed reference
never changes. So, as a pulled record arrives (`make_room`):
- this laptop's clashing record is unsigned: it takes the next free reference (OBS-003),
  as a new version queued for the centre, with the records the centre refused with it
  (its mappings and files), and "needs attention" says so once;
- this laptop's is signed and the centre's is not: the centre's takes the next free
  reference here, as this laptop's change to it (the centre decides, as for any edit);
- both are signed: neither may change, and both are kept (the centre keeps both too:
  server/references.py). Each now prints qualified by its own id, OBS-002/A3F2 and
  OBS-002/7C10 (app/evidence/printed_reference.py); "needs attention" says so once, the
  audit trail records it, and this laptop's record goes to the centre again if the centre
  refused it before it kept both.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.evidence.methods import next_free_reference
from app.models import EvidenceRecord
from app.models.local import Device, SyncAttention
from app.models.signing import Signature

RENUMBERED = "renumbered"
REF_CLASH = "another record of this learner already has this portfolio reference"
_RECORDS = EvidenceRecord.__table__


def is_live_original(row: dict) -> bool:
    """A live record that is not a correction: one per learner and printed reference."""
    return row.get("deleted_at") is None and row.get("amends_id") is None


def _signed(session: Session, record_id: str) -> bool:
    return session.scalar(select(Signature.id).where(
        Signature.record_type == "evidence_record", Signature.record_id == record_id)) is not None


def _taken(session: Session, learner_id: str, page_rows: list[dict]) -> set[str]:
    from app.caseload.same_learner import same_learner_ids
    family = same_learner_ids(session, learner_id)
    refs = set(session.scalars(select(EvidenceRecord.portfolio_ref).where(
        EvidenceRecord.learner_id.in_(family))))
    return refs | {r["portfolio_ref"] for r in page_rows if r.get("learner_id") in family}




def _live_originals(session: Session, learner_ids: set[str]) -> dict[tuple[str, str], list[dict]]:
    """(learner, reference) -> this laptop's live original records (two where both are
    signed), for the page's learners in a few IN (...) queries: a pull of 10,000 records
    must not ask once per record."""
    found: dict[tuple[str, str], list[dict]] = {}
    ordered = sorted(learner_ids)
    for i in range(0, len(ordered), 500):
        for r in session.execute(select(_RECORDS).where(
                _RECORDS.c.learner_id.in_(ordered[i:i + 500]), _RECORDS.c.deleted_at.is_(None),
                _RECORDS.c.amends_id.is_(None))).mappings():
            found.setdefault((r["learner_id"], r["portfolio_ref"]), []).append(dict(r))
    return found


def make_room(session: Session, rows: list[dict], pending: set,
              signed_in_page: set[str]) -> tuple[list[dict], set[str], int]:
    """`rows`: pulled evidence records, decoded; `signed_in_page`: the records the page's
    signatures sign (they are stored after the records). Returns the rows to store (some with a new
    reference), the ids of records left out (both signed), and how many records were queued
    for the centre."""
    ids = {r["id"] for r in rows}
    here = _live_originals(session, {r["learner_id"] for r in rows if is_live_original(r)})
    keep, skipped, queued = [], set(), 0
    for row in rows:
        if not is_live_original(row):
            keep.append(row)
            continue
        holding = here.get((row["learner_id"], row["portfolio_ref"]), [])
        if any(h["id"] == row["id"] for h in holding):
            keep.append(row)   # already here under this reference: no clash
            continue
        others = [h for h in holding if h["id"] not in ids]
        if not others:
            keep.append(row)
            continue
        mine = next((h for h in others if not _signed(session, h["id"])), others[0])
        taken = _taken(session, row["learner_id"], rows)
        if not _signed(session, mine["id"]):
            new = next_free_reference(mine["method"], mine["portfolio_ref"], taken)
            queued += _renumber_mine(session, dict(mine), new, pending)
            _say(session, mine["id"], f"{mine['portfolio_ref']} recorded on this laptop is now "
                                      f"{new}: another device numbered a record of this "
                                      f"learner {mine['portfolio_ref']} first")
            keep.append(row)
        elif row["id"] not in signed_in_page and row.get("state") != "signed" \
                and not _signed(session, row["id"]):
            new = next_free_reference(row["method"], row["portfolio_ref"], taken)
            _say(session, row["id"], f"{row['portfolio_ref']} from another device is now {new} "
                                     f"here: {row['portfolio_ref']} is signed on this laptop")
            row = {**row, "portfolio_ref": new}
            queued += _queue_theirs(session, row)
            # Then this laptop's signed one, which the centre refused while the other held
            # the reference, goes again (after it, in the queue), with its refused parts.
            session.info["_queue_after_page"].append(("again", mine["id"], 0, 0))
            keep.append(row)
        else:
            _both_kept(session, mine, row)
            keep.append(row)
    return keep, skipped, queued


def _both_kept(session: Session, mine: dict, theirs: dict) -> None:
    """One reference signed here and on another device: both are kept, each printed
    qualified by its id; said once, recorded in the audit trail, and this laptop's record
    (if the centre refused it while it kept one per reference) goes again after the
    centre's is stored."""
    from app.evidence.printed_reference import qualified
    from app.signing.audit import record_event
    ref = mine["portfolio_ref"]
    printed = qualified(ref, [mine["id"], theirs["id"]])
    words = (f"{ref} was signed on this laptop and on another device: both keep their "
             f"signatures, so neither may be renumbered. They now print as "
             f"{printed[mine['id']]} (this laptop's) and {printed[theirs['id']]} (the other "
             f"device's)")
    # What an older version said while the centre kept one ("ask the centre") is settled.
    for item in session.scalars(select(SyncAttention).where(
            SyncAttention.table_name == "portfolio_reference",
            SyncAttention.record_id == theirs["id"], SyncAttention.resolved_at.is_(None))):
        item.resolved_at = datetime.now(timezone.utc)
        item.resolution = json.dumps("both kept, printed apart")
    _say(session, theirs["id"], words)
    event_id = record_event(session, "reference shared", "evidence_record", mine["id"],
                            learner_id=mine["learner_id"], related_id=theirs["id"],
                            summary=f"{ref} signed here and on another device: printed as "
                                    f"{printed[mine['id']]} and {printed[theirs['id']]}")
    _queue_own_event(session, event_id)
    session.info.setdefault("_queue_after_page", []).append(("again", mine["id"], 0, 0))


def _queue_own_event(session: Session, event_id: str) -> None:
    """A pull's writes are stored as the centre sent them and never queued (app/db/outbox.py);
    this audit entry is this laptop's own, so it is stamped and queued as a local one is."""
    from app.models import AuditEvent
    from app.sync.restored import queue_for_the_centre
    event = session.get(AuditEvent, event_id)
    now = utcnow()
    event.created_at, event.updated_at = event.created_at or now, event.updated_at or now
    event.version = event.version or 1
    session.flush()
    queue_for_the_centre(session, "audit_event", event_id, event.version, 0)


def _renumber_mine(session: Session, mine: dict, new: str, pending: set) -> int:
    """This laptop's unsigned record takes `new`, as a new version for the centre; with it
    go again the records the centre refused because it did not have it."""
    from app.sync.restored import queue_for_the_centre
    version = (mine["version"] or 0) + 1
    session.execute(update(_RECORDS).where(_RECORDS.c.id == mine["id"]).values(
        portfolio_ref=new, version=version, updated_at=utcnow(),
        device_id=session.scalar(select(Device.id)) or mine["device_id"]))
    queued = 0
    if ("evidence_record", mine["id"]) not in pending:
        queued += queue_for_the_centre(session, "evidence_record", mine["id"], version,
                                       mine["version"] if not _refused(session, mine["id"]) else 0)
    queued += _send_children_again(session, mine["id"])
    return queued


def _queue_theirs(session: Session, row: dict) -> int:
    """The centre's unsigned record, renumbered here: stored as this laptop's next version
    of it and queued, based on the centre's version (a conflict if it moved on meanwhile)."""
    base = row.get("version") or 0
    row["version"] = base + 1
    row["device_id"] = session.scalar(select(Device.id)) or row.get("device_id")
    row["updated_at"] = utcnow()
    session.info.setdefault("_queue_after_page", []).append(("evidence_record", row["id"],
                                                             row["version"], base))
    return 0   # counted when queued (queue_after_page)


def queue_after_page(session: Session) -> int:
    """Queue what `make_room` renumbered from the centre (once its row is stored), and then
    this laptop's records that waited for it. Returns how many were queued."""
    from app.sync.restored import queue_for_the_centre
    queued = 0
    for table, record_id, version, base in session.info.pop("_queue_after_page", []):
        if table == "again":
            queued += _send_again(session, record_id)
        else:
            queued += queue_for_the_centre(session, table, record_id, version, base)
    return queued


def _send_again(session: Session, record_id: str) -> int:
    """This laptop's record the centre refused, as it is, with its refused parts."""
    from app.sync.restored import queue_for_the_centre
    queued = 0
    if _refused(session, record_id):
        version = session.scalar(select(EvidenceRecord.version).where(
            EvidenceRecord.id == record_id))
        queued += queue_for_the_centre(session, "evidence_record", record_id, version, 0)
    queued += _send_children_again(session, record_id)
    return queued


def _refused(session: Session, record_id: str) -> bool:
    return session.scalar(select(SyncAttention.id).where(
        SyncAttention.record_id == record_id, SyncAttention.kind == "rejected")) is not None


def _send_children_again(session: Session, record_id: str) -> int:
    """Mappings and files the centre refused because this record was refused: queued
    again (after it), their refusals settled."""
    from app.models import Attachment, CriterionMapping
    from app.sync.restored import queue_for_the_centre
    queued = 0
    for model, table in ((CriterionMapping, "criterion_mapping"), (Attachment, "attachment"),
                         (Signature, "signature")):
        for child_id, version in session.execute(select(model.id, model.version).where(
                model.record_id == record_id)):
            if _refused(session, child_id):
                queued += queue_for_the_centre(session, table, child_id, version, 0)
                _settle(session, child_id)
    _settle(session, record_id)
    return queued


def _settle(session: Session, record_id: str) -> None:
    for item in session.scalars(select(SyncAttention).where(
            SyncAttention.record_id == record_id, SyncAttention.kind == "rejected",
            SyncAttention.resolved_at.is_(None))):
        item.resolved_at = datetime.now(timezone.utc)
        item.resolution = json.dumps("renumbered and sent again")


def _say(session: Session, record_id: str, words: str, kind: str = RENUMBERED) -> None:
    # Not under the record's own table: an open item there reads as a change of the record
    # the centre has not taken (app/sync/check.py), and this one is only to be read.
    session.add(SyncAttention(kind=kind, table_name="portfolio_reference", record_id=record_id,
                              reason=words, mine_json="{}", theirs_json="{}", resolution="",
                              created_at=datetime.now(timezone.utc)))
