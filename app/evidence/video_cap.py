"""C&G 2794's cap on video evidence: "video clips (maximum duration in total = 10 minutes)".

The pack gives each unit an assessment rule (kind "allowed", a count of minutes, counted
"of video clips in total"). The total is the learner's whole portfolio for the enrolment,
not one unit's: every live video on the enrolment's records in force counts (a superseded
original's clips, or a correction's before it is fully signed, are not counted twice or early:
app/evidence/in_force.py). Over the cap is a
problem the visit plan shows and unit sign-off refuses, in one sentence:
"Video clips: 12 min 30 s of the 10 minutes allowed." A video whose length could not be read
is named instead of guessed, so the assessor can check it; on its own it does not stop a
sign-off (the assessor decides).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.evidence.in_force import not_in_force
from app.models import AssessmentRule, EnrolmentUnit
from app.models.evidence import Attachment, EvidenceRecord


def is_video_cap(rule: AssessmentRule) -> bool:
    words = (rule.count_of or "").lower()
    return rule.kind == "allowed" and bool(rule.count) and "minute" in words and "video" in words


def length_in_words(ms: int) -> str:
    """'12 min 30 s', '45 s', '10 min'. Rounded up to the second, so a total a fraction
    over the cap never reads as exactly the cap."""
    seconds = -(-ms // 1000)
    minutes, seconds = divmod(seconds, 60)
    if not minutes:
        return f"{seconds} s"
    return f"{minutes} min" + (f" {seconds} s" if seconds else "")


@dataclass(frozen=True)
class VideoTotal:
    known_ms: int               # the clips whose length is known, added up
    clips: int
    unknown: tuple[str, ...]    # "OBS-002 till.mkv": clips of unknown length


def video_total(session: Session, enrolment_id: str,
                not_counted: set[str] | None = None) -> VideoTotal:
    from app.caseload.same_enrolment import enrolment_family
    family = enrolment_family(session, enrolment_id)   # with an enrolment joined into it
    if not_counted is None:
        not_counted = not_in_force(session, enrolment_id=enrolment_id)
    rows = session.execute(
        select(Attachment.sha256, Attachment.duration_ms, Attachment.original_name,
               EvidenceRecord.portfolio_ref, EvidenceRecord.id)
        .join(EvidenceRecord, EvidenceRecord.id == Attachment.record_id)
        .where(EvidenceRecord.enrolment_id.in_(family), EvidenceRecord.deleted_at.is_(None),
               Attachment.deleted_at.is_(None), Attachment.kind == "video")
        .order_by(EvidenceRecord.portfolio_ref, Attachment.created_at)).all()
    # One clip is the same bytes wherever it is attached: a correction carries its signed
    # original's files, and a clip attached to two records is still one clip of video. The
    # records in force say which clips count; a length measured on any copy (a draft
    # correction's, where a signed original's can no longer be set) is that clip's length.
    lengths: dict[str, int] = {}
    names: dict[str, str] = {}
    for sha, ms, name, ref, record_id in rows:
        if record_id not in not_counted:
            names.setdefault(sha, f"{ref} {name}")
        if ms is not None:
            lengths[sha] = max(lengths.get(sha, 0), ms)
    unknown = tuple(names[sha] for sha in names if sha not in lengths)
    return VideoTotal(sum(lengths[sha] for sha in names if sha in lengths), len(names), unknown)


@dataclass
class VideoCapGap:
    """Shaped like progress.RequirementGap, so the visit plan, the grid and sign-off treat
    it as one more rule: outstanding when the known total is over the cap."""
    allowed_minutes: int
    total: VideoTotal
    method: str = "Ot"
    lo_number: str | None = None

    @property
    def needed(self) -> int:
        return self.allowed_minutes * 60_000

    @property
    def have(self) -> int:
        return self.total.known_ms

    @property
    def outstanding(self) -> bool:
        return self.total.known_ms > self.needed

    @property
    def needs_checking(self) -> bool:
        """Within the cap as far as is known, but some clips' lengths are not."""
        return bool(self.total.unknown) and not self.outstanding

    @property
    def text(self) -> str:
        minutes = f"{self.allowed_minutes} minute{'s' if self.allowed_minutes != 1 else ''}"
        words = f"Video clips: {length_in_words(self.total.known_ms)} of the {minutes} allowed."
        unknown = self.total.unknown
        if unknown:
            words += (f" {len(unknown)} video{'s' if len(unknown) > 1 else ''} of unknown "
                      f"length ({', '.join(unknown)}): check how long "
                      f"{'they play' if len(unknown) > 1 else 'it plays'}.")
        return words


def video_cap(session: Session, enrolment_id: str) -> VideoCapGap | None:
    """Where the enrolment stands against its qualification's video cap, or None if none of
    its chosen units carries one. Where units disagree the smallest cap is the one to keep."""
    from app.caseload.same_enrolment import kept_enrolment_id
    enrolment_id = kept_enrolment_id(session, enrolment_id)   # units are chosen there
    caps = [r.count for r in session.scalars(
        select(AssessmentRule).join(EnrolmentUnit, EnrolmentUnit.unit_id == AssessmentRule.unit_id)
        .where(EnrolmentUnit.enrolment_id == enrolment_id, EnrolmentUnit.deleted_at.is_(None),
               AssessmentRule.kind == "allowed")) if is_video_cap(r)]
    if not caps:
        return None
    return VideoCapGap(min(caps), video_total(session, enrolment_id))


def video_cap_of_record(session: Session, record_id: str) -> VideoCapGap | None:
    """The cap as it stands for the enrolment this record belongs to (after attaching)."""
    record = session.get(EvidenceRecord, record_id)
    return video_cap(session, record.enrolment_id) if record is not None else None
