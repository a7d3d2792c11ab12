"""The deductive database: facts, symbolic lines and circles (merged like union-find), and the
angle and ratio linear systems. Every fact is checked in the diagram before it is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from lemmata.engines.geometry.algebra import LinearSystem, Reduced
from lemmata.engines.geometry.diagram import Diagram, distinct, double_points
from lemmata.engines.geometry.facts import Fact, fact_key
from lemmata.engines.geometry.predicates import Predicate, direction
from lemmata.engines.geometry.rules import RuleId

# Constants of the ratio system are logs of these primes; their variables have the lowest
# ids so that they are never pivots.
PRIMES = (2, 3, 5, 7)
ANGLE_TOL = 1e-6


@dataclass
class SymbolicCircle:
    """Points proved to lie on one circle, with its centre when one is proved."""

    points: set[str]
    why: set[int] = field(default_factory=set)
    center: str | None = None
    center_why: set[int] = field(default_factory=set)


def seg(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


class Database:
    """Facts plus the structures that make transitivity free."""

    def __init__(self, diagram: Diagram) -> None:
        self.diagram = diagram
        self.facts: list[Fact] = []
        self.keys: dict[tuple, int] = {}
        self.refused = 0
        # lines: every pair of points on a symbolic line maps to the line's id
        self.pair_line: dict[frozenset[str], int] = {}
        self.line_points: dict[int, set[str]] = {}
        self.line_why: dict[int, set[int]] = {}
        self.circles: list[SymbolicCircle] = []
        self.angles = LinearSystem()
        self.ratios = LinearSystem()
        self.lengths = LinearSystem()
        """Distance chasing: lengths (not logs) of segments, additive along lines."""
        self.length_done: set[tuple[str, str, str]] = set()
        self.seg_var: dict[frozenset[str], int] = {}
        self.next_var = len(PRIMES) + 1
        self.eq_fact: list[tuple[int, ...]] = []
        """Per equation row: the fact it states plus the collinearities its line variables rely on."""
        self.midpoints: dict[tuple[str, frozenset[str]], int] = {}
        self.shapes = 0
        """How many times a symbolic line or circle has grown (stamps what structure a rule saw)."""
        self._doubles: tuple[int, dict[str, str]] = (-1, {})
        self.same_points: dict[tuple[str, str], tuple[tuple[int, ...], int]] = {}
        """(point, its double) proved one point → (the facts pinning it, next fact id whose
        statement is still to be carried over to the other name)."""

    def copy(self) -> Database:
        """An independent copy, to add points to: containers are copied, immutable values
        (facts, Fractions, point names) shared — much cheaper than a pickle round trip."""
        twin = object.__new__(Database)
        twin.__dict__.update(self.__dict__)
        twin.diagram = Diagram(dict(self.diagram.points), self.diagram.seed)
        twin.facts, twin.keys = list(self.facts), dict(self.keys)
        twin.pair_line = dict(self.pair_line)
        twin.line_points = {k: set(v) for k, v in self.line_points.items()}
        twin.line_why = {k: set(v) for k, v in self.line_why.items()}
        twin.circles = [SymbolicCircle(set(c.points), set(c.why), c.center, set(c.center_why))
                        for c in self.circles]
        twin.angles, twin.ratios, twin.lengths = self.angles.copy(), self.ratios.copy(), self.lengths.copy()
        twin.length_done, twin.seg_var = set(self.length_done), dict(self.seg_var)
        twin.eq_fact, twin.midpoints = list(self.eq_fact), dict(self.midpoints)
        twin.same_points = dict(self.same_points)
        return twin

    def doubles(self) -> dict[str, str]:
        """Point → the earlier point stated at its position (see `diagram.double_points`)."""
        if self._doubles[0] != len(self.diagram.points):
            self._doubles = (len(self.diagram.points), double_points(self.diagram.points))
        return self._doubles[1]

    def distinct(self, *names: str) -> bool:
        """Whether the names are of as many points (none is another's double)."""
        return distinct(self.doubles(), *names)

    # ---- adding facts ---------------------------------------------------------------
    def add(self, pred: Predicate, points: tuple[str, ...], rule: RuleId,
            premises: tuple[int, ...] | list[int] = (), numbers: tuple[Fraction, ...] = (),
            note: str = "") -> Fact | None:
        """Store a new fact (None when known already or numerically false)."""
        points = tuple(points)
        if not self._well_formed(pred, points):
            return None
        key = fact_key(pred, points, numbers)
        if key in self.keys:
            return None
        if not self.diagram.holds(pred, points, numbers):
            self.refused += 1
            return None
        fact = Fact(len(self.facts), pred, points, rule, tuple(sorted(set(premises))), numbers, note)
        self.facts.append(fact)
        self.keys[key] = fact.id
        self._absorb(fact)
        return fact

    def _well_formed(self, pred: Predicate, p: tuple[str, ...]) -> bool:
        doubles = self.doubles()
        if doubles and not _apart(pred, p, doubles):
            return False
        if pred in (Predicate.CONG, Predicate.PARA, Predicate.EQANGLE, Predicate.EQRATIO):
            segs = [seg(p[i], p[i + 1]) for i in range(0, len(p), 2)]
            if len(segs) == 2 and segs[0] == segs[1]:
                return False
            if len(segs) == 4 and ((segs[0] == segs[1] and segs[2] == segs[3])
                                   or (segs[0] == segs[2] and segs[1] == segs[3])):
                return False
        if pred in (Predicate.PARA, Predicate.PERP, Predicate.CONG, Predicate.EQANGLE,
                    Predicate.EQRATIO, Predicate.ACONST, Predicate.RCONST):
            return all(p[i] != p[i + 1] for i in range(0, len(p) - 1, 2))
        if pred in (Predicate.COLL, Predicate.CYCLIC):
            return len(set(p)) == len(p)
        return True

    def _absorb(self, f: Fact) -> None:
        p = f.points
        match f.predicate:
            case Predicate.COLL:
                self.merge_line(p, f.id)
            case Predicate.PARA:
                self.add_angle([(p[0], p[1], 1), (p[2], p[3], -1)], Fraction(0), f.id)
            case Predicate.PERP:
                self.add_angle([(p[0], p[1], 1), (p[2], p[3], -1)], Fraction(1, 2), f.id)
            case Predicate.EQANGLE:
                self.add_angle([(p[0], p[1], 1), (p[2], p[3], -1), (p[4], p[5], -1), (p[6], p[7], 1)],
                               f.numbers[0] if f.numbers else Fraction(0), f.id)
            case Predicate.ACONST:
                self.add_angle([(p[2], p[3], 1), (p[0], p[1], -1)], f.numbers[0], f.id)
            case Predicate.CONG:
                self.add_ratio([(p[0], p[1], 1), (p[2], p[3], -1)], Fraction(1), f.id)
                self.add_length([(p[0], p[1], 1), (p[2], p[3], -1)], f.id)
            case Predicate.EQRATIO:
                self.add_ratio([(p[0], p[1], 1), (p[2], p[3], -1), (p[4], p[5], -1), (p[6], p[7], 1)],
                               Fraction(1), f.id)
            case Predicate.RCONST:
                self.add_ratio([(p[0], p[1], 1), (p[2], p[3], -1)], f.numbers[0], f.id)
                self.add_length([(p[0], p[1], 1), (p[2], p[3], -f.numbers[0])], f.id)
            case Predicate.TRIRATIO:
                a, b, c, d, e, g = p
                self.add_ratio([(b, d, 1), (d, c, -1), (c, e, 1), (e, a, -1), (a, g, 1), (g, b, -1)],
                               Fraction(1), f.id)
            case Predicate.MIDP:
                m, a, b = p
                self.merge_line((m, a, b), f.id)
                self.add_ratio([(m, a, 1), (m, b, -1)], Fraction(1), f.id)
                self.add_ratio([(m, a, 1), (a, b, -1)], Fraction(1, 2), f.id)
                self.add_length([(m, a, 1), (m, b, -1)], f.id)
                self.midpoints[(m, seg(a, b))] = f.id
            case Predicate.CYCLIC:
                self.merge_circle(set(p), {f.id})
            case Predicate.CIRCLE:
                o, *rest = p
                for x, y in zip(rest, rest[1:]):
                    self.add_ratio([(o, x, 1), (o, y, -1)], Fraction(1), f.id)
                self.merge_circle(set(rest), {f.id}, center=o)
            case _:
                pass

    # ---- lines -----------------------------------------------------------------------
    def line(self, a: str, b: str) -> int:
        """Id of the symbolic line through a and b (a new line when none is known)."""
        key = seg(a, b)
        if key not in self.pair_line:
            lid = self._new_var()
            self.pair_line[key] = lid
            self.line_points[lid] = {a, b}
            self.line_why[lid] = set()
        return self.pair_line[key]

    def merge_line(self, points: tuple[str, ...], why: int) -> None:
        self.shapes += 1
        doubles = self.doubles()
        base = doubles.get(points[0], points[0])
        same = [q for q in points if doubles.get(q, q) == base]  # the first point's names
        rest = [q for q in points if doubles.get(q, q) != base]
        target = self.line(same[0], rest[0])
        pending = {self.line(same[0], q) for q in rest[1:]} | {self.line(q, rest[0]) for q in same[1:]}
        pending -= {target}
        self.line_why[target].add(why)
        while pending:
            other = pending.pop()
            if other == target or other not in self.line_points:
                continue
            self.line_points[target] |= self.line_points.pop(other)
            self.line_why[target] |= self.line_why.pop(other)
            lines_why = self.line_why[target] | self.line_why.get(other, set())
            self.angles.add({target: Fraction(1), other: Fraction(-1)}, Fraction(0), self._eq(why, lines_why))
            for a, b in combinations(sorted(self.line_points[target]), 2):
                if not self.distinct(a, b):
                    continue  # one point's two names: on many lines, they define none
                old = self.pair_line.get(seg(a, b))
                if old is not None and old != target and old in self.line_points:
                    pending.add(old)
                self.pair_line[seg(a, b)] = target

    def lines_with(self, minimum: int = 3) -> list[int]:
        return [lid for lid, pts in self.line_points.items() if len(pts) >= minimum]

    # ---- circles ---------------------------------------------------------------------
    def merge_circle(self, points: set[str], why: set[int], center: str | None = None) -> SymbolicCircle:
        self.shapes += 1
        merged = SymbolicCircle(set(points), set(why))
        if center:
            merged.center, merged.center_why = center, set(why)
        keep = []
        doubles = self.doubles()
        for c in self.circles:
            # three shared points make one circle; a point's two names count once
            if len({doubles.get(x, x) for x in c.points & merged.points}) >= 3:
                merged.points |= c.points
                merged.why |= c.why
                if c.center and not merged.center:
                    merged.center, merged.center_why = c.center, c.center_why
            else:
                keep.append(c)
        self.circles = keep + [merged]
        return merged

    def circle_of(self, points) -> SymbolicCircle | None:
        pts = set(points)
        for c in self.circles:
            if pts <= c.points:
                return c
        return None

    # ---- equations -----------------------------------------------------------------------
    def _new_var(self) -> int:
        self.next_var += 1
        return self.next_var

    def _eq(self, fact_id: int, extra=()) -> int:
        self.eq_fact.append((fact_id, *sorted(extra)))
        return len(self.eq_fact) - 1

    def angle_form(self, terms) -> dict[int, Fraction]:
        form: dict[int, Fraction] = {}
        for a, b, c in terms:
            v = self.line(a, b)
            form[v] = form.get(v, Fraction(0)) + c
        return {k: v for k, v in form.items() if v}

    def _numeric_angle(self, terms) -> float:
        pts = self.diagram.points
        return sum(c * direction(pts[a], pts[b]) for a, b, c in terms)

    def add_angle(self, terms, const: Fraction, fact_id: int) -> None:
        value = self._numeric_angle(terms)
        k = round(value - float(const))
        # a line variable standing for three or more points relies on the facts that merged them
        lines_why = set().union(*(self.line_why[self.line(a, b)] for a, b, _ in terms))
        self.angles.add(self.angle_form(terms), const + k, self._eq(fact_id, lines_why))

    def reduce_angle(self, terms) -> tuple[Reduced, float]:
        """The reduced form of Σ c·θ(ab) and its numeric value (π units)."""
        return self.angles.reduce(self.angle_form(terms)), self._numeric_angle(terms)

    def ratio_var(self, a: str, b: str) -> int:
        key = seg(a, b)
        if key not in self.seg_var:
            self.seg_var[key] = self._new_var()
        return self.seg_var[key]

    def ratio_form(self, terms, constant: Fraction = Fraction(1)) -> dict[int, Fraction]:
        form: dict[int, Fraction] = {}
        for a, b, c in terms:
            v = self.ratio_var(a, b)
            form[v] = form.get(v, Fraction(0)) + c
        for i, (prime, exponent) in enumerate(_factor(constant)):
            form[i + 1] = form.get(i + 1, Fraction(0)) - exponent
        return {k: v for k, v in form.items() if v}

    def add_ratio(self, terms, constant: Fraction, fact_id: int) -> None:
        """Σ c·log|ab| = log(constant)."""
        self.ratios.add(self.ratio_form(terms, constant), Fraction(0), self._eq(fact_id))

    def add_length(self, terms, fact_id: int) -> None:
        """Σ c·|ab| = 0."""
        form: dict[int, Fraction] = {}
        for a, b, c in terms:
            v = self.ratio_var(a, b)
            form[v] = form.get(v, Fraction(0)) + Fraction(c)
        self.lengths.add({k: v for k, v in form.items() if v}, Fraction(0), self._eq(fact_id))

    def reduce_length(self, terms) -> Reduced:
        form: dict[int, Fraction] = {}
        for a, b, c in terms:
            v = self.ratio_var(a, b)
            form[v] = form.get(v, Fraction(0)) + Fraction(c)
        return self.lengths.reduce({k: v for k, v in form.items() if v})

    def reduce_ratio(self, terms, constant: Fraction = Fraction(1)) -> Reduced:
        return self.ratios.reduce(self.ratio_form(terms, constant))

    def premises_of(self, red: Reduced) -> list[int]:
        return sorted({f for i in red.why for f in self.eq_fact[i]})


def _apart(pred: Predicate, p: tuple[str, ...], doubles: dict[str, str]) -> bool:
    """Whether a statement may name these points when some are one point's two names (see
    `double_points`). A line or circle may hold both names (the point lies on it) when other
    points define it; any other statement with both would treat one point as two (a segment,
    a triangle, a ratio between its names), which rules that tell points apart by name would
    then use as if they were distinct."""
    one = [doubles.get(x, x) for x in p]
    if pred is Predicate.COLL:
        return len(set(one)) >= 2
    if pred is Predicate.CYCLIC:
        return len(set(one)) >= 3
    return len(set(one)) == len(set(p))


def _factor(q: Fraction) -> list[tuple[int, int]]:
    """Exponents of PRIMES in q (a position per prime); q must factor over PRIMES."""
    out = []
    for prime in PRIMES:
        e = 0
        n, d = q.numerator, q.denominator
        while n % prime == 0:
            n //= prime
            e += 1
        while d % prime == 0:
            d //= prime
            e -= 1
        q = Fraction(n, d)
        out.append((prime, e))
    return out
