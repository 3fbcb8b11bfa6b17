"""What erasing a learner empties, row by row: one list for every copy an erasure reaches.

The erasure made on a laptop (app/caseload/erasure.py, whose docstring says what is kept
and why) sets these values; the centre sets the same ones on its own copy when an erasure
meets a change made before it (server/erased.py). Kept in one place so that no copy keeps a
field another empties.
"""
from __future__ import annotations

from typing import Mapping

ERASED_NAME = ("Erased", "learner")

# A learner's contact details and notes: always emptied.
CONTACT = {"email": "", "phone": "", "workplace_address": "", "notes": ""}
# Their identity: emptied only when no signed work, sign-off or claim is about them.
IDENTITY = {"given_names": ERASED_NAME[0], "family_name": ERASED_NAME[1], "uln": None,
            "date_of_birth": None, "registration_number": ""}
# An unsigned evidence record and its links: emptied, then tombstoned.
EMPTIED = {"evidence_record": {"title": "", "location": "", "details_json": "{}"},
           "attachment": {"caption": "", "original_name": ""},
           "criterion_mapping": {"note": ""}}
ERASED_TABLES = ("learner", *EMPTIED)


def erasure_of(table: str, row: Mapping, now, identity_kept: bool = True) -> dict:
    """The columns an erasure changes in `row` (a learner, or an unsigned record or one of
    its links, as a mapping of column values), with their erased values; {} when the row
    already holds nothing the erasure removes. A tombstone keeps its first date."""
    values = dict(CONTACT) if table == "learner" else dict(EMPTIED[table])
    gone = table != "learner" or not identity_kept
    if table == "learner" and not identity_kept:
        values.update(IDENTITY)
    changed = {k: v for k, v in values.items() if row.get(k) != v}
    if gone and row.get("deleted_at") is None:
        changed["deleted_at"] = now
    return changed


def erase_in_place(obj, table: str, now, identity_kept: bool = True) -> None:
    """`erasure_of` applied to a loaded record (app/caseload/erasure.py)."""
    columns = {**CONTACT, **IDENTITY} if table == "learner" else EMPTIED[table]
    current = {k: getattr(obj, k) for k in (*columns, "deleted_at")}
    for column, value in erasure_of(table, current, now, identity_kept).items():
        setattr(obj, column, value)


def without_erased(table: str, row: Mapping) -> dict:
    """`row` less every column an erasure may empty: what may be kept of a change refused
    because it would have put erased details back (server/erased.py)."""
    columns = {**CONTACT, **IDENTITY} if table == "learner" else EMPTIED.get(table, {})
    return {k: v for k, v in row.items() if k not in columns}
