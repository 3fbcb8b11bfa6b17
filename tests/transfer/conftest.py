"""A files-only server process on loopback for the transfer tests (tests/server has the
whole centre)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from file_server import FileServer  # noqa: E402


@pytest.fixture
def centre(tmp_path):
    server = FileServer(tmp_path / "centre-files").start()
    yield server
    server.kill()
