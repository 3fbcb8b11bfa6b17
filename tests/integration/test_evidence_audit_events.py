"""Evidence and learner operations write the audit trail in the same transaction as the
change, and typing that saves every pause leaves one "changed" event, not hundreds."""
from __future__ import annotations

import os

import pytest

from app.models.evidence import JUDGEMENT_FLAGS
from app.caseload.learners import autosave_learner, delete_learner, restore_learner
from app.evidence.attachments import attach_file, attachments_of, remove_attachment, restore_attachment
from app.evidence.mapping import map_criteria
from app.evidence.records import (
    autosave_record, create_record, delete_record, restore_record, set_record_state,
)
from app.signing.audit import events_for_learner, events_for_record, record_change
from app.signing.audit_trail import learner_audit_trail
from tests.signing.signing_helpers import first_enrolment, two_criteria


def _enrolment(session):
    e = first_enrolment(session)
    return e.id, e.learner_id


def actions(store, record_id):
    return [(e.action, e.summary) for e in store.read(events_for_record, record_id)]


def test_a_record_s_life_is_in_the_trail(demo_store, tmp_path):
    enrolment_id, learner_id = demo_store.read(_enrolment)
    rid = demo_store.write_now(create_record, enrolment_id, "Obs")
    text = ""
    for ch in "Greeted the customer and listened to the problem.":   # 50 autosaves
        text += ch
        demo_store.write_now(autosave_record, rid, {"details": {"activities": text}})
    # The five judgements, in the same editing session (ready needs them).
    demo_store.write_now(autosave_record, rid, {f: True for f in JUDGEMENT_FLAGS})
    ids = demo_store.read(two_criteria, enrolment_id)
    demo_store.write_now(map_criteria, rid, {ids[0]: "met"})
    photo = tmp_path / "till.jpg"
    photo.write_bytes(os.urandom(5000))
    attachment_id = attach_file(demo_store, rid, photo)
    demo_store.write_now(remove_attachment, attachment_id)
    demo_store.write_now(restore_attachment, attachment_id)
    demo_store.write_now(set_record_state, rid, "ready")
    demo_store.write_now(delete_record, rid)
    demo_store.write_now(restore_record, rid)
    got = [a for a, _ in actions(demo_store, rid)]
    assert got == ["created", "changed", "file added", "file removed", "file added",
                   "changed", "deleted", "restored"]
    assert ("changed", "Marked ready for signatures") in actions(demo_store, rid)
    assert ("file removed", "till.jpg") in actions(demo_store, rid)
    trail = demo_store.read(learner_audit_trail, learner_id)
    mine = [line for line in trail if line.record_id == rid]
    assert len(mine) == 8
    assert all(line.record.startswith("OBS-") and line.record.endswith("Observation")
               for line in mine)
    assert all(line.actor_name == "Alex Morgan" and "this laptop" in line.device for line in mine)
    assert len(demo_store.read(attachments_of, rid)) == 1


def test_an_event_is_lost_with_a_change_that_fails(demo_store):
    enrolment_id, _ = demo_store.read(_enrolment)

    def create_then_fail(session):
        create_record(session, enrolment_id, "Obs", record_id="doomed-record")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        demo_store.write_now(create_then_fail)
    assert demo_store.read(events_for_record, "doomed-record") == []


def test_a_new_editing_session_writes_a_new_changed_event(demo_store):
    enrolment_id, _ = demo_store.read(_enrolment)
    rid = demo_store.write_now(create_record, enrolment_id, "Obs")
    demo_store.write_now(autosave_record, rid, {"title": "First visit"})
    demo_store.write_now(autosave_record, rid, {"title": "First visit, till"})
    assert [a for a, _ in actions(demo_store, rid)] == ["created", "changed"]
    # Ten minutes later (a zero-minute quiet period stands in for the wait) it counts again.
    assert demo_store.write_now(record_change, "evidence_record", rid, quiet_minutes=0)
    # Saving the same text again is not a change at all.
    before = len(actions(demo_store, rid))
    demo_store.write_now(autosave_record, rid, {"title": "First visit, till"})
    assert len(actions(demo_store, rid)) == before


def test_learner_created_changed_deleted_restored(demo_store):
    learner_id = "new-learner-1"
    fields = {"given_names": "Priya", "family_name": "Shah"}
    demo_store.write_now(autosave_learner, learner_id, fields)
    for word in ("Prefers", "Prefers mornings", "Prefers mornings, not Mondays"):
        demo_store.write_now(autosave_learner, learner_id, {**fields, "notes": word})
    demo_store.write_now(delete_learner, learner_id)
    demo_store.write_now(restore_learner, learner_id)
    got = [(e.action, e.record_type) for e in demo_store.read(events_for_learner, learner_id)]
    assert got == [("created", "learner"), ("changed", "learner"), ("deleted", "learner"),
                   ("restored", "learner")]
    trail = demo_store.read(learner_audit_trail, learner_id)
    assert trail[0].record == "Learner: Priya Shah" and "added" in trail[0].summary
