"""The centre's database: an SQLite file in the data folder, or PostgreSQL by URL.

SQLite (a small centre, ONE server process): the laptop's engine settings (WAL,
synchronous=FULL, foreign keys), writers taking the lock up front with BEGIN IMMEDIATE so
two pushes never deadlock on upgrade from read to write, and queued on a lock in the
process rather than on SQLite's busy timeout. PostgreSQL (larger centres, several server
processes): READ COMMITTED writers that lock the rows they check (server/push.py) and
REPEATABLE READ readers, so one pull page is one snapshot.
"""
from __future__ import annotations

import contextlib
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from app.db.engine import sqlite_engine
from server import schema

DATABASE_NAME = "centre.sqlite3"


class CentreDatabase:
    """Engines and sessions for one centre database. Holds no data between requests."""

    def __init__(self, data_dir: Path | str, database_url: str | None = None):
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.url = database_url or f"sqlite:///{self.data_dir / DATABASE_NAME}"
        self._write_lock = contextlib.nullcontext()  # PostgreSQL: row locks order writers
        if database_url and not database_url.startswith("sqlite"):
            self.write_engine = create_engine(database_url, pool_pre_ping=True,
                                              pool_size=5, max_overflow=10)
            self.read_engine = self.write_engine.execution_options(
                isolation_level="REPEATABLE READ")
        else:
            path = self.data_dir / DATABASE_NAME if not database_url else \
                Path(database_url.split("///", 1)[1])
            self.write_engine = sqlite_engine(path, writer=True)
            self.read_engine = sqlite_engine(path, writer=False)
            # One writer at a time inside this process: SQLite allows only one anyway, and
            # fifty laptops pushing at once otherwise wait on its busy timeout and fail.
            self._write_lock = threading.Lock()
        self._writers = sessionmaker(self.write_engine, expire_on_commit=False)
        self._readers = sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.write_engine.dialect.name

    def upgrade(self) -> "CentreDatabase":
        from server.catalogue import load_shipped_packs
        schema.upgrade(self.write_engine)
        from server.centre_key import centre_private_key
        with self.writing() as session:
            load_shipped_packs(session)
            centre_private_key(session)  # made once, at the first start
        return self

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction that commits on success and rolls back on any exception."""
        with self._write_lock, self._writers() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._readers() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


def open_centre(data_dir: Path | str, database_url: str | None = None) -> CentreDatabase:
    return CentreDatabase(data_dir, database_url).upgrade()

