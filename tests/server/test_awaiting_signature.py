"""A record counts as signed at the centre only once a signature the centre has checked
covers it (server/awaiting_signature.py), never because its `state` says so.

A laptop altered to push an observation marked signed with no signature has it kept as sent
(nothing a laptop sends is lost) but "awaiting signature": not counted as signed, even
beside the learner's signed record of the same reference, listed for the centre's admin in
words, and said so in the push's answer to the laptop. Its signature may come in a later
push (a sync cut between the two): then it is signed. A forged signature is refused, as
ever. Against a real centre process over HTTP, on SQLite and PostgreSQL."""
from __future__ import annotations

import subprocess
import sys
import uuid

import httpx
from sqlalchemy import select

from app.evidence.records import create_record
from app.models import EvidenceRecord
from app.models.evidence import CriterionMapping
from app.models.signing import Signature
from app.sync import state
from app.sync.engine import run_sync
from app.sync.protocol import API, PROTOCOL_HEADER, PROTOCOL_VERSION
from app.sync.wire import encode, synced_tables
from server.models import SyncDevice
from tests.server.centre_process import ROOT
from tests.server.sync_helpers import enrolled
from tests.server.test_same_learner_twice import _amelia
from tests.server.test_same_reference_twice import _signed_observation, amelia_on_two_laptops


def _row(store, table_name: str, **where) -> list[dict]:
    """The laptop's rows of a synced table, as the wire carries them."""
    table = synced_tables()[table_name]
    query = select(table).where(*(table.c[k] == v for k, v in where.items()))
    return store.read(lambda s: [encode(table, r) for r in s.execute(query).mappings()])


def _numbered(store, centre, changes: list[tuple[str, dict]]) -> list[dict]:
    """`changes` as a push numbers them, on from what the centre has applied for `store`."""
    db = centre.open_database()
    try:
        with db.reading() as session:
            seq = session.get(SyncDevice, store.device_id).last_seq + 1
    finally:
        db.dispose()
    return [{"mutation_id": str(uuid.uuid4()), "seq": seq + i, "table": table,
             "record_id": row["id"], "base_version": 0, "row": row}
            for i, (table, row) in enumerate(changes)]


def _send(store, centre, mutations: list[dict]) -> list[dict]:
    answer = httpx.post(f"{centre.url}{API}/push", timeout=30, json={"mutations": mutations},
                        headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION),
                                 "Authorization": f"Bearer {store.read(state.get, 'token')}"})
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def _raw_push(store, centre, changes: list[tuple[str, dict]]) -> list[dict]:
    """What an altered laptop (or one whose sync was cut) sends: `changes` straight over
    HTTP, not through the laptop's queue."""
    return _send(store, centre, _numbered(store, centre, changes))


def _at_centre(centre, fn, *args):
    db = centre.open_database()
    try:
        with db.reading() as session:
            return fn(session, *args)
    finally:
        db.dispose()


def _records(session, learner_id: str) -> dict[str, tuple[str, str]]:
    return {r.id: (r.portfolio_ref, r.state) for r in session.scalars(
        select(EvidenceRecord).where(EvidenceRecord.learner_id == learner_id))}


def _signed_at_centre(session, record_ids: list[str]) -> set[str]:
    from server.awaiting_signature import signed_at_centre
    return signed_at_centre(session, record_ids)


def _listed(centre) -> list[dict]:
    from server.awaiting_signature import records_awaiting_signature
    return _at_centre(centre, records_awaiting_signature)


def _server_admin(centre, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(ROOT / "main.py"), "server-admin", "--data-dir",
           str(centre.data_dir)]
    if centre.database_url:
        cmd += ["--database-url", centre.database_url]
    return subprocess.run(cmd + list(args), cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_a_record_pushed_as_signed_without_its_signature_is_kept_but_not_counted(centre,
                                                                                 laptops):
    one, two, sam, amelia = amelia_on_two_laptops(centre, laptops)
    signed = one.write_now(_signed_observation, amelia["enrolment"], "Stock rotation")
    assert run_sync(one).rejected == 0                  # OBS-002, signed, at the centre

    # Laptop two, altered: its draft OBS-002 goes up marked signed, with no signature.
    draft = two.write_now(lambda s: create_record(s, amelia["enrolment"], "Obs",
                                                  title="Greeting customers"))
    [row] = _row(two, "evidence_record", id=draft)
    assert (row["portfolio_ref"], row["state"]) == ("OBS-002", "draft")
    [result] = _raw_push(two, centre, [("evidence_record", row | {"state": "signed"})])
    assert result["status"] == "applied", result        # kept: nothing sent is lost
    assert result["awaiting_signature"] == (
        "OBS-002 is at the centre, but not counted as signed: no signature the centre could "
        "check has reached it")

    records = _at_centre(centre, _records, amelia["learner"])
    assert records[draft] == ("OBS-002", "signed")      # the row as the laptop sent it
    assert records[signed] == ("OBS-002", "signed")
    assert _at_centre(centre, _signed_at_centre, [signed, draft]) == {signed}
    [listed] = _listed(centre)
    assert (listed["record_id"], listed["learner"]) == (draft, "Amelia Hughes")
    assert listed["laptop"].startswith("Sam Patel's laptop")   # the centre's note of who sent it
    assert listed["beside_signed"] is True

    # A forged signature for it: laptop one's, moved onto the draft and claimed by two.
    [genuine] = _row(one, "signature", record_id=signed)
    [fingerprint] = _at_centre(centre, lambda s: [s.get(SyncDevice, two.device_id)
                                                  .key_fingerprint])
    forged = genuine | {"id": str(uuid.uuid4()), "record_id": draft, "sequence": 999,
                        "signing_device_id": two.device_id, "key_fingerprint": fingerprint}
    [refused] = _raw_push(two, centre, [("signature", forged)])
    assert refused["status"] == "rejected", refused
    assert "its signature row was altered" in refused["reason"]
    assert _at_centre(centre, lambda s: s.scalars(select(Signature.id).where(
        Signature.record_id == draft)).all()) == []
    assert [r["record_id"] for r in _listed(centre)] == [draft]   # still only awaiting

    # The admin's list, in words: which record, whose, from which laptop, and why.
    done = _server_admin(centre, "awaiting-signatures")
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    assert line.startswith(f"{listed['portfolio_ref']}  Amelia Hughes  from Sam Patel's laptop")
    assert listed["portfolio_ref"].startswith("OBS-002")
    assert line.endswith("marked signed, but not counted as signed: no signature the centre "
                         "could check has reached it (another OBS-002 of this learner is signed)")


def test_its_signature_in_a_later_push_makes_it_signed(centre, laptops):
    two = laptops("two")
    enrolled(two, centre, "Sam Patel")
    amelia = two.write_now(_amelia, "Till drawer count")
    run_sync(two)
    record = two.write_now(_signed_observation, amelia["enrolment"], "Greeting customers")
    [row] = _row(two, "evidence_record", id=record)
    assert row["state"] == "signed"
    mappings = _row(two, "criterion_mapping", record_id=record)
    assert len(mappings) == 2

    # The sync is cut after the record and its criteria went up, before its signature.
    batch = _numbered(two, centre, [("evidence_record", row)]
                      + [("criterion_mapping", m) for m in mappings])
    results = _send(two, centre, batch)
    assert [r["status"] for r in results] == ["applied"] * 3
    assert "not counted as signed" in results[0]["awaiting_signature"]
    assert _send(two, centre, batch) == results     # a replay gets the answer it had
    assert [r["record_id"] for r in _listed(centre)] == [record]
    assert _at_centre(centre, _signed_at_centre, [record]) == set()

    [signature] = _row(two, "signature", record_id=record)
    [refused] = _raw_push(two, centre, [("signature", signature | {"signer_name": "A. Hughes"})])
    assert refused["status"] == "rejected" and "altered" in refused["reason"], refused
    assert [r["record_id"] for r in _listed(centre)] == [record]

    [applied] = _raw_push(two, centre, [("signature", signature)])
    assert applied["status"] == "applied", applied
    assert _at_centre(centre, _signed_at_centre, [record]) == {record}
    assert _listed(centre) == []
    assert _server_admin(centre, "awaiting-signatures").stdout.strip() == \
        "No record is awaiting its signature at the centre."
    assert _at_centre(centre, lambda s: s.scalars(select(CriterionMapping.id).where(
        CriterionMapping.record_id == record)).all()) != []
