"""Signing evidence: order, policy, hash binding, locking by operation and by trigger."""
from __future__ import annotations

import sqlite3

import pytest

from app.caseload.validation import InvalidInput
from app.evidence.records import autosave_record, get_record
from app.models import Signature
from app.signing.canonical import content_hash
from app.signing.evidence_signable import serialise
from app.signing.policy import save_policy
from app.signing.sign import sign_record, signing_status
from tests.signing.signing_helpers import drawn, make_record, raw

EV = "evidence_record"


def test_observation_signed_by_learner_and_assessor_binds_content(demo_store):
    rid = demo_store.write_now(make_record)
    status = demo_store.read(signing_status, EV, rid)
    assert status.next_roles == ["learner", "assessor"] and not status.locked
    demo_store.write_now(sign_record, EV, rid, **drawn("Amelia Hughes", "learner"))
    mid = demo_store.read(signing_status, EV, rid)
    assert mid.locked and not mid.complete and mid.next_roles == ["assessor"]
    demo_store.write_now(sign_record, EV, rid, **drawn("Alex Morgan", "assessor"))
    status = demo_store.read(signing_status, EV, rid)
    assert status.complete and [s.role for s in status.signatures] == ["learner", "assessor"]
    content = demo_store.read(serialise, rid)
    assert len(content["mappings"]) == 2 and content["mappings"][0]["number"]
    assert all(s.content_hash == content_hash(content) for s in status.signatures)
    assert demo_store.read(get_record, rid).state == "signed"
    # A different content would hash differently: the hash is bound to these words.
    content["details"]["activities"] += "!"
    assert content_hash(content) != status.signatures[0].content_hash


def test_signing_twice_in_the_same_role_is_refused(demo_store):
    rid = demo_store.write_now(make_record)
    demo_store.write_now(sign_record, EV, rid, **drawn("Amelia Hughes", "learner"))
    with pytest.raises(InvalidInput) as exc:
        demo_store.write_now(sign_record, EV, rid, **drawn("Amelia Hughes", "learner"))
    assert "already signed" in exc.value.problems["role"]


def test_witness_signs_testimony_before_the_assessor(demo_store):
    rid = demo_store.write_now(make_record, "Wt", "Priya saw a complaint handled")
    with pytest.raises(InvalidInput) as exc:
        demo_store.write_now(sign_record, EV, rid, **drawn("Alex Morgan", "assessor"))
    assert "witness signs this witness testimony first" in exc.value.problems["role"]
    with pytest.raises(InvalidInput) as exc:
        demo_store.write_now(sign_record, EV, rid, **drawn("Amelia Hughes", "learner"))
    assert "does not sign" in exc.value.problems["role"]
    demo_store.write_now(sign_record, EV, rid, **drawn("Priya Shah", "witness"))
    demo_store.write_now(sign_record, EV, rid, **drawn("Alex Morgan", "assessor"))
    assert demo_store.read(signing_status, EV, rid).complete


def test_policy_refuses_typed_signature_until_the_centre_allows_it(demo_store):
    rid = demo_store.write_now(make_record)
    typed = dict(signer_name="Amelia Hughes", role="learner", method="typed",
                 typed_name="Amelia Hughes")
    with pytest.raises(InvalidInput) as exc:
        demo_store.write_now(sign_record, EV, rid, **typed)
    assert "does not accept a typed name from a learner" in exc.value.problems["method"]
    assert demo_store.read(signing_status, EV, rid).signatures == []
    demo_store.write_now(save_policy, {"learner": ["drawn", "typed"]})
    demo_store.write_now(sign_record, EV, rid, **typed)
    # ...but still not for the assessor, whose methods were not changed.
    with pytest.raises(InvalidInput):
        demo_store.write_now(sign_record, EV, rid, signer_name="Alex Morgan", role="assessor",
                             method="typed", typed_name="Alex Morgan")


def test_signing_on_someones_behalf_is_refused_by_default(demo_store):
    rid = demo_store.write_now(make_record)
    with pytest.raises(InvalidInput) as exc:
        demo_store.write_now(sign_record, EV, rid, on_behalf_by="Alex Morgan",
                             **drawn("Amelia Hughes", "learner"))
    assert "behalf" in exc.value.problems["on_behalf_by"]
    demo_store.write_now(save_policy, None, True)
    view = demo_store.write_now(sign_record, EV, rid, on_behalf_by="Alex Morgan",
                                **drawn("Amelia Hughes", "learner"))
    assert view.on_behalf_by == "Alex Morgan"


def test_a_drawn_signature_needs_strokes(demo_store):
    rid = demo_store.write_now(make_record)
    with pytest.raises(InvalidInput) as exc:
        demo_store.write_now(sign_record, EV, rid, signer_name="Amelia Hughes", role="learner",
                             method="drawn", strokes=[], image_png=b"")
    assert "Draw the signature" in exc.value.problems["signature"]


def test_editing_a_signed_record_is_refused_by_the_operation(demo_store):
    rid = demo_store.write_now(make_record)
    demo_store.write_now(sign_record, EV, rid, **drawn("Amelia Hughes", "learner"))
    with pytest.raises(InvalidInput) as exc:
        demo_store.write_now(autosave_record, rid, {"title": "Something else"})
    assert "signed" in " ".join(exc.value.problems.values())
    assert demo_store.read(get_record, rid).title == "Dealing with a returned kettle"


def test_database_triggers_refuse_changes_to_signed_rows(demo_store):
    rid = demo_store.write_now(make_record)
    demo_store.write_now(sign_record, EV, rid, **drawn("Amelia Hughes", "learner"))
    with demo_store.reading() as s:
        signatures = s.query(Signature).count()      # the demo's own and this one
    db = demo_store.db_path
    for sql in (f"UPDATE evidence_record SET title = 'forged' WHERE id = '{rid}'",
                f"UPDATE evidence_record SET deleted_at = '2026-01-01' WHERE id = '{rid}'",
                f"DELETE FROM evidence_record WHERE id = '{rid}'",
                f"UPDATE criterion_mapping SET status = 'met' WHERE record_id = '{rid}'",
                f"DELETE FROM criterion_mapping WHERE record_id = '{rid}'",
                "UPDATE signature SET signer_name = 'Someone Else'",
                "DELETE FROM signature",
                "UPDATE audit_event SET actor_name = 'nobody'",
                "DELETE FROM audit_event",
                "DELETE FROM device_key"):
        with pytest.raises(sqlite3.DatabaseError, match="cannot|append-only"):
            raw(db, sql)
    with pytest.raises(sqlite3.DatabaseError, match="signed evidence"):
        raw(db, "INSERT INTO attachment (id, record_id, sha256, original_name, media_type, size, "
                "kind, caption, created_at, updated_at, version, device_id) VALUES ('a', "
                f"'{rid}', '{'0' * 64}', 'x', 'x', 0, 'file', '', 'x', 'x', 1, 'x')")
    with demo_store.reading() as s:
        assert s.query(Signature).count() == signatures
        assert s.query(Signature).filter_by(record_id=rid, signer_name="Amelia Hughes").count() == 1


def test_unsigned_records_stay_editable_under_the_triggers(demo_store):
    rid = demo_store.write_now(make_record)
    raw(demo_store.db_path, f"UPDATE evidence_record SET title = 'Renamed' WHERE id = '{rid}'")
    assert demo_store.read(get_record, rid).title == "Renamed"


def test_device_key_lives_outside_the_database_readable_only_by_the_user(demo_store):
    import stat
    from app.signing.device_key import KEY_FILE
    rid = demo_store.write_now(make_record)
    demo_store.write_now(sign_record, EV, rid, **drawn("Amelia Hughes", "learner"))
    key_file = demo_store.data_dir / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    pem_body = key_file.read_text().splitlines()[1]
    assert pem_body.encode() not in demo_store.db_path.read_bytes()
    with sqlite3.connect(demo_store.db_path) as con:
        [(fingerprint, owner)] = con.execute("SELECT fingerprint, owner_device_id FROM device_key")
    assert owner == demo_store.device_id and len(fingerprint) == 64
