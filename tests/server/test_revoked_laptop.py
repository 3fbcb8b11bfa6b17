"""A laptop the centre marks lost (issue 17), with a real centre process and a real laptop
data folder: it sends what it had not synced, the centre keeps it (and its audit says it came
after the revocation), confirms, and the laptop wipes its caseload and says why, then and at
every later start. Nothing is wiped while anything is only on the laptop: not when the
centre dies mid-push, not when the centre has not confirmed."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import httpx
import pytest
from sqlalchemy import select

from app.caseload.enrolments import enrol as enrol_learner
from app.caseload.learners import save_learner
from app.evidence.attachments import attach_file
from app.evidence.records import create_record
from app.models import Learner
from app.models.catalogue import Qualification
from app.safekeeping import wipe
from app.sync import state
from app.sync.engine import run_sync
from app.sync.protocol import API, PROTOCOL_HEADER, PROTOCOL_VERSION
from app.sync.revoked import LaptopRevoked
from server import staff
from server.audit import audit
from server.files.wiring import centre_files
from tests.server.centre_process import ROOT, CentreProcess
from tests.server.sync_helpers import enrolled
from tests.transfer.fault_proxy import FaultProxy

MARKER = "Quillfeather"           # the learner's family name: must be nowhere after the wipe
PHOTO = b"\x89PNG pretend photo of " + MARKER.encode() * 200


def _cli(data_dir, *args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir),
                           *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def _unsynced_learner_with_a_photo(laptop, tmp_path) -> tuple[str, str]:
    learner = laptop.write_now(save_learner, None, {"given_names": "Zebedee",
                                                    "family_name": MARKER})
    qualification = laptop.read(lambda s: s.scalars(select(Qualification.id)).first())
    enrolment = laptop.write_now(enrol_learner, learner, qualification)
    record = laptop.write_now(create_record, enrolment, "PD", title=f"{MARKER} discussion")
    photo = tmp_path / "photo.png"
    photo.write_bytes(PHOTO)
    attach_file(laptop, record, photo)
    photo.unlink()
    import hashlib
    return learner, hashlib.sha256(PHOTO).hexdigest()


def _files_mentioning(folder, marker: bytes) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.is_file() and marker in p.read_bytes()]


def _centre_learner(centre, learner_id):
    db = centre.open_database()
    try:
        with db.reading() as session:
            row = session.get(Learner, learner_id)
            return row.family_name if row else None
    finally:
        db.dispose()


def _audit(centre, device_id):
    db = centre.open_database()
    try:
        with db.reading() as session:
            return audit(session, device_id)
    finally:
        db.dispose()


def test_revoked_laptop_sends_its_last_changes_then_wipes_itself(centre, laptops, tmp_path):
    laptop = laptops("lost")
    enrolled(laptop, centre, "Sam Patel")
    run_sync(laptop)
    learner, photo_hash = _unsynced_learner_with_a_photo(laptop, tmp_path)
    assert laptop.read(state.status).waiting > 0
    device, data_dir = laptop.device_id, laptop.data_dir
    centre.admin(staff.revoke, device)
    laptop.close()

    done = _cli(data_dir, "sync", "--json")
    assert done.returncode == 4, done.stderr
    answer = json.loads(done.stdout)
    assert answer["wiped"] is True and answer["pushed"] > 0
    assert "revoked" in done.stderr and "wiped" in done.stderr

    # The centre kept what the lost laptop sent, file included, and its audit says how.
    assert _centre_learner(centre, learner) == MARKER
    db = centre.open_database()
    assert centre_files(db).has(photo_hash)
    db.dispose()
    events = _audit(centre, device)
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "device_revoked" and kinds[-1] == "wipe_confirmed"
    assert {"learner", learner} <= {v for e in events if e["kind"] == "pushed_after_revocation"
                                   for v in (e["table"], e["record_id"])}

    # The laptop's folder holds nothing of the caseload: no database, no key, no photo.
    left = sorted(p.name for p in data_dir.iterdir())
    assert left == [wipe.NOTICE], left
    assert not _files_mentioning(data_dir, MARKER.encode())
    assert "revoked" in (data_dir / wipe.NOTICE).read_text()

    # The next start explains, and makes no new caseload.
    again = _cli(data_dir, "learners")
    assert again.returncode == 1
    assert "wiped this laptop's caseload" in again.stderr and "revoked" in again.stderr
    assert sorted(p.name for p in data_dir.iterdir()) == [wipe.NOTICE]


def test_a_revoked_laptop_gets_no_data_but_may_hand_in(centre, laptops):
    """Pull, check and file downloads are refused; push is taken; the wipe is confirmed
    only for the number of the last change the centre holds."""
    laptop = laptops("lost")
    enrolled(laptop, centre, "Sam Patel")
    laptop.write_now(save_learner, None, {"given_names": "Ada", "family_name": "Ng"})
    run_sync(laptop)
    centre.admin(staff.revoke, laptop.device_id)
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION),
               "Authorization": f"Bearer {laptop.read(state.get, 'token')}"}
    with httpx.Client(base_url=f"{centre.url}{API}", headers=headers, timeout=30) as http:
        assert http.post("/pull", json={"cursors": {}}).status_code == 410
        assert http.get("/check").status_code == 410
        assert http.get("/files/by-hash/" + "0" * 64).status_code in (404, 410)
        last = int(laptop.read(state.get, "acked_seq"))
        wrong = http.post("/wipe", json={"last_seq": last - 1, "files": []}).json()
        assert wrong["wipe"] is False and "sync again" in wrong["reason"]
        lacking = http.post("/wipe", json={"last_seq": last, "files": ["a" * 64]}).json()
        assert lacking["wipe"] is False and "not reached the centre" in lacking["reason"]
        right = http.post("/wipe", json={"last_seq": last, "files": []}).json()
        assert right["wipe"] is True
    assert laptop.db_path.exists()  # the centre only answered; the laptop decides


def test_no_wipe_when_the_centre_dies_mid_push(centre, laptops, tmp_path):
    laptop = laptops("lost")
    enrolled(laptop, centre, "Sam Patel")
    from app.caseload.demo import load_demo_caseload
    laptop.write_now(load_demo_caseload)           # hundreds of changes: several batches
    learner, _ = _unsynced_learner_with_a_photo(laptop, tmp_path)
    centre.admin(staff.revoke, laptop.device_id)
    proxy = FaultProxy(centre.port)
    laptop.write_now(state.put, "url", proxy.url)

    over, killed = threading.Event(), threading.Event()

    def kill_when_busy():
        # Gives up once the sync is over: a sync that failed before sending this much (a
        # revoked laptop refused earlier than its push) once left this loop, and CI, waiting.
        while proxy.sent_up < 200_000 and not over.is_set():
            time.sleep(0.005)
        if not over.is_set():
            centre.kill()
            killed.set()
    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    with pytest.raises(Exception) as failed:
        try:
            run_sync(laptop)
        finally:
            over.set()
    killer.join()
    proxy.close()
    assert killed.is_set(), f"the sync failed before the centre died: {failed.value!r}"
    assert not isinstance(failed.value, LaptopRevoked) or failed.value.confirmation is None
    assert laptop.read(state.status).waiting > 0
    assert laptop.read(lambda s: s.get(Learner, learner).family_name) == MARKER
    assert not wipe.was_wiped(laptop.data_dir) and laptop.db_path.exists()

    # Back up again: the rest goes, the centre confirms, the laptop wipes.
    restarted = CentreProcess(centre.data_dir, centre.database_url)
    restarted.port, restarted.url = centre.port, centre.url
    restarted.start()
    try:
        laptop.write_now(state.put, "url", restarted.url)
        with pytest.raises(LaptopRevoked) as revoked:
            run_sync(laptop)
        assert revoked.value.confirmation is not None
        from app.sync.revoked import wipe_after_hand_in
        wiped, sentence = wipe_after_hand_in(laptop, revoked.value)
        assert wiped and "revoked" in sentence
        assert _centre_learner(restarted, learner) == MARKER
    finally:
        restarted.stop()
    assert sorted(p.name for p in laptop.data_dir.iterdir()) == [wipe.NOTICE]
