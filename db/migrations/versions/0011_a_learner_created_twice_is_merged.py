"""a learner created twice is merged

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 16:00:00

Issue 13: the same learner (one ULN) typed on two devices. A pull could bring the centre's
learner beside this laptop's own with the same ULN, and the unique index refused it: the
sync stopped there at every try. The laptop's index on live ULNs is no longer unique (both
records are kept and shown for merging; typing a ULN already here is still refused by the
learner form), and a learner gains `merged_into_id`, the link from a merged duplicate to
the learner kept. Every row is kept; no learner is merged by this revision.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

LIVE = 'deleted_at IS NULL AND uln IS NOT NULL'


def upgrade() -> None:
    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_learner_merged_into_id_learner'), 'learner',
                                    ['merged_into_id'], ['id'])
        batch_op.drop_index('uq_learner_live_uln', sqlite_where=sa.text(LIVE))
        batch_op.create_index('ix_learner_live_uln', ['uln'], unique=False,
                              sqlite_where=sa.text(LIVE))


def downgrade() -> None:
    # Refused by the database while two live learners share a ULN: merge them first.
    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.drop_index('ix_learner_live_uln', sqlite_where=sa.text(LIVE))
        batch_op.create_index('uq_learner_live_uln', ['uln'], unique=True,
                              sqlite_where=sa.text(LIVE))
        batch_op.drop_constraint(batch_op.f('fk_learner_merged_into_id_learner'),
                                 type_='foreignkey')
        batch_op.drop_column('merged_into_id')
