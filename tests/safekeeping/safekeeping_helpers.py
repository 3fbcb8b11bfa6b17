"""What the encryption tests share: the passphrase of the test folders and the checkout."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_PASSPHRASE = "tea at the till 4 customers"
