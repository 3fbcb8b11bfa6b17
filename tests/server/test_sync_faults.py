"""Faults between real processes on loopback, each ending with the laptop's rows compared
with the centre's: a response lost after the centre committed, the same push sent twice,
the centre killed mid-push, a laptop killed (kill -9) mid-push and mid-pull, two laptops
changing one learner."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import httpx
import pytest

from app.caseload.demo import load_demo_caseload
from app.caseload.learners import autosave_learner, save_learner
from app.models import Learner
from app.models.local import SyncAttention
from app.sync import state
from app.sync.attention import open_items, resolve_conflict
from app.sync.client import CentreUnreachable
from app.sync.engine import run_sync
from app.sync.outgoing import next_batch
from app.sync.protocol import API, PROTOCOL_HEADER, PROTOCOL_VERSION
from server.models import AppliedMutation, SyncProblem
from tests.server.centre_process import ROOT, CentreProcess
from tests.server.sync_helpers import (assert_laptop_matches_centre, count_at_centre, enrolled,
                                       sam_on_two_laptops)
from tests.transfer.fault_proxy import FaultProxy


def _via(store, url):
    store.write_now(state.put, "url", url)


def _learners(store, n, prefix="Learner"):
    for i in range(n):
        store.write_now(save_learner, None, {"given_names": f"{prefix}{i}", "family_name": "Ng"})


def test_a_lost_response_is_replayed_not_applied_twice(centre, laptops):
    laptop = laptops("a")
    sam = enrolled(laptop, centre, "Sam Patel")
    _learners(laptop, 5)
    waiting = laptop.read(state.status).waiting
    proxy = FaultProxy(centre.port)
    _via(laptop, proxy.url)
    proxy.cut_down_after(0)  # the centre commits the push; its answer never arrives
    with pytest.raises(CentreUnreachable):
        run_sync(laptop)
    assert proxy.cuts == 1 and laptop.read(state.status).waiting == waiting
    applied = count_at_centre(centre, AppliedMutation)
    assert applied == waiting
    outcome = run_sync(laptop)  # the same numbered changes go again: the stored answers return
    assert outcome.pushed == waiting and outcome.check_ok
    assert count_at_centre(centre, AppliedMutation) == applied and count_at_centre(centre, SyncProblem) == 0
    assert laptop.read(state.status).waiting == 0
    assert_laptop_matches_centre(laptop, centre, sam, "assessor")
    proxy.close()


def test_the_same_push_sent_twice_changes_nothing_the_second_time(centre, laptops):
    laptop = laptops("a")
    enrolled(laptop, centre, "Sam Patel")
    _learners(laptop, 3)
    batch = laptop.write_now(next_batch)
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION),
               "Authorization": f"Bearer {laptop.read(state.get, 'token')}"}
    first = httpx.post(f"{centre.url}{API}/push", json={"mutations": batch}, headers=headers,
                       timeout=30).json()
    second = httpx.post(f"{centre.url}{API}/push", json={"mutations": batch}, headers=headers,
                        timeout=30).json()
    assert first["results"] == second["results"] and first["last_seq"] == second["last_seq"]
    assert {r["status"] for r in first["results"]} == {"applied"}
    assert count_at_centre(centre, AppliedMutation) == len(batch)
    # a change numbered past a gap is refused whole, with a reason the laptop can act on
    gap = dict(batch[0], seq=first["last_seq"] + 5, mutation_id="m-gap")
    r = httpx.post(f"{centre.url}{API}/push", json={"mutations": [gap]}, headers=headers, timeout=30)
    assert r.status_code == 409 and r.json()["error"] == "sequence_gap"


def _sync_process(data_dir):
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir),
                             "sync", "--json"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.005)


def test_laptop_killed_mid_push_and_mid_pull_then_restarted(centre, laptops):
    assessor = laptops("assessor")
    assessor.write_now(load_demo_caseload)
    sam = enrolled(assessor, centre, "Sam Patel")
    proxy = FaultProxy(centre.port)
    _via(assessor, proxy.url)
    data_dir = assessor.data_dir
    assessor.close()
    # mid-push: the first batch is on its way up when the laptop dies
    proc = _sync_process(data_dir)
    _wait(lambda: proxy.sent_up > 20_000)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir),
                           "sync", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["check_ok"] is True
    from app.db.store import Store
    with Store(data_dir) as reopened:
        assert reopened.read(state.status).waiting == 0
        assert_laptop_matches_centre(reopened, centre, sam, "assessor")

    # mid-pull: a second laptop of Sam's receives the whole caseload and dies part way
    second = laptops("second")
    enrolled(second, centre, "Sam Patel", staff_id=sam)
    _via(second, proxy.url)
    second_dir = second.data_dir
    second.close()
    down = proxy.sent_down
    proc = _sync_process(second_dir)
    _wait(lambda: proxy.sent_down > down + 50_000)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    with Store(second_dir) as reopened:
        run_sync(reopened)
        assert_laptop_matches_centre(reopened, centre, sam, "assessor")
    proxy.close()


def test_centre_killed_mid_push_and_restarted(centre, laptops, tmp_path):
    laptop = laptops("a")
    laptop.write_now(load_demo_caseload)
    sam = enrolled(laptop, centre, "Sam Patel")
    proxy = FaultProxy(centre.port)
    _via(laptop, proxy.url)
    proxy_port = proxy.port
    errors = []

    def kill_when_busy():
        _wait(lambda: proxy.sent_up > 20_000)
        centre.kill()
    import threading
    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    try:
        run_sync(laptop)
    except Exception as exc:  # the centre died under it
        errors.append(exc)
    killer.join()
    assert errors
    proxy.close()
    restarted = CentreProcess(centre.data_dir, centre.database_url)
    restarted.port, restarted.url = centre.port, centre.url
    restarted.start()
    try:
        _via(laptop, restarted.url)
        outcome = run_sync(laptop)
        assert outcome.check_ok and laptop.read(state.status).waiting == 0
        assert count_at_centre(restarted, SyncProblem) == 0
        assert_laptop_matches_centre(laptop, restarted, sam, "assessor")
    finally:
        restarted.stop()
    assert proxy_port


def test_two_laptops_change_one_learner_and_both_versions_are_kept(centre, laptops):
    one, two, sam = sam_on_two_laptops(centre, laptops)
    learner = one.write_now(save_learner, None, {"given_names": "Chloe", "family_name": "Barnes"})
    run_sync(one)
    run_sync(two)
    one.write_now(autosave_learner, learner, {"notes": "Prefers morning visits"})
    two.write_now(autosave_learner, learner, {"notes": "Works Saturdays only"})
    assert run_sync(one).conflicts == 0
    outcome = run_sync(two)
    assert outcome.conflicts == 1
    [item] = two.read(open_items)
    assert item.kind == "conflict" and ("notes", "Works Saturdays only",
                                        "Prefers morning visits") in item.differences
    assert count_at_centre(centre, SyncProblem) == 1   # the centre keeps the other version too
    notes = lambda s: s.get(Learner, learner).notes  # noqa: E731
    assert two.read(notes) == "Prefers morning visits"  # the centre's, shown while undecided
    two.write_now(resolve_conflict, item.id, {"notes"})
    run_sync(two)
    run_sync(one)
    assert one.read(notes) == two.read(notes) == "Works Saturdays only"
    assert not two.read(open_items)
    assert two.read(lambda s: s.query(SyncAttention).count()) == 1
    assert_laptop_matches_centre(one, centre, sam, "assessor")
    assert_laptop_matches_centre(two, centre, sam, "assessor")
