"""Budgets of the lemma loop, and the named profiles that set them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from lemmata.engines.llm.settings import Strict


class ParseFailurePolicy(Strict):
    retries: int = Field(default=1, ge=0)
    """How often a call whose output does not parse is made again before the step is skipped."""


class LoopSettings(Strict):
    rounds: int = Field(default=8, ge=1)
    """Round cap for reasoner + summarizer."""
    lemma_votes: int = Field(default=4, ge=1)
    """Independent verifier calls per new lemma; confidence = passes / votes."""
    process_votes: int = Field(default=4, ge=1)
    """Process-verifier calls per candidate solution."""
    revisions: int = Field(default=8, ge=0)
    """Verify-and-revise loops for the final solution."""
    process_pass_ratio: float = Field(default=1.0, gt=0, le=1)
    """Share of process votes that must pass for the solution to count as verified."""
    shots: int = Field(default=1, ge=1)
    """Independent parallel attempts per problem."""
    stop_after: int | None = Field(default=None, ge=1)
    """End the remaining shots once this many have passed final verification."""
    library_budget_tokens: int = Field(default=16000, ge=100)
    token_budget: int | None = Field(default=None, ge=1)
    """Per problem and shot, all roles: prompt + completion tokens."""
    time_budget_s: float | None = Field(default=None, gt=0)
    """Per problem and shot, wall clock."""
    parse_failures: ParseFailurePolicy = Field(default_factory=ParseFailurePolicy)
    reuse_lemmas: int = Field(default=0, ge=0)
    """Opt-in: seed each new shot's library with up to this many verified lemmas of other
    problems that rank high for this one in full-text search (marked as imported)."""
    reference_visible: bool = False
    """Opt-in (`--reference-visible`, for reference-guided RL data): the process verifier is shown
    the problem's gold answer. Off, no prompt of any role holds a gold, reference or guideline."""
    select: Literal["vote", "verifier", "grader", "tournament"] | None = None
    """How one shot is chosen among K (`--select`): None picks `vote` for answer problems and
    `verifier` for proofs; `grader` takes the best 0-7 proof grade, `tournament` a single-elimination
    of pairwise judge calls (K - 1 calls). See docs/loop-options.md."""
    accept_after: int | None = Field(default=None, ge=1)
    """Accept the final solution after this many consecutive passing process-verifier votes
    (stopping at the first failure, which sends it to revision) instead of `process_votes` votes
    and `process_pass_ratio`."""
    conjectures: bool = False
    """Store the reasoner's unproven lemmas as conjectures (no votes, listed apart from the library
    as open); a later lemma stating one turns it into that lemma, which is verified as usual."""
    meta_verify: bool = False
    """Before a failed verdict counts, a checker call judges whether its first wrong step is really
    wrong; a refuted critique is dropped (recorded in critique_checks) and does not lower a score."""


class GeometryAgentSettings(Strict):
    max_steps: int = Field(default=200, ge=1)
    """Actions per trajectory (InternGeometry uses 200)."""
    formalisation_attempts: int = Field(default=5, ge=1)
    """Rejected <build> actions before the trajectory gives up."""
    resamples: int = Field(default=3, ge=0)
    """Turns drawn again when an action is malformed, a repeat, or one kind too many times in a row."""
    max_same_kind_run: int = Field(default=8, ge=2)
    engine_timeout_s: float = Field(default=30.0, gt=0)
    """Saturation time per engine call."""
    history_steps_verbatim: int = Field(default=1, ge=1)
    """Steps whose feedback stays verbatim in the prompt; older ones are compressed."""


class Profile(StrEnum):
    """A named set of loop budgets (`--profile`, `profile` in lemmata.toml)."""

    DEFAULT = "default"
    COMPETITION = "competition"
    PIPELINE = "pipeline"


PROFILES: dict[Profile, dict[str, Any]] = {
    Profile.DEFAULT: {},
    # Intern-S1-MO's CMO setting: 12 rounds, 8-vote lemma checks, 24 revision loops.
    Profile.COMPETITION: {"rounds": 12, "lemma_votes": 8, "process_votes": 8, "revisions": 24},
    # Issue 20: the open pipelines' test-time options (checked critiques, k passes in a row,
    # a pairwise tournament across shots).
    Profile.PIPELINE: {"rounds": 12, "lemma_votes": 4, "revisions": 24, "shots": 8, "meta_verify": True, "conjectures": True,
                 "accept_after": 5, "select": "tournament"},
}
