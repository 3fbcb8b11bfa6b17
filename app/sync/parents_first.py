"""The outbox put in an order the centre can take whole: every record after the ones it
refers to.

The outbox goes up in the order its entries were queued, which is normally parents first
(a learner is saved before their enrolment). A merge (app/caseload/merge.py) breaks that
when the centre had refused BOTH records of the learner (a third record with their ULN was
live there then): the merged record is tombstoned and pointed at the kept one
(`merged_into_id`) and its enrolment joined to the kept one's (`joined_into_id`) before
the kept learner and the records held back with it are queued to go again. Sent in that
order, the centre refuses the merged learner and the joined enrolment as referring to
records it does not have, and then everything under them; on PostgreSQL the foreign key
would refuse them even within one batch.

So after a merge the outbox is ordered as the centre applies a page (parents' tables
first, signatures and the audit trail last: app/sync/incoming.apply_order) and, within a
table, a record after the record its link names, when that one waits to go too. Nothing
else changes: the entries keep their versions and base versions, and records still go as
they are when the batch is frozen (app/sync/outgoing.next_batch).
"""
from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.models.local import OutboxEntry
from app.sync.wire import synced_tables

# A table's link to another record of the same table, set at a merge.
SELF_LINKS = {"learner": "merged_into_id", "enrolment": "joined_into_id"}


def put_parents_first(session: Session) -> bool:
    """Reorder the waiting entries (see the module docstring); True if anything moved."""
    from app.sync.incoming import apply_order
    session.flush()
    table = OutboxEntry.__table__
    entries = [dict(row) for row in session.execute(
        select(table).order_by(table.c.id)).mappings()]
    rank = {name: i for i, name in enumerate(apply_order())}
    depth = _link_depths(session, entries)
    wanted = sorted(entries, key=lambda e: (rank.get(e["table_name"], len(rank)),
                                            depth.get((e["table_name"], e["record_id"]), 0),
                                            e["id"]))
    if [e["id"] for e in wanted] == [e["id"] for e in entries]:
        return False
    session.execute(delete(table))
    session.execute(insert(table), [{k: v for k, v in e.items() if k != "id"} for e in wanted])
    return True


def _link_depths(session: Session, entries: list[dict]) -> dict[tuple[str, str], int]:
    """For records of a self-linked table: how many waiting records their link passes
    through (0: it names nothing waiting), so a record follows those it names."""
    depths: dict[tuple[str, str], int] = {}
    for name, column in SELF_LINKS.items():
        waiting = [e["record_id"] for e in entries if e["table_name"] == name]
        if not waiting:
            continue
        t = synced_tables()[name]
        links = {}
        for i in range(0, len(waiting), 500):
            links.update(session.execute(select(t.c.id, t.c[column]).where(
                t.c.id.in_(waiting[i:i + 500]))).all())
        for record_id in waiting:
            seen, at, hops = {record_id}, links.get(record_id), 0
            while at in links and at not in seen:   # waiting too; a loop is never followed
                seen.add(at)
                hops += 1
                at = links.get(at)
            depths[(name, record_id)] = hops
    return depths
