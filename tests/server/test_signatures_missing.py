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


def _delete_newest_signature(folder, device_id: str) -> int:
    """As a tamperer would: straight into the laptop's SQLite file, the trigger that keeps
    signatures dropped first. Returns the deleted signature's number."""
    import sqlite3
    con = sqlite3.connect(folder / "fieldfolio.sqlite3")
    try:
        [(newest,)] = con.execute("SELECT max(sequence) FROM signature WHERE "
                                  "signing_device_id = ?", (device_id,)).fetchall()
        con.execute("DROP TRIGGER signature_no_delete")
        con.execute("DELETE FROM signature WHERE signing_device_id = ? AND sequence = ?",
                    (device_id, newest))
        con.commit()
        return newest
    finally:
        con.close()


def test_a_deleted_newest_signature_is_found_by_a_sync_with_nothing_to_send(centre, laptops):
    """The chain head goes up with every sync, not only with a push: the one question a
    sync with nothing to do asks carries it, and so does the pull of a full sync."""
    from app.sync import state
    from tests.server.test_sync_nothing_to_do import _sync_counting
    laptop = laptops("assessor")
    enrolled(laptop, centre, "Sam Patel")
    laptop.write_now(load_demo_caseload)
    run_sync(laptop)
    assert _sync_counting(laptop)[1] == ["/api/v1/changes"]   # up to date: one question
    folder, device = laptop.data_dir, laptop.device_id
    laptop.close()

    newest = _delete_newest_signature(folder, device)
    laptop = Store(folder).open()
    try:
        assert laptop.read(chain_head, device)[0] == newest - 1
        outcome, paths = _sync_counting(laptop)
        assert paths == ["/api/v1/changes"], "nothing was pushed or pulled"
        assert outcome.chain_behind and outcome.attention == 1
        [item] = [i for i in laptop.read(open_items) if i.kind == SIGNATURES_MISSING]
        assert f"received {newest} signature(s)" in item.reason
        assert f"now holds only {newest - 1}" in item.reason

        # A full sync with nothing to push (the shortcut not taken) says it through the pull.
        laptop.write_now(acknowledge, item.id)
        laptop.write_now(state.put, "watch", None)
        outcome, paths = _sync_counting(laptop)
        assert "/api/v1/pull" in paths and "/api/v1/push" not in paths
        assert outcome.chain_behind
        assert [i.kind for i in laptop.read(open_items)] == [SIGNATURES_MISSING]
    finally:
        laptop.close()
