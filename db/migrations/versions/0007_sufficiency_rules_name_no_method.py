"""sufficiency rules name no method

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 02:33:29.046886

EDI's "You must provide evidence … over a sufficient period of time with different customers
on different occasions …" was loaded as a rule requiring a record of method "Other", so no
EDI unit could ever be signed off. It is a sufficiency rule, which names no method: the
column becomes nullable and the rows already loaded are corrected where they are, because
every EDI enrolment, mapping and signature points at them by id (a corrected pack loaded
beside them would have fixed nobody's portfolio). The catalogue's immutability triggers
are dropped with the table rebuild and re-created after every upgrade
(app/db/triggers.py); spec_pack's is dropped here for the one update it must allow.

The old spec_pack row then records the corrected pack's SHA-256, so the shipped pack is
recognised as loaded and not added again beside it; loaded fresh, the corrected pack takes
its ids from the pack it corrects (app/catalogue/corrected_in_place.py), so upgraded and
new laptops agree on every id.
"""
from alembic import op
import sqlalchemy as sa
# Freeze column types as plain sa.String etc.: a migration must not change when app code does.


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

PACK_ID = "edi-l2-nvq-customer-service"
SHIPPED_SHA = "be4c722d0f06da065553cbf47c220e0bc5cef8c568a882e4aa8977643b9a75c9"
CORRECTED_SHA = "d61da9f3ad247671e07367dce1540656945506a23ed69152b3da4a50cdf6524f"
SENTENCE = ("You must provide evidence that shows you have done this over a sufficient period "
            "of time with different customers on different occasions for your assessor to be "
            "confident that you are competent.")
THE_RULES = ("unit_id IN (SELECT unit.id FROM unit JOIN spec_pack "
             "ON spec_pack.id = unit.pack_row_id WHERE spec_pack.pack_id = :pack_id) "
             "AND source_text = :sentence AND count IS NULL AND count_of = 'occasions'")


def upgrade() -> None:
    with op.batch_alter_table('assessment_rule', schema=None) as batch_op:
        batch_op.alter_column('method',
               existing_type=sa.VARCHAR(length=8),
               nullable=True)

    # The rebuild above took assessment_rule's triggers with it; spec_pack keeps its own.
    op.execute("DROP TRIGGER IF EXISTS catalogue_assessment_rule_no_update")
    op.execute("DROP TRIGGER IF EXISTS catalogue_spec_pack_no_update")
    op.get_bind().execute(sa.text(
        "UPDATE assessment_rule SET kind = 'sufficiency', method = NULL "
        f"WHERE kind = 'required' AND method = 'Ot' AND {THE_RULES}"),
        {"pack_id": PACK_ID, "sentence": SENTENCE})
    op.get_bind().execute(sa.text(
        "UPDATE spec_pack SET sha256 = :corrected WHERE sha256 = :shipped "
        "AND NOT EXISTS (SELECT 1 FROM spec_pack WHERE sha256 = :corrected)"),
        {"corrected": CORRECTED_SHA, "shipped": SHIPPED_SHA})


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS catalogue_assessment_rule_no_update")
    op.execute("DROP TRIGGER IF EXISTS catalogue_spec_pack_no_update")
    op.get_bind().execute(sa.text(
        "UPDATE spec_pack SET sha256 = :shipped WHERE sha256 = :corrected"),
        {"corrected": CORRECTED_SHA, "shipped": SHIPPED_SHA})
    op.get_bind().execute(sa.text(
        "UPDATE assessment_rule SET kind = 'required', method = 'Ot' "
        f"WHERE kind = 'sufficiency' AND method IS NULL AND {THE_RULES}"),
        {"pack_id": PACK_ID, "sentence": SENTENCE})
    with op.batch_alter_table('assessment_rule', schema=None) as batch_op:
        batch_op.alter_column('method',
               existing_type=sa.VARCHAR(length=8),
               nullable=False)
