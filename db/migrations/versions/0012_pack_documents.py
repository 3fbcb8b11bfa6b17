"""pack documents

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 15:40:00

Qualification packs travel over sync as their files (issue 13): a pack imported from now on
keeps its file beside its rows, named by its SHA-256. A new table only; nothing a laptop
holds is touched. A pack imported before this revision has no file here, so it cannot be
sent to the centre until it is imported again (the sync says so in "needs attention").
"""
from alembic import op
import sqlalchemy as sa
# Freeze column types as plain sa.String etc.: a migration must not change when app code does.


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pack_document',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('kept_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_pack_document'))
    )


def downgrade() -> None:
    op.drop_table('pack_document')
