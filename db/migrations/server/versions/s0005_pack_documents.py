"""pack documents

Revision ID: s0005
Revises: s0004
Create Date: 2026-12-05 15:40:00

Qualification packs travel over sync (issue 13): the file of each pack a laptop sent up or
the admin imported (`server-admin import-pack`), named by its SHA-256, for every other
laptop to fetch and load. The same table as a laptop's 0012. A new table only, so nothing a
centre already holds is touched; the shipped packs are read from the specs folder.
"""
from alembic import op
import sqlalchemy as sa


revision = 's0005'
down_revision = 's0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pack_document',
    sa.Column('sha256', sa.Text(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('kept_at', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_pack_document'))
    )


def downgrade() -> None:
    op.drop_table('pack_document')
