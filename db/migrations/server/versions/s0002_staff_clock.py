"""staff clock

Revision ID: s0002
Revises: s0001
Create Date: 2026-12-05 12:35:00

One counter per member of staff (server/models.StaffClock), so a laptop learns that
nothing changed for it with two row reads instead of comparing every learner's cursor.
Starts empty: a missing row reads as 0, and every laptop's first sync after the upgrade
pulls as before (it holds no token yet), so nothing already stored changes.
"""
from alembic import op
import sqlalchemy as sa


revision = 's0002'
down_revision = 's0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_clock',
    sa.Column('staff_id', sa.Text(), nullable=False),
    sa.Column('clock', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('staff_id', name=op.f('pk_staff_clock'))
    )


def downgrade() -> None:
    op.drop_table('staff_clock')
