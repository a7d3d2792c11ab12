"""Errors raised by the geometry engine, one class per condition."""

from __future__ import annotations


class GeometryError(Exception):
    """Base class of every geometry-engine error."""


class GeometryLanguageError(GeometryError):
    """A problem statement does not follow the constructive language."""

    def __init__(self, message: str, *, problem: str = "", clause_index: int | None = None,
                 clause_text: str = "") -> None:
        where = ""
        if clause_index is not None:
            where = f"clause {clause_index + 1} `{clause_text.strip()}`"
        if problem:
            where = f"problem {problem!r}, {where}" if where else f"problem {problem!r}"
        super().__init__(f"{where}: {message}" if where else message)
        self.problem = problem
        self.clause_index = clause_index
        self.clause_text = clause_text
        self.reason = message


class UnknownConstructionError(GeometryLanguageError):
    """A clause names a construction we have no definition for."""


class UndefinedPointError(GeometryLanguageError):
    """A clause uses a point before any clause introduced it."""


class ArityError(GeometryLanguageError):
    """A construction or goal predicate got the wrong number of arguments."""


class RedefinedPointError(GeometryLanguageError):
    """A clause introduces a point name that already exists."""


class BadGoalError(GeometryLanguageError):
    """The goal names a predicate we cannot prove or check."""


class NoGoalError(GeometryLanguageError):
    """A statement given to be proved has no `? goal` part."""


class DiagramError(GeometryError):
    """No non-degenerate numeric drawing satisfying the problem could be built."""


class FalseClaimError(GeometryError):
    """A claimed fact is false in the numeric diagram, so it cannot be proved."""


class SessionStateError(GeometryError):
    """A session method was called before the session had a problem."""
