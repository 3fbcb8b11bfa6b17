"""What a write changed, so each screen redraws only what it shows (Anki's OpChanges).

Every write that goes through `Store.write` is watched: each synced row it inserts, updates
or tombstones is noted, with the learner it belongs to. When the transaction commits, the
store hands one `Changes` value to every function registered with `Store.on_changes`
(called on the writer thread; the window's bridge passes it to the GUI thread). Because the
noting happens in the session's flush, no operation has to remember to report anything, and
a row written by sync is reported exactly as one typed on this laptop.

For the sync engine (pulled rows): apply them inside an ordinary `store.write(fn)` and call
`mark_pulled(session)` in `fn`; the `Changes` then says `source == "sync"`, and the window
refreshes the caseload and the open learner through the same path as for a local edit.

    store.on_changes(lambda changes: ...)      # any thread may register; called after commit
    changes.learners          # ids of learners whose page or caseload row may show new data
    changes.touches(learner_id), changes.tables, changes.rows, changes.source
    changes.caseload          # the caseload list (rows, filters) may need redrawing
    changes.employers, changes.catalogue       # the employer list / the catalogue changed
    a | b                     # both together

A write that rolls back reports nothing. Only synced rows are watched: drafts, settings and
the outbox are the laptop's own bookkeeping and no screen shows them as records.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.db.base import Synced

LOCAL, SYNC = "local", "sync"
_PENDING = "_changes_pending"
_SOURCE = "_changes_source"

# The caseload list shows learners, their employers, enrolments and progress.
_CASELOAD_TABLES = frozenset({"learner", "employer", "enrolment", "enrolment_unit",
                              "evidence_record", "criterion_mapping", "unit_sign_off", "claim",
                              "signature", "amendment"})


@dataclass(frozen=True)
class Changes:
    """The synced rows one committed write touched, and the learners they belong to."""

    rows: frozenset[tuple[str, str]] = frozenset()   # (table name, record id)
    learners: frozenset[str] = frozenset()
    source: str = LOCAL
    catalogue: bool = False          # a qualification pack was loaded or imported

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(table for table, _ in self.rows)

    @property
    def caseload(self) -> bool:
        return bool(self.tables & _CASELOAD_TABLES)

    @property
    def employers(self) -> bool:
        return "employer" in self.tables

    def touches(self, learner_id: str | None) -> bool:
        return learner_id is not None and learner_id in self.learners

    def __bool__(self) -> bool:
        return bool(self.rows) or self.catalogue

    def __or__(self, other: "Changes") -> "Changes":
        return Changes(self.rows | other.rows, self.learners | other.learners,
                       SYNC if SYNC in (self.source, other.source) else LOCAL,
                       self.catalogue or other.catalogue)


@dataclass
class _Pending:
    rows: set = field(default_factory=set)
    learners: set = field(default_factory=set)
    catalogue: bool = False
    looked_at: set = field(default_factory=set)   # learners checked for a merge


def mark_pulled(session: Session) -> None:
    """Call inside a write that applies rows pulled from the centre."""
    session.info[_SOURCE] = SYNC


def note_written(session: Session, rows) -> None:
    """Rows written without the ORM (sync applies pulled pages as bulk Core statements, which
    no flush sees): `rows` are (table name, record id, learner id or None)."""
    pending = _pending(session)
    for table_name, record_id, learner_id in rows:
        pending.rows.add((table_name, record_id))
        if learner_id:
            pending.learners.add(learner_id)
    _with_kept_learners(session, pending)


def mark_catalogue_changed(session: Session) -> None:
    """Catalogue rows are not synced records; a pack loader says so itself."""
    _pending(session).catalogue = True


def take(session: Session) -> Changes:
    """What the session wrote since the last take (the store calls this after commit)."""
    pending = session.info.pop(_PENDING, None)
    source = session.info.pop(_SOURCE, LOCAL)
    if pending is None:
        return Changes(source=source)
    return Changes(frozenset(pending.rows), frozenset(pending.learners), source,
                   pending.catalogue)


def forget(session: Session) -> None:
    """A write that rolled back changed nothing."""
    session.info.pop(_PENDING, None)
    session.info.pop(_SOURCE, None)


def _pending(session: Session) -> _Pending:
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = _Pending()
    return pending


def _learner_of(session: Session, obj) -> str | None:
    """The learner a row belongs to, following at most one parent (enrolment or record)."""
    from app.models import Enrolment, EvidenceRecord, Learner
    if isinstance(obj, Learner):
        return obj.id
    learner_id = getattr(obj, "learner_id", None)
    if learner_id:
        return learner_id
    for column, parent_class in (("enrolment_id", Enrolment), ("record_id", EvidenceRecord)):
        parent_id = getattr(obj, column, None)
        if parent_id:
            parent = session.get(parent_class, parent_id)
            return getattr(parent, "learner_id", None)
    return None


def _changed(obj) -> bool:
    state = inspect(obj)
    return any(state.attrs[attr.key].history.has_changes() for attr in state.mapper.column_attrs)


def _after_flush(session: Session, _flush_context) -> None:
    # session.new and session.dirty still list what this flush wrote (SQLAlchemy's contract
    # for after_flush), and the rows are in the database, so parents can be looked up.
    written = [o for o in session.new if isinstance(o, Synced)]
    written += [o for o in session.dirty if isinstance(o, Synced) and _changed(o)]
    if not written:
        return
    pending = _pending(session)
    for obj in written:
        pending.rows.add((obj.__tablename__, obj.id))
        learner_id = _learner_of(session, obj)
        if learner_id:
            pending.learners.add(learner_id)
    _with_kept_learners(session, pending)


def _with_kept_learners(session: Session, pending: "_Pending") -> None:
    """A row of a learner merged into another (app/caseload/merge.py: a signed record that
    never moved, an IQA's signature on it) is shown on the kept learner's page and counted in
    their caseload row, so the kept learner is touched too. One query for the learners not
    looked at yet in this write; none are merged on most laptops."""
    from sqlalchemy import select
    from app.models import Learner
    fresh = pending.learners - pending.looked_at
    while fresh:
        pending.looked_at |= fresh
        kept = set(session.scalars(select(Learner.merged_into_id).where(
            Learner.id.in_(fresh), Learner.merged_into_id.is_not(None))))
        pending.learners |= kept
        fresh = kept - pending.looked_at


def install(session_class) -> None:
    event.listen(session_class, "after_flush", _after_flush)
