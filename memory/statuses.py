"""The status words stored on runs and shots. They are `str` enums, so the stored values are the
plain words they always were and stores written before read unchanged."""

from enum import StrEnum


class RunStatus(StrEnum):
    """`runs.status`: where a run stands."""

    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    """An error ended it; `runs.note` names the cause."""
    INTERRUPTED = "interrupted"
    """Ctrl-C or a cancellation: resumable with --resume."""
    PAUSED = "paused"
    """An interactive session saved at its prompt: resumable."""
    QUIT = "quit"
    """An interactive session the person quit."""
    MERGING = "merging"
    """A merged batch run whose shards are still being copied in."""
    PARTIAL = "partial"
    """A merged batch run of which some shard had not finished."""


class ShotStatus(StrEnum):
    """`samples.status`: where one shot (one sample of a problem) stands."""

    RUNNING = "running"
    STOPPED = "stopped"
    """Ended early because enough other shots passed final verification (--stop-after)."""
    VERIFIED = "verified"
    UNVERIFIED = "unverified"
    NO_SOLUTION = "no_solution"
    FAILED = "failed"
    """A batch sample whose model calls failed; `samples.error` names the cause."""


class RoundStatus(StrEnum):
    """`rounds.status`: how far a round of the lemma loop got."""

    REASONED = "reasoned"
    NO_REASONING = "no_reasoning"
    """The reasoner's answer gave nothing usable; the round ended there."""
    SUMMARIZED = "summarized"
    VERIFIED = "verified"
    """Its new lemmas were voted on: the round is complete."""


class ConjectureStatus(StrEnum):
    """`conjectures.status`: an unproven lemma of the reasoner, until a lemma proves it."""

    OPEN = "open"
    PROVED = "proved"


FINISHED_SHOTS = (ShotStatus.VERIFIED, ShotStatus.UNVERIFIED, ShotStatus.NO_SOLUTION)
"""Statuses of shots that ran to their end."""
