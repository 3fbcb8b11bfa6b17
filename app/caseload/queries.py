"""Read-only views of the caseload for lists and pages (plain dataclasses, no ORM)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.caseload.validation import ascii_digits
from app.models import Employer, Enrolment, Learner, Qualification


@dataclass
class CaseloadRow:
    learner_id: str
    name: str
    family_name: str
    uln: str
    employer: str
    employer_id: str | None
    qualifications: list[str] = field(default_factory=list)
    qualification_ids: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    planned_end_date: date | None = None
    progress_percent: int = 0          # ACs met across live enrolments (app/evidence/progress.py)
    signed_percent: int = 0            # ACs met by signed evidence
    last_evidence: date | None = None
    progress_known: bool = True        # False: read without it (the first paint at start-up)

    deleted: bool = False

    @property
    def status(self) -> str:
        if self.deleted:
            return "deleted"
        if not self.statuses:
            return "not enrolled"
        for s in ("active", "on_break", "completed", "withdrawn"):
            if s in self.statuses:
                return s
        return self.statuses[0]


# No field searched is longer than this (employer names: 200 characters).
SEARCH_LIMIT = 200


def caseload_rows(session: Session, search: str = "", employer_id: str | None = None,
                  qualification_id: str | None = None, status: str | None = None,
                  with_progress: bool = True) -> list[CaseloadRow]:
    """The caseload, filtered. `status="deleted"` lists the deleted learners instead (to
    restore one); every other view lists only learners who are not deleted. Without
    progress the rows say so (`progress_known`): the window paints the names first at
    start-up, while every learner's progress is counted once."""
    from app.evidence.progress_cache import cache_for
    cache = cache_for(session)
    generation = cache.generation() if cache is not None else 0   # before the first query
    deleted = status == "deleted"
    query = (select(Learner).where(Learner.deleted_at.is_not(None) if deleted
                                   else Learner.deleted_at.is_(None))
             .options(selectinload(Learner.employer), selectinload(Learner.enrolments))
             .order_by(Learner.family_name, Learner.given_names))
    search = ascii_digits(search.strip())
    if len(search) > SEARCH_LIMIT:
        return []       # longer than any name, ULN or employer, and too long for SQLite's LIKE
    if search:
        like = f"%{search}%"
        query = query.outerjoin(Employer, Employer.id == Learner.employer_id).where(or_(
            Learner.given_names.ilike(like), Learner.family_name.ilike(like),
            (Learner.given_names + " " + Learner.family_name).ilike(like),
            Learner.uln.ilike(like), Learner.registration_number.ilike(like),
            Employer.name.ilike(like)))
    if employer_id:
        query = query.where(Learner.employer_id == employer_id)
    titles = {q.id: short_title(q) for q in session.scalars(select(Qualification))}
    rows = []
    for learner in session.scalars(query):
        live = [e for e in learner.enrolments if e.deleted_at is None]
        row = CaseloadRow(
            learner_id=learner.id, name=learner.full_name, family_name=learner.family_name,
            uln=learner.uln or "", employer=learner.employer.name if learner.employer else "",
            employer_id=learner.employer_id,
            qualifications=[titles.get(e.qualification_id, "?") for e in live],
            qualification_ids=[e.qualification_id for e in live],
            statuses=[e.status for e in live], planned_end_date=learner.planned_end_date,
            deleted=deleted)
        if qualification_id and qualification_id not in row.qualification_ids:
            continue
        if status and row.status != status:
            continue
        rows.append(row)
    if not with_progress:
        for row in rows:
            row.progress_known = False
        return rows
    from app.evidence.progress import caseload_progress
    progress = (cache.progress(session, [r.learner_id for r in rows], generation)
                if cache is not None else caseload_progress(session))
    for row in rows:
        summary = progress.get(row.learner_id)
        if summary is not None:
            row.progress_percent, row.last_evidence = summary.percent, summary.last_evidence
            row.signed_percent = summary.signed_percent
    return rows


def short_title(q: Qualification) -> str:
    """What fits a list column: 'City & Guilds 2794-02' rather than the full title."""
    # The number first: in a narrow column it is what tells two qualifications apart.
    if q.ab_number:
        return f"{q.ab_number} · {q.awarding_body}"
    if q.regulator_number:
        return f"{q.regulator_number} · {q.awarding_body}"
    return q.title if len(q.title) <= 40 else q.title[:38] + "…"


def qualifications(session: Session) -> list[tuple[str, str]]:
    """(id, label) of every loaded qualification and unit bank, for pickers."""
    out = []
    for q in session.scalars(select(Qualification).order_by(Qualification.kind, Qualification.title)):
        label = q.title + (f" ({q.ab_number})" if q.ab_number else "")
        if q.kind == "unit_bank":
            label = f"Unit bank: {q.title}"
        out.append((q.id, label))
    return out


@dataclass
class EnrolmentView:
    id: str
    qualification_id: str
    qualification: str
    qualification_kind: str
    registration_number: str
    assessor: str
    iqa: str
    status: str
    start_date: date | None
    unit_count: int


def enrolments_of(session: Session, learner_id: str) -> list[EnrolmentView]:
    from app.models import EnrolmentUnit, StaffMember
    out = []
    for e in session.scalars(select(Enrolment).where(Enrolment.learner_id == learner_id,
                                                     Enrolment.deleted_at.is_(None))
                             .order_by(Enrolment.created_at)):
        qual = session.get(Qualification, e.qualification_id)
        assessor = session.get(StaffMember, e.assessor_id) if e.assessor_id else None
        iqa = session.get(StaffMember, e.iqa_id) if e.iqa_id else None
        units = session.scalars(select(EnrolmentUnit).where(
            EnrolmentUnit.enrolment_id == e.id, EnrolmentUnit.deleted_at.is_(None))).all()
        out.append(EnrolmentView(
            e.id, e.qualification_id, qual.title + (f" ({qual.ab_number})" if qual.ab_number else ""),
            qual.kind, e.registration_number, assessor.name if assessor else "",
            iqa.name if iqa else "", e.status, e.start_date, len(units)))
    return out
