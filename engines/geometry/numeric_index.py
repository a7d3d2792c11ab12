"""What the diagram says before any proof: numerically collinear and concyclic points,
equal distances, midpoints and similar triangles — the candidates that rules then justify."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations, permutations

import numpy as np

from lemmata.engines.geometry.diagram import Diagram
from lemmata.engines.geometry.loci import circumcenter_of
from lemmata.engines.geometry.predicates import TOL, direction, is_coll


@dataclass
class NumericIndex:
    """What the diagram says, computed once per set of points."""

    names: list[str]
    lines: list[frozenset[str]]
    circles: list[frozenset[str]]
    equidistant: dict[str, list[list[str]]]
    """centre → groups (≥2) of points at one distance from it."""
    midpoints: list[tuple[str, str, str]]
    bisector_feet: list[tuple[str, str, str, str]] | None = None
    """Filled on first use by the bisector-feet rule."""
    angle_feet: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    """Filled on use by the bisector-feet-midline rule, per segment."""
    directions: dict[tuple[str, str], float] | None = None
    """Filled on first use by `directions`."""
    ratios: list[tuple[str, str, str, str, Fraction]] | None = None
    """Filled on first use by `ratio_pairs`."""
    similar: list[tuple[tuple[str, str, str], tuple[str, str, str], bool]] | None = None
    """Filled on first use by `similar_triangles`."""


def index_diagram(diagram: Diagram) -> NumericIndex:
    pts = diagram.points
    names = list(pts)
    lines: set[frozenset[str]] = set()
    for a, b in combinations(names, 2):
        on = frozenset(c for c in names if is_coll([pts[a], pts[b], pts[c]]) or c in (a, b))
        if len(on) >= 3:
            lines.add(on)
    circles = _circles(pts, names)
    equidistant = {}
    for o in names:
        others = sorted((abs(pts[x] - pts[o]), x) for x in names if x != o)
        groups, current = [], [others[0]] if others else []
        for item in others[1:]:
            if abs(item[0] - current[-1][0]) < TOL * 10 * max(1, item[0]):
                current.append(item)
            else:
                groups.append(current)
                current = [item]
        groups.append(current)
        equidistant[o] = [[x for _, x in g] for g in groups if len(g) >= 2]
    mids = [(m, a, b) for a, b in combinations(names, 2) for m in names
            if m not in (a, b) and abs(pts[m] - (pts[a] + pts[b]) / 2) < TOL * 10]
    return NumericIndex(names, sorted(lines, key=sorted), sorted(circles, key=sorted), equidistant, mids)



def single(s: set[str]) -> str | None:
    return next(iter(s)) if len(s) == 1 else None


def _circles(pts: dict[str, complex], names: list[str]) -> set[frozenset[str]]:
    """The sets of ≥ 4 points on one circle through three of them. An array test with a ten
    times looser tolerance picks the few circles worth the exact test point by point."""
    circles: set[frozenset[str]] = set()
    found = []
    for a, b, c in combinations(names, 3):
        o = circumcenter_of(pts[a], pts[b], pts[c])
        if o is not None and abs(o) <= 1e4:
            found.append((o, abs(pts[a] - o)))
    if not found:
        return circles
    centre = np.array([o for o, _ in found], dtype=complex)[:, None]
    radius = np.array([r for _, r in found], dtype=float)[:, None]
    at = np.array([pts[x] for x in names], dtype=complex)[None, :]
    near = np.abs(np.abs(at - centre) - radius) < TOL * 100 * np.maximum(1, radius)
    for row in np.flatnonzero(near.sum(axis=1) >= 4):
        o, r = found[row]
        on = frozenset(names[i] for i in np.flatnonzero(near[row])
                       if abs(abs(pts[names[i]] - o) - r) < TOL * 10 * max(1, r))
        if len(on) >= 4:
            circles.add(on)
    return circles


def ratio_pairs(index: NumericIndex, diagram: Diagram) -> list[tuple[str, str, str, str, Fraction]]:
    """(a, b, c, d, q): segments ab, cd (in `combinations` order) whose lengths are numerically
    in a simple ratio q = p/q' ≠ 1 (the smallest q' ≤ 4 that fits, 0 < p ≤ 8), computed once per
    index on arrays."""
    if index.ratios is None:
        pts = diagram.points
        segments = list(combinations(index.names, 2))
        length = np.array([abs(pts[a] - pts[b]) for a, b in segments], dtype=float)
        first, second = np.triu_indices(len(segments), k=1)
        ratio = length[first] / length[second]
        found = np.zeros(len(ratio), dtype=int)  # the q of the first denominator that fits
        numerator = np.zeros(len(ratio), dtype=float)
        for q in (1, 2, 3, 4):
            scaled = ratio * q
            p = np.rint(scaled)
            fits = (found == 0) & (p > 0) & (p <= 8) & (np.abs(scaled - p) < 1e-7)
            found[fits], numerator[fits] = q, p[fits]
        hits = [(i, Fraction(int(numerator[i]), int(found[i]))) for i in np.flatnonzero(found)]
        index.ratios = [(*segments[first[i]], *segments[second[i]], q) for i, q in hits if q != 1]
    return index.ratios


def directions(index: NumericIndex, diagram: Diagram) -> dict[tuple[str, str], float]:
    """(p, q) → `direction` of line pq, for every ordered pair of the index's points, computed
    once per index."""
    if index.directions is None:
        pts = diagram.points
        index.directions = {(p, q): direction(pts[p], pts[q])
                            for p in index.names for q in index.names if p != q}
    return index.directions


def similar_triangles(index: NumericIndex, diagram: Diagram
                      ) -> list[tuple[tuple[str, str, str], tuple[str, str, str], bool]]:
    """`similar_pairs` of the index's points, computed once per index."""
    if index.similar is None:
        index.similar = list(similar_pairs(diagram, index.names))
    return index.similar


def numeric_para(pts, a, b, c, d) -> bool:
    u, v = pts[b] - pts[a], pts[d] - pts[c]
    return abs((u.conjugate() * v).imag) < 1e-7 * abs(u) * abs(v)


def similar_pairs(diagram: Diagram, names: list[str]):
    """Pairs of vertex-matched triangles that are similar in the diagram (direct or mirrored)."""
    pts = diagram.points
    table: dict[tuple[int, int], list[tuple[str, str, str]]] = {}
    for tri in combinations(names, 3):
        a, b, c = (pts[x] for x in tri)
        if abs(((b - a).conjugate() * (c - a)).imag) < 1e-6 * abs(b - a) * abs(c - a):
            continue
        for x, y, z in permutations(tri):
            s = (pts[z] - pts[x]) / (pts[y] - pts[x])
            table.setdefault((round(s.real * 1e5), round(s.imag * 1e5)), []).append((x, y, z))
    seen = set()
    for key, tris in table.items():
        mirror = table.get((key[0], -key[1]), [])
        for group, reflected in ((tris, False), (mirror, True)):
            for t1 in tris:
                for t2 in group:
                    if set(t1) == set(t2):
                        continue
                    canon = (frozenset(zip(t1, t2)), reflected)
                    if canon in seen or (frozenset(zip(t2, t1)), reflected) in seen:
                        continue
                    seen.add(canon)
                    yield t1, t2, reflected
