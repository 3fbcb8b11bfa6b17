"""The per-unit question bank: questions kept, refused twice, tombstoned and restored,
found from another qualification's unit with the same national reference, and kept from
a questioning record."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.caseload.demo_questions import STARTER
from app.caseload.validation import InvalidInput
from app.evidence.mapping import map_criteria
from app.evidence.question_bank import (
    add_question, bank_for_record, delete_question, questions_for_units, restore_question,
    save_from_record, update_question,
)
from app.evidence.records import autosave_record, create_record
from app.models import AuditEvent, SpecPack, Unit
from app.models.evidence import QuestionBankEntry
from evidence_helpers import criteria_of, enrolment_with_rules


def unit_id(session, pack_id, number):
    return session.scalars(select(Unit.id).join(SpecPack, SpecPack.id == Unit.pack_row_id)
                           .where(SpecPack.pack_id == pack_id, Unit.number == number)).one()


def units(store, *numbers, pack="cg-2794-02"):
    return [store.read(unit_id, pack, n) for n in numbers]


def bank(store, *unit_ids):
    return {g.unit_id: g for g in store.read(questions_for_units, list(unit_ids))}


def texts(group):
    return [q.question for q in group.questions]


def test_question_kept_for_a_unit_reads_back_in_ac_order(catalogue_store):
    u201, u203 = units(catalogue_store, "201", "203")
    late = catalogue_store.write_now(add_question, u201, "  What targets are you set at work?  ",
                                     "Sales, call handling or service targets; who sets them.",
                                     "AC 2.1;1.2")
    early = catalogue_store.write_now(add_question, u201, "How do you find out what training is on offer?",
                                      "", "1.1")
    catalogue_store.write_now(add_question, u201, "Anything else you would like to tell me?")
    groups = bank(catalogue_store, u201, u203)
    assert texts(groups[u201]) == ["How do you find out what training is on offer?",
                                   "What targets are you set at work?",
                                   "Anything else you would like to tell me?"]
    first, second, _ = groups[u201].questions
    assert (first.id, second.id) == (early, late)
    assert second.criterion_refs == "1.2, 2.1"       # tidied and in AC order
    assert second.expected_answer.startswith("Sales, call handling")
    assert second.saved_on == ""                      # saved on this very unit
    assert groups[u201].label == "Unit 201: Developing self to achieve targets and goals"
    assert groups[u203].questions == []
    summary = catalogue_store.read(lambda s: s.scalars(select(AuditEvent.summary).where(
        AuditEvent.record_id == late)).one())
    assert summary == "Question added to the bank for Unit 201"


def test_what_cannot_be_kept_is_refused_in_words(catalogue_store):
    (u201,) = units(catalogue_store, "201")
    cases = [
        ((u201, "   "), "question", "Type the question"),
        ((u201, "x" * 1001), "question", "too long (1001 characters; at most 1000)"),
        ((u201, "Fine?", "y" * 4001), "expected_answer", "at most 4000"),
        ((u201, "Fine?", "", "1.2, 9.9, 7"), "criterion_refs",
         "Unit 201 has no AC 9.9, 7; its ACs run from 1.1 to"),
        (("no-such-unit", "Fine?"), "unit", "Choose a unit"),
    ]
    for args, key, words in cases:
        with pytest.raises(InvalidInput) as caught:
            catalogue_store.write_now(add_question, *args)
        assert words in caught.value.problems[key], (args, caught.value.problems)
    assert catalogue_store.read(lambda s: s.scalars(select(QuestionBankEntry)).all()) == []


def test_the_same_question_twice_for_a_unit_is_refused(catalogue_store):
    u201, u203 = units(catalogue_store, "201", "203")
    catalogue_store.write_now(add_question, u201, "What targets are you set at work?", "", "2.1")
    with pytest.raises(InvalidInput) as caught:
        catalogue_store.write_now(add_question, u201, "what  targets are you set at WORK")
    assert caught.value.problems["question"] == (
        "This question is already in the bank for this unit (ACs 2.1); edit that one instead.")
    # another unit may ask it too
    catalogue_store.write_now(add_question, u203, "What targets are you set at work?")
    assert [len(g.questions) for g in bank(catalogue_store, u201, u203).values()] == [1, 1]


def test_deleting_tombstones_and_undo_brings_it_back(catalogue_store):
    (u201,) = units(catalogue_store, "201")
    entry = catalogue_store.write_now(add_question, u201, "What targets are you set at work?")
    catalogue_store.write_now(delete_question, entry)
    assert bank(catalogue_store, u201)[u201].questions == []
    row = catalogue_store.read(lambda s: s.get(QuestionBankEntry, entry))
    assert row is not None and row.deleted_at is not None      # a tombstone, not gone
    with pytest.raises(InvalidInput, match="undo the deletion"):
        catalogue_store.write_now(update_question, entry, question="Changed?")
    catalogue_store.write_now(restore_question, entry)
    assert [q.id for q in bank(catalogue_store, u201)[u201].questions] == [entry]

    # deleted, then typed in again: the undo must not make a twin
    catalogue_store.write_now(delete_question, entry)
    again = catalogue_store.write_now(add_question, u201, "What targets are you set at work?")
    with pytest.raises(InvalidInput, match="added to the bank again"):
        catalogue_store.write_now(restore_question, entry)
    assert [q.id for q in bank(catalogue_store, u201)[u201].questions] == [again]
    actions = catalogue_store.read(lambda s: s.scalars(select(AuditEvent.action).where(
        AuditEvent.record_id == entry).order_by(AuditEvent.occurred_at)).all())
    assert actions == ["created", "deleted", "restored", "deleted"]


def test_editing_a_question_keeps_its_unit_and_refuses_a_twin(catalogue_store):
    (u201,) = units(catalogue_store, "201")
    a = catalogue_store.write_now(add_question, u201, "What targets are you set?")
    catalogue_store.write_now(add_question, u201, "Who sets your targets?")
    catalogue_store.write_now(update_question, a, question="What targets are you set at work?",
                              criterion_refs="AC2.1", expected_answer="Names two targets.")
    (q1, q2) = bank(catalogue_store, u201)[u201].questions
    assert (q1.question, q1.criterion_refs, q1.expected_answer) == (
        "What targets are you set at work?", "2.1", "Names two targets.")
    with pytest.raises(InvalidInput, match="already in the bank"):
        catalogue_store.write_now(update_question, a, question="Who sets your targets")
    with pytest.raises(InvalidInput, match="has no AC 8.8"):
        catalogue_store.write_now(update_question, a, criterion_refs="8.8")


def test_a_shared_national_unit_finds_questions_saved_in_another_qualification(catalogue_store):
    # SFJ's Unit 12 and the C&G bank's unit 206 are the same national unit, D/506/2119.
    sfj = catalogue_store.read(unit_id, "sfj-l3-diploma-customer-service", "Unit 12")
    cg = catalogue_store.read(unit_id, "cg-customer-service-units", "206")
    other = catalogue_store.read(unit_id, "cg-customer-service-units", "201")
    assert catalogue_store.read(lambda s: (s.get(Unit, sfj).reference, s.get(Unit, cg).reference)) \
        == ("D/506/2119", "D/506/2119")
    kept = catalogue_store.write_now(add_question, sfj, "How do you adapt your tone on the phone?",
                                     "Pace, warmth, no jargon.", "1.1")
    catalogue_store.write_now(add_question, cg, "When do you summarise what a customer said?")
    groups = bank(catalogue_store, cg, sfj, other)
    assert texts(groups[cg]) == ["How do you adapt your tone on the phone?",   # AC 1.1 first
                                 "When do you summarise what a customer said?"]
    shared = next(q for q in groups[cg].questions if q.id == kept)
    assert shared.saved_on == "SFJ Awards, Unit 12" and shared.expected_answer == "Pace, warmth, no jargon."
    assert len(groups[sfj].questions) == 2           # and the other way round
    assert groups[other].questions == []             # an unrelated unit finds none
    with pytest.raises(InvalidInput) as caught:      # one question per national unit
        catalogue_store.write_now(add_question, cg, "How do you adapt your tone on the phone")
    assert "same national unit (D/506/2119) in another qualification" in \
        caught.value.problems["question"]


def test_a_question_typed_in_a_record_is_kept_in_the_bank(demo_store):
    enrolment_id, learner_id, ruled, other = demo_store.read(enrolment_with_rules)
    record_id = demo_store.write_now(create_record, enrolment_id, "Q")
    demo_store.write_now(autosave_record, record_id, {"details": {"mode": "oral", "questions": [
        {"question": "How did you calm Mrs Patel down?", "answer": "Listened first.",
         "decision": "Met"},
        {"question": "Who would you refer a refund over £100 to?", "answer": "The supervisor.",
         "decision": "Met"}]}})
    entry = demo_store.write_now(save_from_record, record_id, 1, other, criterion_refs="1.1")
    (kept,) = [q for q in bank(demo_store, other)[other].questions if q.id == entry]
    assert kept.question == "Who would you refer a refund over £100 to?"
    # generalised before keeping it
    demo_store.write_now(save_from_record, record_id, 0, other,
                         question="How do you calm an upset customer down?")
    assert "How do you calm an upset customer down?" in texts(bank(demo_store, other)[other])
    summary = demo_store.read(lambda s: s.scalars(select(AuditEvent.summary).where(
        AuditEvent.record_id == entry)).one())
    assert summary.startswith("Question from Q-001 added to the bank for Unit ")

    problems = [((record_id, 5, other), "question"),
                ((record_id, 0, demo_store.read(unit_id, "sfj-l3-diploma-customer-service",
                                                "Unit 12")), "unit")]
    obs = demo_store.write_now(create_record, enrolment_id, "Obs")
    problems.append(((obs, 0, other), "record"))
    for args, key in problems:
        with pytest.raises(InvalidInput) as caught:
            demo_store.write_now(save_from_record, *args)
        assert key in caught.value.problems


def test_a_records_bank_puts_the_units_it_covers_first(demo_store):
    enrolment_id, learner_id, ruled, other = demo_store.read(enrolment_with_rules)
    record_id = demo_store.write_now(create_record, enrolment_id, "Q")
    acs = demo_store.read(criteria_of, other)
    demo_store.write_now(map_criteria, record_id, {acs[1]: "met", acs[0]: "working_towards"})
    view = demo_store.read(bank_for_record, record_id)
    assert view.portfolio_ref == "Q-001"
    assert view.units[0].unit_id == other
    assert view.covered_refs[other] == "1.1, 1.2"
    # the demo's starter questions are there for C&G 2794 units 204 and 205
    starters = {n for n, *_ in STARTER}
    found = {u.number: len(u.questions) for u in view.units if u.questions}
    assert found == {n: sum(1 for s in STARTER if s[0] == n) for n in starters}
