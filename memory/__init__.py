"""The SQLite memory: problems, runs, rounds, calls, lemmas, votes; export."""

from lemmata.memory.lemmas import *  # noqa: F403 - the lemma memory's API, listed in lemmata.memory.lemmas.__all__
from lemmata.memory.lemmas import __all__ as _lemma_names
from lemmata.memory.shot_records import ShotRecords
from lemmata.memory.statuses import RunStatus, ShotStatus
from lemmata.memory.store import RunStore, StoredProblem
from lemmata.memory.store_errors import RunNotFound

__all__ = ["RunNotFound", "RunStatus", "RunStore", "ShotRecords", "ShotStatus", "StoredProblem", *_lemma_names]
