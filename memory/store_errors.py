"""Errors of the run store; each names the database file, what went wrong and the way out."""


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
