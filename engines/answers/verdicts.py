"""The fixed vocabularies of answer checking: verdicts, who decided them, and comparison outcomes."""

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


class EquivalenceStatus(StrEnum):
    """Outcome of comparing an answer with the gold answer."""

    EQUIVALENT = "equivalent"
    NOT_EQUIVALENT = "not_equivalent"
    FORM_DIFFERS = "form_differs"
    """Equal in value, but the question asks for a form the answer does not have."""
    WORDS = "words"
    """Word answers that differ in spelling: rules cannot tell."""
    UNPARSEABLE = "unparseable"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TIMEOUT = "timeout"
    """Set by the caller when the worker running the comparison was killed."""
