"""Half uploads do not stay at the centre for ever (tus expiration): an upload nobody carries
on (a laptop lost, a file deleted before it was all sent) is removed once idle longer than
the centre keeps partials, while one still being written and every stored file stay. A real
server process with a keep time of a few seconds is the clock."""
from __future__ import annotations

import base64
import os
import sys
import threading
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from app.transfer.upload import upload_file

sys.path.insert(0, str(Path(__file__).parent))
from fault_proxy import FaultProxy  # noqa: E402
from file_server import FileServer  # noqa: E402
from transfer_helpers import Laptop, client, on_disk, stored_sha  # noqa: E402

MB = 1024 * 1024
KEEP = 3.0
TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def short_memory_centre(tmp_path):
    server = FileServer(tmp_path / "centre-files", keep_partial=KEEP).start()
    yield server
    server.kill()


def _begin(http, sha: str, size: int) -> str:
    made = http.post("/files", headers={**TUS, "Upload-Length": str(size),
                                        "Upload-Metadata": "sha256 " + base64.b64encode(
                                            sha.encode()).decode()})
    assert made.status_code == 201
    expires = parsedate_to_datetime(made.headers["Upload-Expires"]).timestamp()
    assert time.time() < expires <= time.time() + KEEP + 2
    return made.headers["Location"]


def _partials(centre) -> set[str]:
    return {n.split(".")[0] for n in os.listdir(centre.root / ".uploads")}


def test_an_abandoned_half_upload_is_removed_and_the_laptop_starts_it_again(
        tmp_path, short_memory_centre):
    centre = short_memory_centre
    laptop = Laptop(tmp_path / "laptop")
    done_sha = laptop.holds(2 * MB, seed=1)
    lost_sha = laptop.holds(3 * MB, seed=2)
    with client(centre.url) as http:
        assert "expiration" in http.options("/files", headers=TUS).headers["Tus-Extension"]
        upload_file(http, done_sha, laptop.files, laptop.book, chunk_size=MB)  # stored
        url = _begin(http, lost_sha, 3 * MB)
        data = laptop.read(lost_sha)
        sent = http.patch(url, content=data[:MB], headers={
            **TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"})
        assert sent.status_code == 204 and "Upload-Expires" in sent.headers
        upload_id = url.rsplit("/", 1)[1]
        assert upload_id in _partials(centre)
        time.sleep(KEEP + 1.5)  # nothing arrives for longer than the centre keeps partials
        http.post("/files/lacking", json={"sha256": [lost_sha]})
        _begin(http, laptop.holds(MB, seed=3), MB)  # any upload request lets the centre sweep
        assert upload_id not in _partials(centre)
        assert http.head(url, headers=TUS).status_code == 404
        assert stored_sha(on_disk(centre.root, done_sha)) == done_sha  # stored files stay
        # The laptop still holds the address; it finds it gone and sends the file afresh.
        laptop.book.put(lost_sha, url)
        report = upload_file(http, lost_sha, laptop.files, laptop.book, chunk_size=MB)
    assert report.resumed_from == 0
    assert stored_sha(on_disk(centre.root, lost_sha)) == lost_sha


def test_an_upload_being_written_is_not_removed_however_long_it_stalls(
        tmp_path, short_memory_centre):
    """A chunk frozen on the way (its request holds the upload's lock) outlasts the keep
    time and a sweep; once the bytes flow again the upload finishes where it was."""
    centre = short_memory_centre
    laptop = Laptop(tmp_path / "laptop")
    sha = laptop.holds(4 * MB, seed=4)
    proxy = FaultProxy(centre.port)
    try:
        proxy.hold_after(int(2.5 * MB))  # mid third chunk
        result = {}

        def send():
            with client(proxy.url) as http:
                result["report"] = upload_file(http, sha, laptop.files, laptop.book,
                                               chunk_size=MB, pause=0.05)
        sender = threading.Thread(target=send)
        sender.start()
        assert proxy.holding.wait(20)
        time.sleep(KEEP + 1.5)
        with client(centre.url) as http:
            _begin(http, laptop.holds(MB, seed=5), MB)  # a sweep runs now
        assert len(_partials(centre)) == 2  # the stalled upload and the one just begun
        proxy.release()
        sender.join(30)
    finally:
        proxy.close()
    assert result["report"].retries == 0
    assert stored_sha(on_disk(centre.root, sha)) == sha
