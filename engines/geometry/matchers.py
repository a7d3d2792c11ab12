"""Rule passes with numeric-first matching: each pass takes candidates from the diagram
(numerically equal lengths, concyclic points, similar triangles …) and justifies them with the
database's lines, circles and exact algebra before deriving anything."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, permutations, product

from lemmata.engines.geometry.database import seg
from lemmata.engines.geometry.deduction import Deduction
from lemmata.engines.geometry.loci import circumcenter_of, foot_on, line_through, reflect_in
from lemmata.engines.geometry.numeric_index import (
    directions, numeric_para, ratio_pairs, similar_triangles, single)
from lemmata.engines.geometry.predicates import (
    Predicate, check, eqangle_directions, is_coll, perp_directions)
from lemmata.engines.geometry.rules import RuleId

P = Predicate
R = RuleId
HALF = Fraction(1, 2)


def match_coll(ded: Deduction) -> None:
    """r28: numerically collinear points whose lines are proved parallel."""
    for line in ded.index.lines:
        pts = sorted(line)
        a = pts[0]
        b = next(x for x in pts[1:] if ded.db.distinct(a, x))  # two points, not one point's names
        for c in (x for x in pts[1:] if x != b):
            lid = ded.db.line(a, b)
            if c in ded.db.line_points[lid] or not ded.fresh(("coll", a, b, c)):
                continue
            ded.watch_line(a, b)  # the points tried below are those of line ab
            on = sorted(ded.db.line_points[lid])
            for x in on:
                why = ded.why_para(a, b, x, c)
                if why is not None:
                    ded.derive(P.COLL, (a, b, c), why + [], R.PARA_COLL)
                    break
            else:  # c sees two points of the line in one direction (both lines ⟂ one radius …)
                why = next(((x, y, w) for x, y in combinations(on, 2)
                            for w in [ded.why_para(c, x, c, y)] if w is not None), None)
                if why is not None:
                    ded.derive(P.COLL, (why[0], why[1], c), why[2], R.PARA_COLL)
        ded.tick()

def match_double_points(ded: Deduction) -> None:
    """s16: a point stated twice (AlphaGeometry2's double points, `y'` where `y` is) is one
    point once both names are proved on two loci crossing there; from then on every fact about
    one name is carried over to the other."""
    db = ded.db
    for double, point in db.doubles().items():
        known = db.same_points.get((point, double))
        if known is None:
            pins = _pinning_loci(ded, point, double)
            if pins is None:
                continue
            known = (tuple(pins), 0)
        pins, i = known
        while i < len(db.facts):
            f = db.facts[i]
            i += 1
            if (point in f.points) == (double in f.points):
                continue
            swap = {point: double, double: point}
            ded.derive(f.predicate, tuple(swap.get(x, x) for x in f.points), (f.id, *pins),
                       R.SAME_POINT, f.numbers)
        db.same_points[(point, double)] = (pins, i)
        ded.tick()


def _pinning_loci(ded: Deduction, p: str, q: str) -> list[int] | None:
    """Facts putting both p and q on two proved lines or circles that cross at their common
    position (so they meet there in one point), or None."""
    db, pts = ded.db, ded.db.diagram.points
    def others(on: set[str]) -> list[str]:  # the locus's points away from p
        return sorted(x for x in on if db.distinct(x, p) and abs(pts[x] - pts[p]) > 1e-6)
    loci: list[tuple[str, complex, set[int]]] = []  # (kind, a second point or the centre, why)
    for lid, on in db.line_points.items():
        rest = others(on)
        if p in on and q in on and rest:
            loci.append(("line", pts[rest[0]], db.line_why[lid]))
    for c in db.circles:
        rest = others(c.points)
        if p in c.points and q in c.points and len(rest) >= 2:
            centre = circumcenter_of(pts[p], pts[rest[0]], pts[rest[1]])
            if centre is not None:
                loci.append(("circle", centre, c.why))
    scale = max(abs(z) for z in pts.values()) or 1.0
    for (kind1, at1, why1), (kind2, at2, why2) in combinations(loci, 2):
        if _cross(pts[p], kind1, at1, kind2, at2, 1e-6 * scale):
            return sorted(why1 | why2)
    return None


def _cross(x: complex, kind1: str, at1: complex, kind2: str, at2: complex, tol: float) -> bool:
    """Whether two loci through x cross there: two lines not one, or a line or circle meeting a
    circle again away from x (not touching it). A line is given by a second point on it, a circle
    by its centre."""
    if kind1 == "circle" and kind2 == "line":
        kind1, at1, kind2, at2 = kind2, at2, kind1, at1
    if kind1 == "line" and kind2 == "line":
        return not is_coll([x, at1, at2])
    if kind1 == "line":
        other = 2 * foot_on(at2, line_through(x, at1)) - x  # the chord's other end
    elif abs(at1 - at2) < 1e-9:
        return False  # one circle
    else:
        other = reflect_in(x, line_through(at1, at2))  # the second common point of two circles
    return abs(other - x) > tol


def match_lengths(ded: Deduction) -> None:
    """Distance chasing: lengths add along lines; equal lengths found there become facts."""
    pts = ded.db.diagram.points
    for lid in ded.db.lines_with(3):
        on = sorted(ded.db.line_points[lid])
        a0 = pts[on[0]]
        b0 = next(pts[x] for x in on[1:] if pts[x] != a0)  # not a0's double
        u = (b0 - a0) / abs(b0 - a0)
        order = sorted(on, key=lambda x: ((pts[x] - a0) * u.conjugate()).real)
        for i in range(len(order)):
            for k in range(i + 2, len(order)):
                x, y, z = order[i], order[k - 1], order[k]
                if (x, y, z) in ded.db.length_done or not ded.db.distinct(x, y, z):
                    continue  # done, or two names of one point (their order is noise)
                ded.db.length_done.add((x, y, z))
                fid = ded.fact_for(P.COLL, (x, y, z), sorted(ded.db.line_why[lid]), R.COLL_MERGE)
                if fid is not None:
                    ded.db.add_length([(x, z, 1), (x, y, -1), (y, z, -1)], fid)
    segments = list(combinations(ded.index.names, 2))
    length = {sg: abs(pts[sg[0]] - pts[sg[1]]) for sg in segments}
    buckets: dict[int, list[tuple[str, str]]] = {}
    for sg in segments:
        buckets.setdefault(round(length[sg] * 1e5), []).append(sg)
    for group in buckets.values():
        for (a, b), (c, d) in combinations(group, 2):
            share_equal_lengths(ded, a, b, c, d)
            if len({a, b, c, d}) == 4:
                isosceles_trapezoid(ded, a, b, c, d)
                isosceles_trapezoid(ded, a, b, d, c)
    ded.tick()
    # simple rational ratios (1/2, 2/3 …) move between the ratio and the length systems
    for a, b, c, d, q in ratio_pairs(ded.index, ded.db.diagram):
        if not ded.fresh(("rconst", a, b, c, d)):
            continue
        w = ded.why_ratio([(a, b, 1), (c, d, -1)], q)
        if w is None:
            w = ded.why_length([(a, b, 1), (c, d, -q)])
        if w is not None:
            ded.derive(P.RCONST, (a, b, c, d), w, numbers=(q,))
    ded.tick()

def isosceles_trapezoid(ded: Deduction, a, d, b, c) -> None:
    """s6: legs AD = BC between parallels AB ∥ DC, legs not parallel ⇒ ABCD is cyclic."""
    pts = ded.db.diagram.points
    if not numeric_para(pts, a, b, d, c) or numeric_para(pts, a, d, b, c):
        return
    if is_coll([pts[a], pts[b], pts[c]]) or ded.db.circle_of((a, b, c, d)) is not None:
        return
    if not ded.fresh(("isotrap", a, d, b, c)):
        return
    w1 = ded.why_para(a, b, d, c)
    w2 = ded.why_cong(a, d, b, c) if w1 is not None else None
    if w2 is not None:
        ded.derive(P.CYCLIC, (a, b, c, d), w1 + w2, R.ISOSCELES_TRAPEZOID)

def share_equal_lengths(ded: Deduction, a, b, c, d) -> None:
    if not ded.fresh(("cong", a, b, c, d)):
        return
    w = ded.why_ratio([(a, b, 1), (c, d, -1)])
    if w is None:
        w = ded.why_length([(a, b, 1), (c, d, -1)])
        if not w:  # unknown, or the same length twice
            return
    ded.derive(P.CONG, (a, b, c, d), w)

def match_trapezoids(ded: Deduction) -> None:
    """r42 / r41: a line parallel to the bases cuts the legs proportionally, and back;
    r26: a parallelogram's diagonals bisect each other."""
    pts = ded.db.diagram.points
    lines = ded.db.lines_with(3)
    for l1, l2 in permutations(lines, 2):
        if ded.db.line_points[l1] & ded.db.line_points[l2]:
            continue
        leg1 = sorted(ded.db.line_points[l1])
        leg2 = sorted(ded.db.line_points[l2])
        for a, m, d in permutations(leg1, 3):
            if a > d:
                continue
            for b, n, c in permutations(leg2, 3):
                if not (numeric_para(pts, a, b, d, c) and numeric_para(pts, m, n, a, b)):
                    continue
                if is_coll([pts[a], pts[d], pts[b]]):  # r41/r42 need a genuine trapezoid
                    continue
                if not ded.fresh(("trap", a, m, d, b, n, c)):
                    continue
                w1 = ded.why_para(a, b, d, c)
                if w1 is None:
                    continue
                lw = ded.why_coll((a, m, d)) + ded.why_coll((b, n, c))
                w2 = ded.why_para(m, n, a, b)
                if w2 is not None:
                    ded.derive(P.EQRATIO, (m, a, m, d, n, b, n, c), w1 + w2 + lw, R.TRAPEZOID_THALES)
                    continue
                w2 = ded.why_eqratio(m, a, m, d, n, b, n, c)
                if w2 is not None:
                    ded.derive(P.PARA, (m, n, a, b), w1 + w2 + lw, R.TRAPEZOID_THALES_CONVERSE)
        ded.tick()
    for (m, s), f in list(ded.db.midpoints.items()):
        a, b = sorted(s)
        for c, d in permutations(ded.index.names, 2):
            if len({a, b, c, d, m}) < 5 or abs(pts[m] - (pts[c] + pts[d]) / 2) > 1e-6:
                continue
            if (m, seg(c, d)) in ded.db.midpoints:
                continue
            # r26 needs a genuine parallelogram ACBD: on one line every "parallel" holds trivially
            if is_coll([pts[a], pts[b], pts[c]]) or is_coll([pts[a], pts[b], pts[d]]):
                continue
            w1, w2 = ded.why_para(a, c, b, d), ded.why_para(a, d, b, c)
            if w1 is not None and w2 is not None:
                ded.derive(P.MIDP, (m, c, d), w1 + w2 + [f], R.PARALLELOGRAM_MIDPOINT)

def match_centers(ded: Deduction) -> None:
    """m2/r01: points proved equidistant from a centre lie on a circle about it; s9: a point
    that sees a chord under the inscribed angle lies on that circle too."""
    for o, group in ((o, g) for o, groups in ded.index.equidistant.items() for g in groups):
        key = ("centers", o, tuple(group))
        if ded.fresh(key):
            ded.results[key] = _equidistant_clusters(ded, o, group)
        clusters = ded.results[key]
        if len(clusters) > 1:
            _inscribed_converse(ded, o, clusters)


def _equidistant_clusters(ded: Deduction, o: str, group: list[str]) -> tuple[tuple[str, ...], ...]:
    """The group's points split by proved equal distance from o; a circle about o through
    each cluster of three or more is derived."""
    clusters: list[tuple[list[str], set[int]]] = []
    for x in group:
        for members, why in clusters:
            w = ded.why_cong(o, members[0], o, x)
            if w is not None:
                members.append(x)
                why |= set(w)
                break
        else:
            clusters.append(([x], set()))
    for members, why in clusters:
        if len(members) >= 3:
            c = ded.db.circle_of(members)
            if c is None or c.center != o:
                ded.derive(P.CIRCLE, (o, *members), why, R.CIRCLE_DEF)
    return tuple(tuple(members) for members, _ in clusters)


def _inscribed_converse(ded: Deduction, o: str, clusters: tuple[tuple[str, ...], ...]) -> None:
    members = max(clusters, key=len)
    if len(members) < 2:
        return
    for others in clusters:
        if others is members:
            continue
        for v in others:
            if not ded.fresh(("s9", o, v, tuple(members))):
                continue
            for x, y in combinations(members, 2):
                w = ded.why_angle([(v, x, 1), (v, y, -1), (x, o, -1), (x, y, 1)], HALF)
                if w is None:
                    continue
                wc = ded.why_cong(o, x, o, y)
                if wc is not None:
                    ded.derive(P.CONG, (o, x, o, v), w + wc, R.INSCRIBED_ANGLE_CONVERSE)
                    break


def match_circle_centers(ded: Deduction) -> None:
    """s14: a point equidistant from the ends of two non-parallel chords of a proved circle
    (or from three of its points) is its centre, so it is equidistant from all its points."""
    pts = ded.db.diagram.points
    for c in list(ded.db.circles):
        on = sorted(c.points)
        if len(on) < 4:
            continue
        z = circumcenter_of(*(pts[x] for x in on[:3]))
        if z is None:
            continue
        for o in ded.index.names:
            if o in c.points or abs(pts[o] - z) > 1e-6:
                continue
            # the key names the circle's points: they are the chords tried below
            if ded.fresh(("s14", o, tuple(on))):
                _join_radii(ded, o, on, sorted(c.why))
        ded.tick()


def _join_radii(ded: Deduction, o: str, on: list[str], circle_why: list[int]) -> None:
    """Join the circle's points by proved equal distance from o, one s14 step at a time."""
    pts = ded.db.diagram.points
    for _ in range(len(on)):
        clusters: list[list[str]] = []
        for x in on:
            hit = next((m for m in clusters if ded.why_cong(o, m[0], o, x) is not None), None)
            if hit is None:
                clusters.append([x])
            else:
                hit.append(x)
        if len(clusters) == 1:
            return
        joined = False
        for first, second in permutations(clusters, 2):
            if len(first) >= 3:
                a, b, c, d = first[0], first[1], first[2], second[0]
                w = ded.why_cong(o, a, o, b) + ded.why_cong(o, a, o, c)
                joined = ded.derive(P.CONG, (o, a, o, d), w + circle_why, R.CIRCLE_CENTER) is not None
            elif len(first) == 2 and len(second) >= 2:
                (a, b), c = first, second[0]
                d = next((y for y in second[1:] if not numeric_para(pts, a, b, c, y)), None)
                if d is None:
                    continue
                w = ded.why_cong(o, a, o, b) + ded.why_cong(o, c, o, d)
                joined = ded.derive(P.CONG, (o, a, o, c), w + circle_why, R.CIRCLE_CENTER) is not None
            if joined:
                break
        if not joined:
            return


def match_radical_axis(ded: Deduction) -> None:
    """s15: C on the radical axis of two circles through H (the line through H perpendicular
    to the line of centres) has equal powers, so its secants AB and PQ end on one circle."""
    pts = ded.db.diagram.points
    centred = [c for c in ded.db.circles if c.center]
    for k1, k2 in permutations(centred, 2):
        d, e = k1.center, k2.center
        if d == e or k1.points & k2.points == set() or abs(pts[d] - pts[e]) < 1e-9:
            continue
        for h in sorted(k1.points & k2.points):
            for c in ded.index.names:
                if c == h or not check(P.PERP, [pts[c], pts[h], pts[d], pts[e]]):
                    continue
                for a, b in combinations(sorted(k1.points), 2):
                    if c not in side(ded, a, b):
                        continue
                    for p, q in combinations(sorted(k2.points - {a, b}), 2):
                        if c not in side(ded, p, q) or is_coll([pts[a], pts[b], pts[p]]):
                            continue
                        if ded.db.circle_of((a, b, p, q)) is not None:
                            continue
                        if ded.fresh(("s15", d, e, h, c, a, b, p, q)):
                            _radical_axis(ded, (d, e, h, c), (a, b, p, q))
        ded.tick()


def _radical_axis(ded: Deduction, centres, quad) -> None:
    d, e, h, c = centres
    a, b, p, q = quad
    why = ded.why_perp(c, h, d, e)
    for o, x in ((d, a), (d, b), (e, p), (e, q)):
        if why is None:
            return
        w = ded.why_cong(o, x, o, h)
        why = None if w is None else why + w
    if why is None:
        return
    on_ab = ded.why_coll((c, a, b)) if c not in (a, b) else []
    on_pq = ded.why_coll((c, p, q)) if c not in (p, q) else []
    if on_ab is None or on_pq is None:
        return  # C is on the secants in the diagram only
    ded.derive(P.CYCLIC, quad, why + on_ab + on_pq, R.RADICAL_AXIS)


def tangency_terms(d: str, b: str, c: str, e: str, f: str) -> list[tuple[str, str, int]]:
    """Σ c·θ = 0 (mod π) saying circles DBC and DEF are tangent at D: their tangents at D,
    θ(DB) + θ(CD) − θ(CB) and θ(DE) + θ(FD) − θ(FE) (tangent–chord angle), are one line."""
    return [(d, b, 1), (c, d, 1), (c, b, -1), (d, e, -1), (f, d, -1), (f, e, 1)]


def match_tangent_radical_centre(ded: Deduction) -> None:
    """s17: circles DBC and DEF tangent at D, and B, C, E, F on one further circle: BC and EF
    meet on the common tangent at D (the three radical axes concur), so YD is that tangent."""
    pts = ded.db.diagram.points
    for k in list(ded.db.circles):
        on = sorted(k.points)
        if len(on) < 4:
            continue
        chords = list(combinations(on, 2))
        for (b, c), (e, f) in permutations(chords, 2):
            if not ded.db.distinct(b, c, e, f):
                continue  # four points, not a point's two names
            for y in sorted(side(ded, b, c) & side(ded, e, f) - {b, c, e, f}):
                power = abs(pts[y] - pts[b]) * abs(pts[y] - pts[c])
                for d in ded.index.names:
                    if d in k.points or not ded.db.distinct(d, y):
                        continue
                    if abs(abs(pts[y] - pts[d]) ** 2 - power) > 1e-6 * power:
                        continue
                    if is_coll([pts[d], pts[b], pts[c]]) or is_coll([pts[d], pts[e], pts[f]]):
                        continue
                    if check(P.CYCLIC, [pts[b], pts[c], pts[e], pts[d]]):
                        continue
                    if ded.fresh(("s17", y, d, b, c, e, f)):
                        _tangent_radical_centre(ded, y, d, (b, c, e, f), sorted(k.why))
        ded.tick()


def _tangent_radical_centre(ded: Deduction, y: str, d: str, quad, circle_why: list[int]) -> None:
    b, c, e, f = quad
    if ded.why_eqangle(y, d, d, b, c, d, c, b) is not None:
        return
    why = ded.why_angle(tangency_terms(d, b, c, e, f))
    lines = [ded.why_coll((y, b, c)), ded.why_coll((y, e, f))]
    if why is None or None in lines:
        return
    ded.derive(P.EQANGLE, (y, d, d, b, c, d, c, b), why + lines[0] + lines[1] + circle_why,
               R.TANGENT_RADICAL_CENTRE)


def match_radical_centre(ded: Deduction) -> None:
    """s18: three circles meeting pairwise in chords PQ, UV, RS; a point on two of the chords'
    lines (their radical centre) is on the third."""
    pts = ded.db.diagram.points
    circles = [k for k in ded.db.circles if len(k.points) >= 4]
    for k1, k2, k3 in permutations(circles, 3):
        pq, uv, rs = k1.points & k2.points, k2.points & k3.points, k3.points & k1.points
        if min(len(pq), len(uv), len(rs)) < 2 or len(pq | uv | rs) < len(pq) + len(uv) + len(rs):
            continue  # a point on all three circles: no chord of its own
        for (p, q), (u, v), (r, s) in product(combinations(sorted(pq), 2), combinations(sorted(uv), 2),
                                              combinations(sorted(rs), 2)):
            if p > u or not all(ded.db.distinct(*chord) for chord in ((p, q), (u, v), (r, s))):
                continue  # the two lines through Z are unordered; a chord joins two points
            if check(P.CYCLIC, [pts[p], pts[q], pts[r], pts[u]]) or \
                    check(P.CYCLIC, [pts[u], pts[v], pts[r], pts[p]]):
                continue  # two of the circles are one (not yet merged)
            for z in sorted(side(ded, p, q) & side(ded, u, v) - {r, s}):
                if z in side(ded, r, s) or not is_coll([pts[z], pts[r], pts[s]]):
                    continue
                if ded.fresh(("s18", z, p, q, u, v, r, s)):
                    lines = [ded.why_coll((z, p, q)) if z not in (p, q) else [],
                             ded.why_coll((z, u, v)) if z not in (u, v) else []]
                    if None not in lines:
                        ded.derive(P.COLL, (z, r, s), lines[0] + lines[1] + sorted(k1.why | k2.why | k3.why),
                                   R.RADICAL_CENTRE)
        ded.tick()


def match_tangent_circles(ded: Deduction) -> None:
    """s19: two circles with a common point X, and chords UV of the first and U'V' of the
    second, parallel, whose lines UU' and VV' meet on both circles: the circles touch there,
    so X is that point and lies on UU' and VV'. Tried only where X is numerically on both
    lines (the only case with something new to say)."""
    pts = ded.db.diagram.points
    circles = [c for c in ded.db.circles if len(c.points) >= 4]
    for k1, k2 in permutations(circles, 2):
        for x in sorted(k1.points & k2.points):
            # (U, U'): a point of each circle on one line through X (the diagram's lines)
            lines = [line for line in ded.index.lines if x in line]
            spokes = sorted({(u, v) for line in lines for u in line & (k1.points - k2.points)
                             for v in line & (k2.points - k1.points)
                             if ded.db.distinct(x, u, v)})  # three points
            for (u, p), (v, q) in combinations(spokes, 2):
                if u == v or p == q or numeric_para(pts, u, p, v, q):
                    continue
                if ded.why_coll((x, u, p)) is not None and ded.why_coll((x, v, q)) is not None:
                    continue
                if ded.fresh(("s19", x, u, p, v, q, tuple(sorted(k1.points)), tuple(sorted(k2.points)))):
                    _tangent_circles(ded, x, (u, v, k1), (p, q, k2))
        ded.tick()


def _tangent_circles(ded: Deduction, x: str, first, second) -> None:
    pts = ded.db.diagram.points
    (u, v, k1), (p, q, k2) = first, second
    if any(is_coll([pts[a], pts[b], pts[c]]) for a, b, c in ((u, v, q), (v, u, p), (p, v, q), (q, u, p))):
        return  # the lines would meet at one of the four points
    why = ded.why_para(u, v, p, q)
    if why is None:
        return
    for (a, b, k) in ((u, v, k1), (p, q, k2)):
        w = next((w for c in sorted(k.points - {a, b, x})
                  if not is_coll([pts[a], pts[b], pts[c]])
                  for w in [ded.why_eqangle(u, p, v, q, c, a, c, b)] if w is not None), None)
        if w is None:
            return
        why = why + w + sorted(k.why)
    ded.derive(P.COLL, (x, u, p), why, R.TANGENT_CIRCLES)
    ded.derive(P.COLL, (x, v, q), why, R.TANGENT_CIRCLES)


def match_cyclic(ded: Deduction) -> None:
    """r04: numerically concyclic points that see a chord under equal angles."""
    for circle in ded.index.circles:
        known = ded.db.circle_of(circle)
        if known is not None:
            continue
        for quad in combinations(sorted(circle), 4):
            if ded.db.circle_of(quad) is not None or not ded.fresh(("cyc", quad)):
                continue
            why = ded.why_cyclic(quad)
            if why is not None:
                ded.derive(P.CYCLIC, quad, why, R.EQANGLE_CYCLIC)
        ded.tick()

def match_inscribed(ded: Deduction) -> None:
    """r03 (inscribed angles) and s5 (inscribed angle against a radius) on proved circles."""
    for c in list(ded.db.circles):
        pts = sorted(c.points)
        stamp = frozenset(pts) | ({"@" + c.center} if c.center else set())
        if stamp in ded.done_inscribed:
            continue
        ded.done_inscribed.add(stamp)
        why = sorted(c.why)
        if len(pts) >= 4:
            for a, b in combinations(pts, 2):
                others = [x for x in pts if x not in (a, b)]
                r0 = others[0]
                for r in others[1:]:
                    ded.derive(P.EQANGLE, (r0, a, r0, b, r, a, r, b), why, R.CYCLIC_EQANGLE)
        if c.center:
            o = c.center
            cw = sorted(c.center_why | c.why)
            for b, cc in permutations(pts, 2):
                for a in pts:
                    if a in (b, cc):
                        continue
                    ded.derive(P.EQANGLE, (a, b, a, cc, b, o, b, cc), cw,
                                R.INSCRIBED_RADIUS_ANGLE, (HALF,))
                ded.tick()

def match_midpoints(ded: Deduction) -> None:
    """m1, s4 (foot from an apex), r06, r25, r19, r22 around midpoints."""
    for m, a, b in ded.index.midpoints:
        if (m, seg(a, b)) in ded.db.midpoints:
            continue
        coll = ded.why_coll((m, a, b))
        cong = ded.why_cong(m, a, m, b)
        if coll is not None and cong is not None:
            ded.derive(P.MIDP, (m, a, b), coll + cong, R.MIDPOINT_DEF)
        elif coll is not None:
            for o in ded.index.names:
                if o in (m, a, b):
                    continue
                w1 = ded.why_cong(o, a, o, b)
                w2 = ded.why_perp(o, m, a, b) if w1 is not None else None
                if w2 is not None:
                    ded.derive(P.MIDP, (m, a, b), coll + w1 + w2, R.PERP_FOOT_MIDPOINT)
                    break
    mids = list(ded.db.midpoints.items())
    for (m1, s1), f1 in mids:
        for (m2, s2), f2 in mids:
            if (m1, s1) >= (m2, s2):
                continue
            common = s1 & s2
            if m1 == m2 and not common:
                a, b = sorted(s1)
                c, d = sorted(s2)
                ded.derive(P.PARA, (a, c, b, d), [f1, f2], R.DIAGONALS_BISECT_PARA)
                ded.derive(P.PARA, (a, d, b, c), [f1, f2], R.DIAGONALS_BISECT_PARA)
            elif len(common) == 1 and m1 != m2:
                (b,) = s1 - common
                (c,) = s2 - common
                ded.derive(P.PARA, (m1, m2, b, c), [f1, f2], R.MIDLINE_PARA)
    pts = ded.db.diagram.points
    for (m, s), f in mids:
        a, c = sorted(s)
        for b in ded.index.names:
            if b in (m, a, c):
                continue
            if abs(abs(pts[b] - pts[m]) - abs(pts[a] - pts[m])) > 1e-6:
                continue
            w = ded.why_perp(b, a, b, c)
            if w is not None:
                ded.derive(P.CONG, (a, m, b, m), w + [f], R.RIGHT_TRIANGLE_MEDIAN)
            w = ded.why_perp(b, m, a, c)
            if w is not None:
                ded.derive(P.CONG, (b, a, b, c), w + [f], R.PERP_BISECTOR_CONG)
        ded.tick()

def match_projected_midpoints(ded: Deduction) -> None:
    """s10: the feet of A and B on a line are equidistant from the midpoint of AB."""
    pts = ded.db.diagram.points
    for (m, s), fm in list(ded.db.midpoints.items()):
        a, b = sorted(s)
        for lid, on in list(ded.db.line_points.items()):
            if m in on or (a in on and b in on):
                continue
            x, y = sorted(on)[:2]
            line = line_through(pts[x], pts[y])
            feet = []
            for v in (a, b):
                f = foot_on(pts[v], line)
                hit = [q for q in on if abs(pts[q] - f) < 1e-6]
                feet.append(hit[0] if hit else None)
            fa, fb = feet
            if fa is None or fb is None or fa == fb or not ded.fresh(("s10", m, lid, fa, fb)):
                continue
            why = [fm] + sorted(ded.db.line_why[lid])
            for v, f in ((a, fa), (b, fb)):
                if v != f:
                    w = ded.why_perp(v, f, x, y)
                    if w is None:
                        break
                    why += w
            else:
                ded.derive(P.CONG, (m, fa, m, fb), why, R.PROJECTED_MIDPOINT)
        ded.tick()


def match_bisector_feet(ded: Deduction) -> None:
    """s11: the foot C of A on the bisector of angle ABD and the midpoint E of AD: CE ∥ BD."""
    for (e, s), fe in list(ded.db.midpoints.items()):
        for a, d in permutations(sorted(s)):
            for b, c in _feet_on_bisectors(ded, a, d):
                if e in (b, c) or not ded.fresh(("s11", a, b, c, d, e)):
                    continue
                w1 = ded.why_perp(a, c, b, c)
                w2 = ded.why_eqangle(b, a, b, c, b, c, b, d) if w1 is not None else None
                if w2 is not None:
                    ded.derive(P.PARA, (c, e, b, d), w1 + w2 + [fe], R.BISECTOR_FOOT_MIDLINE)
        ded.tick()


def _feet_on_bisectors(ded: Deduction, a: str, d: str) -> list[tuple[str, str]]:
    """(b, c): C is the foot of A on a bisector of the proper angle ABD, in the diagram
    (computed once per numeric index)."""
    key = (a, d)
    if key not in ded.index.angle_feet:
        pts, names = ded.db.diagram.points, ded.index.names
        dirs = directions(ded.index, ded.db.diagram)
        ded.index.angle_feet[key] = [
            (b, c) for b in names if b not in (a, d) for c in names
            if c not in (a, b, d) and perp_directions(dirs[a, c], dirs[b, c])
            and eqangle_directions(dirs[b, a], dirs[b, c], dirs[b, c], dirs[b, d])
            and not is_coll([pts[a], pts[b], pts[d]])]  # s11 needs a proper angle ABD
    return ded.index.angle_feet[key]


def _bisector_feet(ded: Deduction) -> list[tuple[str, str, str, str]]:
    """(c, b, d, a): D is the foot of C on a bisector at B of the angle between BA and BC
    (computed once per index; with a previous index, only tuples with a new point)."""
    index = ded.index
    if index.bisector_feet is not None:
        return index.bisector_feet
    before = index.previous
    old = set(before.names) if before is not None and before.bisector_feet is not None else set()
    pts = ded.db.diagram.points
    names = index.names
    dirs = directions(index, ded.db.diagram)
    out = list(before.bisector_feet) if old else []
    for c, d, b in permutations(names, 3):
        if not perp_directions(dirs[c, d], dirs[b, d]):
            continue
        known = {c, d, b} <= old
        for a in names:
            if known and a in old:
                continue
            if a not in (b, c, d) and eqangle_directions(dirs[b, a], dirs[b, d], dirs[b, d], dirs[b, c]) \
                    and not is_coll([pts[a], pts[b], pts[c]]):
                out.append((c, b, d, a))
    index.bisector_feet = out
    return out


def match_feet_on_two_bisectors(ded: Deduction) -> None:
    """s13: the feet of C on bisectors at A and at B (of triangle ABC) lie on a parallel to AB."""
    feet = _bisector_feet(ded)
    by_corner: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = {}
    for foot in feet:
        by_corner.setdefault((foot[0], foot[1], foot[3]), []).append(foot)
    for first in feet:
        c, b, d, a = first
        for (_, _, e, _) in by_corner.get((c, a, b), []):  # the feet (c, a, e, b)
            if d == e or not ded.fresh(("s13", c, a, b, d, e)):
                continue
            _feet_on_two_bisectors(ded, c, a, b, d, e)
    ded.tick()


def _feet_on_two_bisectors(ded: Deduction, c, a, b, d, e) -> None:
    w = []
    for x, y, z, o in ((c, b, d, a), (c, a, e, b)):
        w1 = ded.why_perp(x, z, y, z)
        w2 = ded.why_eqangle(y, o, y, z, y, z, y, x) if w1 is not None else None
        if w2 is None:
            return
        w += w1 + w2
    ded.derive(P.PARA, (d, e, a, b), w, R.BISECTOR_FEET_PARALLEL)


def match_midline_of_strip(ded: Deduction) -> None:
    """s12: C on the perpendicular bisector of AB, AE ⟂ AB, BD ⟂ AB, E C D collinear ⇒ CE = CD."""
    pts = ded.db.diagram.points
    for lid in ded.db.lines_with(3):
        on = sorted(ded.db.line_points[lid])
        for c in on:
            for group in ded.index.equidistant.get(c, []):
                for a, b in permutations(group, 2):
                    if a in on or b in on:
                        continue
                    for e, d in permutations([x for x in on if x != c], 2):
                        if not (check(P.PERP, [pts[a], pts[e], pts[a], pts[b]])
                                and check(P.PERP, [pts[b], pts[d], pts[a], pts[b]])):
                            continue
                        if not ded.fresh(("s12", a, b, c, d, e)):
                            continue
                        w1 = ded.why_cong(c, a, c, b)
                        w2 = ded.why_perp(a, e, a, b) if w1 is not None else None
                        w3 = ded.why_perp(b, d, a, b) if w2 is not None else None
                        if w3 is not None:
                            ded.derive(P.CONG, (c, e, c, d), w1 + w2 + w3 + sorted(ded.db.line_why[lid]),
                                       R.STRIP_MIDLINE)
        ded.tick()


def match_isosceles(ded: Deduction) -> None:
    """r13 / r14: equal sides ⇔ equal base angles."""
    for o, groups in ded.index.equidistant.items():
        for group in groups:
            for a, b in combinations(group, 2):
                if is_coll([ded.db.diagram[x] for x in (o, a, b)]):
                    continue
                if not ded.fresh(("iso", o, a, b)):
                    continue
                w = ded.why_cong(o, a, o, b)
                if w is not None:
                    ded.derive(P.EQANGLE, (o, a, a, b, a, b, o, b), w, R.ISOSCELES_ANGLES)
                    continue
                w = ded.why_eqangle(o, a, a, b, a, b, o, b)
                if w is not None:
                    ded.derive(P.CONG, (o, a, o, b), w, R.ISOSCELES_SIDES)
        ded.tick()

def match_perp_bisector(ded: Deduction) -> None:
    """r23: two points each equidistant from A and B lie on a line perpendicular to AB."""
    for a, b, eq in _equidistant_pairs(ded):
        if not ded.fresh(("r23", a, b, eq)):
            continue
        proved = [(x, w) for x in eq if (w := ded.why_cong(x, a, x, b)) is not None]
        for (p, w1), (q, w2) in combinations(proved, 2):
            ded.derive(P.PERP, (a, b, p, q), w1 + w2, R.EQUIDISTANT_PERP)
        ded.tick()

def _equidistant_pairs(ded: Deduction) -> list[tuple[str, str, tuple[str, ...]]]:
    """(a, b, points numerically equidistant from a and b), when there are ≥ 2 such points;
    computed once per numeric index."""
    index = ded.index
    if index.equidistant_pairs is None:
        pts = ded.db.diagram.points
        out = []
        for a, b in combinations(index.names, 2):
            eq = tuple(x for x in index.names if x not in (a, b)
                       and abs(abs(pts[x] - pts[a]) - abs(pts[x] - pts[b])) < 1e-6)
            if len(eq) >= 2:
                out.append((a, b, eq))
        index.equidistant_pairs = out
    return index.equidistant_pairs


def match_thales(ded: Deduction) -> None:
    """r07 / r27: parallels cut two lines through O in proportional segments, and back."""
    lines = ded.db.lines_with(3)
    pts = ded.db.diagram.points
    for l1, l2 in combinations(lines, 2):
        common = ded.db.line_points[l1] & ded.db.line_points[l2]
        if len(common) != 1:
            continue
        (o,) = common
        m = sorted(ded.db.line_points[l1] - {o})
        n = sorted(ded.db.line_points[l2] - {o})
        for a, c in combinations(m, 2):
            for b, d in permutations(n, 2):
                if not numeric_para(pts, a, b, c, d) or is_coll([pts[o], pts[a], pts[b]]):
                    continue  # r07/r27 need two distinct lines through O
                if not ded.fresh(("thales", o, a, b, c, d)):
                    continue
                w = ded.why_para(a, b, c, d)
                if w is not None:
                    lw = ded.why_coll((o, a, c)) + ded.why_coll((o, b, d))
                    ded.derive(P.EQRATIO, (o, a, o, c, o, b, o, d), w + lw, R.THALES_RATIO)
                    ded.derive(P.EQRATIO, (o, a, o, c, a, b, c, d), w + lw, R.THALES_RATIO)
                    ded.derive(P.EQRATIO, (o, a, a, c, o, b, b, d), w + lw, R.THALES_RATIO)
                    continue
                w = ded.why_eqratio(o, a, o, c, o, b, o, d)
                if w is None:
                    w = ded.why_eqratio(o, a, a, c, o, b, b, d)
                if w is None:
                    w = ded.why_eqratio(o, c, c, a, o, d, d, b)
                if w is not None:
                    lw = ded.why_coll((o, a, c)) + ded.why_coll((o, b, d))
                    ded.derive(P.PARA, (a, b, c, d), w + lw, R.THALES_CONVERSE)
        ded.tick()

def match_bisector(ded: Deduction) -> None:
    """r11 / r12: the angle bisector theorem, both ways."""
    pts = ded.db.diagram.points
    for lid in ded.db.lines_with(3):
        on = sorted(ded.db.line_points[lid])
        for d in on:
            for b, c in combinations([x for x in on if x != d], 2):
                for a in ded.index.names:
                    if a in on:
                        continue
                    ab, ac = abs(pts[a] - pts[b]), abs(pts[a] - pts[c])
                    db_, dc = abs(pts[d] - pts[b]), abs(pts[d] - pts[c])
                    if abs(ab * dc - ac * db_) > 1e-6 * max(1, ab * dc):
                        continue
                    if is_coll([pts[a], pts[b], pts[c]]):  # r11/r12 need a triangle ABC
                        continue
                    if not ded.fresh(("bis", a, b, c, d)):
                        continue
                    lw = ded.why_coll((d, b, c))
                    w = ded.why_eqangle(a, b, a, d, a, d, a, c)
                    if w is not None:
                        ded.derive(P.EQRATIO, (d, b, d, c, a, b, a, c), w + lw, R.RATIO_FROM_BISECTOR)
                        continue
                    w = ded.why_eqratio(d, b, d, c, a, b, a, c)
                    if w is not None:
                        ded.derive(P.EQANGLE, (a, b, a, d, a, d, a, c), w + lw, R.BISECTOR_FROM_RATIO)
        ded.tick()

def match_equal_chords(ded: Deduction) -> None:
    """r05: chords of one circle seen under equal angles are equal."""
    pts = ded.db.diagram.points
    for c in list(ded.db.circles):
        on = sorted(c.points)
        if len(on) < 4:
            continue
        chords = list(combinations(on, 2))
        for (a, b), (p, q) in combinations(chords, 2):
            if abs(abs(pts[a] - pts[b]) - abs(pts[p] - pts[q])) > 1e-6:
                continue
            # the key names the circle's points: they choose the angles compared below
            if not ded.fresh(("chord", a, b, p, q, tuple(on))) or ded.why_cong(a, b, p, q) is not None:
                continue
            x = next(t for t in on if t not in (a, b))
            y = next(t for t in on if t not in (p, q))
            for pp, qq in ((p, q), (q, p)):
                w = ded.why_eqangle(x, a, x, b, y, pp, y, qq)
                if w is not None:
                    ded.derive(P.CONG, (a, b, p, q), w + sorted(c.why), R.CYCLIC_EQUAL_CHORDS)
                    break
        ded.tick()

def lines_through(ded: Deduction, p: str, minimum: int = 3) -> list[int]:
    return [lid for lid in ded.db.lines_with(minimum) if p in ded.db.line_points[lid]]

def side(ded: Deduction, x: str, y: str) -> set[str]:
    lid = ded.db.pair_line.get(seg(x, y))
    return ded.db.line_points[lid] if lid is not None else {x, y}

def match_menelaus_ceva(ded: Deduction) -> None:
    """s7 / s8: the ratio products of Menelaus (a transversal) and Ceva (concurrent cevians)."""
    lp = ded.db.line_points
    for lid in ded.db.lines_with(3):
        for d, e, f in combinations(sorted(lp[lid]), 3):
            for ld in lines_through(ded, d):
                for le in lines_through(ded, e):
                    if ld == lid or le == lid or ld == le:
                        continue
                    for c in sorted(lp[ld] & lp[le] - {d, e, f}):
                        for lf in lines_through(ded, f):
                            if lf in (lid, ld, le):
                                continue
                            for a in sorted(lp[le] & lp[lf] - {c, d, e, f}):
                                for b in sorted(lp[lf] & lp[ld] - {a, c, d, e, f}):
                                    triratio(ded, (a, b, c, d, e, f), [lid, ld, le, lf], R.MENELAUS)
        ded.tick()
    for p in ded.index.names:
        through = lines_through(ded, p)
        for la, lb, lc in combinations(through, 3):
            for a in sorted(lp[la] - {p}):
                for b in sorted(lp[lb] - {p}):
                    for c in sorted(lp[lc] - {p}):
                        d = single(lp[la] & side(ded, b, c) - {a, b, c, p})
                        e = single(lp[lb] & side(ded, c, a) - {a, b, c, p})
                        f = single(lp[lc] & side(ded, a, b) - {a, b, c, p})
                        if d and e and f:
                            lines = [la, lb, lc, ded.db.pair_line[seg(b, c)],
                                     ded.db.pair_line[seg(c, a)], ded.db.pair_line[seg(a, b)]]
                            triratio(ded, (a, b, c, d, e, f), lines, R.CEVA)
        ded.tick()

def triratio(ded: Deduction, pts, lines, rule: RuleId) -> None:
    a, b, c, d, e, f = pts
    if is_coll([ded.db.diagram[x] for x in (a, b, c)]):
        return
    why = set()
    for lid in lines:
        why |= ded.db.line_why[lid]
    ded.derive(P.TRIRATIO, pts, sorted(why), rule)

def match_triangles(ded: Deduction) -> None:
    """r32–r40: similar and congruent triangles, found by hashing shapes in the diagram."""
    for (t1, t2, reflected) in similar_triangles(ded.index, ded.db.diagram):
        if not ded.fresh(("tri", t1, t2, reflected)):
            continue
        try_similar(ded, t1, t2, reflected)
        ded.tick()

def try_similar(ded: Deduction, t1, t2, reflected: bool) -> None:
    a, b, c = t1
    p, q, r = t2
    rotations = [((a, b, c), (p, q, r)), ((b, c, a), (q, r, p)), ((c, a, b), (r, p, q))]

    def angle_at(i):  # ∠ at the middle vertex of rotation i, matched (or mirrored)
        (x1, y1, z1), (x2, y2, z2) = rotations[i]
        if reflected:
            return ded.why_eqangle(y1, x1, y1, z1, y2, z2, y2, x2)
        return ded.why_eqangle(y1, x1, y1, z1, y2, x2, y2, z2)

    def sides_at(i):  # the two sides around the middle vertex are proportional
        (x1, y1, z1), (x2, y2, z2) = rotations[i]
        return ded.why_eqratio(y1, x1, y2, x2, y1, z1, y2, z2)

    why, rule = None, None
    angles = [angle_at(i) for i in range(3)]
    known = [w for w in angles if w is not None]
    if len(known) >= 2:
        why, rule = known[0] + known[1], (R.SIMTRIR_AA if reflected else R.SIMTRI_AA)
    for i in range(3):
        if why is None and angles[i] is not None:
            w3 = sides_at(i)
            if w3 is not None:
                why, rule = angles[i] + w3, R.SIMTRI_SAS
    if why is None:
        w3 = ded.why_eqratio(a, b, p, q, b, c, q, r)
        w4 = ded.why_eqratio(a, b, p, q, c, a, r, p) if w3 is not None else None
        if w4 is not None:
            why, rule = w3 + w4, R.SIMTRI_SSS
    if why is None:
        return
    pred = P.SIMTRIR if reflected else P.SIMTRI
    fid = ded.fact_for(pred, (a, b, c, p, q, r), why, rule)
    if fid is None:
        return
    for x, y, z, u, v, w in ((a, b, c, p, q, r), (b, c, a, q, r, p), (c, a, b, r, p, q)):
        ded.derive(P.EQRATIO, (x, y, u, v, y, z, v, w), [fid], R.SIMTRI_SIDES)
        if reflected:
            ded.derive(P.EQANGLE, (y, x, y, z, v, w, v, u), [fid], R.SIMTRI_ANGLES)
        else:
            ded.derive(P.EQANGLE, (y, x, y, z, v, u, v, w), [fid], R.SIMTRI_ANGLES)
    for x, y, u, v in ((a, b, p, q), (b, c, q, r), (c, a, r, p)):
        w = ded.why_cong(x, y, u, v)
        if w is not None:
            for x2, y2, u2, v2 in ((a, b, p, q), (b, c, q, r), (c, a, r, p)):
                ded.derive(P.CONG, (x2, y2, u2, v2), [fid] + w, R.CONTRI_SIDES)
            break


# Order matters only for speed: cheap structural passes first, triangle matching last.
MATCHERS = [
    match_double_points, match_coll, match_lengths, match_centers, match_circle_centers,
    match_radical_axis, match_tangent_radical_centre, match_radical_centre, match_tangent_circles,
    match_cyclic,
    match_inscribed, match_midpoints,
    match_isosceles, match_perp_bisector, match_thales, match_bisector, match_equal_chords,
    match_projected_midpoints, match_bisector_feet, match_feet_on_two_bisectors,
    match_midline_of_strip, match_trapezoids, match_triangles, match_menelaus_ceva,
]
