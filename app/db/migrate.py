"""Bring a user's database to the schema this Fieldfolio expects, without losing data.

Order of work: refuse a database from a newer Fieldfolio (we cannot know its rules); back
up with SQLite's backup API (a file copy of a WAL database can miss committed pages);
upgrade with foreign keys off (SQLite batch mode rebuilds tables, and a rebuilt parent
would cascade-delete its children); check foreign keys; re-create triggers, which batch
mode drops.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Engine

from app import paths
from app.db.errors import NewerDatabase
from app.db.triggers import install_triggers

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision in db/migrations/versions. Checked against Alembic by
# tests/foundation/test_migrations.py. It lets an up-to-date database open without
# importing Alembic and parsing every script: a tenth of a second of every start-up.
SCHEMA_HEAD = "0014"


def alembic_config(engine: Engine | None = None) -> "Config":
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        exists = conn.execute(text(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")).first()
        if not exists:
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup(db_path: Path, backups_dir: Path, label: str, key_pragma: str | None = None) -> Path:
    """A whole, checked copy before upgrading (app/db/health.py); a retry after a failed
    upgrade reuses the copy of the unchanged database instead of writing another. An
    encrypted database's backup is encrypted with the same key (both ends are keyed)."""
    from app.db import health
    health.make_private_folder(backups_dir)
    again = health.reusable_backup(db_path, backups_dir, label)
    if again is not None:
        return again
    for leftover in backups_dir.glob("*" + health.PARTIAL):   # a backup killed part-way
        leftover.unlink(missing_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return health.whole_backup(db_path, backups_dir / f"fieldfolio-before-{label}-{stamp}.sqlite3",
                               key_pragma)


def _newest_script_prefix() -> str:
    """Revisions are numbered NNNN_; a stale SCHEMA_HEAD then never skips an upgrade."""
    names = [p.name.split("_", 1)[0] for p in (paths.migrations_dir() / "versions").glob("*.py")]
    return max(names, default="")


def upgrade(engine: Engine, db_path: Path, backups_dir: Path, target: str = "head",
            key_pragma: str | None = None) -> Path | None:
    """Upgrade to `target`. Returns the backup made, if there was anything to back up."""
    current = current_revision(engine)
    if target == "head" and current == SCHEMA_HEAD == _newest_script_prefix():
        install_triggers(engine)
        return None
    from alembic import command
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(alembic_config())
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
        install_triggers(engine)
        return None
    made = backup(db_path, backups_dir, current or "first-start", key_pragma) if current else None
    command.upgrade(alembic_config(engine), target)
    install_triggers(engine)
    return made
