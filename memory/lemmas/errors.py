"""Errors of the lemma memory; each names the lemma and what to do instead."""


class LemmaMemoryError(Exception):
    """Base class; the CLI shows these as one-line errors."""


class LemmaNotFound(LemmaMemoryError):
    """No lemma has this id."""

    def __init__(self, lemma_id: int):
        super().__init__(f"lemma {lemma_id} does not exist; `lemmata lemmas list --problem ID` shows the ids")


class LemmaNotInLibrary(LemmaMemoryError):
    """The lemma exists but this shot's library does not hold it."""

    def __init__(self, lemma_id: int, run_id: str, problem_id: str, shot: int):
        super().__init__(
            f"lemma {lemma_id} is not in the library of run {run_id}, problem {problem_id}, shot {shot}; "
            "add it to this library first or open the library that holds it")


class LemmaSuperseded(LemmaMemoryError):
    """The lemma was edited; only its newest version can change."""

    def __init__(self, lemma_id: int, newer_id: int):
        super().__init__(f"lemma {lemma_id} was replaced by its edited version {newer_id}; edit {newer_id} instead")
