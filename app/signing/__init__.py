"""Signatures that hold up at audit (no Qt).

- canonical.py: the byte-exact content a signature covers, and its SHA-256.
- registry.py: `register_signable(record_type, serialise, ...)`; evidence registers in
  evidence_signable.py, other features (unit sign-offs, claims) the same way.
- device_key.py / chain.py: this laptop's Ed25519 key and the per-device signature chain.
- sign.py: `sign_record`, `signing_status`; policy.py: the centre's signing policy.
- locking.py / triggers.py: signed records are locked, in operations and in the database.
- amend.py: amendments and the "what changed" comparison.
- integrity.py: `verify_integrity`; audit.py: `record_event` and the audit trail.

Kept free of imports here so app.db.triggers can import the trigger list cheaply.
"""
