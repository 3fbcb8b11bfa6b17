"""The app lock: the passphrase at start, after the laptop sits idle, and to take it back
from a learner after hand-over; choosing a passphrase on first start."""
