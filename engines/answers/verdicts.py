"""The fixed vocabularies of answer checking: verdicts and who decided them."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """Outcome of grading one response against a gold answer."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    INVALID = "invalid"
    """Truncated, looping, refusing or irrelevant (CompassVerifier label C)."""
    UNDECIDED = "undecided"
    """Neither rules nor a judge could decide (no judge given, timeout, unparseable)."""


class DecidedBy(StrEnum):
    """Which path produced a verdict."""

    RULES = "rules"
    JUDGE = "judge"
    NONE = "none"
