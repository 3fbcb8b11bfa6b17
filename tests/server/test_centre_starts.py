"""The centre server starts as its own process, answers on loopback and enrols a laptop
with a one-time code, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import subprocess
import sys

import httpx

from app.sync.protocol import API, PROTOCOL_HEADER, PROTOCOL_VERSION
from server import staff
from tests.server.centre_process import ROOT

HEADERS = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
KEY = "ab" * 32


def test_health_answers_from_a_real_process(centre):
    r = httpx.get(f"{centre.url}{API}/health", headers=HEADERS, timeout=5)
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["protocol"] == PROTOCOL_VERSION


def test_an_old_laptop_is_told_to_update(centre):
    r = httpx.post(f"{centre.url}{API}/enrol", timeout=5, headers={PROTOCOL_HEADER: "0"},
                   json={"code": "X", "device_id": "d", "public_key": KEY})
    assert r.status_code == 426
    assert r.json()["error"] == "update_fieldfolio" and "update Fieldfolio" in r.json()["message"]


def test_an_enrol_code_works_once(centre):
    staff_id = centre.admin(staff.add_staff, "Sam Patel", "assessor")
    code = centre.admin(staff.new_enrol_code, staff_id)
    body = {"code": code.lower(), "device_id": "laptop-1", "device_name": "Sam's laptop",
            "public_key": KEY}
    r = httpx.post(f"{centre.url}{API}/enrol", json=body, headers=HEADERS, timeout=5)
    assert r.status_code == 200, r.text
    assert r.json()["staff"] == {"id": staff_id, "name": "Sam Patel", "role": "assessor"}
    token = r.json()["token"]
    again = httpx.post(f"{centre.url}{API}/enrol", json=body, headers=HEADERS, timeout=5)
    assert again.status_code == 404 and again.json()["error"] == "no_such_enrol_code"
    listed = centre.admin(staff.devices)
    assert [d["id"] for d in listed] == ["laptop-1"]
    db = centre.open_database()
    try:
        with db.reading() as session:
            from server.models import SyncDevice
            stored = session.get(SyncDevice, "laptop-1")
            assert stored.token_hash == staff.token_hash(token) and token not in stored.token_hash
    finally:
        db.dispose()


def test_server_admin_on_the_command_line(tmp_path):
    def admin(*args):
        out = subprocess.run([sys.executable, str(ROOT / "main.py"), "server-admin", "--data-dir",
                              str(tmp_path / "c"), "--json", *args], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
        return out.returncode, out.stdout, out.stderr
    rc, out, _ = admin("add-staff", "--name", "Iris Khan", "--role", "iqa")
    assert rc == 0
    iqa = json.loads(out)["id"]
    rc, out, _ = admin("enrol-code", iqa)
    assert rc == 0 and len(json.loads(out)["code"]) == 14
    rc, out, _ = admin("staff")      # the ids again, for an admin who did not keep them
    assert rc == 0 and json.loads(out) == [{"id": iqa, "name": "Iris Khan", "role": "iqa",
                                            "laptops": 0}]
    rc, _, err = admin("assign", "1234567890", "--iqa", iqa)
    assert rc == 1 and "no learner with ULN 1234567890" in err
    rc, _, err = admin("revoke", "no-such-device")
    assert rc == 1 and "No enrolled device" in err
    # --json after the action, where the issue's own example and an admin's habit put it
    last = subprocess.run([sys.executable, str(ROOT / "main.py"), "server-admin", "--data-dir",
                           str(tmp_path / "c"), "add-staff", "--name", "Sam Patel", "--role",
                           "assessor", "--json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert last.returncode == 0, last.stderr
    assert json.loads(last.stdout)["id"] != iqa
