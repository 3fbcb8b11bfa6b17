"""Database triggers, re-created after every upgrade because SQLite batch mode drops them.

Later features register their triggers here (for example: refusing updates to signed
records), so the guarantee survives every future table rebuild.
"""
from __future__ import annotations

import re

from sqlalchemy.engine import Engine

# name -> CREATE TRIGGER statement. Keep each self-contained.
TRIGGERS: dict[str, str] = {
    # Catalogue rows are immutable once loaded: a newer pack is added beside the old one.
    "catalogue_criterion_immutable": """
        CREATE TRIGGER catalogue_criterion_immutable
        BEFORE UPDATE ON assessment_criterion
        BEGIN SELECT RAISE(ABORT, 'catalogue criteria are immutable once loaded'); END
    """,
    # Catalogue search (app/catalogue/search.py): every loaded AC goes into the FTS5 index
    # in the same transaction as the AC itself.
    "catalogue_criterion_indexed": """
        CREATE TRIGGER catalogue_criterion_indexed
        AFTER INSERT ON assessment_criterion
        BEGIN INSERT INTO fts_criterion (text, ac_id) VALUES (NEW.text, NEW.id); END
    """,
}

# A qualification version is immutable once loaded (enrolments and evidence point at its
# rows by id); a newer version is loaded beside it, never over it.
for _table in ("spec_pack", "qualification", "qualification_unit", "unit", "learning_outcome",
               "assessment_criterion", "assessment_rule"):
    for _event in ("UPDATE", "DELETE"):
        if (_table, _event) == ("assessment_criterion", "UPDATE"):
            continue  # catalogue_criterion_immutable, above
        _name = f"catalogue_{_table}_no_{_event.lower()}"
        TRIGGERS[_name] = (
            f"CREATE TRIGGER {_name} BEFORE {_event} ON {_table} BEGIN "
            f"SELECT RAISE(ABORT, 'catalogue rows are immutable once loaded: load a newer "
            f"version beside this one'); END")

# Signed evidence, its mappings and files, signatures, device keys and the audit trail are
# never updated or deleted (app/signing/triggers.py says why each one).
from app.signing.triggers import signing_triggers  # noqa: E402

TRIGGERS.update(signing_triggers())

# Signed unit sign-offs and claims keep their signed columns (app/claims/triggers.py).
from app.claims.triggers import claims_triggers  # noqa: E402

TRIGGERS.update(claims_triggers())


_TRIGGER_TABLE = re.compile(r"\bON\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def install_triggers(engine: Engine) -> None:
    """(Re)create every registered trigger whose table exists. A database stopped at an
    older revision (a test, or a partial upgrade) lacks later tables; their triggers come
    with the migration that creates the table and the install that follows it. Triggers
    already there as written are left alone: opening the database to read it must not
    rewrite the file."""
    with engine.connect() as conn:
        present = {name: _words(sql) for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
        tables = {row[0] for row in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    wanted = {}
    for name, sql in TRIGGERS.items():
        match = _TRIGGER_TABLE.search(sql)
        wanted[name] = None if match and match.group(1) not in tables else sql
    if all(present.get(name) == (_words(sql) if sql else None) for name, sql in wanted.items()):
        return
    with engine.begin() as conn:
        for name, sql in wanted.items():
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            if sql is not None:
                conn.exec_driver_sql(sql)


def _words(sql: str) -> str:
    return " ".join(sql.split())
