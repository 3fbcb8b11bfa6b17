"""The server side of the file-transfer benchmarks: uvicorn serving the centre's files routes
and, as the baseline, a plain HTTP PUT that streams the body to a file and fsyncs it (what
any web server would do with no resuming, checking or hashing). Prints its port.

    python bench/transfer_server.py ROOT
"""
from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.files.routes import files_router  # noqa: E402
from server.files.store import FolderFileStore  # noqa: E402


def main(root: str) -> None:
    app = FastAPI()
    app.include_router(files_router(FolderFileStore(Path(root) / "files")))
    plain = Path(root) / "plain"
    plain.mkdir(parents=True, exist_ok=True)

    @app.put("/plain/{name}")
    async def put(name: str, request: Request) -> Response:
        fd = os.open(plain / Path(name).name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            batch = bytearray()
            async for piece in request.stream():
                batch += piece
                if len(batch) >= 1 << 20:
                    await run_in_threadpool(os.write, fd, bytes(batch))
                    batch.clear()
            if batch:
                await run_in_threadpool(os.write, fd, bytes(batch))
            await run_in_threadpool(os.fsync, fd)
        finally:
            os.close(fd)
        return Response(status_code=204)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])


if __name__ == "__main__":
    main(sys.argv[1])
