"""Which tables the centre's database holds, and bringing it to the newest schema.

The synced app tables and the catalogue come from `app.models`; the laptop-only ones
(app.models.local.LAPTOP_ONLY_TABLES) stay on laptops. The server's own come from
server/models.py. One Alembic chain (db/migrations/server) serves SQLite and PostgreSQL.
"""
from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

import app.models  # noqa: F401  (registers every app table)
from app import paths
from app.db.base import Base
from app.models.local import LAPTOP_ONLY_TABLES
from server.models import ServerBase

VERSION_TABLE = "server_alembic_version"


def target_metadata():
    return [Base.metadata, ServerBase.metadata]


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table":
        return name not in LAPTOP_ONLY_TABLES and not name.startswith("fts_") \
            and name not in ("alembic_version", VERSION_TABLE)
    table = getattr(obj, "table", None)
    if table is not None and table.name in LAPTOP_ONLY_TABLES:
        return False
    return True


def compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    """String columns are TEXT on the centre (see revision s0001): a length is no difference."""
    from sqlalchemy import String
    from sqlalchemy.types import TypeDecorator
    if isinstance(metadata_type, TypeDecorator):  # UtcDateTime, IsoDate: stored as strings
        metadata_type = metadata_type.impl_instance
    if isinstance(metadata_type, String) and isinstance(inspected_type, String):
        return False
    return None  # Alembic's own comparison for everything else


def alembic_config(engine: Engine | None = None):
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir() / "server"))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    if VERSION_TABLE not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest server schema; refuse one from a newer Fieldfolio."""
    from alembic import command
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise RuntimeError(
                f"The centre's database was written by a newer Fieldfolio server (schema "
                f"{current}). Run that version; nothing has been changed.") from None
        if current == script.get_current_head():
            return
    command.upgrade(alembic_config(engine), "head")
