"""Upgrading a portfolio signed at schema 0007 to 0008: every signature made there still
verifies, under the rule it was made under (rule 1: a learner renamed since does not fail
it, a changed title does); the audit entries already there are chained in the order they
were made; every row keeps its values."""
from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from app.db import migrate
from app.db.engine import sqlite_engine
from app.db.store import Store
from app.signing import registry
from app.signing.evidence_signable import serialise_rule_1
from app.signing.integrity import verify_integrity
from app.signing.sign import sign_record
from tests.signing.signing_helpers import drawn, make_record, raw

BEFORE = "0007"
TABLES = ["learner", "evidence_record", "criterion_mapping", "attachment", "audit_event",
          "signature", "device_key"]


def rows(db):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return {t: {r["id"]: dict(r) for r in con.execute(f"SELECT * FROM {t}")} for t in TABLES}
    finally:
        con.close()


@pytest.fixture
def signed_at_0007(catalogue_store, monkeypatch):
    """The demo caseload and signatures made as Fieldfolio at 0007 made them (coverage rule
    1, no rule in the payload), then the database taken back to schema 0007."""
    from app.caseload.demo import load_demo_caseload
    for record_type, sig in registry.all_signables().items():
        monkeypatch.setitem(registry._REGISTRY, record_type, dataclasses.replace(
            sig, rule=1, serialise=sig.earlier_rules.get(1, sig.serialise), earlier_rules={}))
    assert registry.signable("evidence_record").serialise is serialise_rule_1
    demo_store = catalogue_store
    demo_store.write_now(load_demo_caseload)
    ids = [demo_store.write_now(make_record, "Obs", "Handling a refund"),
           demo_store.write_now(make_record, "Obs", "Greeting at the door")]
    for rid in ids:
        demo_store.write_now(sign_record, "evidence_record", rid, **drawn("Amelia Hughes", "learner"))
        demo_store.write_now(sign_record, "evidence_record", rid, **drawn("Alex Morgan", "assessor"))
    monkeypatch.undo()
    data_dir, db = demo_store.data_dir, demo_store.db_path
    demo_store.close()
    engine = sqlite_engine(db, writer=True)
    from alembic import command
    command.downgrade(migrate.alembic_config(engine), BEFORE)
    assert migrate.current_revision(engine) == BEFORE
    engine.dispose()
    con = sqlite3.connect(db)
    columns = {r[1] for r in con.execute("PRAGMA table_info(signature)")}
    con.close()
    assert "content_rule" not in columns
    return data_dir, db, ids


def test_signatures_made_at_0007_verify_under_rule_1_after_the_upgrade(signed_at_0007):
    data_dir, db, ids = signed_at_0007
    before = rows(db)
    with Store(data_dir) as store:
        assert migrate.current_revision(store.write_engine) == migrate.head_revision()
        report = store.read(verify_integrity)
        assert report.ok, report.summary()
        assert set(report.rules) == {1}
        assert "made under rule 1" in report.summary()
        # New signatures after the upgrade use rule 2; the old ones keep theirs.
        new = store.write_now(make_record, "Obs", "After the upgrade")
        store.write_now(sign_record, "evidence_record", new, **drawn("Amelia Hughes", "learner"))
        assert store.read(verify_integrity).rules == {1: report.rules[1], 2: 1}
    after = rows(db)
    for table in TABLES:
        for row_id, old in before[table].items():
            assert {k: after[table][row_id][k] for k in old} == old, table
    assert {after["signature"][i]["content_rule"] for i in before["signature"]} == {1}
    chained = sorted((r["chain_sequence"], r["previous_entry_hash"] == "")
                     for r in after["audit_event"].values() if r["id"] in before["audit_event"])
    assert chained[0] == (1, True) and chained[-1][0] == len(before["audit_event"])


def test_rule_1_does_not_cover_the_learners_name_but_still_covers_the_record(signed_at_0007):
    data_dir, db, ids = signed_at_0007
    Store(data_dir).open().close()
    raw(db, "UPDATE learner SET family_name = 'Renamed' WHERE id = (SELECT learner_id FROM "
            f"evidence_record WHERE id = '{ids[0]}')", drop_triggers=True)
    with Store(data_dir) as store:
        assert store.read(verify_integrity).ok
    raw(db, f"UPDATE evidence_record SET title = 'Forged' WHERE id = '{ids[0]}'",
        drop_triggers=True)
    with Store(data_dir) as store:
        report = store.read(verify_integrity)
    assert [p.record_id for p in report.problems] == [ids[0]]
    assert "rule 1" in report.problems[0].problem
