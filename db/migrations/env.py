"""Alembic environment for Fieldfolio's local SQLite database.

Runs in batch mode (SQLite cannot ALTER most things) with foreign keys switched off
outside the transaction, then checks them before committing: a table rebuild must not
cascade-delete children, and must not leave orphans either.
"""
from alembic import context
from sqlalchemy import text

import app.models  # noqa: F401  (registers every table)
from app.db.base import Base
from app.db.engine import set_foreign_keys

config = context.config
target_metadata = Base.metadata


def include_name(name, type_, parent_names) -> bool:
    # FTS5 virtual tables (and their shadow tables) are created by hand in revisions;
    # without this, autogenerate would see them as stale tables and drop the search index.
    # The laptop's index on live ULNs is not unique, the model's (the centre's) is: see
    # revision 0011. Neither is offered as a difference.
    if type_ == "index" and name in ("uq_learner_live_uln", "ix_learner_live_uln"):
        return False
    return not (type_ == "table" and name.startswith("fts_"))


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # alembic CLI use: `alembic -x url=sqlite:///path upgrade head`
        from sqlalchemy import create_engine
        engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])
    with engine.connect() as conn:
        set_foreign_keys(conn, False)   # batch rebuilds must not see the children
        with conn.begin():
            context.configure(connection=conn, target_metadata=target_metadata,
                              render_as_batch=True, compare_type=True,
                              include_name=include_name)
            context.run_migrations()
            problems = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
            if problems:
                raise RuntimeError(f"migration left broken references: {problems[:5]}")
        set_foreign_keys(conn, True)


if context.is_offline_mode():
    raise SystemExit("Fieldfolio migrations run online only")
run_migrations_online()
