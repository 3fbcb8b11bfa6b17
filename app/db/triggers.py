"""Database triggers, re-created after every upgrade because SQLite batch mode drops them.

Later features register their triggers here (for example: refusing updates to signed
records), so the guarantee survives every future table rebuild.
"""
from __future__ import annotations

from sqlalchemy.engine import Engine

# name -> CREATE TRIGGER statement. Keep each self-contained.
TRIGGERS: dict[str, str] = {
    # Catalogue rows are immutable once loaded: a newer pack is added beside the old one.
    "catalogue_criterion_immutable": """
        CREATE TRIGGER catalogue_criterion_immutable
        BEFORE UPDATE ON assessment_criterion
        BEGIN SELECT RAISE(ABORT, 'catalogue criteria are immutable once loaded'); END
    """,
}


def install_triggers(engine: Engine) -> None:
    with engine.begin() as conn:
        for name, sql in TRIGGERS.items():
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            conn.exec_driver_sql(sql)
