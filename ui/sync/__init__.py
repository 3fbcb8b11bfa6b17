"""Sync in the window: the status area, Sync now (background, progress, cancel), File →
Connect to centre…, and the needs-attention list. The work is app/sync's; these only show
it."""
