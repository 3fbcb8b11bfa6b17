"""full-text search index over assessment criteria

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 01:20:00

An FTS5 table made by hand (the models cannot describe a virtual table). It keeps the AC's
id as an unindexed column instead of borrowing assessment_criterion's rowid, so a later
batch-mode rebuild of that table (which may renumber rowids) cannot point hits at the
wrong criterion. The trigger that fills it lives in app/db/triggers.py, and
app/catalogue/search.py refills it from the catalogue rows if it is ever found stale.
env.py leaves tables named fts_* out of autogenerate, so no later revision drops it.
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS fts_criterion USING fts5("
        "text, ac_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')")
    op.execute("INSERT INTO fts_criterion (text, ac_id) SELECT text, id FROM assessment_criterion")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS fts_criterion")
