"""A real centre server for tests: `python main.py server` as its own process on 127.0.0.1,
on SQLite in a temporary folder or on a fresh PostgreSQL database of its own.

PostgreSQL runs where FIELDFOLIO_TEST_DATABASE_URL names a server (.ci/run sets it); each
test gets a new database made from it and dropped afterwards.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from app.sync.protocol import API, PROTOCOL_HEADER, PROTOCOL_VERSION

ROOT = Path(__file__).resolve().parents[2]
PG_ENV = "FIELDFOLIO_TEST_DATABASE_URL"
NO_POSTGRES = f"{PG_ENV} is not set: the PostgreSQL runs of the sync tests are skipped"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ScratchPostgres:
    """A database of its own on the configured PostgreSQL server, dropped at close."""

    def __init__(self, base_url: str, template: str | None = None):
        base = make_url(base_url)
        self.name = f"ff_i13_{uuid.uuid4().hex[:12]}"
        self.admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"'
                                 + (f' TEMPLATE "{template}"' if template else ""))
        self.url = base.set(database=self.name).render_as_string(hide_password=False)

    def close(self) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.dispose()


class CentreProcess:
    def __init__(self, data_dir: Path, database_url: str | None = None,
                 template_dir: Path | None = None, server_args: tuple[str, ...] = ()):
        self.data_dir = Path(data_dir)
        if template_dir is not None and not self.data_dir.exists():
            shutil.copytree(template_dir, self.data_dir)  # a centre with the catalogue loaded
        self.database_url = database_url
        self.server_args = list(server_args)  # more of `fieldfolio server`'s options
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log_path = self.data_dir.parent / f"centre-{self.port}.log"

    def start(self, timeout: float = 30) -> "CentreProcess":
        cmd = [sys.executable, str(ROOT / "main.py"), "server", "--data-dir", str(self.data_dir),
               "--host", "127.0.0.1", "--port", str(self.port)]
        if self.database_url:
            cmd += ["--database-url", self.database_url]
        cmd += self.server_args
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"centre server exited: {self.log_path.read_text()[-2000:]}")
            try:
                r = httpx.get(f"{self.url}{API}/health", timeout=1,
                              headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)})
                if r.status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"centre server did not start: {self.log_path.read_text()[-2000:]}")

    def kill(self) -> None:
        """kill -9: no clean shutdown, as a power cut or an OOM kill would do."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def open_database(self):
        from server.database import open_centre
        return open_centre(self.data_dir, self.database_url)

    def admin(self, fn, *args):
        """Run a server.staff function against this centre's database, as server-admin does."""
        db = self.open_database()
        try:
            with db.writing() as session:
                return fn(session, *args)
        finally:
            db.dispose()


def postgres_url() -> str | None:
    return os.environ.get(PG_ENV) or None
