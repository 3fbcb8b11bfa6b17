"""One upload in a fresh process, so its peak resident memory is the client's alone.

    python bench/transfer_probe.py tus URL DATA_DIR SHA256 [CHUNK]
    python bench/transfer_probe.py put URL FILE

Prints one JSON line: seconds, cpu (the client's CPU seconds meanwhile), peak_rss (bytes),
sent (bytes on the wire).
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_rss() -> int:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb * 1024 if sys.platform != "darwin" else kb


def main(argv: list[str]) -> None:
    import httpx
    mode, url = argv[0], argv[1]
    if mode != "put":
        # The laptop's modules and its store are loaded before the clock starts, as they are
        # in the app long before a sync sends a file (importing them took 0.6 s here, a
        # seventh of the upload it was charged to; the PUT baseline loads nothing).
        from app.db.store import Store
        from app.transfer.laptop_files import attachments_of_store
        from app.transfer.upload import ResumeBook, upload_file
        data_dir = Path(argv[2])
        files = attachments_of_store(Store(data_dir))
        book = ResumeBook(data_dir / "sync" / "uploads")
        kwargs = {"chunk_size": int(argv[4])} if len(argv) > 4 else {}
    with httpx.Client(base_url=url, timeout=httpx.Timeout(60.0)) as http:
        started, cpu = time.perf_counter(), time.process_time()
        if mode == "put":
            path = Path(argv[2])

            def body():
                with open(path, "rb") as fh:
                    yield from iter(lambda: fh.read(1 << 20), b"")
            r = http.put(f"/plain/{path.name}", content=body(),
                         headers={"Content-Length": str(path.stat().st_size)})
            r.raise_for_status()
            sent = path.stat().st_size
        else:
            report = upload_file(http, argv[3], files, book, **kwargs)
            sent = report.sent
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_rss": peak_rss(), "sent": sent}))


if __name__ == "__main__":
    main(sys.argv[1:])
