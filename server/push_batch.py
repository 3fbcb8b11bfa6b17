"""What one pushed batch needs from the centre's database, read once for the whole batch.

A change used to cost four or five statements of its own (its record, its learner's
assignment, its parent, the signatures on its record); a 10,000-record push was 50,000
round trips through SQLAlchemy. `BatchLookups` reads the records the batch names (locked,
as each single read was), the assignments of the learners it touches and which of its
records carry signatures, in a few IN (...) queries, and is told of each change as it is
applied so later changes in the batch see it. New records, and the assignments of
learners pushed for the first time, are written a table at a time (`flush`).

Only the first, optimistic pass of server/push.py uses it: a careful retry (after the
database refused a change) reads everything afresh, change by change, because its
savepoints may undo what a lookup was told.
"""
from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models.signing import Signature
from app.sync.wire import BadRow, synced_tables, table_of
from server.models import LearnerAssignment
from app.sync.references import is_live_original
from server.signatures import SIGNABLE_TABLES, SIGNED_THROUGH

CHUNK = 500  # ids per IN (...), well under SQLite's limit on bound values


def _chunks(ids):
    ids = sorted(ids)  # the same order in every batch: row locks taken in one order
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def signed_record_of(table: str, row: dict) -> tuple[str, str] | None:
    """The (record type, id) whose signatures cover `row`, if it is part of a signable."""
    if table in SIGNABLE_TABLES:
        return table, row.get("id")
    if table in SIGNED_THROUGH:
        record_type, column = SIGNED_THROUGH[table]
        return record_type, row.get(column)
    return None


class BatchLookups:
    def __init__(self, session: Session, mutations: list):
        conn = session.connection()
        wanted: dict[str, set[str]] = defaultdict(set)
        for m in mutations:
            wanted[m.table].add(m.record_id)
        self.rows: dict[tuple[str, str], dict | None] = {}
        for name, ids in wanted.items():
            try:
                table = table_of(name)
            except BadRow:
                continue  # refused change by change, with its reason
            for chunk in _chunks(ids):
                for row in conn.execute(select(table).where(table.c.id.in_(chunk))
                                        .with_for_update()).mappings():
                    self.rows[(name, row["id"])] = dict(row)
            for record_id in ids:
                self.rows.setdefault((name, record_id), None)
        learners: set[str] = set()
        covered: set[str] = set()
        for m in mutations:
            rows = [m.row if isinstance(m.row, dict) else {}, self.rows.get((m.table, m.record_id))]
            for row in filter(None, rows):
                if m.table == "learner":
                    learners.add(str(row.get("id")))
                elif row.get("learner_id"):
                    learners.add(str(row["learner_id"]))
                signed = signed_record_of(m.table, row)
                if signed and signed[1]:
                    covered.add(str(signed[1]))
        self.assignments: dict[str, object | None] = {}
        a = LearnerAssignment.__table__
        for chunk in _chunks(learners):
            for row in conn.execute(select(a).where(a.c.learner_id.in_(chunk))):
                self.assignments[row.learner_id] = row
        for learner_id in learners:
            self.assignments.setdefault(learner_id, None)
        self._references(conn, mutations)
        self._pending: dict[str, list[dict]] = defaultdict(list)
        self._pending_assignments: list[dict] = []
        self.signed: set[tuple[str, str]] = set()
        s = Signature.__table__
        for chunk in _chunks(covered):
            self.signed.update(conn.execute(select(s.c.record_type, s.c.record_id)
                                            .where(s.c.record_id.in_(chunk))).all())

    def _references(self, conn, mutations: list) -> None:
        """Who holds each portfolio reference of the batch's evidence records' learners
        (server/references.py), in one IN (...) per 500 learners."""
        learners = {str(m.row["learner_id"]) for m in mutations if m.table == "evidence_record"
                    and isinstance(m.row, dict) and m.row.get("learner_id")}
        self._ref_holders: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        self._ref_of: dict[str, tuple[str, str]] = {}
        t = table_of("evidence_record")
        for chunk in _chunks(learners):
            for row in conn.execute(select(t.c.id, t.c.learner_id, t.c.portfolio_ref, t.c.state,
                                           t.c.deleted_at, t.c.amends_id)
                                    .where(t.c.learner_id.in_(chunk))).mappings():
                self._hold(dict(row))

    def _hold(self, row: dict) -> None:
        old = self._ref_of.pop(row["id"], None)
        if old is not None:
            self._ref_holders[old].pop(row["id"], None)
        if is_live_original(row):
            key = (row["learner_id"], row["portfolio_ref"])
            self._ref_holders[key][row["id"]] = row.get("state")
            self._ref_of[row["id"]] = key

    def reference_holders(self, learner_id: str, portfolio_ref: str) -> dict[str, str]:
        """id -> state of the learner's live originals under that reference, as the batch
        has left them so far."""
        return dict(self._ref_holders.get((learner_id, portfolio_ref), {}))

    def row(self, table: str, record_id: str) -> dict | None | bool:
        """The record as the centre holds it, None if it has none, False if not looked up."""
        return self.rows.get((table, record_id), False)

    def is_signed(self, table: str, row: dict) -> bool:
        record = signed_record_of(table, row)
        return record is not None and record in self.signed

    def assigned(self, learner_id: str, assessor_id: str | None) -> None:
        self.assignments[learner_id] = SimpleNamespace(learner_id=learner_id,
                                                       assessor_id=assessor_id, iqa_id=None)

    def insert_later(self, table: str, row: dict) -> None:
        """A new record goes in with the batch's other new rows of its table, in one
        executemany at `flush`."""
        self._pending[table].append(row)

    def assign_later(self, values: dict) -> None:
        self._pending_assignments.append(values)

    def flush(self, session: Session) -> None:
        """Write what waits, parents' tables first (foreign keys are checked at once on
        PostgreSQL). Called before anything reads the records back from the database (a
        signature's check, an update, an amendment) and at the end of the batch."""
        conn = session.connection()
        if self._pending_assignments:
            conn.execute(insert(LearnerAssignment.__table__), self._pending_assignments)
            self._pending_assignments = []
        if not self._pending:
            return
        for name, table in synced_tables().items():
            rows = self._pending.pop(name, None)
            if rows:
                conn.execute(insert(table), rows)

    def wrote(self, table: str, row: dict) -> None:
        self.rows[(table, row["id"])] = row
        if table == "evidence_record":
            self._hold(row)
        if table == "signature":
            self.signed.add((row.get("record_type"), row.get("record_id")))
