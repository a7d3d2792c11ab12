"""The SQLite memory: problems, runs, rounds, calls, lemmas, votes; export."""

from memory.store import RunStore, StoredProblem

__all__ = ["RunStore", "StoredProblem"]
