"""Errors of the run store; each names the database file, what went wrong and the way out."""

import sqlite3

DatabaseError = sqlite3.DatabaseError
"""What SQLite raises when a store already open turns out damaged, or its disk fills up."""


class StoreError(Exception):
    """Base class for run-store conditions shown to users as one line."""


class CorruptStoreError(StoreError):
    """The file is not a readable SQLite run store (garbage, truncated, a directory)."""


class NewerSchemaError(StoreError):
    """The store was written by a newer Lemmata; this one may read it but never writes it."""


class StoreFullError(StoreError):
    """The disk (or the file's size limit) is full; what was stored before is kept."""


class RunLeasedError(StoreError):
    """Another live process is executing this run."""


class RunNotFound(StoreError):
    """No run with this id is in the store."""


def as_store_error(error: sqlite3.DatabaseError) -> StoreError:
    """The one-line condition a database error met while a store was open stands for."""
    if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return StoreFullError(f"{StoreFullError.__doc__} ({error})")
    return CorruptStoreError(f"the run store cannot be read: {error}; move it aside or pass --db FILE")
