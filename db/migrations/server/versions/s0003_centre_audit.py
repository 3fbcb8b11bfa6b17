"""centre audit

Revision ID: s0003
Revises: s0002
Create Date: 2026-12-05 12:30:00

The centre's own audit trail (server.models.CentreAuditEvent): a laptop revoked, each change
it pushed after revocation, and the wipe the centre confirmed to it. A new table only, so
nothing a centre already holds is touched.
"""
from alembic import op
import sqlalchemy as sa


revision = 's0003'
down_revision = 's0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('centre_audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('device_id', sa.Text(), nullable=False),
    sa.Column('detail_json', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_audit'))
    )
    with op.batch_alter_table('centre_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_audit_device_id'), ['device_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('centre_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_audit_device_id'))
    op.drop_table('centre_audit')
