"""A sync with nothing to do is one cheap question to the centre (issue 13's benchmark: under
150 ms against a bare round trip), and never at the price of missing a change: whatever a
laptop should receive (another laptop's push, an assignment made by the centre's admin, a
centre-wide record) turns the next sync back into a full one. Real server, real requests."""
from __future__ import annotations

from sqlalchemy import select

from app.caseload.learners import save_learner
from app.sync.client import CentreClient
from app.sync.engine import run_sync
from app.sync import state
from app.sync.wire import synced_tables
from server import staff
from tests.server.sync_helpers import assert_laptop_matches_centre, enrolled


def _sync_counting(store) -> tuple[object, list[str]]:
    """run_sync through a client that notes the path of every request it makes."""
    conn = store.read(state.connection)
    paths: list[str] = []
    client = CentreClient(conn.url, conn.token)
    client.http.event_hooks["request"] = [lambda request: paths.append(request.url.path)]
    try:
        return run_sync(store, client=client), paths
    finally:
        client.close()


def _learner_ids(store) -> set[str]:
    table = synced_tables()["learner"]
    return set(store.read(lambda s: s.scalars(select(table.c.id)).all()))


def test_nothing_to_do_is_one_request_and_a_change_elsewhere_ends_it(centre, laptops):
    a, b = laptops("a"), laptops("b")
    sam = enrolled(a, centre, "Alex Morgan")
    enrolled(b, centre, "Alex Morgan", staff_id=sam)   # two laptops of one assessor
    a.write_now(save_learner, None, {"given_names": "Alice", "family_name": "Ng"})
    run_sync(a)
    run_sync(b)

    outcome, paths = _sync_counting(b)
    assert paths == ["/api/v1/changes"], paths
    assert (outcome.pushed, outcome.pulled, outcome.check_ok) == (0, 0, True)
    assert b.read(state.status).last_success_at is not None

    # Another laptop of the same assessor pushes: b's next sync is a full one and pulls it.
    bo = a.write_now(save_learner, None, {"given_names": "Bo", "family_name": "Ng"})
    run_sync(a)
    outcome, paths = _sync_counting(b)
    assert "/api/v1/pull" in paths and bo in _learner_ids(b)
    assert_laptop_matches_centre(b, centre, sam, "assessor")
    assert _sync_counting(b)[1] == ["/api/v1/changes"]

    # A change typed here goes up, whatever the centre says.
    b.write_now(save_learner, bo, {"given_names": "Bo", "family_name": "Ng-Smith"})
    outcome, paths = _sync_counting(b)
    assert outcome.pushed >= 1 and "/api/v1/push" in paths

    # A centre-wide record (a new member of staff) reaches every laptop.
    centre.admin(staff.add_staff, "Jo Whitfield", "iqa")
    run_sync(a)
    assert "/api/v1/pull" in _sync_counting(b)[1]


def test_an_assignment_by_the_admin_reaches_an_iqa_laptop_that_was_up_to_date(centre, laptops):
    assessor, iqa = laptops("assessor"), laptops("iqa")
    enrolled(assessor, centre, "Alex Morgan")
    iris = enrolled(iqa, centre, "Jo Whitfield", "iqa")
    learner = assessor.write_now(save_learner, None, {"given_names": "Alice", "family_name": "Ng",
                                                      "uln": "9276308686"})
    run_sync(assessor)
    run_sync(iqa)
    assert _sync_counting(iqa)[1] == ["/api/v1/changes"]
    assert learner not in _learner_ids(iqa)

    centre.admin(staff.assign, "9276308686", None, iris)   # server-admin assign ULN --iqa
    outcome, paths = _sync_counting(iqa)
    assert "/api/v1/pull" in paths and learner in _learner_ids(iqa)
    assert_laptop_matches_centre(iqa, centre, iris, "iqa")


def test_a_failed_sync_forgets_what_it_had_seen(centre, laptops):
    a = laptops("a")
    enrolled(a, centre, "Alex Morgan")
    run_sync(a)
    assert a.read(state.get, "watch")
    centre.stop()
    try:
        run_sync(a)
    except Exception:
        pass
    assert a.read(state.get, "watch") is None


def test_the_full_check_still_runs_twice_a_day_when_nothing_changes(centre, laptops):
    from datetime import datetime, timezone

    from app.sync.engine import FULL_CHECK_EVERY
    a = laptops("a")
    enrolled(a, centre, "Alex Morgan")
    run_sync(a)
    assert _sync_counting(a)[1] == ["/api/v1/changes"]
    long_ago = (datetime.now(timezone.utc) - FULL_CHECK_EVERY * 1.1).isoformat()
    a.write_now(lambda s: state.put(s, "checked_at", long_ago))
    outcome, paths = _sync_counting(a)
    assert "/api/v1/check" in paths and outcome.check_ok
    assert _sync_counting(a)[1] == ["/api/v1/changes"]


class _BusyCentre(CentreClient):
    """A client whose centre is changed by someone else between this laptop's pull and its
    check, every time (fifty laptops syncing at once do that to the centre-wide scope)."""

    def __init__(self, centre, conn):
        super().__init__(conn.url, conn.token)
        self.centre, self.checks = centre, 0

    def check(self) -> dict:
        self.checks += 1
        self.centre.admin(staff.add_staff, f"Newcomer {self.checks}", "assessor")
        return super().check()


def test_a_scope_changed_after_the_pull_is_not_called_apart_but_a_lost_row_is(centre, laptops):
    import sqlite3
    a, a2 = laptops("a"), laptops("a2")
    sam = enrolled(a, centre, "Alex Morgan")
    enrolled(a2, centre, "Alex Morgan", staff_id=sam)
    alice = a.write_now(save_learner, None, {"given_names": "Alice", "family_name": "Ng"})
    run_sync(a)
    run_sync(a2)

    busy = _BusyCentre(centre, a2.read(state.connection))
    try:
        a2.write_now(save_learner, alice, {"given_names": "Alice", "family_name": "Ngo"})
        outcome = run_sync(a2, client=busy)
    finally:
        busy.close()
    assert outcome.check_ok and outcome.refetched == [], outcome

    # A row lost outside Fieldfolio, in a scope nobody changed since: the check finds it
    # and the scope is fetched again.
    con = sqlite3.connect(a2.data_dir / "fieldfolio.sqlite3")
    con.execute("DELETE FROM learner WHERE id = ?", (alice,))
    con.commit()
    con.close()
    a2.write_now(lambda s: state.put(s, "checked_at", None))   # no shortcut: a full sync
    outcome = run_sync(a2)
    assert outcome.refetched == [alice] and outcome.check_ok, outcome
    assert_laptop_matches_centre(a2, centre, sam, "assessor")
