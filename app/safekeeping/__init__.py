"""Encryption at rest for a laptop that can be lost: the data folder's keys (from the
assessor's passphrase), the chunked file format for attachments, and the passphrase's
sources (prompt or FIELDFOLIO_PASSPHRASE). No Qt: the CLI, the window and tests share it."""
