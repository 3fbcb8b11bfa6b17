"""Amendments keep the signed original and need their own signatures; the audit trail."""
from __future__ import annotations

import sqlite3

import pytest

from app.caseload.validation import InvalidInput
from app.evidence.mapping import map_criteria
from app.evidence.records import autosave_record, get_record
from app.signing.amend import amend, what_changed
from app.signing.audit import events_for_learner, events_for_record, record_event
from app.signing.canonical import content_hash
from app.signing.evidence_signable import serialise
from app.signing.integrity import verify_integrity
from app.signing.sign import sign_record, signing_status
from tests.signing.signing_helpers import drawn, first_enrolment, make_record, raw, two_criteria

EV = "evidence_record"


def signed_observation(store):
    rid = store.write_now(make_record)
    store.write_now(sign_record, EV, rid, **drawn("Amelia Hughes", "learner"))
    store.write_now(sign_record, EV, rid, **drawn("Alex Morgan", "assessor"))
    return rid


def test_amendment_made_and_signed_original_intact_diff_correct(demo_store):
    rid = signed_observation(demo_store)
    before = demo_store.read(serialise, rid)
    new_id = demo_store.write_now(amend, rid, "Wrong location recorded; AC 1.2 was fully met")
    draft = demo_store.read(get_record, new_id)
    assert draft.amends_id == rid and draft.state == "draft"
    assert draft.portfolio_ref == demo_store.read(get_record, rid).portfolio_ref
    assert demo_store.read(signing_status, EV, new_id).signatures == []
    demo_store.write_now(autosave_record, new_id, {"location": "Customer service desk"})

    def met_both(session):
        ids = two_criteria(session, first_enrolment(session).id)
        map_criteria(session, new_id, {ids[1]: "met"})
    demo_store.write_now(met_both)
    comparison = demo_store.read(what_changed, new_id)
    fields = {c.field: (c.before, c.after) for c in comparison.changes}
    assert fields.pop("location") == ("Shop floor", "Customer service desk")
    [(field, change)] = fields.items()
    assert field.startswith("mappings[unit ") and field.endswith(".status")
    assert change == ("working_towards", "met")
    assert comparison.reason.startswith("Wrong location")
    # The amendment needs its own signatures, in the same order rules.
    demo_store.write_now(sign_record, EV, new_id, **drawn("Amelia Hughes", "learner"))
    demo_store.write_now(sign_record, EV, new_id, **drawn("Alex Morgan", "assessor"))
    assert demo_store.read(signing_status, EV, new_id).complete
    # The original is as it was signed, and still verifies.
    assert demo_store.read(serialise, rid) == before
    assert demo_store.read(signing_status, EV, rid).complete
    assert demo_store.read(verify_integrity).ok
    assert demo_store.read(what_changed, new_id).amended_signed


def test_amending_needs_a_reason_a_signed_record_and_only_once(demo_store):
    rid = demo_store.write_now(make_record)
    with pytest.raises(InvalidInput) as exc:
        demo_store.write_now(amend, rid, "typo")
    assert "not signed yet" in exc.value.problems["record"]
    demo_store.write_now(sign_record, EV, rid, **drawn("Amelia Hughes", "learner"))
    with pytest.raises(InvalidInput) as exc:
        demo_store.write_now(amend, rid, "   ")
    assert "why" in exc.value.problems["reason"]
    demo_store.write_now(amend, rid, "typo in the title")
    with pytest.raises(InvalidInput) as exc:
        demo_store.write_now(amend, rid, "another")
    assert "already has an amendment" in exc.value.problems["record"]


def test_audit_events_written_per_record_and_learner_and_immutable(demo_store):
    rid = signed_observation(demo_store)
    new_id = demo_store.write_now(amend, rid, "typo")
    learner_id = demo_store.read(get_record, rid).learner_id
    demo_store.write_now(record_event, "printed", EV, rid, learner_id=learner_id,
                         summary="Observation record printed")
    actions = [e.action for e in demo_store.read(events_for_record, rid)]
    # Evidence operations write their own events too (created, one debounced "changed").
    assert actions == ["created", "changed", "signed", "signed", "amended", "printed"]
    assert [e.action for e in demo_store.read(events_for_record, new_id)] == ["created"]
    by_learner = [e for e in demo_store.read(events_for_learner, learner_id)
                  if e.record_type == EV]
    assert len(by_learner) == 7 and all(e.actor_name == "Alex Morgan" for e in by_learner)
    assert all(e.device_id == demo_store.device_id for e in by_learner)
    for sql in ("UPDATE audit_event SET summary = 'nothing happened'", "DELETE FROM audit_event"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw(demo_store.db_path, sql)
    assert len([e for e in demo_store.read(events_for_learner, learner_id)
                if e.record_type == EV]) == 7
    with pytest.raises(ValueError):
        demo_store.write_now(record_event, "burned", EV, rid)


def test_audit_and_signatures_travel_by_sync(demo_store):
    rid = signed_observation(demo_store)
    with demo_store.reading() as s:
        queued = {t for (t,) in s.execute(__import__("sqlalchemy").text(
            "SELECT DISTINCT table_name FROM outbox"))}
    assert {"signature", "audit_event", "device_key", "evidence_record"} <= queued
    assert content_hash(demo_store.read(serialise, rid))
