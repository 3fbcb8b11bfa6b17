"""`fieldfolio server --keep-partial-uploads DAYS`: the real centre, started over a files
folder holding half uploads from long ago, removes the ones idle past the keep time as it
starts and keeps the rest (a recent one, and every stored file). The clock is the files'
modification times, set back by the test. The sweep itself (a stall mid-chunk is never
removed, the laptop sends a removed upload again) is tested over a real files server in
tests/transfer/test_upload_expiry.py."""
from __future__ import annotations

import json
import os
import time
import uuid

from tests.server.centre_process import CentreProcess

DAY = 24 * 3600


def _half_upload(uploads, idle_days: float) -> str:
    upload_id = uuid.uuid4().hex
    (uploads / f"{upload_id}.part").write_bytes(b"x" * 1000)
    (uploads / f"{upload_id}.json").write_text(json.dumps({
        "id": upload_id, "length": 5000, "sha256": "ab" * 32, "owner": "laptop-1",
        "offset": 1000, "name": "interview.m4a"}))
    when = time.time() - idle_days * DAY
    for suffix in (".part", ".json"):
        os.utime(uploads / f"{upload_id}{suffix}", (when, when))
    return upload_id


def test_the_centre_removes_long_idle_half_uploads_when_it_starts(tmp_path,
                                                                  centre_template_dir):
    centre = CentreProcess(tmp_path / "centre", None, centre_template_dir,
                           server_args=("--keep-partial-uploads", "3"))
    uploads = centre.data_dir / "files" / ".uploads"
    uploads.mkdir(parents=True)
    stored = centre.data_dir / "files" / "cd" / ("cd" * 32)
    stored.parent.mkdir()
    stored.write_bytes(b"a stored file, named by its hash")
    os.utime(stored, (time.time() - 400 * DAY,) * 2)
    lost = _half_upload(uploads, idle_days=20)
    stalled = _half_upload(uploads, idle_days=3.5)
    recent = _half_upload(uploads, idle_days=2)
    centre.start()
    try:
        left = {name.split(".")[0] for name in os.listdir(uploads)}
    finally:
        centre.stop()
    assert lost not in left and stalled not in left
    assert recent in left
    assert stored.read_bytes() == b"a stored file, named by its hash"
