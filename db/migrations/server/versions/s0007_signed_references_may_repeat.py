"""a portfolio reference signed on two laptops is kept twice

Revision ID: s0007
Revises: s0006
Create Date: 2026-12-05 18:20:00

Issue 13: two laptops offline can both number a learner's observation OBS-001, and both
records can be signed before either reaches the centre. Neither may be renumbered (a
signature covers its reference), so both are kept, each printed qualified by its own
record id (app/evidence/printed_reference.py). The unique index on a learner's live
references no longer covers signed records; unsigned ones are still one per reference.
Only an index changes, on SQLite and PostgreSQL: every row the centre holds stays.
"""
from alembic import op
import sqlalchemy as sa


revision = 's0007'
down_revision = 's0006'
branch_labels = None
depends_on = None

BEFORE = "deleted_at IS NULL AND amends_id IS NULL"
AFTER = "deleted_at IS NULL AND amends_id IS NULL AND state != 'signed'"


def upgrade() -> None:
    # Not in batch mode: an index alone is dropped and made again, the table (and the
    # signing triggers on it) untouched.
    op.drop_index('uq_evidence_live_ref', table_name='evidence_record')
    op.create_index('uq_evidence_live_ref', 'evidence_record', ['learner_id', 'portfolio_ref'],
                    unique=True, sqlite_where=sa.text(AFTER), postgresql_where=sa.text(AFTER))


def downgrade() -> None:
    # Refused (by the database) while a learner holds one reference signed twice: going
    # back would have to drop a signed record, and none is ever dropped.
    op.drop_index('uq_evidence_live_ref', table_name='evidence_record')
    op.create_index('uq_evidence_live_ref', 'evidence_record', ['learner_id', 'portfolio_ref'],
                    unique=True, sqlite_where=sa.text(BEFORE), postgresql_where=sa.text(BEFORE))
