"""Who sees what, with real HTTP requests to a real server: assessor B's laptop can neither
pull nor push anything of assessor A's learners, forged ids included; an IQA may add only
IQA records; every refusal is an HTTP answer with a reason, stored at the centre."""
from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select

from app.caseload.learners import save_learner
from app.models.local import SyncAttention
from app.sync import state
from app.sync.engine import run_sync
from app.sync.iqa_laptop import ReadOnlyForIqa
from app.sync.protocol import API, PROTOCOL_HEADER, PROTOCOL_VERSION
from app.sync.wire import encode, synced_tables
from server import staff
from server.models import SyncProblem
from tests.server.sync_helpers import enrolled


def _headers(store):
    return {PROTOCOL_HEADER: str(PROTOCOL_VERSION),
            "Authorization": f"Bearer {store.read(state.get, 'token')}"}


def _learner_row(store, learner_id):
    table = synced_tables()["learner"]
    return store.read(lambda s: encode(table, s.execute(
        select(table).where(table.c.id == learner_id)).mappings().one()))


def test_assessor_b_cannot_reach_assessor_a_learners(centre, laptops):
    a, b = laptops("a"), laptops("b")
    enrolled(a, centre, "Alex Morgan")
    enrolled(b, centre, "Bea Jones")
    alice = a.write_now(save_learner, None, {"given_names": "Alice", "family_name": "Ng",
                                            "notes": "A's learner"})
    run_sync(a)
    run_sync(b)
    assert b.read(lambda s: s.execute(select(synced_tables()["learner"].c.id)).all()) == []

    # Pull with a forged cursor for A's learner: nothing of hers comes back.
    page = httpx.post(f"{centre.url}{API}/pull", headers=_headers(b), timeout=10,
                      json={"cursors": {alice: 0}}).json()
    assert alice not in page["scopes"] and not [c for c in page["changes"]
                                                 if c["scope"] == alice]
    assert all(c["row"]["id"] != alice for c in page["changes"])

    # Push a forged change to her record and a forged enrolment for her.
    forged = _learner_row(a, alice) | {"notes": "changed by B", "version": 2}
    enrolment = {c.name: None for c in synced_tables()["enrolment"].columns} | {
        "id": str(uuid.uuid4()), "learner_id": alice, "qualification_id": "x",
        "registration_number": "", "status": "active", "version": 1, "device_id": b.device_id,
        "created_at": forged["created_at"], "updated_at": forged["updated_at"]}
    next_seq = int(b.read(state.get, "next_seq"))
    answer = httpx.post(f"{centre.url}{API}/push", headers=_headers(b), timeout=10, json={
        "mutations": [
            {"mutation_id": str(uuid.uuid4()), "seq": next_seq, "table": "learner",
             "record_id": alice, "base_version": 1, "row": forged},
            {"mutation_id": str(uuid.uuid4()), "seq": next_seq + 1, "table": "enrolment",
             "record_id": enrolment["id"], "base_version": 0, "row": enrolment}]})
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert "assigned to another assessor" in results[0]["reason"]
    db = centre.open_database()
    try:
        with db.reading() as session:
            learner = synced_tables()["learner"]
            notes = session.execute(select(learner.c.notes).where(learner.c.id == alice)).scalar()
            problems = session.scalars(select(SyncProblem.reason)).all()
    finally:
        db.dispose()
    assert notes == "A's learner" and len(problems) == 2

    # A token the centre never issued gets nothing at all.
    bad = httpx.post(f"{centre.url}{API}/pull", timeout=10, json={"cursors": {}},
                     headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": "Bearer x"})
    assert bad.status_code == 401 and bad.json()["error"] == "not_enrolled"


def test_an_iqa_adds_only_iqa_records_and_refusals_need_attention(centre, laptops):
    a, iqa = laptops("a"), laptops("iqa")
    enrolled(a, centre, "Alex Morgan")
    iris = enrolled(iqa, centre, "Iris Khan", "iqa")
    learner = a.write_now(save_learner, None, {"given_names": "Alice", "family_name": "Ng",
                                              "uln": ""})
    run_sync(a)
    db = centre.open_database()
    try:
        with db.writing() as session:  # as `server-admin assign` does, by id here (no ULN)
            from server.models import LearnerAssignment
            session.get(LearnerAssignment, learner).iqa_id = iris
    finally:
        db.dispose()
    run_sync(iqa)
    # Her laptop refuses the edit before saving it (tests/server/test_iqa_read_only.py); the
    # centre must still refuse it from a laptop that does not (an altered copy, or one from
    # before the guard): as such a laptop, her edit is saved while its guard does not know
    # her role.
    with pytest.raises(ReadOnlyForIqa):
        iqa.write_now(save_learner, learner, {"given_names": "Alicia", "family_name": "Ng"})
    iqa.write_now(state.put, "role", None)
    iqa.write_now(save_learner, learner, {"given_names": "Alicia", "family_name": "Ng"})
    iqa.write_now(state.put, "role", "iqa")
    outcome = run_sync(iqa)
    assert outcome.rejected == 1
    attention = iqa.read(lambda s: s.scalars(select(SyncAttention)).all())
    assert [(x.kind, x.table_name) for x in attention] == [("rejected", "learner")]
    assert "IQA adds only samples and signatures" in attention[0].reason
    # Her edit left the queue but never reached the centre: the status does not say it did.
    headline = iqa.read(state.status).headline()
    assert "nothing waiting" in headline and "everything is at the centre" not in headline
    # Nothing is lost: her laptop still shows what she typed; the centre kept the original.
    assert _learner_row(iqa, learner)["given_names"] == "Alicia"
    assert _learner_row(a, learner)["given_names"] == "Alice"


def test_a_revoked_laptop_is_refused_with_its_own_status(centre, laptops):
    a = laptops("a")
    enrolled(a, centre, "Alex Morgan")
    centre.admin(staff.revoke, a.device_id)
    r = httpx.post(f"{centre.url}{API}/pull", headers=_headers(a), timeout=10, json={"cursors": {}})
    assert r.status_code == 410 and r.json()["error"] == "device_revoked"
