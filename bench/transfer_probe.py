"""One upload in a fresh process, so its peak resident memory is the client's alone.

    python bench/transfer_probe.py tus URL DATA_DIR SHA256 [CHUNK]
    python bench/transfer_probe.py put URL FILE

Prints one JSON line: seconds, peak_rss (bytes), sent (bytes on the wire).
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
    with httpx.Client(base_url=url, timeout=httpx.Timeout(60.0)) as http:
        started = time.perf_counter()
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
            from app.db.store import Store
            from app.transfer.laptop_files import attachments_of_store
            from app.transfer.upload import ResumeBook, upload_file
            data_dir = Path(argv[2])
            kwargs = {"chunk_size": int(argv[4])} if len(argv) > 4 else {}
            report = upload_file(http, argv[3], attachments_of_store(Store(data_dir)),
                                 ResumeBook(data_dir / "sync" / "uploads"), **kwargs)
            sent = report.sent
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_rss": peak_rss(), "sent": sent}))


if __name__ == "__main__":
    main(sys.argv[1:])
