"""Forward chaining with numeric-first matching: candidates come from the diagram (numerically
equal lengths, concyclic points, similar triangles …) and are then justified symbolically by
the database's lines, circles and exact angle/ratio algebra."""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, permutations

from engines.geometry.database import Database, seg
from engines.geometry.diagram import Diagram
from engines.geometry.facts import Fact
from engines.geometry.loci import circumcenter_of
from engines.geometry.predicates import TOL, Predicate, is_coll
from engines.geometry.rules import RuleId

P = Predicate
R = RuleId
HALF = Fraction(1, 2)


class OutOfTime(Exception):
    """The deadline passed in the middle of a round."""


@dataclass
class NumericIndex:
    """What the diagram says, computed once per set of points."""

    names: list[str]
    lines: list[frozenset[str]]
    circles: list[frozenset[str]]
    equidistant: dict[str, list[list[str]]]
    """centre → groups (≥2) of points at one distance from it."""
    midpoints: list[tuple[str, str, str]]


def index_diagram(diagram: Diagram) -> NumericIndex:
    pts = diagram.points
    names = list(pts)
    lines: set[frozenset[str]] = set()
    for a, b in combinations(names, 2):
        on = frozenset(c for c in names if is_coll([pts[a], pts[b], pts[c]]) or c in (a, b))
        if len(on) >= 3:
            lines.add(on)
    circles: set[frozenset[str]] = set()
    for a, b, c in combinations(names, 3):
        o = circumcenter_of(pts[a], pts[b], pts[c])
        if o is None or abs(o) > 1e4:
            continue
        r = abs(pts[a] - o)
        on = frozenset(x for x in names if abs(abs(pts[x] - o) - r) < TOL * 10 * max(1, r))
        if len(on) >= 4:
            circles.add(on)
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


class Deduction:
    """Saturates a database with our rules; `run` stops at the goal, a fixpoint or a deadline."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.index = index_diagram(db.diagram)
        self.deadline = float("inf")
        self.done_inscribed: dict[int, frozenset[str]] = {}
        self.tried: dict[tuple, tuple[int, int]] = {}
        self.rounds = 0

    def refresh_index(self) -> None:
        self.index = index_diagram(self.db.diagram)

    # ---- symbolic queries: premises when provable, else None ---------------------------
    def _tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise OutOfTime

    def why_coll(self, pts) -> list[int] | None:
        key = seg(pts[0], pts[1])
        lid = self.db.pair_line.get(key)
        if lid is None or not set(pts) <= self.db.line_points[lid]:
            return None
        return sorted(self.db.line_why[lid])

    def why_angle(self, terms, const: Fraction = Fraction(0)) -> list[int] | None:
        red, value = self.db.reduce_angle(terms)
        if abs(value - float(const) - round(value - float(const))) > 1e-6:
            return None
        if red.coeffs or (red.const - const).denominator != 1:
            return None
        extra = set()
        for a, b, _ in terms:
            lid = self.db.pair_line[seg(a, b)]
            if len(self.db.line_points[lid]) > 2:
                extra |= self.db.line_why[lid]
        return sorted(set(self.db.premises_of(red)) | extra)

    def why_ratio(self, terms, constant: Fraction = Fraction(1)) -> list[int] | None:
        pts = self.db.diagram.points
        import math
        value = sum(c * math.log(abs(pts[a] - pts[b])) for a, b, c in terms)
        if abs(value - math.log(constant)) > 1e-6:
            return None
        red = self.db.reduce_ratio(terms, constant)
        if red.coeffs or red.const:
            return None
        return self.db.premises_of(red)

    def why_para(self, a, b, c, d):
        return self.why_angle([(a, b, 1), (c, d, -1)])

    def why_perp(self, a, b, c, d):
        return self.why_angle([(a, b, 1), (c, d, -1)], HALF)

    def why_eqangle(self, a, b, c, d, e, f, g, h):
        return self.why_angle([(a, b, 1), (c, d, -1), (e, f, -1), (g, h, 1)])

    def why_cong(self, a, b, c, d):
        if seg(a, b) == seg(c, d):
            return []
        w = self.why_ratio([(a, b, 1), (c, d, -1)])
        if w is not None:
            return w
        pts = self.db.diagram.points
        if abs(abs(pts[a] - pts[b]) - abs(pts[c] - pts[d])) > 1e-6:
            return None
        red = self.db.reduce_length([(a, b, 1), (c, d, -1)])
        if red.coeffs or red.const:
            return None
        return self.db.premises_of(red)

    def why_eqratio(self, a, b, c, d, e, f, g, h):
        return self.why_ratio([(a, b, 1), (c, d, -1), (e, f, -1), (g, h, 1)])

    def why_cyclic(self, pts) -> list[int] | None:
        c = self.db.circle_of(pts)
        if c is not None:
            return sorted(c.why)
        if len(pts) == 4:
            a, b, p, q = pts
            if is_coll([self.db.diagram[x] for x in (a, b, p)]):
                return None
            for (x, y), (u, v) in (((a, b), (p, q)), ((a, p), (b, q)), ((a, q), (b, p))):
                w = self.why_eqangle(u, x, u, y, v, x, v, y)
                if w is not None:
                    return w
        return None

    def derive(self, pred: Predicate, pts, premises, rule: RuleId = R.ALGEBRA,
               numbers: tuple[Fraction, ...] = ()) -> Fact | None:
        """Add a fact justified by `premises` (ids); None when not new or numerically false."""
        return self.db.add(pred, tuple(pts), rule, list(premises), numbers)

    def fact_for(self, pred: Predicate, pts, premises, rule: RuleId = R.ALGEBRA,
                 numbers: tuple[Fraction, ...] = ()) -> int | None:
        """Id of the fact stating this (stored now if needed), to cite as a premise."""
        from engines.geometry.facts import fact_key
        key = fact_key(pred, tuple(pts), numbers)
        if key in self.db.keys:
            return self.db.keys[key]
        f = self.derive(pred, pts, premises, rule, numbers)
        return f.id if f else None

    # ---- the loop ----------------------------------------------------------------------
    def run(self, goal_check, timeout: float = 60.0, max_rounds: int = 100) -> bool:
        """Apply all rules until goal_check() is true, nothing is new, or time is up."""
        self.deadline = time.monotonic() + timeout
        try:
            while self.rounds < max_rounds:
                if goal_check():
                    return True
                self.rounds += 1
                before = len(self.db.facts)
                for rule in self.rule_passes():
                    rule()
                    self._tick()
                if len(self.db.facts) == before:
                    return goal_check()
        except OutOfTime:
            return goal_check()
        return goal_check()

    def rule_passes(self):
        return [self.match_coll, self.match_lengths, self.match_centers, self.match_cyclic, self.match_inscribed,
                self.match_midpoints, self.match_isosceles, self.match_perp_bisector,
                self.match_thales, self.match_bisector, self.match_equal_chords,
                self.match_trapezoids, self.match_triangles, self.match_menelaus_ceva]

    def _fresh(self, key: tuple) -> bool:
        """False when this candidate failed before and the algebra has not changed since."""
        version = (len(self.db.angles.rows), len(self.db.ratios.rows))
        if self.tried.get(key) == version:
            return False
        self.tried[key] = version
        return True

    # ---- rules ---------------------------------------------------------------------------
    def match_coll(self) -> None:
        """r28: numerically collinear points whose lines are proved parallel."""
        for line in self.index.lines:
            pts = sorted(line)
            a, b = pts[0], pts[1]
            for c in pts[2:]:
                lid = self.db.line(a, b)
                if c in self.db.line_points[lid] or not self._fresh(("coll", a, b, c)):
                    continue
                for x in sorted(self.db.line_points[lid]):
                    why = self.why_para(a, b, x, c)
                    if why is not None:
                        self.derive(P.COLL, (a, b, c), why + [], R.PARA_COLL)
                        break
            self._tick()

    def match_lengths(self) -> None:
        """Distance chasing: lengths add along lines; equal lengths found there become facts."""
        pts = self.db.diagram.points
        for lid in self.db.lines_with(3):
            on = sorted(self.db.line_points[lid])
            a0, b0 = pts[on[0]], pts[on[1]]
            u = (b0 - a0) / abs(b0 - a0)
            order = sorted(on, key=lambda x: ((pts[x] - a0) * u.conjugate()).real)
            for i in range(len(order)):
                for k in range(i + 2, len(order)):
                    x, y, z = order[i], order[k - 1], order[k]
                    if (x, y, z) in self.db.length_done:
                        continue
                    self.db.length_done.add((x, y, z))
                    fid = self.fact_for(P.COLL, (x, y, z), sorted(self.db.line_why[lid]), R.COLL_MERGE)
                    if fid is not None:
                        self.db.add_length([(x, z, 1), (x, y, -1), (y, z, -1)], fid)
        segments = list(combinations(self.index.names, 2))
        length = {sg: abs(pts[sg[0]] - pts[sg[1]]) for sg in segments}
        buckets: dict[int, list[tuple[str, str]]] = {}
        for sg in segments:
            buckets.setdefault(round(length[sg] * 1e5), []).append(sg)
        for group in buckets.values():
            for (a, b), (c, d) in combinations(group, 2):
                self._share_equal_lengths(a, b, c, d)
                if len({a, b, c, d}) == 4:
                    self._isosceles_trapezoid(a, b, c, d)
                    self._isosceles_trapezoid(a, b, d, c)
        self._tick()
        # simple rational ratios (1/2, 2/3 …) move between the ratio and the length systems
        for (a, b), (c, d) in combinations(segments, 2):
            ratio = length[(a, b)] / length[(c, d)]
            q = _simple_ratio(ratio)
            if q is None or q == 1:
                continue
            if not self._fresh(("rconst", a, b, c, d)):
                continue
            w = self.why_ratio([(a, b, 1), (c, d, -1)], q)
            if w is None:
                red = self.db.reduce_length([(a, b, 1), (c, d, -q)])
                w = None if (red.coeffs or red.const) else self.db.premises_of(red)
            if w is not None:
                self.derive(P.RCONST, (a, b, c, d), w, numbers=(q,))
        self._tick()

    def _isosceles_trapezoid(self, a, d, b, c) -> None:
        """s6: legs AD = BC between parallels AB ∥ DC, legs not parallel ⇒ ABCD is cyclic."""
        pts = self.db.diagram.points
        if not _numeric_para(pts, a, b, d, c) or _numeric_para(pts, a, d, b, c):
            return
        if is_coll([pts[a], pts[b], pts[c]]) or self.db.circle_of((a, b, c, d)) is not None:
            return
        if not self._fresh(("isotrap", a, d, b, c)):
            return
        w1 = self.why_para(a, b, d, c)
        w2 = self.why_cong(a, d, b, c) if w1 is not None else None
        if w2 is not None:
            self.derive(P.CYCLIC, (a, b, c, d), w1 + w2, R.ISOSCELES_TRAPEZOID)

    def _share_equal_lengths(self, a, b, c, d) -> None:
        w = self.why_ratio([(a, b, 1), (c, d, -1)])
        if w is None:
            red = self.db.reduce_length([(a, b, 1), (c, d, -1)])
            if red.coeffs or red.const or not red.why:
                return
            w = self.db.premises_of(red)
        self.derive(P.CONG, (a, b, c, d), w)

    def match_trapezoids(self) -> None:
        """r42 / r41: a line parallel to the bases cuts the legs proportionally, and back;
        r26: a parallelogram's diagonals bisect each other."""
        pts = self.db.diagram.points
        lines = self.db.lines_with(3)
        for l1, l2 in permutations(lines, 2):
            if self.db.line_points[l1] & self.db.line_points[l2]:
                continue
            leg1 = sorted(self.db.line_points[l1])
            leg2 = sorted(self.db.line_points[l2])
            for a, m, d in permutations(leg1, 3):
                if a > d:
                    continue
                for b, n, c in permutations(leg2, 3):
                    if not (_numeric_para(pts, a, b, d, c) and _numeric_para(pts, m, n, a, b)):
                        continue
                    if not self._fresh(("trap", a, m, d, b, n, c)):
                        continue
                    w1 = self.why_para(a, b, d, c)
                    if w1 is None:
                        continue
                    lw = self.why_coll((a, m, d)) + self.why_coll((b, n, c))
                    w2 = self.why_para(m, n, a, b)
                    if w2 is not None:
                        self.derive(P.EQRATIO, (m, a, m, d, n, b, n, c), w1 + w2 + lw, R.TRAPEZOID_THALES)
                        continue
                    w2 = self.why_eqratio(m, a, m, d, n, b, n, c)
                    if w2 is not None:
                        self.derive(P.PARA, (m, n, a, b), w1 + w2 + lw, R.TRAPEZOID_THALES_CONVERSE)
            self._tick()
        for (m, s), f in list(self.db.midpoints.items()):
            a, b = sorted(s)
            for c, d in permutations(self.index.names, 2):
                if len({a, b, c, d, m}) < 5 or abs(pts[m] - (pts[c] + pts[d]) / 2) > 1e-6:
                    continue
                if (m, seg(c, d)) in self.db.midpoints:
                    continue
                w1, w2 = self.why_para(a, c, b, d), self.why_para(a, d, b, c)
                if w1 is not None and w2 is not None:
                    self.derive(P.MIDP, (m, c, d), w1 + w2 + [f], R.PARALLELOGRAM_MIDPOINT)

    def match_centers(self) -> None:
        """m2/r01: points proved equidistant from a centre lie on a circle about it."""
        for o, groups in self.index.equidistant.items():
            for group in groups:
                base = group[0]
                proved, why = [base], set()
                for x in group[1:]:
                    w = self.why_cong(o, base, o, x)
                    if w is not None:
                        proved.append(x)
                        why |= set(w)
                if len(proved) >= 3:
                    c = self.db.circle_of(proved)
                    if c is None or c.center != o:
                        self.derive(P.CIRCLE, (o, *proved), why, R.CIRCLE_DEF)

    def match_cyclic(self) -> None:
        """r04: numerically concyclic points that see a chord under equal angles."""
        for circle in self.index.circles:
            known = self.db.circle_of(circle)
            if known is not None:
                continue
            for quad in combinations(sorted(circle), 4):
                if self.db.circle_of(quad) is not None or not self._fresh(("cyc", quad)):
                    continue
                why = self.why_cyclic(quad)
                if why is not None:
                    self.derive(P.CYCLIC, quad, why, R.EQANGLE_CYCLIC)
            self._tick()

    def match_inscribed(self) -> None:
        """r03 (inscribed angles) and s5 (inscribed angle against a radius) on proved circles."""
        for c in list(self.db.circles):
            pts = sorted(c.points)
            stamp = frozenset(pts) | ({"@" + c.center} if c.center else set())
            if self.done_inscribed.get(id(c)) == stamp:
                continue
            self.done_inscribed[id(c)] = stamp
            why = sorted(c.why)
            if len(pts) >= 4:
                for a, b in combinations(pts, 2):
                    others = [x for x in pts if x not in (a, b)]
                    r0 = others[0]
                    for r in others[1:]:
                        self.derive(P.EQANGLE, (r0, a, r0, b, r, a, r, b), why, R.CYCLIC_EQANGLE)
            if c.center:
                o = c.center
                cw = sorted(c.center_why | c.why)
                for b, cc in permutations(pts, 2):
                    for a in pts:
                        if a in (b, cc):
                            continue
                        self.derive(P.EQANGLE, (a, b, a, cc, b, o, b, cc), cw,
                                    R.INSCRIBED_RADIUS_ANGLE, (HALF,))
                    self._tick()

    def match_midpoints(self) -> None:
        """m1, s4 (foot from an apex), r06, r25, r19, r22 around midpoints."""
        for m, a, b in self.index.midpoints:
            if (m, seg(a, b)) in self.db.midpoints:
                continue
            coll = self.why_coll((m, a, b))
            cong = self.why_cong(m, a, m, b)
            if coll is not None and cong is not None:
                self.derive(P.MIDP, (m, a, b), coll + cong, R.MIDPOINT_DEF)
            elif coll is not None:
                for o in self.index.names:
                    if o in (m, a, b):
                        continue
                    w1 = self.why_cong(o, a, o, b)
                    w2 = self.why_perp(o, m, a, b) if w1 is not None else None
                    if w2 is not None:
                        self.derive(P.MIDP, (m, a, b), coll + w1 + w2, R.PERP_FOOT_MIDPOINT)
                        break
        mids = list(self.db.midpoints.items())
        for (m1, s1), f1 in mids:
            for (m2, s2), f2 in mids:
                if (m1, s1) >= (m2, s2):
                    continue
                common = s1 & s2
                if m1 == m2 and not common:
                    a, b = sorted(s1)
                    c, d = sorted(s2)
                    self.derive(P.PARA, (a, c, b, d), [f1, f2], R.DIAGONALS_BISECT_PARA)
                    self.derive(P.PARA, (a, d, b, c), [f1, f2], R.DIAGONALS_BISECT_PARA)
                elif len(common) == 1 and m1 != m2:
                    (b,) = s1 - common
                    (c,) = s2 - common
                    self.derive(P.PARA, (m1, m2, b, c), [f1, f2], R.MIDLINE_PARA)
        pts = self.db.diagram.points
        for (m, s), f in mids:
            a, c = sorted(s)
            for b in self.index.names:
                if b in (m, a, c):
                    continue
                if abs(abs(pts[b] - pts[m]) - abs(pts[a] - pts[m])) > 1e-6:
                    continue
                w = self.why_perp(b, a, b, c)
                if w is not None:
                    self.derive(P.CONG, (a, m, b, m), w + [f], R.RIGHT_TRIANGLE_MEDIAN)
                w = self.why_perp(b, m, a, c)
                if w is not None:
                    self.derive(P.CONG, (b, a, b, c), w + [f], R.PERP_BISECTOR_CONG)
            self._tick()

    def match_isosceles(self) -> None:
        """r13 / r14: equal sides ⇔ equal base angles."""
        for o, groups in self.index.equidistant.items():
            for group in groups:
                for a, b in combinations(group, 2):
                    if is_coll([self.db.diagram[x] for x in (o, a, b)]):
                        continue
                    if not self._fresh(("iso", o, a, b)):
                        continue
                    w = self.why_cong(o, a, o, b)
                    if w is not None:
                        self.derive(P.EQANGLE, (o, a, a, b, a, b, o, b), w, R.ISOSCELES_ANGLES)
                        continue
                    w = self.why_eqangle(o, a, a, b, a, b, o, b)
                    if w is not None:
                        self.derive(P.CONG, (o, a, o, b), w, R.ISOSCELES_SIDES)
            self._tick()

    def match_perp_bisector(self) -> None:
        """r23: two points each equidistant from A and B lie on a line perpendicular to AB."""
        pts = self.db.diagram.points
        names = self.index.names
        for a, b in combinations(names, 2):
            eq = [x for x in names if x not in (a, b)
                  and abs(abs(pts[x] - pts[a]) - abs(pts[x] - pts[b])) < 1e-6]
            if len(eq) < 2:
                continue
            proved = [(x, w) for x in eq if (w := self.why_cong(x, a, x, b)) is not None]
            for (p, w1), (q, w2) in combinations(proved, 2):
                self.derive(P.PERP, (a, b, p, q), w1 + w2, R.EQUIDISTANT_PERP)
            self._tick()

    def match_thales(self) -> None:
        """r07 / r27: parallels cut two lines through O in proportional segments, and back."""
        lines = self.db.lines_with(3)
        pts = self.db.diagram.points
        for l1, l2 in combinations(lines, 2):
            common = self.db.line_points[l1] & self.db.line_points[l2]
            if len(common) != 1:
                continue
            (o,) = common
            m = sorted(self.db.line_points[l1] - {o})
            n = sorted(self.db.line_points[l2] - {o})
            for a, c in combinations(m, 2):
                for b, d in permutations(n, 2):
                    if not _numeric_para(pts, a, b, c, d) or not self._fresh(("thales", o, a, b, c, d)):
                        continue
                    w = self.why_para(a, b, c, d)
                    if w is not None:
                        lw = self.why_coll((o, a, c)) + self.why_coll((o, b, d))
                        self.derive(P.EQRATIO, (o, a, o, c, o, b, o, d), w + lw, R.THALES_RATIO)
                        self.derive(P.EQRATIO, (o, a, o, c, a, b, c, d), w + lw, R.THALES_RATIO)
                        continue
                    w = self.why_eqratio(o, a, o, c, o, b, o, d)
                    if w is None:
                        w = self.why_eqratio(o, a, a, c, o, b, b, d)
                    if w is None:
                        w = self.why_eqratio(o, c, c, a, o, d, d, b)
                    if w is not None:
                        lw = self.why_coll((o, a, c)) + self.why_coll((o, b, d))
                        self.derive(P.PARA, (a, b, c, d), w + lw, R.THALES_CONVERSE)
            self._tick()

    def match_bisector(self) -> None:
        """r11 / r12: the angle bisector theorem, both ways."""
        pts = self.db.diagram.points
        for lid in self.db.lines_with(3):
            on = sorted(self.db.line_points[lid])
            for d in on:
                for b, c in combinations([x for x in on if x != d], 2):
                    for a in self.index.names:
                        if a in on:
                            continue
                        ab, ac = abs(pts[a] - pts[b]), abs(pts[a] - pts[c])
                        db_, dc = abs(pts[d] - pts[b]), abs(pts[d] - pts[c])
                        if abs(ab * dc - ac * db_) > 1e-6 * max(1, ab * dc):
                            continue
                        if not self._fresh(("bis", a, b, c, d)):
                            continue
                        lw = self.why_coll((d, b, c))
                        w = self.why_eqangle(a, b, a, d, a, d, a, c)
                        if w is not None:
                            self.derive(P.EQRATIO, (d, b, d, c, a, b, a, c), w + lw, R.RATIO_FROM_BISECTOR)
                            continue
                        w = self.why_eqratio(d, b, d, c, a, b, a, c)
                        if w is not None:
                            self.derive(P.EQANGLE, (a, b, a, d, a, d, a, c), w + lw, R.BISECTOR_FROM_RATIO)
            self._tick()

    def match_equal_chords(self) -> None:
        """r05: chords of one circle seen under equal angles are equal."""
        pts = self.db.diagram.points
        for c in list(self.db.circles):
            on = sorted(c.points)
            if len(on) < 4:
                continue
            chords = list(combinations(on, 2))
            for (a, b), (p, q) in combinations(chords, 2):
                if abs(abs(pts[a] - pts[b]) - abs(pts[p] - pts[q])) > 1e-6:
                    continue
                if not self._fresh(("chord", a, b, p, q)) or self.why_cong(a, b, p, q) is not None:
                    continue
                x = next(t for t in on if t not in (a, b))
                y = next(t for t in on if t not in (p, q))
                for pp, qq in ((p, q), (q, p)):
                    w = self.why_eqangle(x, a, x, b, y, pp, y, qq)
                    if w is not None:
                        self.derive(P.CONG, (a, b, p, q), w + sorted(c.why), R.CYCLIC_EQUAL_CHORDS)
                        break
            self._tick()

    def _lines_through(self, p: str, minimum: int = 3) -> list[int]:
        return [lid for lid in self.db.lines_with(minimum) if p in self.db.line_points[lid]]

    def _side(self, x: str, y: str) -> set[str]:
        lid = self.db.pair_line.get(seg(x, y))
        return self.db.line_points[lid] if lid is not None else {x, y}

    def match_menelaus_ceva(self) -> None:
        """s7 / s8: the ratio products of Menelaus (a transversal) and Ceva (concurrent cevians)."""
        lp = self.db.line_points
        for lid in self.db.lines_with(3):
            for d, e, f in combinations(sorted(lp[lid]), 3):
                for ld in self._lines_through(d):
                    for le in self._lines_through(e):
                        if ld == lid or le == lid or ld == le:
                            continue
                        for c in sorted(lp[ld] & lp[le] - {d, e, f}):
                            for lf in self._lines_through(f):
                                if lf in (lid, ld, le):
                                    continue
                                for a in sorted(lp[le] & lp[lf] - {c, d, e, f}):
                                    for b in sorted(lp[lf] & lp[ld] - {a, c, d, e, f}):
                                        self._triratio((a, b, c, d, e, f), [lid, ld, le, lf], R.MENELAUS)
            self._tick()
        for p in self.index.names:
            through = self._lines_through(p)
            for la, lb, lc in combinations(through, 3):
                for a in sorted(lp[la] - {p}):
                    for b in sorted(lp[lb] - {p}):
                        for c in sorted(lp[lc] - {p}):
                            d = _single(lp[la] & self._side(b, c) - {a, b, c, p})
                            e = _single(lp[lb] & self._side(c, a) - {a, b, c, p})
                            f = _single(lp[lc] & self._side(a, b) - {a, b, c, p})
                            if d and e and f:
                                lines = [la, lb, lc, self.db.pair_line[seg(b, c)],
                                         self.db.pair_line[seg(c, a)], self.db.pair_line[seg(a, b)]]
                                self._triratio((a, b, c, d, e, f), lines, R.CEVA)
            self._tick()

    def _triratio(self, pts, lines, rule: RuleId) -> None:
        a, b, c, d, e, f = pts
        if is_coll([self.db.diagram[x] for x in (a, b, c)]):
            return
        why = set()
        for lid in lines:
            why |= self.db.line_why[lid]
        self.derive(P.TRIRATIO, pts, sorted(why), rule)

    def match_triangles(self) -> None:
        """r32–r40: similar and congruent triangles, found by hashing shapes in the diagram."""
        for (t1, t2, reflected) in similar_pairs(self.db.diagram, self.index.names):
            if not self._fresh(("tri", t1, t2, reflected)):
                continue
            self._try_similar(t1, t2, reflected)
            self._tick()

    def _try_similar(self, t1, t2, reflected: bool) -> None:
        a, b, c = t1
        p, q, r = t2
        rotations = [((a, b, c), (p, q, r)), ((b, c, a), (q, r, p)), ((c, a, b), (r, p, q))]

        def angle_at(i):  # ∠ at the middle vertex of rotation i, matched (or mirrored)
            (x1, y1, z1), (x2, y2, z2) = rotations[i]
            if reflected:
                return self.why_eqangle(y1, x1, y1, z1, y2, z2, y2, x2)
            return self.why_eqangle(y1, x1, y1, z1, y2, x2, y2, z2)

        def sides_at(i):  # the two sides around the middle vertex are proportional
            (x1, y1, z1), (x2, y2, z2) = rotations[i]
            return self.why_eqratio(y1, x1, y2, x2, y1, z1, y2, z2)

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
            w3 = self.why_eqratio(a, b, p, q, b, c, q, r)
            w4 = self.why_eqratio(a, b, p, q, c, a, r, p) if w3 is not None else None
            if w4 is not None:
                why, rule = w3 + w4, R.SIMTRI_SSS
        if why is None:
            return
        pred = P.SIMTRIR if reflected else P.SIMTRI
        fid = self.fact_for(pred, (a, b, c, p, q, r), why, rule)
        if fid is None:
            return
        for x, y, z, u, v, w in ((a, b, c, p, q, r), (b, c, a, q, r, p), (c, a, b, r, p, q)):
            self.derive(P.EQRATIO, (x, y, u, v, y, z, v, w), [fid], R.SIMTRI_SIDES)
            if reflected:
                self.derive(P.EQANGLE, (y, x, y, z, v, w, v, u), [fid], R.SIMTRI_ANGLES)
            else:
                self.derive(P.EQANGLE, (y, x, y, z, v, u, v, w), [fid], R.SIMTRI_ANGLES)
        for x, y, u, v in ((a, b, p, q), (b, c, q, r), (c, a, r, p)):
            w = self.why_cong(x, y, u, v)
            if w is not None:
                for x2, y2, u2, v2 in ((a, b, p, q), (b, c, q, r), (c, a, r, p)):
                    self.derive(P.CONG, (x2, y2, u2, v2), [fid] + w, R.CONTRI_SIDES)
                break


def _single(s: set[str]) -> str | None:
    return next(iter(s)) if len(s) == 1 else None


def _simple_ratio(x: float) -> Fraction | None:
    """x as p/q with small p, q when it is one (numerically)."""
    for q in (1, 2, 3, 4):
        p = round(x * q)
        if 0 < p <= 8 and abs(x * q - p) < 1e-7:
            return Fraction(p, q)
    return None


def _numeric_para(pts, a, b, c, d) -> bool:
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
