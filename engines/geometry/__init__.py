"""Symbolic geometry engine: parser → numeric diagram → deductive database with exact algebra
→ proof extraction → figures, and a session object for agents.

`data/examples.txt` is copied from google-deepmind/alphageometry (Apache-2.0).
"""

from lemmata.engines.geometry.errors import (
    DiagramError, FalseClaimError, GeometryError, GeometryLanguageError,
)
from lemmata.engines.geometry.language import Problem, load_problem, parse_problem, read_problems
from lemmata.engines.geometry.proof import proof_text
from lemmata.engines.geometry.session import GeometrySession, Status
from lemmata.engines.geometry.solver import Solution, solve

__all__ = [
    "DiagramError", "FalseClaimError", "GeometryError", "GeometryLanguageError", "GeometrySession",
    "Problem", "Solution", "Status", "load_problem", "parse_problem", "proof_text", "read_problems",
    "solve",
]
