"""Evidence records per method: saved, read back, references, tombstones and locks."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.caseload.validation import InvalidInput
from app.evidence.methods import DETAILS
from app.evidence.records import (
    RecordLocked, autosave_record, canonical_content, create_record, delete_record, get_record,
    records_of_learner, restore_record,
)
from app.models import OutboxEntry
from app.models.evidence import METHODS, EvidenceRecord
from evidence_helpers import enrolment_with_rules


def sample_details(method):
    out = {}
    for spec in DETAILS[method]:
        if spec.kind == "list":
            out[spec.key] = [{k: f"{method} {spec.key} {k} 1" for k, _ in spec.columns}]
        elif spec.kind == "time":
            out[spec.key] = "09:45"
        elif spec.kind.startswith("choice:"):
            out[spec.key] = spec.kind[7:].split("|")[-1]
        else:
            out[spec.key] = f"{method} {spec.key} — “typed” on site"
    return out


def test_every_method_saves_and_reads_back(demo_store):
    enrolment_id, learner_id, *_ = demo_store.read(enrolment_with_rules)
    for method in METHODS:
        record_id = demo_store.write_now(create_record, enrolment_id, method)
        details = sample_details(method)
        problems = demo_store.write_now(autosave_record, record_id, {
            "title": f"{method} at the front desk", "date": "03/11/2026",
            "location": "Main reception", "details": details,
            "valid": True, "authentic": True, "sufficient": False})
        assert problems == {}
        view = demo_store.read(get_record, record_id)
        assert view.method == method and view.title == f"{method} at the front desk"
        assert view.date == date(2026, 11, 3) and view.location == "Main reception"
        assert view.details == details
        assert view.flags["valid"] and view.flags["authentic"] and not view.flags["sufficient"]
        assert view.draft is None  # all valid: nothing pending
    refs = sorted(v.portfolio_ref for v in demo_store.read(records_of_learner, learner_id))
    assert refs == sorted(["OBS-001", "PE-001", "Q-001", "PD-001", "WT-001", "EW-001",
                           "RA-001", "RPL-001", "SIM-001", "RWE-001", "OT-001"])


def test_references_count_up_and_are_never_reused(demo_store):
    enrolment_id, learner_id, *_ = demo_store.read(enrolment_with_rules)
    a = demo_store.write_now(create_record, enrolment_id, "Obs")
    b = demo_store.write_now(create_record, enrolment_id, "Obs")
    assert demo_store.read(get_record, b).portfolio_ref == "OBS-002"
    demo_store.write_now(delete_record, b)
    c = demo_store.write_now(create_record, enrolment_id, "Obs")
    assert demo_store.read(get_record, c).portfolio_ref == "OBS-003"
    problems = demo_store.write_now(autosave_record, c, {"portfolio_ref": "obs-001"})
    assert "already used" in problems["portfolio_ref"]
    assert demo_store.read(get_record, a).portfolio_ref == "OBS-001"


def test_invalid_input_is_kept_as_draft_and_valid_fields_still_save(demo_store):
    enrolment_id, *_ = demo_store.read(enrolment_with_rules)
    record_id = demo_store.write_now(create_record, enrolment_id, "Obs")
    details = sample_details("Obs") | {"start_time": "half nine"}
    problems = demo_store.write_now(autosave_record, record_id, {
        "date": "32/13/2026", "title": "Handling a complaint", "details": details})
    assert set(problems) == {"date", "details.start_time"}
    view = demo_store.read(get_record, record_id)
    assert view.title == "Handling a complaint"
    assert view.details["activities"] == details["activities"]
    assert view.form_values()["date"] == "32/13/2026"   # the draft keeps what was typed


def test_tombstone_delete_and_undo(demo_store):
    enrolment_id, learner_id, *_ = demo_store.read(enrolment_with_rules)
    record_id = demo_store.write_now(create_record, enrolment_id, "Wt")
    demo_store.write_now(delete_record, record_id)
    assert record_id not in [v.id for v in demo_store.read(records_of_learner, learner_id)]
    row = demo_store.read(lambda s: s.get(EvidenceRecord, record_id).deleted_at)
    assert row is not None  # tombstone, not a hard delete
    outbox = demo_store.read(lambda s: s.scalars(select(OutboxEntry.operation).where(
        OutboxEntry.record_id == record_id)).one())
    assert outbox == "tombstone"
    assert demo_store.write_now(restore_record, record_id) == "WT-001"
    assert record_id in [v.id for v in demo_store.read(records_of_learner, learner_id)]


def _sign(session, record_id):
    session.get(EvidenceRecord, record_id).state = "signed"


def test_signed_record_cannot_be_deleted_or_edited(demo_store):
    enrolment_id, *_ = demo_store.read(enrolment_with_rules)
    record_id = demo_store.write_now(create_record, enrolment_id, "Obs")
    demo_store.write_now(_sign, record_id)
    with pytest.raises(RecordLocked, match="signed decision"):
        demo_store.write_now(delete_record, record_id)
    with pytest.raises(RecordLocked):
        demo_store.write_now(autosave_record, record_id, {"title": "changed"})
    assert demo_store.read(get_record, record_id).title == "Observation"


def test_canonical_content_is_stable_and_complete(demo_store):
    enrolment_id, *_ = demo_store.read(enrolment_with_rules)
    record_id = demo_store.write_now(create_record, enrolment_id, "Q")
    demo_store.write_now(autosave_record, record_id, {"details": sample_details("Q")})
    first = demo_store.read(canonical_content, record_id)
    assert json.dumps(first, sort_keys=True) == json.dumps(
        demo_store.read(canonical_content, record_id), sort_keys=True)
    assert first["portfolio_ref"] == "Q-001" and first["details"]["questions"]


def test_unknown_method_refused(demo_store):
    enrolment_id, *_ = demo_store.read(enrolment_with_rules)
    with pytest.raises(InvalidInput, match="not an assessment method"):
        demo_store.write_now(create_record, enrolment_id, "Telepathy")
