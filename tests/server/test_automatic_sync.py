"""Automatic sync in the real window: with the laptop connected, a change starts a sync by
itself once the centre answers; with the centre gone nothing is attempted (no failure the
assessor did not ask for); turned off in the File menu, nothing starts; with nothing to
send and a recent sync, nothing starts either."""
from __future__ import annotations

from datetime import datetime, timezone

from app.caseload.learners import save_learner
from app.caseload.profile import set_up
from app.sync import automatic, state
from app.sync.engine import run_sync
from tests.server.sync_helpers import enrolled
from ui.main_window import MainWindow


def _waiting(store) -> int:
    return store.read(state.status).waiting


def test_a_change_goes_to_the_centre_by_itself_when_it_answers(qtbot, centre, laptops):
    laptop = laptops("assessor")
    laptop.write_now(set_up, "Sam Patel", "assessor", "Riverside Training", "RT1")
    enrolled(laptop, centre, "Sam Patel")
    run_sync(laptop)
    window = MainWindow(laptop)
    qtbot.addWidget(window)
    window.show()
    area = window.sync_area
    assert window.sync_automatically_action.isChecked()

    # Nothing to send and synced a moment ago: no sync.
    area.auto.tick()
    qtbot.wait(1500)
    assert not area.runner.running and area.last_result == ""

    # A learner typed: the next tick sends it, no button pressed.
    laptop.write_now(save_learner, None, {"given_names": "Chloe", "family_name": "Barnes"})
    area.auto.tick()
    qtbot.waitUntil(lambda: area.last_result.startswith("Synced:"), timeout=60_000)
    assert _waiting(laptop) == 0

    # Turned off in the File menu (saved on the laptop): a change waits for Sync now.
    window.sync_automatically_action.trigger()
    qtbot.waitUntil(lambda: not laptop.read(automatic.is_on), timeout=5000)
    laptop.write_now(save_learner, None, {"given_names": "Ryan", "family_name": "Patel"})
    waiting = _waiting(laptop)
    assert waiting > 0
    area.last_result = ""
    area.auto.tick()
    qtbot.wait(1500)
    assert area.last_result == "" and _waiting(laptop) == waiting

    # On again, but the centre is gone: nothing attempted, so no failure recorded.
    window.sync_automatically_action.trigger()
    qtbot.waitUntil(lambda: laptop.read(automatic.is_on), timeout=5000)
    centre.stop()
    area.auto.tick()
    qtbot.wait(5000)   # the probe's own timeout is 3 s
    assert area.last_result == "" and not area.runner.running
    assert laptop.read(lambda s: state.get(s, "last_error")) is None
    assert _waiting(laptop) == waiting


def test_the_plan_waits_for_something_to_send_or_a_quiet_spell():
    now = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)

    def plan(waiting=0, last=now, on=True, enrolled=True, files=0):
        status = state.SyncStatus(enrolled, "Riverside", waiting, last, 0, "", files, 0)
        return automatic.Plan(on, "http://127.0.0.1:1", status)
    assert not plan().worth_a_sync(now)
    assert plan(waiting=1).worth_a_sync(now)
    assert plan(files=1).worth_a_sync(now)
    assert plan(last=None).worth_a_sync(now)
    assert plan(last=now - automatic.QUIET).worth_a_sync(now)
    assert not plan(waiting=3, on=False).worth_a_sync(now)
    assert not plan(waiting=3, enrolled=False).worth_a_sync(now)
