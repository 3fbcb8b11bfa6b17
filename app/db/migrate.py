"""Bring a user's database to the schema this Fieldfolio expects, without losing data.

Order of work: refuse a database from a newer Fieldfolio (we cannot know its rules); back
up with SQLite's backup API (a file copy of a WAL database can miss committed pages);
upgrade with foreign keys off (SQLite batch mode rebuilds tables, and a rebuilt parent
would cascade-delete its children); check foreign keys; re-create triggers, which batch
mode drops.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic import command
from sqlalchemy.engine import Engine

from app import paths
from app.db.errors import NewerDatabase


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup(db_path: Path, backups_dir: Path, label: str) -> Path:
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = backups_dir / f"fieldfolio-before-{label}-{stamp}.sqlite3"
    src = sqlite3.connect(str(db_path))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def upgrade(engine: Engine, db_path: Path, backups_dir: Path, target: str = "head") -> Path | None:
    """Upgrade to `target`. Returns the backup made, if there was anything to back up."""
    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise NewerDatabase(
                f"The database in {db_path.parent} was written by a newer version of "
                f"Fieldfolio (schema {current}). Install that version to open it; nothing "
                f"has been changed.") from None
    wanted = script.get_current_head() if target == "head" else target
    if current == wanted:
        from app.db.triggers import install_triggers
        install_triggers(engine)
        return None
    made = backup(db_path, backups_dir, current or "first-start") if current else None
    command.upgrade(alembic_config(engine), target)
    from app.db.triggers import install_triggers
    install_triggers(engine)
    return made
