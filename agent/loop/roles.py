"""The model roles Lemmata calls; each may have its own endpoint, model and sampling."""

from enum import StrEnum


class Role(StrEnum):
    REASONER = "reasoner"
    SUMMARIZER = "summarizer"
    VERIFIER = "verifier"
    JUDGE = "judge"
    GEOMETRY = "geometry"
    GRADER = "grader"
    """Grades a finished proof on the 0-7 scale (may see the reference; the solver never does)."""
