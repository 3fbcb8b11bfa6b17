"""Reasons a data folder cannot be opened, each with words a user can act on."""
from __future__ import annotations


class StorageError(Exception):
    """Base for problems opening the database. str() is the message to show the user."""


class NotADatabase(StorageError):
    pass


class NewerDatabase(StorageError):
    pass


class DataDirNotWritable(StorageError):
    pass
