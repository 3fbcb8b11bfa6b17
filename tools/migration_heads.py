"""Print the Alembic heads; exits 1 unless there is exactly one (two engineers' revisions
that both follow the same parent must be put in a line before merging)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from alembic.script import ScriptDirectory  # noqa: E402
from app.db.migrate import alembic_config  # noqa: E402

heads = ScriptDirectory.from_config(alembic_config()).get_heads()
print(" ".join(heads))
sys.exit(0 if len(heads) == 1 else 1)
