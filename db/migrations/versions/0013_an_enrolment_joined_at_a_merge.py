"""an enrolment joined at a merge

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 18:00:00

Issue 13: a learner created twice and merged, both records on one qualification. The two
enrolments are joined: the merged record's enrolment is tombstoned and points at the one
kept (`joined_into_id`), and its signed records (which cannot move) are read under the kept
one through that link. A new nullable column only: every row is kept, none joined here.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joined_into_id', sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_enrolment_joined_into_id_enrolment'),
                                    'enrolment', ['joined_into_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enrolment_joined_into_id_enrolment'),
                                 type_='foreignkey')
        batch_op.drop_column('joined_into_id')
