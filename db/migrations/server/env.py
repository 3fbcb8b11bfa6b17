"""Alembic environment for the centre server's database (SQLite or PostgreSQL).

Its own chain and version table (server/__init__.py says why): the synced app tables plus
the server's own. Laptop-only tables (outbox, form drafts, this laptop's settings) are left
out. On SQLite, foreign keys are switched off around batch rebuilds and checked after, as
the laptop's chain does; PostgreSQL alters tables in place.
"""
from alembic import context
from sqlalchemy import text

from app.db.engine import set_foreign_keys
from server.schema import compare_type, include_object, target_metadata

config = context.config


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # alembic CLI use: `alembic -x url=... upgrade head`
        from sqlalchemy import create_engine
        engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            set_foreign_keys(conn, False)   # batch rebuilds must not see the children
        with conn.begin():
            context.configure(connection=conn, target_metadata=target_metadata(),
                              render_as_batch=True, compare_type=compare_type,
                              include_object=include_object,
                              version_table="server_alembic_version")
            context.run_migrations()
            if sqlite:
                problems = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
                if problems:
                    raise RuntimeError(f"migration left broken references: {problems[:5]}")
        if sqlite:
            set_foreign_keys(conn, True)


if context.is_offline_mode():
    raise SystemExit("Fieldfolio server migrations run online only")
run_migrations_online()
