"""The centre server: the anchor every enrolled laptop pushes to and pulls from.

A separate entry point over the same `app/` models (never Qt, never `ui/`). It holds the
same synced tables as a laptop (learners, enrolments, records, mappings, attachment rows,
signatures, audit, sign-offs, claims, catalogue) plus its own (server/models.py): staff
accounts' enrol codes, devices with token hashes, applied mutations, per-scope clocks and
change log, rejections and conflicts.

Schema decision: the server has its OWN Alembic chain (db/migrations/server/, version table
`server_alembic_version`), not dialect guards in the laptop's chain. The laptop's chain is
written for SQLite (batch rebuilds, FTS5, PRAGMA foreign_keys, SQLite triggers) by several
engineers at once; guarding every one of their revisions for PostgreSQL would make each
laptop change a server risk. The server chain runs on SQLite and PostgreSQL alike and is
tested on both; tests/server/test_server_schema.py compares it with the app models, so a
laptop migration that changes a synced table fails CI until the server chain follows.

Statelessness: nothing is kept in memory between requests (no caches of devices, clocks or
cursors), so several server processes on one PostgreSQL serve the same devices in turn.
"""
