"""Shipped packs that were corrected in place rather than loaded beside the old version.

A newer version of a qualification goes in beside the old one (app/catalogue/loader.py).
A pack that shipped with a reading no learner could ever satisfy is different: every
enrolment on it is pinned to the wrong rows, and a second copy of the same qualification
beside it would fix nobody's portfolio and put two identical entries in every picker. So
an upgrade corrects the rows already loaded (a migration, which also records the corrected
pack's SHA-256 on the old spec_pack row), and the corrected pack, loaded fresh, takes its
row ids from the pack it corrects: an upgraded laptop and a new one then hold the same rows
under the same ids, as every device loading one pack must.

The pack it corrects, imported again, finds those rows already there and changes nothing.
A later change to a pack listed here is a new version (loaded beside) or a correction of
its own, with its own migration and its own line below.
"""
from __future__ import annotations

import json

from app import paths

# SHA-256 of the corrected pack file -> SHA-256 its row ids are made from (that of the pack
# as it first shipped, through every correction since).
CORRECTS: dict[str, str] = {
    # EDI Level 2 NVQ customer service: "… over a sufficient period of time with different
    # customers on different occasions …" is a sufficiency rule, once read as a required
    # record of method "Other" (23 units). Migration 0007 corrects loaded rows.
    "d61da9f3ad247671e07367dce1540656945506a23ed69152b3da4a50cdf6524f":
        "be4c722d0f06da065553cbf47c220e0bc5cef8c568a882e4aa8977643b9a75c9",
}
# Migration 0009 corrects four packs' assessment rules (self-assessment, simulation apart
# from a realistic working environment, unit 228, the sources' guidance); its frozen data
# names each corrected pack and the ids it keeps, so the two cannot disagree.
_RULES = paths.migrations_dir() / "data" / "assessment_rules_as_their_sources_say.json"
for _pack in json.loads(_RULES.read_text(encoding="utf-8")).values():
    CORRECTS[_pack["corrected_sha256"]] = _pack["ids_from"]


def ids_from(sha: str) -> str:
    """The SHA-256 a pack's row ids are made from: its own, or that of the pack it corrects."""
    return CORRECTS.get(sha, sha)
