"""A real server process for the transfer tests: uvicorn serving the files router over a
folder store, on a loopback port it picks itself (printed as the first line of stdout).

    python tests/transfer/file_server.py ROOT [PORT [KEEP_PARTIAL_SECONDS]]
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def serve(root: str, port: int = 0, keep_partial: float | None = None) -> None:
    sys.path.insert(0, str(ROOT))
    import uvicorn
    from fastapi import FastAPI

    from server.files.routes import files_router
    from server.files.store import FolderFileStore

    app = FastAPI()
    store = FolderFileStore(root) if keep_partial is None else FolderFileStore(
        root, keep_partial=keep_partial)
    # FILE_SERVER_CHECKSUMS: serve as a centre taking only these chunk checksums (an older one)
    offered = os.environ.get("FILE_SERVER_CHECKSUMS")
    app.include_router(files_router(store, **({"checksums": tuple(offered.split(","))}
                                              if offered else {})))
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    print(sock.getsockname()[1], flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[sock])


class FileServer:
    """Start/kill/restart the server process; `port` stays the same across restarts."""

    def __init__(self, root: Path, port: int = 0, keep_partial: float | None = None,
                 checksums: str | None = None):
        self.root, self.port, self.proc = Path(root), port, None
        self.keep_partial = keep_partial  # seconds an idle partial upload is kept
        self.checksums = checksums        # e.g. "sha256,sha1,md5": a centre before CRC-32

    def start(self) -> "FileServer":
        extra = [] if self.keep_partial is None else [str(self.keep_partial)]
        env = {**os.environ, **({"FILE_SERVER_CHECKSUMS": self.checksums} if self.checksums
                                else {})}
        self.proc = subprocess.Popen([sys.executable, __file__, str(self.root), str(self.port),
                                      *extra], stdout=subprocess.PIPE, text=True, env=env)
        self.port = int(self.proc.stdout.readline())
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the file server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    stop = kill


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0,
          float(sys.argv[3]) if len(sys.argv) > 3 else None)
