"""Numeric loci (lines, circles) as complex-number geometry, and their intersections."""

from __future__ import annotations

import cmath
import math
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """The line through `p` with direction `d` (d != 0)."""

    p: complex
    d: complex


@dataclass(frozen=True)
class Circle:
    """The circle with centre `c` and radius `r`."""

    c: complex
    r: float


Locus = Line | Circle | complex


def unit(z: complex) -> complex:
    return z / abs(z) if abs(z) > 1e-12 else 0j


def line_through(a: complex, b: complex) -> Line:
    return Line(a, b - a)


def circumcenter_of(a: complex, b: complex, c: complex) -> complex | None:
    """Centre of the circle through a, b, c, or None when they are (nearly) collinear."""
    d = 2 * ((a.real * (b.imag - c.imag)) + b.real * (c.imag - a.imag) + c.real * (a.imag - b.imag))
    if abs(d) < 1e-10 * (abs(a - b) * abs(b - c) + 1e-12):
        return None
    a2, b2, c2 = abs(a) ** 2, abs(b) ** 2, abs(c) ** 2
    x = (a2 * (b.imag - c.imag) + b2 * (c.imag - a.imag) + c2 * (a.imag - b.imag)) / d
    y = (a2 * (c.real - b.real) + b2 * (a.real - c.real) + c2 * (b.real - a.real)) / d
    return complex(x, y)


def foot_on(p: complex, line: Line) -> complex:
    u = unit(line.d)
    return line.p + u * ((p - line.p) * u.conjugate()).real


def reflect_in(p: complex, line: Line) -> complex:
    return 2 * foot_on(p, line) - p


def intersect(a: Locus, b: Locus) -> list[complex]:
    """Intersection points of two loci (a point locus is intersected by membership)."""
    if isinstance(a, complex) or isinstance(b, complex):
        pt, other = (a, b) if isinstance(a, complex) else (b, a)
        return [pt] if isinstance(other, complex) or contains(other, pt) else []
    if isinstance(a, Line) and isinstance(b, Line):
        return _line_line(a, b)
    if isinstance(a, Circle) and isinstance(b, Circle):
        return _circle_circle(a, b)
    line, circle = (a, b) if isinstance(a, Line) else (b, a)
    return _line_circle(line, circle)


def contains(locus: Locus, p: complex, tol: float = 1e-7) -> bool:
    if isinstance(locus, Line):
        return abs(p - foot_on(p, locus)) < tol * 10
    if isinstance(locus, Circle):
        return abs(abs(p - locus.c) - locus.r) < tol * 10
    return abs(p - locus) < tol * 10


def _cross(u: complex, v: complex) -> float:
    return (u.conjugate() * v).imag


def _line_line(a: Line, b: Line) -> list[complex]:
    den = _cross(a.d, b.d)
    if abs(den) < 1e-9 * abs(a.d) * abs(b.d):
        return []
    t = _cross(b.p - a.p, b.d) / den
    return [a.p + t * a.d]


def _line_circle(line: Line, circle: Circle) -> list[complex]:
    f = foot_on(circle.c, line)
    h2 = circle.r ** 2 - abs(f - circle.c) ** 2
    if h2 < -1e-9:
        return []
    h = math.sqrt(max(h2, 0.0))
    u = unit(line.d)
    return [f + u * h, f - u * h] if h > 1e-9 else [f]


def _circle_circle(a: Circle, b: Circle) -> list[complex]:
    d = abs(b.c - a.c)
    if d < 1e-9:
        return []
    x = (d * d + a.r ** 2 - b.r ** 2) / (2 * d)
    h2 = a.r ** 2 - x * x
    if h2 < -1e-9:
        return []
    h = math.sqrt(max(h2, 0.0))
    u = unit(b.c - a.c)
    base = a.c + u * x
    return [base + 1j * u * h, base - 1j * u * h] if h > 1e-9 else [base]


def random_point_on(locus: Locus, rng: random.Random, scale: float) -> complex:
    """A random point of a line (around its anchor, on both sides, at the scale of its
    direction vector or of `scale`) or of a circle."""
    if isinstance(locus, Line):
        reach = max(abs(locus.d), scale)
        return locus.p + unit(locus.d) * rng.uniform(-1.2, 2.2) * reach
    if isinstance(locus, Circle):
        return locus.c + locus.r * cmath.exp(1j * rng.uniform(0, 2 * math.pi))
    return locus
