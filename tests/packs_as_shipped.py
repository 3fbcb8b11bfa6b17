"""Packs as earlier Fieldfolio versions shipped them, rebuilt from today's packs and the
frozen data of the migrations that corrected them in place, so a test can make a database
of an older schema holding exactly what a laptop of that time held. That each rebuilt text
hashes to the SHA-256 that shipped proves the corrections changed nothing else."""
from __future__ import annotations

import hashlib
import json

from app import paths

RULES_DATA = paths.migrations_dir() / "data" / "assessment_rules_as_their_sources_say.json"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dump(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def before_0009(pack_id: str) -> str:
    """The pack file as it was at schemas 0007 and 0008 (before 0009 corrected its rules)."""
    data = json.loads((paths.specs_dir() / f"{pack_id}.json").read_text(encoding="utf-8"))
    frozen = json.loads(RULES_DATA.read_text(encoding="utf-8")).get(pack_id)
    if frozen:
        for unit in data["units"]:
            if unit["number"] in frozen["units"]:
                unit["assessment_rules"] = frozen["units"][unit["number"]]["was"]
        text = dump(data)
        assert sha(text) == frozen["shipped_sha256"], pack_id
        return text
    return dump(data)


def shipped_0009_sha(pack_id: str) -> tuple[str, str]:
    """(SHA-256 at 0007, SHA-256 0009 corrected it to) for a pack 0009 corrects."""
    frozen = json.loads(RULES_DATA.read_text(encoding="utf-8"))[pack_id]
    return frozen["shipped_sha256"], frozen["corrected_sha256"]
