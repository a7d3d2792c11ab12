"""The SQLite memory: problems, runs, rounds, calls, lemmas, votes; export."""

from memory.lemmas import *  # noqa: F403 - the lemma memory's API, listed in memory.lemmas.__all__
from memory.lemmas import __all__ as _lemma_names
from memory.store import RunStore, StoredProblem

__all__ = ["RunStore", "StoredProblem", *_lemma_names]
