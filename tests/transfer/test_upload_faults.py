"""Uploads through real faults: a uvicorn server process on loopback, a proxy that cuts the
connection mid-chunk or flips a byte, a laptop killed mid-upload, the server killed and
restarted. Each test ends by re-hashing the file the centre stored.

Sizes are modest for the suite (16-24 MB, 1 MB chunks); bench/ runs 200 MB and 1 GB."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.transfer.upload import TransferFailed, lacking, upload_file

sys.path.insert(0, str(Path(__file__).parent))
from fault_proxy import FaultProxy  # noqa: E402
from transfer_helpers import Laptop, client, on_disk, stored_sha  # noqa: E402

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def proxy(centre):
    p = FaultProxy(centre.port)
    yield p
    p.close()


def test_cut_mid_chunk_resumes_and_resends_at_most_one_chunk(tmp_path, centre, proxy):
    laptop = Laptop(tmp_path / "laptop")
    size = 24 * MB
    sha = laptop.holds(size)
    proxy.cut_after(int(10.5 * MB))  # half way through the eleventh chunk
    with client(proxy.url) as http:
        assert lacking(http, [sha]) == [sha]
        report = upload_file(http, sha, laptop.files, laptop.book, chunk_size=MB, pause=0.05)
    assert proxy.cuts == 1
    assert report.sent - size <= MB, f"resent {report.sent - size} bytes"
    assert proxy.sent_up < size + MB + 64 * 1024  # headers aside, at most one chunk again
    assert stored_sha(on_disk(centre.root, sha)) == sha
    with client(centre.url) as http:
        assert lacking(http, [sha]) == []
    assert laptop.book.get(sha) is None


def test_a_chunk_corrupted_in_transit_is_refused_and_sent_again(tmp_path, centre, proxy):
    laptop = Laptop(tmp_path / "laptop")
    size = 6 * MB
    sha = laptop.holds(size, seed=2)
    proxy.flip_after(3 * MB + 12345)
    with client(proxy.url) as http:
        report = upload_file(http, sha, laptop.files, laptop.book, chunk_size=MB, pause=0.05)
    assert proxy.flips == 1 and report.retries == 1
    assert report.sent == size + MB
    assert stored_sha(on_disk(centre.root, sha)) == sha


def test_server_killed_mid_upload_and_restarted(tmp_path, centre, proxy):
    laptop = Laptop(tmp_path / "laptop")
    size = 16 * MB
    sha = laptop.holds(size, seed=3)
    killed = threading.Event()

    def kill_and_restart(done, total):
        if done >= 5 * MB and not killed.is_set():
            killed.set()
            centre.kill()
            threading.Timer(0.5, centre.start).start()  # same port

    with client(proxy.url) as http:
        report = upload_file(http, sha, laptop.files, laptop.book, chunk_size=MB, pause=0.2,
                             progress=kill_and_restart)
    assert killed.is_set() and report.retries >= 1
    assert report.sent - size <= MB
    assert stored_sha(on_disk(centre.root, sha)) == sha


UPLOAD_SCRIPT = """
import sys, os, httpx
sys.path.insert(0, {root!r})
from tests.transfer.transfer_helpers import Laptop
from app.transfer.upload import upload_file
laptop = Laptop({data!r})
def progress(done, total):
    print(done, flush=True)
with httpx.Client(base_url={url!r}) as http:
    r = upload_file(http, {sha!r}, laptop.files, laptop.book, chunk_size={chunk}, progress=progress)
print("resumed_from", r.resumed_from, "sent", r.sent, flush=True)
"""


def test_laptop_killed_mid_upload_resumes_after_restart(tmp_path, centre):
    laptop = Laptop(tmp_path / "laptop")
    size = 16 * MB
    sha = laptop.holds(size, seed=4)
    script = UPLOAD_SCRIPT.format(root=str(ROOT), data=str(laptop.data_dir), url=centre.url,
                                  sha=sha, chunk=MB)
    first = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    for line in first.stdout:
        if int(line.split()[0]) >= 6 * MB:
            first.kill()  # kill -9: no chance to tidy up
            break
    first.wait()
    assert laptop.book.get(sha) is not None  # where to resume survived the kill
    held = laptop.book.held(sha)             # and how much had gone, for the status bar
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True)
    last = again.stdout.strip().splitlines()[-1].split()
    resumed_from, sent = int(last[1]), int(last[3])
    assert resumed_from >= 6 * MB and sent == size - resumed_from
    assert 6 * MB <= held <= resumed_from
    assert stored_sha(on_disk(centre.root, sha)) == sha


def test_same_file_from_two_laptops_at_once_is_stored_once(tmp_path, centre):
    a, b = Laptop(tmp_path / "a"), Laptop(tmp_path / "b")
    sha = a.holds(8 * MB, seed=5)
    assert b.holds(8 * MB, seed=5) == sha
    results, errors = [], []

    def send(laptop):
        try:
            with client(centre.url) as http:
                results.append(upload_file(http, sha, laptop.files, laptop.book,
                                           chunk_size=MB, pause=0.05))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(lap,)) for lap in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(results) == 2
    assert stored_sha(on_disk(centre.root, sha)) == sha
    stored = [p for p in Path(centre.root).rglob("*") if p.is_file() and ".uploads" not in p.parts]
    assert stored == [on_disk(centre.root, sha)]
    with client(centre.url) as http:  # a third time: nothing is sent at all
        again = upload_file(http, sha, a.files, a.book, chunk_size=MB)
    assert again.already_there and again.sent == 0


def test_the_centre_gone_for_good_fails_with_a_message_and_keeps_the_file(tmp_path, centre):
    laptop = Laptop(tmp_path / "laptop")
    sha = laptop.holds(2 * MB, seed=6)
    url = centre.url
    centre.kill()
    with client(url) as http:
        with pytest.raises(TransferFailed) as failed:
            upload_file(http, sha, laptop.files, laptop.book, attempts=2, pause=0.01)
    assert "safe on this laptop" in str(failed.value)
    assert laptop.files.exists(sha)


def test_memory_stays_near_one_chunk(tmp_path, centre):
    """A 64 MB upload does not grow the client by anything near the file's size."""
    import tracemalloc
    laptop = Laptop(tmp_path / "laptop")
    sha = laptop.holds(64 * MB, seed=7)
    tracemalloc.start()
    with client(centre.url) as http:
        upload_file(http, sha, laptop.files, laptop.book, chunk_size=4 * MB)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 * MB, f"peak {peak / MB:.1f} MB"
    assert stored_sha(on_disk(centre.root, sha)) == sha
    time.sleep(0)


def test_chunks_go_with_xxh3_where_the_centre_offers_it_and_older_checks_still_count(tmp_path,
                                                                                     centre):
    """A laptop checks each chunk with XXH3 (tens of GB/s) when the centre lists it first;
    laptops from before that, sending CRC-32 or SHA-256 per chunk, are still served, and a
    chunk whose XXH3 does not match is refused with tus's 460 and nothing of it kept."""
    import hashlib
    import zlib

    import xxhash
    laptop = Laptop(tmp_path / "laptop")
    sha = laptop.holds(4 * MB, seed=13)
    data = laptop.read(sha)
    tus = {"Tus-Resumable": "1.0.0"}
    with client(centre.url) as http:
        offered = http.options("/files", headers=tus).headers["Tus-Checksum-Algorithm"].split(",")
        assert offered[:3] == ["xxh3-64", "crc32", "sha256"]
        url, patch = _upload_by_hand(http, data, sha)
        assert patch(0, data[:MB], "sha256", hashlib.sha256(data[:MB]).digest()).status_code == 204
        crc = zlib.crc32(data[MB:2 * MB]).to_bytes(4, "big")
        assert patch(MB, data[MB:2 * MB], "crc32", crc).headers["Upload-Offset"] == str(2 * MB)
        damaged = bytearray(data[2 * MB:3 * MB])
        damaged[4096] ^= 1
        refused = patch(2 * MB, bytes(damaged), "xxh3-64", xxhash.xxh3_64_digest(data[2 * MB:3 * MB]))
        assert refused.status_code == 460
        assert http.head(url, headers=tus).headers["Upload-Offset"] == str(2 * MB)
    laptop.book.put(sha, url)
    sent_with = []
    with client(centre.url) as http:
        http.event_hooks["request"] = [
            lambda request: sent_with.append(request.headers.get("Upload-Checksum", ""))]
        report = upload_file(http, sha, laptop.files, laptop.book, chunk_size=MB)
    assert report.resumed_from == 2 * MB and report.retries == 0
    assert [c.split(" ")[0] for c in sent_with if c] == ["xxh3-64", "xxh3-64"]
    assert stored_sha(on_disk(centre.root, sha)) == sha


def test_chunks_go_with_crc32_where_the_centre_offers_it_and_sha256_still_counts(tmp_path):
    """A centre from before XXH3 lists CRC-32 first: the laptop checks each chunk with it (a
    tenth of a SHA-256's cost); a laptop from before that, sending SHA-256 per chunk, is still
    served, and a chunk whose CRC-32 does not match is refused with tus's 460 and nothing of
    it kept."""
    import hashlib
    import zlib
    from file_server import FileServer
    centre = FileServer(tmp_path / "crc32-centre", checksums="crc32,sha256,sha1,md5").start()
    try:
        laptop = Laptop(tmp_path / "laptop")
        sha = laptop.holds(3 * MB, seed=11)
        data = laptop.read(sha)
        tus = {"Tus-Resumable": "1.0.0"}
        with client(centre.url) as http:
            offered = http.options("/files", headers=tus).headers["Tus-Checksum-Algorithm"]
            assert offered.split(",")[0] == "crc32" and "sha256" in offered.split(",")
            url, patch = _upload_by_hand(http, data, sha)
            older = patch(0, data[:MB], "sha256", hashlib.sha256(data[:MB]).digest())
            assert older.status_code == 204 and older.headers["Upload-Offset"] == str(MB)
            damaged = bytearray(data[MB:2 * MB])
            damaged[4096] ^= 1
            refused = patch(MB, bytes(damaged), "crc32", zlib.crc32(data[MB:2 * MB]).to_bytes(4, "big"))
            assert refused.status_code == 460
            assert http.head(url, headers=tus).headers["Upload-Offset"] == str(MB)
        # The laptop's own client picks up from what the centre holds, with CRC-32 per chunk.
        laptop.book.put(sha, url)
        sent_with = []
        with client(centre.url) as http:
            http.event_hooks["request"] = [
                lambda request: sent_with.append(request.headers.get("Upload-Checksum", ""))]
            report = upload_file(http, sha, laptop.files, laptop.book, chunk_size=MB)
        assert report.resumed_from == MB and report.retries == 0
        chunk_checks = [c.split(" ")[0] for c in sent_with if c]
        assert chunk_checks == ["crc32", "crc32"]
        assert stored_sha(on_disk(centre.root, sha)) == sha
    finally:
        centre.stop()


def test_a_centre_from_before_crc32_gets_sha256_per_chunk(tmp_path):
    """Laptops are often updated before their centre: one whose centre does not list CRC-32
    checks each chunk with SHA-256, which every centre has taken, and the file arrives; a
    CRC-32 chunk sent to such a centre anyway is refused, not taken unchecked."""
    import base64
    import zlib
    from file_server import FileServer
    older = FileServer(tmp_path / "older-centre", checksums="sha256,sha1,md5").start()
    try:
        laptop = Laptop(tmp_path / "laptop")
        sha = laptop.holds(3 * MB, seed=12)
        sent_with = []
        with client(older.url) as http:
            assert "crc32" not in http.options(
                "/files", headers={"Tus-Resumable": "1.0.0"}).headers["Tus-Checksum-Algorithm"]
            http.event_hooks["request"] = [
                lambda request: sent_with.append(request.headers.get("Upload-Checksum", ""))]
            report = upload_file(http, sha, laptop.files, laptop.book, chunk_size=MB)
        assert report.retries == 0
        assert [c.split(" ")[0] for c in sent_with if c] == ["sha256"] * 3
        assert stored_sha(on_disk(older.root, sha)) == sha

        tus = {"Tus-Resumable": "1.0.0"}
        data = b"x" * MB
        with client(older.url) as http:
            import hashlib
            named = base64.b64encode(hashlib.sha256(data).hexdigest().encode()).decode()
            made = http.post("/files", headers={**tus, "Upload-Length": str(len(data)),
                                                "Upload-Metadata": "sha256 " + named})
            crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
            refused = http.patch(made.headers["Location"], content=data, headers={
                **tus, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0",
                "Upload-Checksum": f"crc32 {crc}"})
        assert refused.status_code == 400 and "does not take crc32" in refused.text
    finally:
        older.stop()


def _upload_by_hand(http, data: bytes, sha: str):
    """A tus upload created as an older (or newer) laptop would, and a PATCH that names its
    own checksum algorithm: (the upload's URL, patch(offset, body, algorithm, digest))."""
    import base64
    tus = {"Tus-Resumable": "1.0.0"}
    made = http.post("/files", headers={**tus, "Upload-Length": str(len(data)),
                                        "Upload-Metadata": "sha256 " + base64.b64encode(
                                            sha.encode()).decode()})
    url = made.headers["Location"]

    def patch(offset, body, algorithm, digest):
        return http.patch(url, content=body, headers={
            **tus, "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": str(offset),
            "Upload-Checksum": f"{algorithm} {base64.b64encode(digest).decode()}"})
    return url, patch
