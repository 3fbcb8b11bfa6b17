"""A centre outgrows one machine by running more server processes on one PostgreSQL: the
server keeps nothing between requests in memory, so two processes serve the same laptops
alternately with every guarantee (a replay answered by the other process, conflicts seen
across them, pull cursors that mean the same to both), each laptop ending equal to the
centre."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.caseload.demo import load_demo_caseload
from app.caseload.learners import save_learner
from app.models import Learner
from app.sync import state
from app.sync.attention import open_items
from app.sync.client import CentreUnreachable
from app.sync.engine import run_sync
from server import staff
from server.models import AppliedMutation, SyncProblem
from tests.server.centre_process import CentreProcess
from tests.server.sync_helpers import (assert_laptop_matches_centre, count_at_centre, enrolled,
                                       type_note)
from tests.transfer.fault_proxy import FaultProxy


def _via(store, process):
    store.write_now(state.put, "url", process if isinstance(process, str) else process.url)


def test_two_processes_on_one_database_serve_the_same_laptops(centre, centre_database_url,
                                                              laptops):
    if centre_database_url is None:
        pytest.skip("two centre processes share one PostgreSQL; the embedded SQLite centre "
                    "is one process on one machine")
    # The same database and the same file store, as two machines behind a load balancer.
    other = CentreProcess(centre.data_dir, centre_database_url).start()
    proxy = FaultProxy(centre.port)
    try:
        assessor = laptops("assessor")
        sam = enrolled(assessor, centre, "Sam Patel")
        assessor.write_now(load_demo_caseload)
        _via(assessor, centre)
        assert run_sync(assessor).check_ok
        before = count_at_centre(centre, AppliedMutation)
        assert before > 100

        # A second laptop of the same assessor, with learners of its own and no files yet:
        # the first process commits its push and the answer is lost; the retry lands on
        # the other process, which must recognise every change as already applied.
        spare = laptops("spare")
        enrolled(spare, other, "Sam Patel", staff_id=sam)
        for name in ("Ada", "Bea", "Cal"):
            spare.write_now(save_learner, None, {"given_names": name, "family_name": "Ng"})
        waiting = spare.read(state.status).waiting
        _via(spare, proxy.url)
        proxy.cut_down_after(0)
        with pytest.raises(CentreUnreachable):
            run_sync(spare)
        assert proxy.cuts == 1 and count_at_centre(centre, AppliedMutation) == before + waiting
        _via(spare, other)
        outcome = run_sync(spare)
        assert outcome.pushed == waiting and outcome.check_ok
        assert spare.read(state.status).waiting == 0
        assert count_at_centre(centre, AppliedMutation) == before + waiting
        assert count_at_centre(centre, SyncProblem) == 0
        assert_laptop_matches_centre(spare, other, sam, "assessor")

        # Edits alternate between the processes, each laptop always on the other one.
        amelia = assessor.read(lambda s: s.scalars(select(Learner.id).where(
            Learner.family_name == "Hughes")).one())
        for visit, process in enumerate([centre, other, centre, other]):
            _via(assessor, process)
            type_note(assessor, amelia, f"Visit {visit}: on track")
            run_sync(assessor)
            _via(spare, other if process is centre else centre)   # always the other one
            run_sync(spare)
            assert spare.read(lambda s: s.get(Learner, amelia).notes) == f"Visit {visit}: on track"

        # Both laptops change one learner, each through a different process: the second to
        # arrive is a conflict, both versions kept.
        type_note(assessor, amelia, "Prefers morning visits")
        type_note(spare, amelia, "Works Saturdays only")
        _via(assessor, centre)
        _via(spare, other)
        assert run_sync(assessor).conflicts == 0
        assert run_sync(spare).conflicts == 1
        [item] = spare.read(open_items)
        assert ("notes", "Works Saturdays only", "Prefers morning visits") in item.differences
        assert count_at_centre(other, SyncProblem) == 1

        # An IQA enrolled through one process and assigned to Amelia sees what both wrote.
        iqa = laptops("iqa")
        iris = enrolled(iqa, other, "Iris Khan", "iqa")
        uln = assessor.read(lambda s: s.get(Learner, amelia).uln)
        other.admin(staff.assign, uln, None, iris)
        _via(iqa, centre)
        run_sync(iqa)
        assert iqa.read(lambda s: s.get(Learner, amelia).notes) == "Prefers morning visits"

        for laptop, staff_id, role in ((assessor, sam, "assessor"), (spare, sam, "assessor"),
                                       (iqa, iris, "iqa")):
            run_sync(laptop)
            assert_laptop_matches_centre(laptop, centre, staff_id, role)
            assert_laptop_matches_centre(laptop, other, staff_id, role)
    finally:
        proxy.close()
        other.stop()
