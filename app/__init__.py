"""Fieldfolio without a screen: storage, domain rules and operations.

Nothing in this package imports Qt (tests/test_architecture.py enforces it), so the same
code serves the window, the command line, the tests and, later, the sync server.
"""

# The one place the version is written: pyproject.toml reads it, as do --version,
# Help -> About, the bundle's Windows version resource and macOS Info.plist.
__version__ = "0.1.0"
