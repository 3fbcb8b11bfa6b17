"""learner merged into

Revision ID: s0004
Revises: s0003
Create Date: 2026-12-05 16:00:00

Issue 13: a learner created twice and merged on a laptop arrives tombstoned, pointing at
the learner kept (`merged_into_id`). A new nullable column only: nothing a centre holds
changes. The centre keeps its unique index on live ULNs.
"""
from alembic import op
import sqlalchemy as sa


revision = 's0004'
down_revision = 's0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_learner_merged_into_id_learner'), 'learner',
                                    ['merged_into_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_learner_merged_into_id_learner'),
                                 type_='foreignkey')
        batch_op.drop_column('merged_into_id')
