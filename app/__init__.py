"""Fieldfolio without a screen: storage, domain rules and operations.

Nothing in this package imports Qt (tests/test_architecture.py enforces it), so the same
code serves the window, the command line, the tests and, later, the sync server.
"""
