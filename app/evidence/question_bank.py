"""The per-unit question bank: questions an assessor asks again and again when questioning
learners on a unit, each with the ACs it tests and what a good answer covers.

A question is saved against one unit. It is also found from every other unit with the same
national reference (the same national unit carried by another awarding body's qualification,
or by a newer version of the same one), because the national reference, never the title, is
how units are matched across qualifications. Entries are tombstoned, never deleted, so a
deletion can be undone and travels by sync like any other change.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput, limited
from app.catalogue.pack import ac_sort_key
from app.db.base import utcnow
from app.models import (
    AssessmentCriterion, EnrolmentUnit, LearningOutcome, SpecPack, Unit,
)
from app.models.evidence import CriterionMapping, EvidenceRecord, QuestionBankEntry
from app.signing.audit import record_event

AUDIT_TYPE = "question_bank_entry"
QUESTION_LIMIT = 1000        # a question is read aloud or printed on a sheet: a paragraph at most
ANSWER_LIMIT = 4000
REFS_LIMIT = 200


def unit_name(number: str) -> str:
    """'205' -> 'Unit 205'; SFJ prints its numbers as 'Unit 12' already."""
    return number if number.lower().startswith("unit") else f"Unit {number}"


def unit_label(number: str, title: str) -> str:
    return f"{unit_name(number)}: {title}"


def _same_question(text: str) -> str:
    """Two wordings an assessor would call the same question: case, spacing and the
    closing question mark do not count."""
    return " ".join(text.split()).casefold().rstrip("?.! ")


@dataclass(frozen=True)
class BankQuestion:
    id: str
    unit_id: str             # the unit it was saved against
    criterion_refs: str      # "1.2, 2.3"
    question: str
    expected_answer: str
    saved_on: str = ""       # where it was saved, when found through a shared national reference


@dataclass
class UnitQuestions:
    unit_id: str
    number: str
    title: str
    reference: str | None
    questions: list[BankQuestion] = field(default_factory=list)

    @property
    def label(self) -> str:
        return unit_label(self.number, self.title)


# -- checks ---------------------------------------------------------------------------------

def _live_unit(session: Session, unit_id: str) -> Unit:
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise InvalidInput({"unit": "Choose a unit of one of the loaded qualifications."})
    return unit


def _clean_refs(session: Session, unit: Unit, text: str) -> tuple[str, str | None]:
    """'AC 2.3; 1.2' -> '1.2, 2.3', or a problem naming the refs the unit does not have.
    LO numbers ('3') are accepted too: some questions test a whole outcome."""
    problem = limited(text, "The ACs", REFS_LIMIT)
    if problem:
        return text, problem
    tokens = [t for t in re.split(r"[,;/\s]+", text.strip())
              if t and t.casefold() not in ("ac", "acs", "lo", "and", "&")]
    tokens = [re.sub(r"^(?:ac|lo)(?=\d)", "", t, flags=re.I).rstrip(".") for t in tokens]  # "AC1.2"
    acs = session.scalars(select(AssessmentCriterion.number).where(
        AssessmentCriterion.unit_id == unit.id)).all()
    los = session.scalars(select(LearningOutcome.number).where(
        LearningOutcome.unit_id == unit.id)).all()
    known = {n.strip().rstrip("."): n.strip().rstrip(".") for n in list(acs) + list(los)}
    unknown = [t for t in tokens if t not in known]
    if unknown:
        ordered = sorted(acs, key=ac_sort_key)
        span = f"; its ACs run from {ordered[0]} to {ordered[-1]}" if ordered else ""
        return text, (f"{unit_name(unit.number)} has no AC "
                      f"{', '.join(unknown)}{span}.")
    unique = sorted(dict.fromkeys(tokens), key=ac_sort_key)
    return ", ".join(unique), None


def _duplicate(session: Session, unit: Unit, question: str,
               except_id: str | None = None) -> QuestionBankEntry | None:
    """A live entry with the same question for this unit, or for a unit sharing its
    national reference (both would show side by side in the bank)."""
    where = [QuestionBankEntry.unit_id == unit.id]
    if unit.reference:
        where.append(QuestionBankEntry.unit_reference == unit.reference)
    wanted = _same_question(question)
    for entry in session.scalars(select(QuestionBankEntry).where(
            or_(*where), QuestionBankEntry.deleted_at.is_(None))):
        if entry.id != except_id and _same_question(entry.question) == wanted:
            return entry
    return None


def _checked(session: Session, unit: Unit, question: str, expected_answer: str,
             criterion_refs: str, except_id: str | None = None) -> tuple[str, str, str]:
    problems = {}
    question = (question or "").strip()
    expected_answer = (expected_answer or "").strip()
    if not question:
        problems["question"] = "Type the question as you would ask it."
    else:
        problems["question"] = limited(question, "The question", QUESTION_LIMIT)
    problems["expected_answer"] = limited(expected_answer, "What a good answer covers",
                                          ANSWER_LIMIT)
    refs, problems["criterion_refs"] = _clean_refs(session, unit, criterion_refs or "")
    if not problems["question"]:
        twin = _duplicate(session, unit, question, except_id)
        if twin is not None:
            where = "this unit" if twin.unit_id == unit.id else \
                f"the same national unit ({unit.reference}) in another qualification"
            problems["question"] = (f"This question is already in the bank for {where}"
                                    f"{' (ACs ' + twin.criterion_refs + ')' if twin.criterion_refs else ''}"
                                    f"; edit that one instead.")
    problems = {k: v for k, v in problems.items() if v}
    if problems:
        raise InvalidInput(problems)
    return question, expected_answer, refs


# -- changes ----------------------------------------------------------------------------------

def add_question(session: Session, unit_id: str, question: str, expected_answer: str = "",
                 criterion_refs: str = "", *, summary: str = "") -> str:
    """Keep a question in the bank for a unit. Returns the new entry's id."""
    unit = _live_unit(session, unit_id)
    question, expected_answer, refs = _checked(session, unit, question, expected_answer,
                                               criterion_refs)
    entry = QuestionBankEntry(unit_id=unit.id, unit_reference=unit.reference,
                              criterion_refs=refs, question=question,
                              expected_answer=expected_answer)
    session.add(entry)
    session.flush()
    record_event(session, "created", AUDIT_TYPE, entry.id,
                 summary=summary or f"Question added to the bank for {unit_name(unit.number)}")
    return entry.id


def _live_entry(session: Session, entry_id: str) -> QuestionBankEntry:
    entry = session.get(QuestionBankEntry, entry_id)
    if entry is None:
        raise InvalidInput({"question": "That question is not in the bank."})
    if entry.deleted_at is not None:
        raise InvalidInput({"question": "This question was deleted from the bank; "
                                        "undo the deletion to edit it."})
    return entry


def update_question(session: Session, entry_id: str, *, question: str | None = None,
                    expected_answer: str | None = None, criterion_refs: str | None = None) -> None:
    """Change a bank question's wording, ACs or expected answer (its unit stays).
    Records that already asked it keep the wording they were asked with."""
    entry = _live_entry(session, entry_id)
    unit = _live_unit(session, entry.unit_id)
    new = _checked(session, unit,
                   entry.question if question is None else question,
                   entry.expected_answer if expected_answer is None else expected_answer,
                   entry.criterion_refs if criterion_refs is None else criterion_refs,
                   except_id=entry.id)
    old = (entry.question, entry.expected_answer, entry.criterion_refs)
    if new != old:
        entry.question, entry.expected_answer, entry.criterion_refs = new
        record_event(session, "changed", AUDIT_TYPE, entry.id,
                     summary=f"Bank question edited ({unit_name(unit.number)})")


def delete_question(session: Session, entry_id: str) -> None:
    """Take a question out of the bank (undo with `restore_question`)."""
    entry = session.get(QuestionBankEntry, entry_id)
    if entry is None or entry.deleted_at is not None:
        return
    entry.deleted_at = utcnow()
    record_event(session, "deleted", AUDIT_TYPE, entry.id,
                 summary="Question removed from the bank (can be undone)")


def restore_question(session: Session, entry_id: str) -> None:
    """Undo a deletion; refused if the same question has been added again since."""
    entry = session.get(QuestionBankEntry, entry_id)
    if entry is None or entry.deleted_at is None:
        return
    unit = _live_unit(session, entry.unit_id)
    if _duplicate(session, unit, entry.question, except_id=entry.id) is not None:
        raise InvalidInput({"question": "This question has been added to the bank again "
                                        "since it was deleted; the new one is kept."})
    entry.deleted_at = None
    record_event(session, "restored", AUDIT_TYPE, entry.id, summary="Bank question restored")


def save_from_record(session: Session, record_id: str, row_index: int, unit_id: str, *,
                     question: str | None = None, expected_answer: str = "",
                     criterion_refs: str = "") -> str:
    """Keep a question asked in a questioning record for reuse. `row_index` counts the
    record's saved questions from 0; `question` replaces its wording when the assessor
    generalised it first ('How did you help Mrs Patel?' -> '... help a customer?')."""
    record = session.get(EvidenceRecord, record_id)
    if record is None or record.deleted_at is not None or record.method != "Q":
        raise InvalidInput({"record": "Questions are saved to the bank from a questioning record."})
    rows = json.loads(record.details_json or "{}").get("questions") or []
    if not 0 <= row_index < len(rows) or not str(rows[row_index].get("question", "")).strip():
        raise InvalidInput({"question": "Choose a question of this record that has been typed in."})
    units = _record_unit_ids(session, record)
    if unit_id not in units:
        raise InvalidInput({"unit": "Choose one of the units this learner is taking."})
    text = rows[row_index]["question"] if question is None else question
    unit = _live_unit(session, unit_id)
    return add_question(session, unit_id, text, expected_answer, criterion_refs,
                        summary=f"Question from {record.portfolio_ref} added to the bank "
                                f"for {unit_name(unit.number)}")


# -- reading ----------------------------------------------------------------------------------

def questions_for_units(session: Session, unit_ids: list[str]) -> list[UnitQuestions]:
    """The bank for each unit, in the order given: questions saved on the unit itself,
    then any saved on another unit with the same national reference. Within a unit the
    questions run in AC order (unreferenced ones last)."""
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    refs = {u.reference for u in units.values() if u.reference}
    where = [QuestionBankEntry.unit_id.in_(list(units))]
    if refs:
        where.append(QuestionBankEntry.unit_reference.in_(refs))
    entries = session.scalars(select(QuestionBankEntry).where(
        or_(*where), QuestionBankEntry.deleted_at.is_(None))
        .order_by(QuestionBankEntry.created_at)).all()
    source_ids = {e.unit_id for e in entries}
    sources = {u.id: f"{body}, {unit_name(u.number)}" for u, body in session.execute(
        select(Unit, SpecPack.awarding_body).join(SpecPack, SpecPack.id == Unit.pack_row_id)
        .where(Unit.id.in_(source_ids)))} if source_ids else {}
    out = []
    for unit_id in unit_ids:
        unit = units.get(unit_id)
        if unit is None:
            continue
        group = UnitQuestions(unit.id, unit.number, unit.title, unit.reference)
        mine = [e for e in entries if e.unit_id == unit.id]
        shared = [e for e in entries if e.unit_id != unit.id and unit.reference
                  and e.unit_reference == unit.reference]
        seen = set()
        for e in mine + shared:   # the unit's own wording wins over a shared twin
            key = _same_question(e.question)
            if key in seen:
                continue
            seen.add(key)
            group.questions.append(BankQuestion(
                e.id, e.unit_id, e.criterion_refs, e.question, e.expected_answer,
                "" if e.unit_id == unit.id else sources.get(e.unit_id, "another qualification")))
        group.questions.sort(key=lambda q: (not q.criterion_refs,
                                            ac_sort_key(q.criterion_refs.split(",")[0])))
        out.append(group)
    return out


def get_question(session: Session, entry_id: str) -> BankQuestion | None:
    e = session.get(QuestionBankEntry, entry_id)
    if e is None or e.deleted_at is not None:
        return None
    return BankQuestion(e.id, e.unit_id, e.criterion_refs, e.question, e.expected_answer)


def _record_unit_ids(session: Session, record: EvidenceRecord) -> list[str]:
    """The record's enrolment units, in catalogue order (of the enrolment kept, for a record
    signed on an enrolment joined into it at a merge)."""
    from app.caseload.same_enrolment import kept_enrolment_id
    enrolment_id = kept_enrolment_id(session, record.enrolment_id)
    return session.scalars(select(Unit.id).join(EnrolmentUnit, EnrolmentUnit.unit_id == Unit.id)
                           .where(EnrolmentUnit.enrolment_id == enrolment_id,
                                  EnrolmentUnit.deleted_at.is_(None))
                           .order_by(Unit.sort_order)).all()


@dataclass
class RecordBank:
    """What the question bank dialog shows for one questioning record."""
    record_id: str
    portfolio_ref: str
    units: list[UnitQuestions]           # the enrolment's units, those the record covers first
    covered_refs: dict[str, str]         # unit id -> "1.2, 2.3": the ACs the record covers there

    def unit(self, unit_id: str) -> UnitQuestions | None:
        return next((u for u in self.units if u.unit_id == unit_id), None)


def bank_for_record(session: Session, record_id: str) -> RecordBank:
    record = session.get(EvidenceRecord, record_id)
    covered: dict[str, list[str]] = {}
    for unit_id, number in session.execute(
            select(CriterionMapping.unit_id, AssessmentCriterion.number)
            .join(AssessmentCriterion, AssessmentCriterion.id == CriterionMapping.criterion_id)
            .where(CriterionMapping.record_id == record_id,
                   CriterionMapping.deleted_at.is_(None))):
        covered.setdefault(unit_id, []).append(number)
    unit_ids = _record_unit_ids(session, record)
    unit_ids.sort(key=lambda u: u not in covered)   # stable: catalogue order within each part
    return RecordBank(record.id, record.portfolio_ref, questions_for_units(session, unit_ids),
                      {u: ", ".join(sorted(n, key=ac_sort_key)) for u, n in covered.items()})
