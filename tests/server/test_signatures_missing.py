"""A laptop put back to an older copy of its database has lost the signatures made since:
the centre has seen them (each push carries the newest signature's number), so the next
sync says so in "needs attention", once, and the command line's sync exits with the code
for "needs attention"."""
from __future__ import annotations

import shutil

from app.caseload.demo import load_demo_caseload
from app.caseload.learners import save_learner
from app.db.store import Store
from app.signing.chain import chain_head
from app.sync.attention import SIGNATURES_MISSING, acknowledge, open_items
from app.sync.engine import run_sync
from tests.server.sync_helpers import enrolled


def test_an_older_copy_put_back_is_told_its_signatures_are_missing(centre, laptops, tmp_path):
    laptop = laptops("assessor")
    enrolled(laptop, centre, "Sam Patel")
    folder = laptop.data_dir
    run_sync(laptop)
    laptop.close()
    old_copy = tmp_path / "old-copy"
    shutil.copytree(folder, old_copy)          # before anything was signed

    laptop = Store(folder).open()
    laptop.write_now(load_demo_caseload)       # the demo's signed records
    signed, _ = laptop.read(chain_head, laptop.device_id)
    assert signed > 0
    assert not run_sync(laptop).chain_behind
    laptop.close()

    shutil.rmtree(folder)
    shutil.copytree(old_copy, folder)          # the older copy put back
    laptop = Store(folder).open()
    try:
        laptop.write_now(save_learner, None, {"given_names": "Ada", "family_name": "Ng"})
        assert run_sync(laptop).chain_behind
        [item] = [i for i in laptop.read(open_items) if i.kind == SIGNATURES_MISSING]
        assert item.title == "Signatures made on this laptop are missing from it"
        assert f"received {signed} signature(s)" in item.reason
        assert "now holds only 0" in item.reason
        laptop.write_now(save_learner, None, {"given_names": "Bea", "family_name": "Ng"})
        run_sync(laptop)                       # said once while unread
        assert [i.kind for i in laptop.read(open_items)].count(SIGNATURES_MISSING) == 1
        laptop.write_now(acknowledge, item.id)
        assert not [i for i in laptop.read(open_items) if i.kind == SIGNATURES_MISSING]
    finally:
        laptop.close()
