"""Predicate names of the language and their numeric truth in a diagram."""

from __future__ import annotations

import cmath
import math
from enum import Enum
from fractions import Fraction

# Numeric tolerance, relative to a diagram whose coordinates are of order 1..10.
TOL = 1e-6


class Predicate(str, Enum):
    """Predicates that goals, premises and derived facts are stated with."""

    COLL = "coll"
    PARA = "para"
    PERP = "perp"
    CONG = "cong"
    EQANGLE = "eqangle"
    EQRATIO = "eqratio"
    CYCLIC = "cyclic"
    MIDP = "midp"
    CIRCLE = "circle"
    SIMTRI = "simtri"
    SIMTRIR = "simtrir"
    CONTRI = "contri"
    CONTRIR = "contrir"
    ACONST = "aconst"
    RCONST = "rconst"
    TRIRATIO = "triratio"
    """Internal: BD·CE·AF = DC·EA·FB for triangle ABC (Menelaus and Ceva), never a goal."""


# Fixed argument counts; None means "at least the minimum in MIN_ARGS".
ARITY: dict[Predicate, int | None] = {
    Predicate.COLL: None, Predicate.PARA: 4, Predicate.PERP: 4, Predicate.CONG: 4,
    Predicate.EQANGLE: 8, Predicate.EQRATIO: 8, Predicate.CYCLIC: None, Predicate.MIDP: 3,
    Predicate.CIRCLE: None, Predicate.SIMTRI: 6, Predicate.SIMTRIR: 6, Predicate.CONTRI: 6,
    Predicate.CONTRIR: 6, Predicate.ACONST: 5, Predicate.RCONST: 5, Predicate.TRIRATIO: 6,
}
MIN_ARGS = {Predicate.COLL: 3, Predicate.CYCLIC: 4, Predicate.CIRCLE: 3}
# Goal spellings of the public problem files that mean one of ours.
ALIASES = {"simtri2": "simtrir", "contri2": "contrir"}


def parse_predicate(name: str) -> Predicate:
    """The Predicate called `name` (raises ValueError when there is none)."""
    return Predicate(ALIASES.get(name, name))


def parse_number(text: str) -> Fraction:
    """A rational constant written as `15`, `1/2`, `2pi/3` (in π units for angles)."""
    text = text.replace("pi", "").rstrip("o")  # `30o` means 30 degrees
    if text.endswith("/"):
        text = text[:-1]
    return Fraction(text) if text else Fraction(1)


def direction(p: complex, q: complex) -> float:
    """Direction of line pq as a fraction of π in [0, 1)."""
    return (cmath.phase(q - p) / math.pi) % 1.0


def angle_mod(x: float) -> float:
    """Distance of x (π units) from the nearest integer."""
    return abs(x - round(x))


def perp_directions(u: float, v: float) -> bool:
    """Whether lines of directions u and v (`direction`) are perpendicular."""
    return angle_mod(u - v - 0.5) < TOL * 10


def eqangle_directions(d0: float, d1: float, d2: float, d3: float, offset: float = 0.0) -> bool:
    """Whether the angle from direction d1 to d0 equals the one from d3 to d2 (plus offset π units)."""
    return angle_mod(d0 - d1 - d2 + d3 - offset) < TOL * 10


def _close(x: float, y: float) -> bool:
    return abs(x - y) < TOL * max(1.0, abs(x), abs(y))


def is_coll(ps: list[complex]) -> bool:
    a, b = ps[0], ps[1]
    d = b - a
    return all(abs((d.conjugate() * (p - a)).imag) < TOL * (abs(d) * abs(p - a) + 1e-9) * 10
               for p in ps[2:])


def is_cyclic(ps: list[complex]) -> bool:
    from lemmata.engines.geometry.loci import circumcenter_of

    c = circumcenter_of(ps[0], ps[1], ps[2])
    if c is None:
        return False
    r = abs(ps[0] - c)
    return all(_close(abs(p - c), r) for p in ps[3:])


def check(pred: Predicate, pts: list[complex], consts: list[Fraction] | None = None) -> bool:
    """Whether the predicate holds numerically for these point positions."""
    match pred:
        case Predicate.COLL:
            return is_coll(pts)
        case Predicate.PARA:
            return angle_mod(direction(pts[0], pts[1]) - direction(pts[2], pts[3])) < TOL * 10
        case Predicate.PERP:
            return perp_directions(direction(pts[0], pts[1]), direction(pts[2], pts[3]))
        case Predicate.CONG:
            return _close(abs(pts[0] - pts[1]), abs(pts[2] - pts[3]))
        case Predicate.EQANGLE:
            d = [direction(pts[i], pts[i + 1]) for i in range(0, 8, 2)]
            offset = float(consts[0]) if consts else 0.0  # only ever 1/2: a right-angle offset
            return eqangle_directions(*d, offset)
        case Predicate.EQRATIO:
            ls = [abs(pts[i] - pts[i + 1]) for i in range(0, 8, 2)]
            return _close(ls[0] * ls[3], ls[1] * ls[2])
        case Predicate.CYCLIC:
            return is_cyclic(pts)
        case Predicate.MIDP:
            return abs(pts[0] - (pts[1] + pts[2]) / 2) < TOL * 10
        case Predicate.CIRCLE:
            r = abs(pts[1] - pts[0])
            return all(_close(abs(p - pts[0]), r) for p in pts[2:])
        case Predicate.SIMTRI | Predicate.CONTRI | Predicate.SIMTRIR | Predicate.CONTRIR:
            return _similar(pts, pred)
        case Predicate.ACONST:
            value = float(consts[0]) if consts else 0.0
            return angle_mod(direction(pts[2], pts[3]) - direction(pts[0], pts[1]) - value) < TOL * 10
        case Predicate.RCONST:
            value = float(consts[0]) if consts else 1.0
            return _close(abs(pts[0] - pts[1]), value * abs(pts[2] - pts[3]))
        case Predicate.TRIRATIO:
            a, b, c, d, e, f = pts
            return _close(abs(b - d) * abs(c - e) * abs(a - f), abs(d - c) * abs(e - a) * abs(f - b))
    return False


def _similar(pts: list[complex], pred: Predicate) -> bool:
    a, b, c, p, q, r = pts
    z1 = (c - a) / (b - a) if b != a else 0
    z2 = (r - p) / (q - p) if q != p else 0
    if pred in (Predicate.SIMTRIR, Predicate.CONTRIR):
        z2 = z2.conjugate()
    if abs(z1 - z2) > TOL * 10 * max(1.0, abs(z1)):
        return False
    if pred in (Predicate.CONTRI, Predicate.CONTRIR):
        return _close(abs(b - a), abs(q - p))
    return True
