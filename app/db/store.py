"""The one way into a data folder: opens, upgrades and serves the local database.

Threading rules (the reason this class exists):
- Exactly one thread writes: `write()` queues a function onto the writer thread, which
  runs it inside one BEGIN IMMEDIATE transaction and hands back a Future. Callers on the
  GUI thread never wait on SQLite locks, and no two writes interleave.
- Any thread may read with `reading()` (its own session, a WAL snapshot) or `read_async()`
  (a small reader pool, for queries too slow for the GUI thread).
- Functions given to `write` receive a Session and must return plain values (ids, dicts,
  dataclasses), not ORM objects tied to that session.
- After each write commits, functions registered with `on_changes` receive what it changed
  (`app.db.changes.Changes`), on the writer thread: the window refreshes from it, and rows
  pulled by sync are reported the same way.
- The writer knows who is writing (app/db/outbox.py): `write` is a local edit, stamped and
  queued for the centre; `write_pulled` stores rows that came from the centre as they are.
"""
from __future__ import annotations

import platform
import queue
import sqlite3
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

import app.models  # noqa: F401
from app import paths
from app.db import changes, health, migrate, outbox
from app.db.engine import sqlite_engine
from app.db.statistics import statistics_stale
from app.evidence.attachment_store import AttachmentStore
from app.db.errors import DataDirNotWritable, NotADatabase, StorageError
from app.models.local import Device
from app.sync import iqa_laptop
from app.safekeeping import keys as folder_keys

T = TypeVar("T")


class FieldfolioSession(Session):
    """Session class carrying the outbox hooks (installed once, below)."""


outbox.install(FieldfolioSession)
changes.install(FieldfolioSession)
# An IQA's laptop adds only IQA records: the assessor's work is refused before it is saved.
iqa_laptop.install(FieldfolioSession)


def check_data_dir(data_dir: Path) -> None:
    try:
        health.make_private_folder(data_dir)
        probe = data_dir / f".write-test-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DataDirNotWritable(
            f"Fieldfolio cannot write to its data folder {data_dir} ({exc.strerror or exc}). "
            f"Choose another folder with --data-dir or ask IT to fix its permissions. "
            f"Nothing in it has been changed.") from None


def check_is_sqlite(db_path: Path, key_pragma: str | None = None) -> None:
    """Refuse, untouched, a file that is not a database. An encrypted folder's database has
    no plain header (its key file is present and unlocked: key_pragma), so it is judged only
    by reading it with its key."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return
    if key_pragma is None and not health.starts_plain(db_path):
        raise NotADatabase(
            f"{db_path} is not a Fieldfolio database (it is not an SQLite file; it may be "
            f"damaged or something else was saved under that name). It has been left "
            f"untouched. Move it aside or open another data folder with --data-dir.")
    try:
        with health.read_only(db_path, key_pragma) as con:
            con.execute("PRAGMA schema_version").fetchone()
            con.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
    except (sqlite3.DatabaseError, health.cipher_error()) as exc:
        if health.disk_is_full(db_path.parent, exc):
            raise health.DiskFull(health.disk_full_message(db_path.parent)) from None
        raise NotADatabase(
            f"{db_path} cannot be read as a database ({exc}). It has been left untouched. "
            f"Restore it from the backups folder or open another data folder.") from None


class Store:
    """One data folder, opened. An encrypted folder needs its passphrase: given here, else
    from FIELDFOLIO_PASSPHRASE; a new folder is created encrypted when one of those gives a
    passphrase, plain otherwise (a plain folder is converted by app/safekeeping/convert.py)."""

    def __init__(self, data_dir: Path | str | None = None, passphrase: str | None = None):
        self.data_dir = paths.resolve_data_dir(data_dir)
        self._passphrase = passphrase
        self.keys: folder_keys.Keys | None = None
        self.db_path = self.data_dir / paths.DATABASE_NAME
        self.backups_dir = self.data_dir / "backups"
        self.attachments_dir = self.data_dir / "attachments"
        self.attachments = AttachmentStore(self.attachments_dir)
        self.last_backup: Path | None = None
        self.device_id: str = ""
        self._queue: queue.Queue = queue.Queue()
        self._writer_thread: threading.Thread | None = None
        self._readers: ThreadPoolExecutor | None = None
        self._closed = False
        self._change_listeners: list[Callable[[changes.Changes], None]] = []
        # What the writer's sessions may remember between writes (app/sync/iqa_laptop.py:
        # whether this is an IQA's laptop), forgotten by whoever changes it.
        self.laptop_facts: dict[str, str | None] = {}

    # -- opening ------------------------------------------------------------------------
    def open(self) -> "Store":
        """Check, back up, upgrade, then start the writer. Raises StorageError subclasses
        whose message is meant for the user."""
        check_data_dir(self.data_dir)
        self.keys = self._unlock()
        if self.keys is not None:
            from app.safekeeping import convert
            convert.finish(self.data_dir, self.keys)   # a conversion a kill interrupted
        pragma = self.keys.sqlcipher_pragma() if self.keys else None
        check_is_sqlite(self.db_path, pragma)
        health.check_before_open(self.db_path, self.backups_dir, pragma)   # before anything writes
        self.attachments = AttachmentStore(self.attachments_dir,
                                           self.keys.files if self.keys else None)
        try:
            health.create_private_file(self.db_path)
            self.write_engine = sqlite_engine(self.db_path, writer=True, key_pragma=pragma)
            self.read_engine = sqlite_engine(self.db_path, writer=False, key_pragma=pragma)
            self.last_backup = migrate.upgrade(self.write_engine, self.db_path, self.backups_dir,
                                               key_pragma=pragma)
        except StorageError:
            self._dispose_engines()
            raise
        except (DatabaseError, OSError) as exc:
            self._dispose_engines()
            if health.disk_is_full(self.data_dir, getattr(exc, "orig", exc)):
                raise health.DiskFull(health.disk_full_message(self.data_dir)) from None
            raise NotADatabase(
                f"{self.db_path} cannot be opened ({getattr(exc, 'orig', exc)}). It has been "
                f"left as it is.") from None
        self._write_sessions = sessionmaker(self.write_engine, class_=FieldfolioSession,
                                            expire_on_commit=False)
        self._read_sessions = sessionmaker(self.read_engine, class_=FieldfolioSession,
                                           expire_on_commit=False)
        self._keep_private()
        self.device_id = self._ensure_device()
        self._refresh_query_statistics()
        self._writer_thread = threading.Thread(target=self._writer_loop, name="fieldfolio-writer",
                                               daemon=True)
        self._writer_thread.start()
        self._readers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="fieldfolio-reader")
        self.attachments.clear_viewable_copies()   # a crashed run's copies
        return self

    def _unlock(self) -> folder_keys.Keys | None:
        """The folder's keys, or None for a plain folder. Raises PassphraseNeeded or
        WrongPassphrase (both StorageErrors) before anything is opened or changed."""
        passphrase = self._passphrase or folder_keys.passphrase_from_environment()
        if folder_keys.is_encrypted(self.data_dir):
            if not passphrase:
                raise folder_keys.PassphraseNeeded(
                    f"The data folder {self.data_dir} is encrypted: Fieldfolio needs its "
                    f"passphrase (type it when asked, or set {folder_keys.PASSPHRASE_ENV}).")
            return folder_keys.unlock(self.data_dir, passphrase)
        if passphrase and not (self.db_path.exists() and self.db_path.stat().st_size > 0):
            return folder_keys.create(self.data_dir, passphrase)
        return None

    def _keep_private(self) -> None:
        """The database and its journals readable by this user only (they were 0644)."""
        for path in (self.db_path, self.db_path.with_name(self.db_path.name + "-wal"),
                     self.db_path.with_name(self.db_path.name + "-shm")):
            try:
                if path.exists():
                    path.chmod(0o600)
            except OSError:
                pass   # a folder on a stick without permissions: nothing to tighten

    @property
    def encrypted(self) -> bool:
        return self.keys is not None

    def _refresh_query_statistics(self) -> None:
        """Without statistics SQLite guessed a plan for the caseload's progress query that
        took 0.8 s on a 60-learner caseload instead of 45 ms. A sampled ANALYZE at each
        open keeps the planner's picture current for tens of milliseconds."""
        with self.write_engine.connect() as conn:
            if not statistics_stale(conn):
                return      # unchanged: a command that only reads leaves the file as it was
            conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
            conn.exec_driver_sql("ANALYZE")
            conn.commit()

    def _ensure_device(self) -> str:
        with self._write_sessions.begin() as session:
            device = session.scalars(select(Device)).first()
            if device is None:
                device = Device(name=platform.node())
                session.add(device)
                session.flush()
            return device.id

    # -- writing ------------------------------------------------------------------------
    def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> "Future[T]":
        return self._enqueue(outbox.LOCAL, fn, args, kwargs)

    def write_pulled(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> "Future[T]":
        """Queue a write of rows pulled from the centre: not stamped, not queued for push."""
        return self._enqueue(outbox.PULLED, fn, args, kwargs)

    def _enqueue(self, origin: str, fn, args, kwargs) -> "Future":
        if self._closed:
            raise RuntimeError("store is closed")
        future: Future = Future()
        self._queue.put((fn, args, kwargs, future, origin))
        return future

    def on_changes(self, listener: Callable[["changes.Changes"], None]) -> None:
        """Call `listener(changes)` on the writer thread after every write that changed
        synced rows commits. It must be quick and must not write (hand work elsewhere)."""
        self._change_listeners.append(listener)

    def write_now(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Queue a write and wait for it (CLI, tests, start-up)."""
        return self.write(fn, *args, **kwargs).result()

    def _writer_loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            fn, args, kwargs, future, origin = item
            if not future.set_running_or_notify_cancel():
                continue
            written = None
            try:
                with self._write_sessions() as session:
                    session.info["device_id"] = self.device_id
                    session.info["origin"] = origin
                    session.info["laptop_facts"] = self.laptop_facts
                    if origin == outbox.PULLED:
                        changes.mark_pulled(session)
                    try:
                        with session.begin():
                            result = fn(session, *args, **kwargs)
                    except BaseException:
                        changes.forget(session)
                        self.laptop_facts.clear()   # they may have been read mid-write
                        raise
                    written = changes.take(session)
            except BaseException as exc:  # the caller decides; the writer keeps running
                future.set_exception(exc)
                continue
            if written:   # screens hear what changed before the caller's own callback runs
                self._tell_listeners(written)
            future.set_result(result)

    def _tell_listeners(self, written: "changes.Changes") -> None:
        for listener in list(self._change_listeners):
            try:
                listener(written)
            except Exception:   # a screen's bug must not stop the writer
                import logging
                logging.getLogger(__name__).exception("a change listener failed")

    # -- reading ------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read_sessions() as session:
            # Read-side caches kept per store find it here (app/evidence/progress_cache.py).
            session.info["store"] = self
            with session.begin():
                yield session

    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.reading() as session:
            return fn(session, *args, **kwargs)

    def read_async(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> "Future[T]":
        return self._readers.submit(self.read, fn, *args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self._writer_thread is not None and not self._closed

    # -- closing ------------------------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._writer_thread is not None:
            self._queue.put(None)
            self._writer_thread.join(timeout=30)
        if self._readers is not None:
            self._readers.shutdown(wait=True)
        self._dispose_engines()
        if self._writer_thread is not None:     # it was open: remember it closed cleanly
            health.mark_closed_cleanly(self.db_path)

    def _dispose_engines(self) -> None:
        for engine in (getattr(self, "write_engine", None), getattr(self, "read_engine", None)):
            if engine is not None:
                engine.dispose()
        self.attachments.clear_viewable_copies()

    def __enter__(self) -> "Store":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()
