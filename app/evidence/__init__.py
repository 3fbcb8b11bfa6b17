"""Recording evidence: records per method, mapping to ACs, progress and attachments (no Qt)."""
