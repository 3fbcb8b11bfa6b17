"""Write a new Alembic revision from the difference between the models and the schema.

    python tools/new_migration.py "what changed" 0003

Builds a scratch database at the current head, autogenerates against it, and freezes app
column types (UtcDateTime, IsoDate) to plain sa.String so the script never changes when
app code does. Review the result: autogenerate misses renames and data moves.
"""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402

from app.db.engine import sqlite_engine  # noqa: E402
from app.db.migrate import alembic_config  # noqa: E402


def main() -> None:
    message, rev_id = sys.argv[1], sys.argv[2]
    scratch = Path(tempfile.mkdtemp()) / "scratch.sqlite3"
    engine = sqlite_engine(scratch, writer=True)
    cfg = alembic_config(engine)
    command.upgrade(cfg, "head")
    script = command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)
    path = Path(script.path)
    text = path.read_text()
    text = re.sub(r"app\.db\.base\.(UtcDateTime|IsoDate)\(length=(\d+)\)", r"sa.String(length=\2)", text)
    text = text.replace("import app.db.base\n", "")
    path.write_text(text)
    print(path)


if __name__ == "__main__":
    main()
