"""An IQA's laptop adds only IQA records (issue 13): it samples and signs as IQA, and shows
the assessor's work read only.

The laptop knows it is an IQA's from its enrolment (the staff member the centre named,
sync.role). The centre refuses anything else an IQA's laptop sends (server/permissions.py),
but only at sync, after the IQA has typed it; so every local write is checked here first, in
the flush, whatever made it (the window, the command line, a script): one rule, the centre's,
said in one plain sentence before anything is saved. Rows pulled from the centre are not
checked: they are the assessor's work arriving, as it should.
"""
from __future__ import annotations

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.db.base import Synced
from app.db.outbox import LOCAL
from app.models import Enrolment, Learner, LocalSetting, StaffMember

# What an IQA adds to a learner's portfolio, as the centre allows it (server/permissions.py
# IQA_TABLES and IQA_SAMPLE_COLUMNS): their signatures, the audit trail, and the sample
# columns of sign-offs and claims that already exist.
SAMPLED_TABLES = {"unit_sign_off", "claim"}
SAMPLE_COLUMNS = {"iqa_sampled_on", "iqa_initials", "iqa_name", "updated_at", "version",
                  "device_id"}
# Tables bound to a learner through a parent rather than a learner_id column of their own.
THROUGH_PARENT = {"enrolment_unit", "criterion_mapping", "attachment", "amendment"}


class ReadOnlyForIqa(InvalidInput):
    """The assessor's work, changed on an IQA's laptop: refused before it is saved."""

    def __init__(self, words: str):
        super().__init__({"read_only": words})


def an_iqa_laptop(session: Session) -> bool:
    """Enrolled at the centre as an IQA (File → Connect to centre…, `fieldfolio enrol`).
    The writer's sessions share what the store knows (Store.laptop_facts): asked at every
    flush, the query was a fifth of a millisecond each time. app/sync/state.put keeps it
    up to date; a failed write makes the store forget it."""
    facts = session.info.get("laptop_facts")
    if facts is not None and ROLE in facts:
        return facts[ROLE] == "iqa"
    with session.no_autoflush:
        row = session.get(LocalSetting, ROLE)
    role = row.value if row is not None else None
    if facts is not None:
        facts[ROLE] = role
    return role == "iqa"


ROLE = "sync.role"


def assessor_of(session: Session, learner_id: str) -> str:
    """The name of the learner's assessor as the laptop knows it ('' if none is named)."""
    with session.no_autoflush:
        return session.scalar(
            select(StaffMember.name).join(Enrolment, Enrolment.assessor_id == StaffMember.id)
            .where(Enrolment.learner_id == learner_id, Enrolment.deleted_at.is_(None))
            .order_by(Enrolment.created_at).limit(1)) or ""


def read_only_line(session: Session, learner_id: str | None) -> str:
    """The one line an IQA sees over a learner's page ('' on anyone else's laptop)."""
    if not learner_id or not an_iqa_laptop(session):
        return ""
    return f"Read only: this is {_whose(session, learner_id)} learner; you can sample and sign as IQA."


def _whose(session: Session, learner_id: str) -> str:
    name = assessor_of(session, learner_id)
    return f"{name}'s" if name else "an assessor's"


NO_NEW_LEARNERS = ("Not on an IQA's laptop: a learner is added by their assessor, and the "
                   "centre assigns them to you to sample. You can sample and sign as IQA.")


def refusal(session: Session, learner_id: str) -> str:
    """Why a change to the assessor's work is not saved on this laptop, naming whose it is."""
    with session.no_autoflush:
        learner = session.get(Learner, learner_id) if learner_id else None
    state = inspect(learner) if learner is not None else None
    if state is None or state.pending:
        return NO_NEW_LEARNERS
    # The name as saved, not as the refused change would have made it.
    name = " ".join(str(state.committed_state.get(key, getattr(learner, key)) or "")
                    for key in ("given_names", "family_name")).strip()
    return (f"Read only: {name} is {_whose(session, learner.id)} learner; you can "
            f"sample and sign as IQA. Their assessor makes this change on their own laptop.")


# Employers are shared by every assessor's learners (server/employers.py): not the IQA's to
# keep, and nothing the IQA could do on a learner's Details would change that.
EMPLOYERS_NOT_HERE = ("Not on an IQA's laptop: employers are kept by the assessors whose "
                      "learners work there. You can sample and sign as IQA.")


def refuse_employer_change(session: Session) -> None:
    """Said before an employer's own checks (a delete names the learners placed there and
    what their assessor would do), so the IQA hears only what concerns them."""
    if an_iqa_laptop(session):
        raise ReadOnlyForIqa(EMPLOYERS_NOT_HERE)


def refuse_the_assessors_work(session: Session, learner_id: str | None) -> None:
    """Said first by an operation that checks much else (a claim's units, a signer's turn),
    so the IQA hears the reason that matters; the flush below refuses it anyway."""
    if an_iqa_laptop(session):
        raise ReadOnlyForIqa(refusal(session, learner_id or ""))


def _learner_of(session: Session, obj) -> str | None:
    """The learner a changed record belongs to (None: the centre's, e.g. a question)."""
    table = obj.__tablename__
    if table == "learner":
        return obj.id or ""   # a new learner has its id only once inserted
    if hasattr(obj, "learner_id"):
        return obj.learner_id
    if table not in THROUGH_PARENT:
        return None
    from app.sync.scopes import UnknownParent, scope_of
    from app.sync.protocol import CENTRE_SCOPE
    row = {c.key: getattr(obj, c.key) for c in inspect(obj).mapper.column_attrs}
    try:
        with session.no_autoflush:
            scope = scope_of(session, table, row)
    except UnknownParent:
        return ""      # its parent is new in this same change: the assessor's work anyway
    return None if scope == CENTRE_SCOPE else scope


def _changed_columns(obj) -> set[str]:
    state = inspect(obj)
    return {a.key for a in state.mapper.column_attrs
            if state.attrs[a.key].history.has_changes()}


def _an_iqa_record(session: Session, obj, new: bool) -> bool:
    table = obj.__tablename__
    if table == "audit_event":
        return True
    if table == "signature":
        return obj.role == "iqa"
    if table in SAMPLED_TABLES and not new:
        return _changed_columns(obj) <= SAMPLE_COLUMNS
    return False


def _before_flush(session: Session, _flush_context, _instances) -> None:
    if session.info.get("origin", LOCAL) != LOCAL:
        return
    if not (session.new or session.dirty) or not an_iqa_laptop(session):
        return
    changed = [(o, True) for o in session.new if isinstance(o, Synced)] + \
              [(o, False) for o in session.dirty if isinstance(o, Synced)
               and session.is_modified(o, include_collections=False)]
    if any(obj.__tablename__ == "employer" for obj, _new in changed):
        raise ReadOnlyForIqa(EMPLOYERS_NOT_HERE)
    refused = []
    for obj, new in changed:
        learner_id = _learner_of(session, obj)
        if learner_id is not None and not _an_iqa_record(session, obj, new):
            refused.append(learner_id)
    if refused:   # named by a learner the change reaches, if any is known
        raise ReadOnlyForIqa(refusal(session, max(refused, key=bool)))


def install(session_class) -> None:
    # After app/db/outbox.py's hook: the stamp it adds (version, updated_at, device_id) is
    # what any change carries, and is allowed on a sample.
    event.listen(session_class, "before_flush", _before_flush)
