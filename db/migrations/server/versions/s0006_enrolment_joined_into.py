"""enrolment joined into

Revision ID: s0006
Revises: s0005
Create Date: 2026-12-05 18:00:00

Issue 13: a learner created twice and merged on a laptop, both records on one
qualification: the merged record's enrolment arrives tombstoned, pointing at the enrolment
kept (`joined_into_id`). A new nullable column only: nothing a centre holds changes.
"""
from alembic import op
import sqlalchemy as sa


revision = 's0006'
down_revision = 's0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joined_into_id', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_enrolment_joined_into_id_enrolment'),
                                    'enrolment', ['joined_into_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enrolment_joined_into_id_enrolment'),
                                 type_='foreignkey')
        batch_op.drop_column('joined_into_id')
