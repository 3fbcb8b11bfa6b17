"""Benchmarks for evidence files over sync (issue 14), each beside its plainest baseline:

- a large attachment uploaded on loopback by the resumable client (tus, 32 MB chunks, each
  checked by XXH3, the whole file's SHA-256 worked out on the server as it is written) against a plain HTTP PUT
  of the same file to the same uvicorn server, streamed to disk and fsynced. Target: at least
  0.7x the PUT's speed, client memory under 150 MB (resident set of a fresh client process);
- a 200 MB upload cut half way by a fault proxy, then resumed: bytes sent again and time to
  finish, against the same upload uncut.

Servers and clients run as separate processes on 127.0.0.1.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.timing import Row, Series

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
sys.path.insert(0, str(ROOT / "tests" / "transfer"))  # the fault proxy the tests use


class TransferServer:
    def __init__(self, root: Path):
        self.root = root
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "transfer_server.py"),
                                      str(root)], stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline())
        self.url = f"http://127.0.0.1:{self.port}"
        time.sleep(0.3)

    def cpu_seconds(self) -> float | None:
        """The server process's CPU time so far (Linux), to put beside the wall times: on a
        machine shared with others the CPU an upload costs says more than its seconds."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def _laptop_with_file(data_dir: Path, size: int) -> tuple[Path, str]:
    """A laptop data folder whose attachment store holds one `size`-byte file."""
    from app.db.store import Store
    from app.transfer.laptop_files import attachments_of_store
    incoming = data_dir / "attachments" / ".incoming-bench"
    incoming.mkdir(parents=True, exist_ok=True)
    path = incoming / "recording.mp4"
    digest = hashlib.sha256()
    block = os.urandom(MB)
    with open(path, "wb") as fh:
        for i in range(size // MB):
            piece = i.to_bytes(8, "big") + block[8:]
            fh.write(piece)
            digest.update(piece)
    sha = digest.hexdigest()
    plain = data_dir / "plain-copy.mp4"
    shutil.copyfile(path, plain)
    attachments_of_store(Store(data_dir)).adopt(path, sha)
    # On disk before the clock starts: otherwise the kernel writes these 2 GB back half a
    # minute later, in the middle of whichever timed run is going then.
    os.sync()
    return plain, sha


def _read_through(path: Path) -> None:
    """Read a file once so that it is in the page cache. Before each timed run, for the PUT's
    file and the laptop's alike: this machine pages out memory left idle for a minute, and a
    run that found its source paged out read the disk and took twice as long."""
    with open(path, "rb") as fh:
        while fh.read(8 * MB):
            pass


def _probe(*args: str, server: TransferServer | None = None) -> dict:
    before = server.cpu_seconds() if server else None
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "transfer_probe.py"), *args],
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"transfer probe failed: {done.stderr[-2000:]}")
    got = json.loads(done.stdout.strip().splitlines()[-1])
    after = server.cpu_seconds() if server else None
    if before is not None and after is not None:
        got["server_cpu"] = after - before
    return got


def _clear_centre(root: Path, sha: str) -> None:
    stored = root / "files" / sha[:2] / sha
    if stored.exists():
        os.chmod(stored, 0o644)
        stored.unlink()
    shutil.rmtree(root / "plain", ignore_errors=True)
    (root / "plain").mkdir()


def upload_speed(scratch: Path, runs: int, quick: bool) -> Row:
    size = (16 if quick else 1024) * MB
    label = f"{size // MB} MB" if size < 1024 * MB else "1 GB"
    row = Row(f"attachment upload ({label}) on loopback", None, "≥ 0.7× plain PUT speed",
              note="tus client, 32 MB chunks each with its XXH3 checksum, server hashes SHA-256 "
                   "behind the writes, fsync, hard link into the store; memory: client process "
                   "RSS (< 150 MB)")
    laptop = scratch / "upload-laptop"
    plain, sha = _laptop_with_file(laptop, size)
    source = next(p for p in (laptop / "attachments").rglob(sha) if p.is_file())
    centre = scratch / "upload-centre"
    server = TransferServer(centre)
    try:
        ours, baseline, rss, cpu_ours, cpu_baseline = [], [], [], [], []
        for i in range(runs + 1):  # the first of each is a warm-up
            _clear_centre(centre, sha)
            _read_through(plain)
            got = _probe("put", server.url, str(plain), server=server)
            if i:
                baseline.append(got["seconds"])
                cpu_baseline.append(got["cpu"] + got.get("server_cpu", 0.0))
            _clear_centre(centre, sha)
            _read_through(source)
            got = _probe("tus", server.url, str(laptop), sha, server=server)
            if i:
                ours.append(got["seconds"])
                rss.append(got["peak_rss"])
                cpu_ours.append(got["cpu"] + got.get("server_cpu", 0.0))
            stored = centre / "files" / sha[:2] / sha
            assert stored.stat().st_size == size, "the upload did not arrive whole"
    finally:
        server.stop()
        shutil.rmtree(laptop, ignore_errors=True)
        shutil.rmtree(centre, ignore_errors=True)
    row.measured = Series("resumable upload", ours)
    row.baseline = Series("plain HTTP PUT of the same file to the same server (streamed, fsync)",
                          baseline)
    row.target = row.baseline.median / 0.7
    row.peak_bytes, row.peak_kind = max(rss), "RSS"
    row.note += (f"; CPU (client + server) median {statistics.median(cpu_ours):.2f} s against "
                 f"{statistics.median(cpu_baseline):.2f} s for the PUT")
    if max(rss) >= 150 * MB:
        row.note += f"; MISS: client RSS {max(rss) / MB:.0f} MB"
    return row


def resume_after_cut(scratch: Path, quick: bool) -> Row:
    from fault_proxy import FaultProxy

    from app.transfer.upload import CHUNK_SIZE
    size = (24 if quick else 200) * MB
    row = Row(f"upload cut half way and resumed ({size // MB} MB)", None,
              f"(resends ≤ one {CHUNK_SIZE // MB} MB chunk)")
    laptop = scratch / "resume-laptop"
    _plain, sha = _laptop_with_file(laptop, size)
    centre = scratch / "resume-centre"
    server = TransferServer(centre)
    try:
        uncut = _probe("tus", server.url, str(laptop), sha)
        _clear_centre(centre, sha)
        proxy = FaultProxy(server.port)
        proxy.cut_after(size // 2 + 3 * MB // 2)  # mid-chunk
        try:
            cut = _probe("tus", proxy.url, str(laptop), sha)
        finally:
            proxy.close()
        assert proxy.cuts == 1, "the proxy did not cut the upload"
    finally:
        server.stop()
        shutil.rmtree(laptop, ignore_errors=True)
        shutil.rmtree(centre, ignore_errors=True)
    resent = cut["sent"] - size
    row.measured = Series("upload with one cut, resumed", [cut["seconds"]])
    row.baseline = Series("the same upload, uncut", [uncut["seconds"]])
    row.peak_bytes, row.peak_kind = cut["peak_rss"], "RSS"
    row.note = f"bytes sent again after the cut: {resent / MB:.1f} MB " \
               f"({'pass' if resent <= CHUNK_SIZE else 'MISS'}: at most one chunk)"
    return row


def rows(scratch: Path, slow_runs: int, quick: bool) -> list[Row]:
    return [upload_speed(scratch, slow_runs, quick),
            resume_after_cut(scratch, quick)]
