"""Forward chaining: the saturation loop over the rule passes it is given (`matchers.MATCHERS`),
and the symbolic queries (`why_*`) that return the premises proving a statement now, or None.

The passes are handed in, not imported: they read and extend a `Deduction`, so they depend on
this module and not the other way round."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

from lemmata.engines.geometry import clock
from lemmata.engines.geometry.database import Database, seg
from lemmata.engines.geometry.facts import Fact, fact_key
from lemmata.engines.geometry.numeric_index import NumericIndex, index_diagram
from lemmata.engines.geometry.predicates import Predicate, is_coll
from lemmata.engines.geometry.rules import RuleId

P = Predicate
R = RuleId
HALF = Fraction(1, 2)


class OutOfTime(Exception):
    """The deadline passed in the middle of a round."""


RulePass = Callable[["Deduction"], None]
"""One round of one rule family: finds matches in the database and derives new facts."""


class Deduction:
    """Saturates a database with rule passes; `run` stops at the goal, a fixpoint or a deadline."""

    def __init__(self, db: Database, passes: Sequence[RulePass]) -> None:
        self.db = db
        self.passes = tuple(passes)
        self._index: NumericIndex | None = None
        self.deadline = float("inf")
        self.done_inscribed: dict[int, frozenset[str]] = {}
        self.tried: dict[tuple, tuple[int, int]] = {}
        self.rounds = 0
        self.timed_out = False

    @property
    def index(self) -> NumericIndex:
        """What the diagram says numerically, computed on first use after the diagram changed."""
        if self._index is None:
            self._index = index_diagram(self.db.diagram)
        return self._index

    def refresh_index(self) -> None:
        """Call after adding points to the diagram."""
        self._index = None

    def __getstate__(self) -> dict:
        # A copy is made to add points to, which makes the index stale: leave it out.
        return {**self.__dict__, "_index": None}

    # ---- symbolic queries: premises when provable, else None ---------------------------
    def tick(self) -> None:
        if clock.now() > self.deadline:
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
        if len(pts) > 4:  # every further point on the circle through the first three
            why: set[int] = set()
            for x in pts[3:]:
                w = self.why_cyclic((*pts[:3], x))
                if w is None:
                    return None
                why |= set(w)
            return sorted(why)
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
        key = fact_key(pred, tuple(pts), numbers)
        if key in self.db.keys:
            return self.db.keys[key]
        f = self.derive(pred, pts, premises, rule, numbers)
        return f.id if f else None

    # ---- the loop ----------------------------------------------------------------------
    def run(self, goal_check, timeout: float = 60.0, max_rounds: int = 100) -> bool:
        """Apply all rules until goal_check() is true, nothing is new, or time is up."""
        self.deadline = clock.now() + timeout
        try:
            while self.rounds < max_rounds:
                if goal_check():
                    return True
                self.rounds += 1
                before = len(self.db.facts)
                for rule_pass in self.passes:
                    rule_pass(self)
                    self.tick()
                if len(self.db.facts) == before:
                    return goal_check()
        except OutOfTime:
            self.timed_out = True
            return goal_check()
        return goal_check()

    def fresh(self, key: tuple) -> bool:
        """False when this candidate failed before and the algebra has not changed since."""
        version = (len(self.db.angles.rows), len(self.db.ratios.rows))
        if self.tried.get(key) == version:
            return False
        self.tried[key] = version
        return True

    # ---- rules ---------------------------------------------------------------------------