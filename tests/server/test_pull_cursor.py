"""The pull cursor never skips a row committed out of order: a transaction that wrote early
and commits late still reaches a laptop whose cursor moved past a later commit. Held open
for real on PostgreSQL (where sequence numbers commit out of order); on SQLite writers are
one at a time, and the same ordering holds trivially."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import insert

from app.db.base import utcnow
from app.sync.wire import synced_tables
from server.auth import CallingDevice
from server.clock import mark_changed
from server.database import open_centre
from server.models import LearnerAssignment
from server.pull import pull

STAFF = "staff-1"
DEVICE = CallingDevice("device-1", STAFF, "assessor", "")


def _add_learner(session, learner_id, name):
    now = utcnow()
    session.execute(insert(synced_tables()["learner"]).values(
        id=learner_id, given_names=name, family_name="Ng", registration_number="", email="",
        phone="", workplace_address="", notes="", created_at=now, updated_at=now, version=1,
        device_id="d"))


def test_a_transaction_held_open_still_arrives(tmp_path, centre_database_url):
    if centre_database_url is None:
        pytest.skip("needs concurrent writers: PostgreSQL only (SQLite takes one writer at a time)")
    centre = open_centre(tmp_path, centre_database_url)
    scope = str(uuid.uuid4())
    with centre.writing() as session:
        _add_learner(session, scope, "Alice")
        session.add(LearnerAssignment(learner_id=scope, assessor_id=STAFF))
        session.flush()
        mark_changed(session, [("learner", scope, scope, 1)])
    cursors = pull(centre, DEVICE, {})["cursors"]

    early, late = str(uuid.uuid4()), str(uuid.uuid4())
    # The early writer's learner row is written first; its transaction stays open.
    slow = centre._writers()
    slow.begin()
    _add_learner(slow, early, "Early")
    slow.flush()
    # A later writer commits in the same scope meanwhile (its clock bump is last).
    with centre.writing() as session:
        _add_learner(session, late, "Late")
        session.flush()
        # (filed under the first learner's scope, which this laptop may see)
        mark_changed(session, [("learner", late, scope, 1)])
    page = pull(centre, DEVICE, cursors)
    assert [c["row"]["id"] for c in page["changes"]] == [late]
    cursors.update(page["cursors"])

    # Now the early writer bumps the clock (last statement) and commits.
    done = threading.Event()

    def finish():
        mark_changed(slow, [("learner", early, scope, 1)])
        slow.commit()
        slow.close()
        done.set()
    threading.Thread(target=finish).start()
    assert done.wait(10)
    page = pull(centre, DEVICE, cursors)
    assert [c["row"]["id"] for c in page["changes"]] == [early]
    centre.dispose()


def test_a_writer_waits_for_the_clock_of_an_open_transaction(tmp_path, centre_database_url):
    """Bumping takes the scope's row lock until commit: a second writer's number comes
    after the first's commit, never before it."""
    if centre_database_url is None:
        pytest.skip("needs concurrent writers: PostgreSQL only")
    centre = open_centre(tmp_path, centre_database_url)
    first = centre._writers()
    first.begin()
    mark_changed(first, [("learner", "x", "scope-1", 1)])
    got = {}

    def second():
        with centre.writing() as session:
            got.update(mark_changed(session, [("learner", "y", "scope-1", 1)]))
            got["at"] = time.monotonic()
    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.5)
    assert not got  # waiting on the first's lock
    committed = time.monotonic()
    first.commit()
    first.close()
    t.join(10)
    assert got["scope-1"] == 2 and got["at"] >= committed
    centre.dispose()
