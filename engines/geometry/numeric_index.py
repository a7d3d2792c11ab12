"""What the diagram says before any proof: numerically collinear and concyclic points,
equal distances, midpoints and similar triangles — the candidates that rules then justify."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from collections.abc import Iterator
from itertools import combinations, permutations

import numpy as np

from lemmata.engines.geometry.diagram import Diagram, distinct, double_points
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
    equidistant_pairs: list[tuple[str, str, tuple[str, ...]]] | None = None
    """Filled on first use by the perpendicular-bisector rule."""
    pair_lines: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """(a, b) in `names` order → the ≥ 3 points on line ab (what `lines` is made of)."""
    triple_circles: dict[tuple[str, str, str], tuple[complex, float, frozenset[str]]] = field(
        default_factory=dict)
    """Triple → circumcentre, radius and the points loosely on that circle."""
    shapes: dict[tuple[int, int], list[tuple[str, str, str]]] | None = None
    """Shape key → vertex-ordered triangles of that shape (filled with `similar`)."""
    previous: NumericIndex | None = None
    """The index of the diagram before its last points were added, when built from it."""
    doubles: dict[str, str] = field(default_factory=dict)
    """Point → the earlier point stated at its position (`diagram.double_points`)."""


def index_diagram(diagram: Diagram, previous: NumericIndex | None = None) -> NumericIndex:
    """The index of the diagram; given the index of the diagram before its last points were
    added, only what involves a new point is computed (the result is the same)."""
    pts = diagram.points
    names = list(pts)
    if previous is not None and previous.names != names[:len(previous.names)]:
        previous = None
    old = set(previous.names) if previous is not None else set()
    if previous is not None:
        previous.previous = None  # only the last index is built on: let older ones go
    # A point stated twice has no line, circle or midpoint through both of its names.
    doubles = double_points(pts)
    pair_lines: dict[tuple[str, str], frozenset[str]] = {}
    for a, b in combinations(names, 2):
        if not distinct(doubles, a, b):
            continue
        if a in old and b in old:  # only the new points can join a line of old points
            known = previous.pair_lines.get((a, b), frozenset((a, b)))
            on = known | {c for c in names if c not in old and is_coll([pts[a], pts[b], pts[c]])}
        else:
            on = frozenset(c for c in names if is_coll([pts[a], pts[b], pts[c]]) or c in (a, b))
        if len(on) >= 3:
            pair_lines[a, b] = frozenset(on)
    lines = set(pair_lines.values())
    triple_circles = _circles(pts, names, previous, doubles)
    circles = {on for o, r, loose in triple_circles.values() if len(loose) >= 4
               for on in [_exactly_on(pts, loose, o, r)] if len(on) >= 4}
    equidistant = {}
    for o in names:
        others = sorted((abs(pts[x] - pts[o]), x) for x in names
                        if distinct(doubles, x, o))
        groups, current = [], [others[0]] if others else []
        for item in others[1:]:
            if abs(item[0] - current[-1][0]) < TOL * 10 * max(1, item[0]):
                current.append(item)
            else:
                groups.append(current)
                current = [item]
        groups.append(current)
        equidistant[o] = [[x for _, x in g] for g in groups if len(g) >= 2]
    mids = [(m, a, b) for m, a, b in _midpoints(pts, names) if distinct(doubles, m, a, b)]
    return NumericIndex(names, sorted(lines, key=sorted), sorted(circles, key=sorted), equidistant,
                        mids, pair_lines=pair_lines, triple_circles=triple_circles, previous=previous,
                        doubles=doubles)


def _midpoints(pts: dict[str, complex], names: list[str]) -> list[tuple[str, str, str]]:
    """(m, a, b) with m numerically the midpoint of ab, in `combinations(names, 2)` order of
    ab, then in the order of names (one array test for all triples)."""
    if len(names) < 3:
        return []
    at = np.array([pts[x] for x in names], dtype=complex)
    first, second = np.triu_indices(len(names), k=1)
    near = np.abs(at[None, :] - ((at[first] + at[second]) / 2)[:, None]) < TOL * 10
    return [(names[m], names[first[i]], names[second[i]]) for i, m in zip(*np.nonzero(near))
            if m != first[i] and m != second[i]]


def single(s: set[str]) -> str | None:
    return next(iter(s)) if len(s) == 1 else None


def _circles(pts: dict[str, complex], names: list[str], previous: NumericIndex | None,
             doubles: dict[str, str]
             ) -> dict[tuple[str, str, str], tuple[complex, float, frozenset[str]]]:
    """Per triple of points: its circumcentre, radius and the points loosely on that circle
    (an array test with a ten times looser tolerance than the exact one). With the previous
    index, old triples test only the new points."""
    known = previous.triple_circles if previous is not None else {}
    old_names = set(previous.names) if previous is not None else set()
    fresh = [c for c in names if c not in old_names]
    out = dict(known)
    new_rows: list[tuple[tuple[str, str, str], complex, float]] = []
    for tri in _new_triples(names, len(old_names)):
        if not distinct(doubles, *tri):
            continue  # two names of one point: no circle
        o = circumcenter_of(*(pts[x] for x in tri))
        if o is not None and abs(o) <= 1e4:
            new_rows.append((tri, o, abs(pts[tri[0]] - o)))
    added = [(tri, (o, r, frozenset())) for tri, o, r in new_rows]
    for rows, columns in ((list(known.items()), fresh), (added, names)):
        if not rows or not columns:
            continue
        centre = np.array([v[0] for _, v in rows], dtype=complex)[:, None]
        radius = np.array([v[1] for _, v in rows], dtype=float)[:, None]
        at = np.array([pts[x] for x in columns], dtype=complex)[None, :]
        near = np.abs(np.abs(at - centre) - radius) < TOL * 100 * np.maximum(1, radius)
        for i in (np.flatnonzero(near.any(axis=1)) if columns is fresh else range(len(rows))):
            tri, (o, r, loose) = rows[i]
            out[tri] = (o, r, loose | frozenset(columns[j] for j in np.flatnonzero(near[i])))
    return out


def _exactly_on(pts: dict[str, complex], loose: frozenset[str], o: complex, r: float) -> frozenset[str]:
    """The points of `loose` on the circle (o, r) at the exact tolerance."""
    return frozenset(x for x in loose if abs(abs(pts[x] - o) - r) < TOL * 10 * max(1, r))


def ratio_pairs(index: NumericIndex, diagram: Diagram) -> list[tuple[str, str, str, str, Fraction]]:
    """(a, b, c, d, q): segments ab, cd (in `combinations` order) whose lengths are numerically
    in a simple ratio q = p/q' ≠ 1 (the smallest q' ≤ 4 that fits, 0 < p ≤ 8), computed once per
    index on arrays."""
    if index.ratios is None:
        pts = diagram.points
        segments = [(a, b) for a, b in combinations(index.names, 2)
                    if distinct(index.doubles, a, b)]  # no length between one point's names
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
    """`similar_pairs` of the index's points, computed once per index (from the previous
    index's pairs plus those with a new point, when there is one)."""
    if index.similar is None:
        before = index.previous
        if before is not None and before.similar is not None and before.shapes is not None:
            # shares the previous lists: `_shape_table` replaces a list, never appends to it
            index.shapes = dict(before.shapes)
            added = _shape_table(diagram, index.names, index.shapes, index.doubles, old=len(before.names))
            index.similar = before.similar + list(_pairs(index.shapes, added))
        else:
            index.shapes = {}
            table = _shape_table(diagram, index.names, index.shapes, index.doubles)
            index.similar = list(_pairs(index.shapes, table))
    return index.similar


def numeric_para(pts, a, b, c, d) -> bool:
    u, v = pts[b] - pts[a], pts[d] - pts[c]
    return abs((u.conjugate() * v).imag) < 1e-7 * abs(u) * abs(v)


def _shape_table(diagram: Diagram, names: list[str], table: dict, doubles: dict[str, str], old: int = 0
                 ) -> dict[tuple[int, int], list[tuple[str, str, str]]]:
    """Add to `table` (shape key → triangles) every proper triangle, in each vertex order, with
    a point after the first `old` names; returns the added ones by key. The table's lists may
    be shared with an older table, so each is replaced, never changed in place."""
    pts = diagram.points
    added: dict[tuple[int, int], list[tuple[str, str, str]]] = {}
    for tri in _new_triples(names, old):
        if not distinct(doubles, *tri):
            continue  # two names of one point
        a, b, c = (pts[x] for x in tri)
        if abs(((b - a).conjugate() * (c - a)).imag) < 1e-6 * abs(b - a) * abs(c - a):
            continue
        for x, y, z in permutations(tri):
            s = (pts[z] - pts[x]) / (pts[y] - pts[x])
            key = (round(s.real * 1e5), round(s.imag * 1e5))
            if key not in added:  # first triangle of this shape here: a list of our own
                table[key] = list(table.get(key, ()))
            table[key].append((x, y, z))
            added.setdefault(key, []).append((x, y, z))
    return added


def _new_triples(names: list[str], old: int) -> Iterator[tuple[str, str, str]]:
    """The triples of `combinations(names, 3)`, in its order, with a point after the first
    `old` names (without visiting the others)."""
    n = len(names)
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(max(j + 1, old), n):
                yield names[i], names[j], names[k]


def _pairs(table: dict, added: dict):
    """Pairs (t1, t2, reflected) with t1 among `added`, t2 in the table at t1's shape or its
    mirror image, each pair once (a pair of two added triangles in one order)."""
    seen = set()
    for key, tris in added.items():
        mirror = table.get((key[0], -key[1]), [])
        for group, reflected in ((table.get(key, []), False), (mirror, True)):
            for t1 in tris:
                for t2 in group:
                    if set(t1) == set(t2):
                        continue
                    canon = (frozenset(zip(t1, t2)), reflected)
                    if canon in seen or (frozenset(zip(t2, t1)), reflected) in seen:
                        continue
                    seen.add(canon)
                    yield t1, t2, reflected
