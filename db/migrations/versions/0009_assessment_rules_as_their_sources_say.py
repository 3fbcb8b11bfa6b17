"""assessment rules as their sources say

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 08:30:00

Four shipped packs read some sentences wrongly, and left others out:
- C&G 2794 (001, line 315) "Evidence must not include: any methods of self-assessment" was a
  bar on the method Other; it is a bar on a self-assessment (whatever it is filed as),
  which unit 201 LO 4 (line 589) nonetheless expects: both are carried, as the conflict
  they are. Line 316 (employers' contributions), line 280 (a realistic working environment)
  and the "Evidence sources" paragraph are carried.
- Simulation and a realistic working environment (RWE) were one method; EDI, SFJ and C&G
  treat them apart, so each rule now names the one its sentence names (EDI's Appendix D
  guidelines for RWE on every unit; the four units that bar RWE bar it).
- C&G unit 228 (000, line 7639) is assessed by City & Guilds' own short answer question
  assignments (or, by line 7535, the on-line workbook), not by any questioning record; the
  unit bank's "Assessment type" lines are carried.
- SFJ's Appendix A-D guidance (countersigning, witnesses, simulation in an RWE) is carried.

A rule can now name a narrower kind of evidence than its method ("self-assessment"): a new
nullable column. No evidence record changes: a record of method "Sim" made before the split
stays "Sim" (its signatures cover its method), and every rule that applied to it still
applies, because each simulation bar is still a simulation bar.

The rules already loaded are corrected where they are, as 0007 did (the catalogue's rows
are pinned by every enrolment): each changed unit's rules are replaced by the corrected
ones under the ids a new laptop loading the corrected pack gives them, and the spec_pack
row records the corrected pack's SHA-256 (app/catalogue/corrected_in_place.py). The rules,
before and after, are frozen beside this script (../data/assessment_rules_as_their_sources_say.json) so
the migration never changes when the packs do.
"""
import json
import uuid
from pathlib import Path

from alembic import op
import sqlalchemy as sa
# Freeze column types as plain sa.String etc.: a migration must not change when app code does.


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

DATA = Path(__file__).resolve().parents[1] / "data" / "assessment_rules_as_their_sources_say.json"
NAMESPACE = uuid.UUID("6b0d1f0e-5a43-4b39-9f5e-0f1e1d2c3b4a")   # app/catalogue/loader.py
TRIGGERS = ("catalogue_assessment_rule_no_update", "catalogue_assessment_rule_no_delete",
            "catalogue_spec_pack_no_update")


def _rule_id(ids_from: str, unit_number: str, order: int) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join((ids_from, "rule", unit_number, str(order)))))


def _replace(from_sha: str, to_sha: str, pack: dict, which: str) -> None:
    bind = op.get_bind()
    row = bind.execute(sa.text("SELECT id FROM spec_pack WHERE sha256 = :sha"),
                       {"sha": from_sha}).scalar()
    if row is None:     # this pack was never loaded here (or is already corrected)
        return
    for number, rules in pack["units"].items():
        unit_id = bind.execute(sa.text(
            "SELECT id FROM unit WHERE pack_row_id = :pack AND number = :number"),
            {"pack": row, "number": number}).scalar()
        bind.execute(sa.text("DELETE FROM assessment_rule WHERE unit_id = :unit"),
                     {"unit": unit_id})
        for order, rule in enumerate(rules[which]):
            bind.execute(sa.text(
                "INSERT INTO assessment_rule (id, unit_id, lo_number, kind, method, evidence, "
                "count, count_of, source_line, source_text, sort_order) VALUES (:id, :unit, "
                ":lo, :kind, :method, :evidence, :count, :count_of, :line, :text, :order)"),
                {"id": _rule_id(pack["ids_from"], number, order), "unit": unit_id,
                 "lo": rule["lo"], "kind": rule["kind"], "method": rule["method"],
                 "evidence": rule.get("evidence"), "count": rule["count"],
                 "count_of": rule["count_of"], "line": rule["source_line"],
                 "text": rule["source_text"], "order": order})
    bind.execute(sa.text("UPDATE spec_pack SET sha256 = :to WHERE id = :row "
                         "AND NOT EXISTS (SELECT 1 FROM spec_pack WHERE sha256 = :to)"),
                 {"to": to_sha, "row": row})


def upgrade() -> None:
    with op.batch_alter_table('assessment_rule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence', sa.String(length=40), nullable=True))
    # The rebuild took assessment_rule's triggers; spec_pack keeps its own. All come back
    # after every upgrade (app/db/triggers.py).
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    packs = json.loads(DATA.read_text(encoding="utf-8"))
    for pack in packs.values():
        _replace(pack["shipped_sha256"], pack["corrected_sha256"], pack, "now")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    packs = json.loads(DATA.read_text(encoding="utf-8"))
    for pack in packs.values():
        _replace(pack["corrected_sha256"], pack["shipped_sha256"], pack, "was")
    with op.batch_alter_table('assessment_rule', schema=None) as batch_op:
        batch_op.drop_column('evidence')
