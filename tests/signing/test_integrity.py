"""Tampering with the database outside Fieldfolio is caught by verify and `fieldfolio verify`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.signing.integrity import verify_integrity
from app.signing.sign import sign_record
from tests.signing.signing_helpers import drawn, make_record, raw

ROOT = Path(__file__).resolve().parents[2]
EV = "evidence_record"


def fieldfolio(data_dir, *args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir),
                           *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def signed(demo_store):
    """Two observations and a testimony, all signed, on one device chain."""
    ids = [demo_store.write_now(make_record, "Obs", "Handling a refund"),
           demo_store.write_now(make_record, "Obs", "Greeting at the door"),
           demo_store.write_now(make_record, "Wt", "Manager saw a complaint resolved")]
    demo_store.write_now(sign_record, EV, ids[0], **drawn("Amelia Hughes", "learner"))
    demo_store.write_now(sign_record, EV, ids[0], **drawn("Alex Morgan", "assessor"))
    demo_store.write_now(sign_record, EV, ids[1], **drawn("Amelia Hughes", "learner"))
    demo_store.write_now(sign_record, EV, ids[2], **drawn("Priya Shah", "witness"))
    return demo_store, ids


def refs(store, record_id):
    with store.reading() as s:
        return s.execute(__import__("sqlalchemy").text(
            "SELECT portfolio_ref FROM evidence_record WHERE id = :i"), {"i": record_id}).scalar()


def test_an_untouched_database_verifies_clean(signed):
    store, ids = signed
    report = store.read(verify_integrity)
    assert report.ok, report.summary()
    with store.reading() as s:   # the demo signs one learner's unit of evidence itself
        demo = s.execute(text(
            "SELECT COUNT(DISTINCT record_id), COUNT(*) FROM signature WHERE record_id NOT IN "
            "(:a, :b, :c)"), dict(zip("abc", ids))).one()
    assert demo[0] > 0
    assert (report.records_checked, report.signatures_checked) == (3 + demo[0], 4 + demo[1])
    result = fieldfolio(store.data_dir, "verify")
    assert result.returncode == 0, result.stderr
    assert "Everything matches" in result.stdout


def test_a_field_changed_with_sqlite3_is_named(signed):
    store, ids = signed
    raw(store.db_path, f"UPDATE evidence_record SET title = 'Forged title' WHERE id = '{ids[0]}'",
        drop_triggers=True)
    report = store.read(verify_integrity)
    assert not report.ok
    assert {p.record_id for p in report.problems} == {ids[0]}
    assert "no longer matches" in report.problems[0].problem
    assert report.problems[0].learner_name and report.problems[0].portfolio_ref == refs(store, ids[0])
    result = fieldfolio(store.data_dir, "verify")
    assert result.returncode == 1
    assert refs(store, ids[0]) in result.stderr and report.problems[0].learner_name in result.stderr


def test_a_mapping_changed_with_sqlite3_is_caught(signed):
    store, ids = signed
    raw(store.db_path, f"UPDATE criterion_mapping SET status = 'met' WHERE record_id = '{ids[0]}'",
        drop_triggers=True)
    assert {p.record_id for p in store.read(verify_integrity).problems} == {ids[0]}


def test_a_deleted_signature_is_caught(signed):
    store, ids = signed
    # The middle signature of the chain (the assessor's on the first observation).
    raw(store.db_path, f"DELETE FROM signature WHERE record_id = '{ids[0]}' AND role = 'assessor'",
        drop_triggers=True)
    report = store.read(verify_integrity)
    assert not report.ok
    text = report.summary()
    assert "missing" in text and refs(store, ids[0]) in text
    assert fieldfolio(store.data_dir, "verify").returncode == 1


def test_deleting_the_latest_signature_is_caught_by_the_audit_trail(signed):
    store, ids = signed
    raw(store.db_path, f"DELETE FROM signature WHERE record_id = '{ids[2]}'", drop_triggers=True)
    report = store.read(verify_integrity)
    assert ids[2] in {p.record_id for p in report.problems}


def test_reordered_signatures_are_caught(signed):
    store, ids = signed
    raw(store.db_path,
        "UPDATE signature SET sequence = sequence + 100 WHERE sequence IN (2, 3)",
        "UPDATE signature SET sequence = 3 WHERE sequence = 102",
        "UPDATE signature SET sequence = 2 WHERE sequence = 103", drop_triggers=True)
    report = store.read(verify_integrity)
    assert not report.ok
    assert any("altered" in p.problem for p in report.problems)
    assert any("chain" in p.problem for p in report.problems)


def test_a_forged_signer_name_is_caught(signed):
    store, ids = signed
    raw(store.db_path, f"UPDATE signature SET signer_name = 'Someone Else' "
                       f"WHERE record_id = '{ids[1]}'", drop_triggers=True)
    problems = store.read(verify_integrity).problems
    assert [p.record_id for p in problems] == [ids[1]]
    assert "altered" in problems[0].problem


def test_triggers_come_back_when_the_store_reopens(signed):
    from app.db.store import Store
    store, ids = signed
    raw(store.db_path, "SELECT 1", drop_triggers=True)
    store.close()
    with Store(store.data_dir) as again:
        with pytest.raises(Exception, match="signed evidence"):
            raw(again.db_path, f"UPDATE evidence_record SET title = 'x' WHERE id = '{ids[0]}'")
