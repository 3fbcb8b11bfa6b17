"""Tests of Fieldfolio as installed, not as checked out: the PyInstaller bundle and the wheel.

They need a built bundle (`python3 tools/dev.py build`) and take a minute or two, so the
ordinary test run leaves them out; `python3 tools/dev.py smoke` runs them, and CI does.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.installed.programs import Installed

BUNDLE = os.environ.get("FIELDFOLIO_BUNDLE")

if not BUNDLE:
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A working directory that is not the checkout, so nothing is found by accident."""
    path = tmp_path / "elsewhere"
    path.mkdir()
    return path


@pytest.fixture
def bundle(elsewhere) -> Installed:
    return Installed(Path(BUNDLE), elsewhere)
