"""The lines and circles a diagram already has, and how many of them a new point lands on.

An auxiliary point creates new facts only when it lands on something the figure already has
(HAGeo's filter): a line through two existing points, a circle through three, or a circle
centred at an existing point through another. Everything here is numeric and vectorised with
numpy, so thousands of candidate positions cost milliseconds."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from lemmata.engines.geometry.loci import circumcenter_of

TOLERANCE = 1e-7
"""Relative tolerance (of the diagram's radius) for a point on a line or circle."""


@dataclass(frozen=True)
class FigureLine:
    """A line through at least two existing points."""

    a: str
    b: str
    """The two earliest points on it (they name it in a clause)."""
    members: frozenset[str]


@dataclass(frozen=True)
class FigureCircle:
    """A circle through three existing points, or centred at one and through another."""

    step: str
    """Its locus in the language, `{x}` standing for the new point (`on_circum {x} a b c`)."""
    centre: complex
    radius: float
    members: frozenset[str]
    """Existing points on it."""


@dataclass
class Figure:
    """Existing lines and circles of a diagram, with arrays for vectorised incidence tests."""

    coords: dict[str, complex]
    scale: float
    lines: list[FigureLine]
    circles: list[FigureCircle]
    """Circles through ≥ 3 existing points first (`through` of them), then centred circles."""
    through: int

    def __post_init__(self) -> None:
        c = self.coords
        self._lp = np.array([c[ln.a] for ln in self.lines], dtype=complex)
        d = np.array([c[ln.b] - c[ln.a] for ln in self.lines], dtype=complex)
        self._ld = d / np.abs(d) if len(d) else d
        rich = self.circles[:self.through]
        self._cc = np.array([k.centre for k in rich], dtype=complex)
        self._cr = np.array([k.radius for k in rich], dtype=float)

    def on_circles(self, z: np.ndarray) -> np.ndarray:
        """For each position in z: how many circles through ≥ 3 existing points pass through it."""
        z = np.asarray(z, dtype=complex).reshape(-1, 1)
        if not len(self._cc):
            return np.zeros(z.shape[0], dtype=int)
        tol = TOLERANCE * self.scale
        return _by_rows(z, lambda w: (np.abs(np.abs(w - self._cc) - self._cr) < tol).sum(axis=1))

    def on_lines(self, z: np.ndarray) -> np.ndarray:
        """For each position in z: how many lines through ≥ 2 existing points pass through it."""
        z = np.asarray(z, dtype=complex).reshape(-1, 1)
        if not len(self._lp):
            return np.zeros(z.shape[0], dtype=int)
        tol = TOLERANCE * self.scale
        return _by_rows(z, lambda w: (np.abs((np.conj(self._ld) * (w - self._lp)).imag) < tol).sum(axis=1))

    def meets(self, z: np.ndarray) -> np.ndarray:
        """For each position in z: how many existing lines and circles (through ≥ 3 points)
        pass through it."""
        return self.on_lines(z) + self.on_circles(z)


ROWS = 128
"""Positions tested against all loci at once: the (positions × loci) temporaries of a few
hundred kilobytes stay in the cache, three times faster than thousands of rows at once."""


def _by_rows(z: np.ndarray, count) -> np.ndarray:
    """`count` applied to z (a column of positions) a block of ROWS rows at a time."""
    if len(z) <= ROWS:
        return count(z)
    return np.concatenate([count(z[i:i + ROWS]) for i in range(0, len(z), ROWS)])


def figure_of(points: list[str], coords: dict[str, complex], scale: float) -> Figure:
    """The lines through ≥ 2 of the points, the circles through ≥ 3 of them and the circles
    centred at one through another, each once (named by its earliest points)."""
    tol = TOLERANCE * scale
    lines: list[FigureLine] = []
    covered: set[tuple[str, str]] = set()
    for a, b in itertools.combinations(points, 2):
        if (a, b) in covered:
            continue
        za, d = coords[a], coords[b] - coords[a]
        u = d / abs(d)
        members = frozenset(p for p in points if abs(((coords[p] - za) * u.conjugate()).imag) < tol)
        covered.update(itertools.combinations([p for p in points if p in members], 2))
        lines.append(FigureLine(a, b, members))
    circles: list[FigureCircle] = []
    seen: set[frozenset[str]] = set()
    for a, b, c in itertools.combinations(points, 3):
        if any({a, b, c} <= m for m in seen):
            continue
        centre = circumcenter_of(coords[a], coords[b], coords[c])
        if centre is None or abs(centre) > 1e3 * scale:
            continue
        radius = abs(coords[a] - centre)
        members = frozenset(p for p in points if abs(abs(coords[p] - centre) - radius) < tol)
        seen.add(members)
        circles.append(FigureCircle(f"on_circum {{x}} {a} {b} {c}", centre, radius, members))
    through = len(circles)
    for o in points:
        done: list[float] = []
        for a in points:
            if a == o:
                continue
            radius = abs(coords[a] - coords[o])
            if any(abs(radius - r) < tol for r in done):
                continue
            done.append(radius)
            members = frozenset(p for p in points
                                if abs(abs(coords[p] - coords[o]) - radius) < tol)
            circles.append(FigureCircle(f"on_circle {{x}} {o} {a}", coords[o], radius, members))
    return Figure(coords, scale, lines, circles, through)


def line_circle_points(fig: Figure) -> list[tuple[FigureLine, FigureCircle, str, complex]]:
    """Second intersections of an existing line with an existing circle through one of the
    line's points (so the new point is unique in every drawing): (line, circle, shared, z)."""
    out = []
    for circle in fig.circles:
        for line in fig.lines:
            shared = sorted(line.members & circle.members)
            if len(shared) != 1:
                continue  # tangent-free secant through one known point only
            a = shared[0]
            za = fig.coords[a]
            other = line.b if line.a == a else line.a
            u = fig.coords[other] - za
            u /= abs(u)
            # z = a + t u on the circle, t != 0: t = -2 Re((a - c) conj(u)).
            t = -2 * ((za - circle.centre) * u.conjugate()).real
            if abs(t) > TOLERANCE * fig.scale:
                out.append((line, circle, a, za + t * u))
    return out


def circle_circle_points(fig: Figure) -> list[tuple[FigureCircle, FigureCircle, str, complex]]:
    """Second intersections of two existing circles sharing exactly one existing point:
    the reflection of that point in the line of centres."""
    out = []
    by_point: dict[str, list[FigureCircle]] = {}
    for circle in fig.circles:
        for p in circle.members:
            by_point.setdefault(p, []).append(circle)
    for a, group in sorted(by_point.items()):
        za = fig.coords[a]
        for k1, k2 in itertools.combinations(group, 2):
            if len(k1.members & k2.members) != 1:
                continue
            d = k2.centre - k1.centre
            if abs(d) < TOLERANCE * fig.scale:
                continue
            u = d / abs(d)
            foot = k1.centre + u * ((za - k1.centre) * u.conjugate()).real
            z = 2 * foot - za
            if abs(z - za) > TOLERANCE * fig.scale:
                out.append((k1, k2, a, z))
    return out


def through_point_lines(fig: Figure, perpendicular: bool
                        ) -> list[tuple[str, FigureLine, FigureLine | FigureCircle, complex, int]]:
    """Points where a new line — through an existing point p, parallel (or perpendicular) to an
    existing line — meets an existing line, or an existing circle through p a second time, and
    lands on one more existing line or circle there: (p, direction line, target, z, implied),
    `implied` being how many of the figure's loci the construction itself puts z on (one)."""
    c, tol = fig.coords, TOLERANCE * fig.scale
    names = list(c)
    zp = np.array([c[p] for p in names], dtype=complex)
    lines, circles = fig.lines, fig.circles[:fig.through]
    ta = np.array([c[ln.a] for ln in lines], dtype=complex)
    tv = np.array([c[ln.b] - c[ln.a] for ln in lines], dtype=complex)
    on_line = _membership(lines, names)
    on_circle = _membership(circles, names)
    centres = np.array([k.centre for k in circles], dtype=complex)
    d = zp[None, :] - zp[:, None]
    out = []
    for r, ref in enumerate(lines):
        u = tv[r] / abs(tv[r]) * (1j if perpendicular else 1)
        # p off the reference line, and no existing line through p already has that direction
        # (its points would be plain intersections of existing lines).
        along = np.abs((np.conj(u) * d).imag) < tol * np.maximum(np.abs(d), tol)
        np.fill_diagonal(along, False)
        free = ~on_line[r] & ~along.any(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            # Lines: z = p + t u on target a + s v, t = cross(a - p, v) / cross(u, v).
            cross = (np.conj(u) * tv).imag
            t = (np.conj(ta[:, None] - zp[None, :]) * tv[:, None]).imag / cross[:, None]
            keep = free[None, :] & ~on_line & (np.abs(cross) > 1e-9 * np.abs(tv))[:, None] & (np.abs(t) > tol)
            out += _landing(fig, names, keep, zp[None, :] + t * u, ref, lines)
            # Circles through p: the second point on the line through p.
            t = -2 * ((zp[None, :] - centres[:, None]) * np.conj(u)).real
            keep = free[None, :] & on_circle & (np.abs(t) > tol)
            out += _landing(fig, names, keep, zp[None, :] + t * u, ref, circles)
    return out


def _membership(loci: list, names: list[str]) -> np.ndarray:
    """A (loci × points) table: whether each point is on each locus."""
    table = [[p in locus.members for p in names] for locus in loci]
    return np.array(table, dtype=bool).reshape(len(loci), len(names))


def _landing(fig: Figure, names: list[str], keep: np.ndarray, z: np.ndarray, ref: FigureLine,
             targets: list) -> list:
    """The kept (target, point) positions that meet a locus beyond the target."""
    rows, cols = np.nonzero(keep)
    if not len(rows):
        return []
    where = z[rows, cols]
    meets = fig.meets(where)
    return [(names[j], ref, targets[i], complex(w), 1)
            for i, j, w, m in zip(rows, cols, where, meets) if m > 1]


def isogonal_points(fig: Figure) -> list[tuple[str, tuple[str, str, str], complex]]:
    """Isogonal conjugates of existing points in triangles of existing points that land on an
    existing line or circle: (p, (a, b, c), z). Conjugates at infinity or on a side are left out."""
    c = fig.coords
    names = list(c)
    out = []
    for a, b, d in itertools.combinations(names, 3):
        za, zb, zd = c[a], c[b], c[d]
        if abs(((zb - za).conjugate() * (zd - za)).imag) < TOLERANCE * fig.scale ** 2 * 100:
            continue
        others = [p for p in names if p not in (a, b, d)]
        zp = np.array([c[p] for p in others], dtype=complex)
        with np.errstate(invalid="ignore", divide="ignore"):
            # The line at a reflected in a's angle bisector: direction u(ab) u(ad) / u(ap).
            ua = _unit(zb - za) * _unit(zd - za) / _unit(zp - za)
            ub = _unit(za - zb) * _unit(zd - zb) / _unit(zp - zb)
            cross = (np.conj(ua) * ub).imag
            t = (np.conj(zb - za) * ub).imag / cross
            z = za + t * ua
        ok = np.isfinite(z) & (np.abs(cross) > 1e-6)
        chosen = np.flatnonzero(ok)
        if not len(chosen):
            continue
        meets = fig.meets(z[chosen])
        out += [(others[i], (a, b, d), complex(z[i])) for i, m in zip(chosen, meets) if m > 0]
    return out


def _unit(z):
    return z / np.abs(z)
