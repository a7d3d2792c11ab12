"""Parser of the constructive problem language into a language-neutral `Problem`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from lemmata.engines.geometry.constructions import CONSTRUCTIONS
from lemmata.engines.geometry.errors import (
    ArityError, BadGoalError, GeometryLanguageError, RedefinedPointError,
    UndefinedPointError, UnknownConstructionError,
)
from lemmata.engines.geometry.predicates import ARITY, MIN_ARGS, Predicate, parse_number, parse_predicate

_NAME = re.compile(r"^[a-z][a-z0-9_]*'*$")
# AlphaGeometry2 statements: `name@x_y = PREDICATE ARGS, ...` states premises about points whose
# coordinates are given. Conditions that only rule out degenerate drawings are read and not
# stated (the given coordinates satisfy them); goals that ask for a value are declined.
CONDITIONS = {"ncoll", "npara", "diff", "sameside", "nsameside", "sameclock", "nsameclock"}
VALUE_GOALS = {"acompute", "rcompute", "lcompute"}
MAX_POINTS = 50
"""Most points a statement may define: drawing indexes every triple of points against every
point (O(n^4): 60 points take ~3 s, 100 take ~20 s, 500 would take days), before any timeout
applies. The largest shipped problem has 14."""
MAX_NUMBER_CHARS = 40
_EXPONENT = re.compile(r"\d[eE]")


@dataclass(frozen=True)
class Step:
    """One construction applied inside a clause, with its arguments bound."""

    name: str
    """Construction name, as in the language."""
    args: tuple[str, ...]
    """Point names (new points first), then numbers as written."""


@dataclass(frozen=True)
class Clause:
    """`NEW_POINTS = STEP, STEP`: the steps are intersected to place the new points."""

    points: tuple[str, ...]
    steps: tuple[Step, ...]
    fixed: dict[str, complex] = field(default_factory=dict)
    """Coordinates given in the text as `name@x_y`."""
    text: str = ""
    premises: tuple[Step, ...] = ()
    """AlphaGeometry2 form: predicates stated about the (fixed) points, e.g. `coll b c o`."""


@dataclass(frozen=True)
class Goal:
    """The predicate to prove."""

    predicate: Predicate
    points: tuple[str, ...]
    numbers: tuple[Fraction, ...] = ()

    def __str__(self) -> str:
        return " ".join([self.predicate.value, *self.points, *map(str, self.numbers)])


@dataclass(frozen=True)
class Problem:
    """A parsed problem: named clauses in order and an optional goal."""

    name: str
    clauses: tuple[Clause, ...]
    goal: Goal | None

    @property
    def points(self) -> list[str]:
        return [p for c in self.clauses for p in c.points]


def parse_problem(text: str, name: str = "problem") -> Problem:
    """Parse `clauses ? goal` (a statement line) into a Problem."""
    body, _, goal_text = text.partition("?")
    known: list[str] = []
    clauses = []
    for index, clause_text in enumerate(t for t in body.split(";") if t.strip()):
        clauses.append(parse_clause(clause_text, known, index=index, problem=name))
        known.extend(clauses[-1].points)
        if len(known) > MAX_POINTS:
            raise GeometryLanguageError(
                f"the statement defines more than MAX_POINTS = {MAX_POINTS} points; the engine "
                "cannot draw or index that many in time — state a smaller configuration", problem=name)
    goal = parse_goal(goal_text, known, problem=name) if goal_text.strip() else None
    return Problem(name, tuple(clauses), goal)


def parse_clause(text: str, known: list[str], *, index: int = 0, problem: str = "") -> Clause:
    """Parse one `points = construction args, ...` clause against the points known so far."""
    def fail(cls: type[GeometryLanguageError], message: str) -> GeometryLanguageError:
        return cls(message, problem=problem, clause_index=index, clause_text=text)

    if "=" not in text:
        raise fail(GeometryLanguageError, "expected `points = construction args`")
    left, right = text.split("=", 1)
    points, fixed = [], {}
    for token in left.split():
        name, _, at = token.partition("@")
        if not _NAME.match(name):
            raise fail(GeometryLanguageError, f"{name!r} is not a point name (lower-case identifier)")
        if name in known or name in points:
            raise fail(RedefinedPointError, f"point {name!r} is already defined; pick a fresh name")
        points.append(name)
        if at:
            x, _, y = at.partition("_")
            try:
                fixed[name] = complex(float(x), float(y))
            except ValueError:
                raise fail(GeometryLanguageError, f"{token!r}: fixed coordinates are written `name@x_y`") from None
    if not points:
        raise fail(GeometryLanguageError, "no new point names before `=`")
    parts = [s for s in right.split(",") if s.strip()]
    # AlphaGeometry2 form: every new point has coordinates and its predicates are premises
    # (some names, `aconst`, are both; a clause mixing them is read as premises).
    if len(fixed) == len(points) and not (parts and all(p.split()[0] in CONSTRUCTIONS for p in parts)):
        premises = tuple(p for p in (_parse_premise(s, points, known, fail) for s in parts) if p)
        return Clause(tuple(points), (), fixed, text.strip(), premises)
    steps = tuple(_parse_step(s, points, known, fail) for s in parts)
    if not steps:
        raise fail(GeometryLanguageError, "no construction after `=` (a point with no construction "
                   "needs its coordinates, `name@x_y =`)")
    return Clause(tuple(points), steps, fixed, text.strip())


def _parse_premise(text: str, points: list[str], known: list[str], fail) -> Step | None:
    """A premise predicate of an AlphaGeometry2 clause (None for a degeneracy condition)."""
    name, *args = text.split()
    if name in CONDITIONS:
        return None
    try:
        pred = parse_predicate(name)
        if pred is Predicate.TRIRATIO:
            raise ValueError(name)
    except ValueError:
        raise fail(UnknownConstructionError, f"{name!r} is neither a construction nor a premise "
                   f"predicate ({', '.join(p.value for p in Predicate if p is not Predicate.TRIRATIO)})") from None
    n_numbers = 1 if pred in (Predicate.ACONST, Predicate.RCONST) else 0
    names, numbers = args[:len(args) - n_numbers], args[len(args) - n_numbers:]
    expected = ARITY[pred]
    if (expected is not None and len(names) + n_numbers != expected) or (
            expected is None and len(names) < MIN_ARGS[pred]):
        raise fail(ArityError, f"premise {name} got {len(names)} points")
    for a in names:
        if a not in known and a not in points:
            raise fail(UndefinedPointError, f"point {a!r} is used before it is defined")
    for a in numbers:
        try:
            _number(a)
        except (ValueError, ZeroDivisionError):
            raise fail(GeometryLanguageError, f"{a!r} is not a number") from None
    return Step(pred.value, tuple(args))


def _parse_step(text: str, points: list[str], known: list[str], fail) -> Step:
    name, *args = text.split()
    if name not in CONSTRUCTIONS:
        raise fail(UnknownConstructionError,
                   f"unknown construction {name!r}; see lemmata.engines.geometry.constructions.CONSTRUCTIONS")
    spec = CONSTRUCTIONS[name]
    if not args and len(spec.new) == len(points) and not spec.given:
        args = list(points)
    elif not args and len(spec.new) == len(points):
        raise fail(ArityError, f"{name} needs {spec.arity} arguments, got none")
    if len(args) == spec.arity - len(spec.new) and spec.params[:len(spec.new)] == spec.new:
        args = [*points[:len(spec.new)], *args]
    if len(args) != spec.arity:
        raise fail(ArityError, f"{name} takes {spec.arity} arguments "
                   f"({' '.join(spec.new + spec.given)}), got {len(args)}")
    point_args = args[:spec.arity - spec.numbers]
    for a in point_args:
        if a not in known and a not in points:
            raise fail(UndefinedPointError, f"point {a!r} is used before it is defined; "
                       "define it in an earlier clause")
    for a in args[spec.arity - spec.numbers:]:
        try:
            _number(a)
        except (ValueError, ZeroDivisionError):
            raise fail(GeometryLanguageError, f"{a!r} is not a number") from None
    return Step(name, tuple(args))


def parse_goal(text: str, known: list[str], *, problem: str = "") -> Goal:
    """Parse the predicate after `?`."""
    if not text.split():
        raise BadGoalError("empty goal after `?`", problem=problem)
    name, *args = text.split()
    if name in VALUE_GOALS:
        raise BadGoalError(f"goal `{name}` asks to compute a value; Lemmata proves statements only "
                           "(state the value, e.g. `aconst a b a c 1/3` or `rconst a b c d 1/2`)", problem=problem)
    if name == "eqratio3" and len(args) == 6:  # eqratio3 A B C D M N: MA:MC = NB:ND
        a, b, c, d, m, n = args
        name, args = "eqratio", [m, a, m, c, n, b, n, d]
    try:
        pred = parse_predicate(name)
        if pred is Predicate.TRIRATIO:
            raise ValueError(name)
    except ValueError:
        raise BadGoalError(f"goal predicate {name!r} is not one of "
                           f"{', '.join(p.value for p in Predicate)}", problem=problem) from None
    n_numbers = 1 if pred in (Predicate.ACONST, Predicate.RCONST) else 0
    if pred in (Predicate.ACONST, Predicate.RCONST) and len(args) == 6:
        n_numbers = 2  # `rconst a b c d 1 2` spells the ratio as two integers
    points, numbers = args[:len(args) - n_numbers], args[len(args) - n_numbers:]
    expected = ARITY[pred]
    if (expected is not None and len(points) + (1 if n_numbers else 0) != expected) or (
            expected is None and len(points) < MIN_ARGS[pred]):
        raise ArityError(f"goal {name} got {len(points)} points", problem=problem)
    for p in points:
        if p not in known:
            raise UndefinedPointError(f"goal uses undefined point {p!r}", problem=problem)
    try:
        values = [_number(n) for n in numbers]
        if len(values) == 2:
            values = [values[0] / values[1]]
    except (ValueError, ZeroDivisionError):
        raise BadGoalError(f"goal {name}: {' '.join(numbers)!r} is not a (non-zero) number", problem=problem) from None
    return Goal(pred, tuple(points), tuple(values))


def _number(text: str) -> Fraction:
    """`parse_number` on untrusted text: no exponent notation (`1e99999999` makes Fraction
    build a hundred-million-digit integer) and at most MAX_NUMBER_CHARS characters."""
    if len(text) > MAX_NUMBER_CHARS or _EXPONENT.search(text):
        raise ValueError(text)
    return parse_number(text)


def read_problems(path: str | Path) -> dict[str, str]:
    """Name → statement for a two-lines-per-problem file (blank lines ignored)."""
    lines = [ln.strip() for ln in Path(path).read_text().splitlines() if ln.strip()]
    return {lines[i]: lines[i + 1] for i in range(0, len(lines) - 1, 2)}


def load_problem(path: str | Path, name: str | None = None) -> Problem:
    """Parse one named problem (the first when name is None) from a problem file."""
    problems = read_problems(path)
    if name is None:
        name = next(iter(problems))
    if name not in problems:
        raise GeometryLanguageError(f"no problem named {name!r} in {path}")
    return parse_problem(problems[name], name)
