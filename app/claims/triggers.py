"""Signed sign-offs and claims keep what was signed, in the database as in the operations.

Only the columns a signature covers are guarded (UPDATE OF ...): the IQA's sample date and
initials are filled in after signing, and sync's version stamps must still apply.
"""
from __future__ import annotations

_SIGNED_COLUMNS = {
    "unit_sign_off": ("enrolment_id", "learner_id", "unit_id", "summative_date", "decision",
                      "assessor_name", "assessor_declaration", "learner_confirmation",
                      "evidence_json", "deleted_at"),
    "claim": ("enrolment_id", "learner_id", "reference", "sign_offs_json", "full_award",
              "combination_summary", "learner_statement", "assessor_statement",
              "learner_declaration", "assessor_declaration", "claimed_on", "deleted_at"),
}


def claims_triggers() -> dict[str, str]:
    out = {}
    for table, columns in _SIGNED_COLUMNS.items():
        signed = (f"EXISTS (SELECT 1 FROM signature WHERE signature.record_type = '{table}' "
                  f"AND signature.record_id = OLD.id)")
        message = f"a signed {table.replace('_', ' ')} cannot be changed"
        out[f"signed_{table}_no_update"] = (
            f"CREATE TRIGGER signed_{table}_no_update BEFORE UPDATE OF {', '.join(columns)} "
            f"ON {table} WHEN {signed} BEGIN SELECT RAISE(ABORT, '{message}'); END")
        out[f"signed_{table}_no_delete"] = (
            f"CREATE TRIGGER signed_{table}_no_delete BEFORE DELETE ON {table} WHEN {signed} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
    return out
