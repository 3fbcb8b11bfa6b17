"""Another laptop (the IQA's) fetching a recording when it is opened: resumed with HTTP Range
after a cut, kept only if its SHA-256 matches, never half-kept."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest

from app.transfer.download import download_file
from app.transfer.upload import TransferFailed, lacking, upload_file

sys.path.insert(0, str(Path(__file__).parent))
from fault_proxy import FaultProxy  # noqa: E402
from transfer_helpers import Laptop, client, on_disk  # noqa: E402

MB = 1024 * 1024


def recording_at_centre(tmp_path, centre, size, seed=0):
    assessor = Laptop(tmp_path / "assessor")
    sha = assessor.holds(size, seed)
    with client(centre.url) as http:
        upload_file(http, sha, assessor.files, assessor.book, chunk_size=MB)
    return assessor, sha


def test_a_download_cut_short_resumes_with_range_and_is_verified(tmp_path, centre):
    assessor, sha = recording_at_centre(tmp_path, centre, 12 * MB)
    iqa = Laptop(tmp_path / "iqa")
    assert not iqa.files.exists(sha)
    requests = []

    class CuttingStream(httpx.HTTPTransport):
        """Cuts the first response after 5 MB, as a dropped Wi-Fi link would."""

        def handle_request(self, request):
            requests.append(request.headers.get("Range"))
            response = super().handle_request(request)
            if len(requests) > 1:
                return response
            inner = response.stream

            class Cut(httpx.SyncByteStream):
                def __iter__(self):
                    sent = 0
                    for piece in inner:
                        yield piece
                        sent += len(piece)
                        if sent >= 5 * MB:
                            raise httpx.ReadError("connection reset")

                def close(self):
                    inner.close()
            return httpx.Response(response.status_code, headers=response.headers, stream=Cut(),
                                  request=request)

    seen = []
    with httpx.Client(base_url=centre.url, transport=CuttingStream()) as http:
        received = download_file(http, sha, iqa.files, iqa.downloads, pause=0.01,
                                 progress=lambda done, total: seen.append((done, total)))
    assert requests[0] is None and requests[1].startswith("bytes=") and requests[1] != "bytes=0-"
    assert received <= 12 * MB + MB
    assert iqa.read(sha) == assessor.read(sha)
    assert seen[-1] == (12 * MB, 12 * MB)
    assert list(iqa.downloads.iterdir()) == []  # nothing half-kept


def test_a_download_through_a_real_cut_connection(tmp_path, centre):
    assessor, sha = recording_at_centre(tmp_path, centre, 6 * MB, seed=1)
    iqa = Laptop(tmp_path / "iqa")
    proxy = FaultProxy(centre.port)
    try:
        proxy.cut_down_after(3 * MB)  # mid-reply, as the file streams down
        with client(proxy.url) as http:
            received = download_file(http, sha, iqa.files, iqa.downloads, pause=0.05)
    finally:
        proxy.close()
    assert proxy.cuts == 1
    assert iqa.read(sha) == assessor.read(sha)
    assert received <= 6 * MB + 128 * 1024  # the rest was asked for, not the whole again


def test_a_file_damaged_at_the_centre_is_not_kept(tmp_path, centre):
    assessor, sha = recording_at_centre(tmp_path, centre, 2 * MB, seed=2)
    stored = on_disk(centre.root, sha)
    os.chmod(stored, 0o644)
    with open(stored, "r+b") as fh:
        fh.seek(MB + 1000)
        byte = fh.read(1)
        fh.seek(MB + 1000)
        fh.write(bytes([byte[0] ^ 1]))
    iqa = Laptop(tmp_path / "iqa")
    # A download resumed past the first byte is checked by the laptop's own hash at its end
    # (the centre re-hashes only a download from the start).
    iqa.downloads.mkdir(parents=True, exist_ok=True)
    with assessor.files.open(sha) as good:
        (iqa.downloads / f"{sha}.part").write_bytes(good.read(MB))
    with client(centre.url) as http:
        with pytest.raises(TransferFailed) as failed:
            download_file(http, sha, iqa.files, iqa.downloads)
    assert "did not match" in str(failed.value)
    assert not iqa.files.exists(sha) and list(iqa.downloads.iterdir()) == []
    # From the start, the centre finds the damage itself: refused, set aside, never served.
    with client(centre.url) as http:
        with pytest.raises(TransferFailed) as failed:
            download_file(http, sha, iqa.files, iqa.downloads)
    assert "damaged" in str(failed.value) and "set aside" in str(failed.value)
    assert not iqa.files.exists(sha) and list(iqa.downloads.iterdir()) == []
    assert not stored.exists()
    with client(centre.url) as http:
        assert lacking(http, [sha]) == [sha]   # so the laptop that holds it sends it again


def test_range_requests_follow_http(tmp_path, centre):
    _assessor, sha = recording_at_centre(tmp_path, centre, 100_000, seed=3)
    with client(centre.url) as http:
        whole = http.get(f"/files/by-hash/{sha}").content
        part = http.get(f"/files/by-hash/{sha}", headers={"Range": "bytes=10-19"})
        tail = http.get(f"/files/by-hash/{sha}", headers={"Range": "bytes=-5"})
        beyond = http.get(f"/files/by-hash/{sha}", headers={"Range": "bytes=100000-"})
        missing = http.get(f"/files/by-hash/{'0' * 64}")
    assert part.status_code == 206 and part.content == whole[10:20]
    assert part.headers["Content-Range"] == "bytes 10-19/100000"
    assert tail.content == whole[-5:]
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == "bytes */100000"
    assert missing.status_code == 404


def test_a_file_not_at_the_centre_says_so(tmp_path, centre):
    iqa = Laptop(tmp_path / "iqa")
    with client(centre.url) as http:
        with pytest.raises(TransferFailed) as failed:
            download_file(http, "a" * 64, iqa.files, iqa.downloads)
    assert "not at the centre" in str(failed.value)


def test_a_whole_file_is_checked_as_it_streams_and_a_damaged_one_cut_short(tmp_path, centre):
    """Bytes flow from the first moment (no re-hash of a multi-GB file while the laptop
    waits); the centre's hash runs alongside and holds the last piece back, so a copy that
    went bad on its disk never reaches a laptop whole: it is set aside, the stream stops one
    piece short, and the laptop's next try hears why (410) and keeps nothing."""
    _assessor, sha = recording_at_centre(tmp_path, centre, 6 * MB, seed=8)
    stored = on_disk(centre.root, sha)
    os.chmod(stored, 0o644)
    with open(stored, "r+b") as fh:  # a failing disk, long after the upload was checked
        fh.seek(3 * MB + 17)
        byte = fh.read(1)
        fh.seek(3 * MB + 17)
        fh.write(bytes([byte[0] ^ 0xFF]))
    got = bytearray()
    with client(centre.url) as http:
        with http.stream("GET", f"/files/by-hash/{sha}") as r:
            assert r.status_code == 200  # the answer starts before the file has been hashed
            with pytest.raises(httpx.HTTPError):
                for piece in r.iter_bytes():
                    got += piece
    assert 0 < len(got) < 6 * MB  # everything but the piece held back
    assert not stored.exists() and any((centre.root / ".damaged").glob(f"{sha}.*"))
    iqa = Laptop(tmp_path / "iqa")
    with client(centre.url) as http:
        again = http.get(f"/files/by-hash/{sha}", headers={"Range": "bytes=1000-"})
        assert again.status_code == 410 and "damaged" in again.json()["detail"]
        with pytest.raises(TransferFailed) as failed:
            download_file(http, sha, iqa.files, iqa.downloads, name="Interview", pause=0.01)
    assert "damaged" in str(failed.value)
    assert not iqa.files.exists(sha)
    assert not iqa.downloads.exists() or list(iqa.downloads.iterdir()) == []


def test_a_large_file_downloads_whole_and_checked(tmp_path, centre):
    """A fault-free 96 MB recording from the first byte: streamed and checked on the way,
    kept by the laptop after its own SHA-256 check."""
    _assessor, sha = recording_at_centre(tmp_path, centre, 96 * MB, seed=9)
    iqa = Laptop(tmp_path / "iqa")
    with client(centre.url) as http:
        assert download_file(http, sha, iqa.files, iqa.downloads) == 96 * MB
    assert iqa.files.exists(sha) and on_disk(centre.root, sha).exists()
