"""Forward chaining: the saturation loop over the rule passes it is given (`matchers.MATCHERS`),
and the symbolic queries (`why_*`) that return the premises proving a statement now, or None.

The passes are handed in, not imported: they read and extend a `Deduction`, so they depend on
this module and not the other way round."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import NamedTuple

from lemmata.engines.geometry import clock
from lemmata.engines.geometry.database import Database, seg
from lemmata.engines.geometry.facts import Fact, fact_key
from lemmata.engines.geometry.numeric_index import NumericIndex, index_diagram
from lemmata.engines.geometry.predicates import Predicate, is_coll
from lemmata.engines.geometry.rules import RuleId

P = Predicate
R = RuleId
HALF = Fraction(1, 2)


class Attempt(NamedTuple):
    """What one attempt of a rule on one candidate depended on, when it did not derive
    everything at once: the database's stamp when it started and, of each query that failed,
    the variables left in the reduced form (per linear system) or the shape it asked about."""

    stamp: tuple[int, int, int, int]
    """Rows of the angle, ratio and length systems, and `Database.shapes`, at the start."""
    angles: set[int]
    ratios: set[int]
    lengths: set[int]
    shapes: list[tuple]
    """("coll", points), ("circle", points) or ("line", a, b, points on line ab)."""


class OutOfTime(Exception):
    """The deadline passed in the middle of a round."""


RulePass = Callable[["Deduction"], None]
"""One round of one rule family: finds matches in the database and derives new facts."""


class Deduction:
    """Saturates a database with rule passes; `run` stops at the goal, a fixpoint or a deadline."""

    def __init__(self, db: Database, passes: Sequence[RulePass], cache: bool = True) -> None:
        self.db = db
        self.passes = tuple(passes)
        self._index: NumericIndex | None = None
        self._previous: NumericIndex | None = None
        """The index before the last points were added, to build the next one on."""
        self.deadline = float("inf")
        self.done_inscribed: set[frozenset[str]] = set()
        self.tried: dict[tuple, Attempt] = {}
        """Candidate key → what its last complete attempt depended on (see `fresh`)."""
        self.cache = cache
        """False: every candidate is tried again every round (the naive fixpoint, for checks)."""
        self.results: dict[tuple, object] = {}
        """Candidate key → what a rule computed in its last attempt, for rules that use it
        again while the candidate is not fresh (immutable values)."""
        self._open: tuple[tuple, Attempt] | None = None
        """The attempt running now: its key and the dependencies recorded so far."""
        self.rounds = 0
        self.timed_out = False

    @property
    def index(self) -> NumericIndex:
        """What the diagram says numerically, computed on first use after the diagram changed."""
        if self._index is None:
            self._index = index_diagram(self.db.diagram, self._previous)
            self._previous = None
        return self._index

    def refresh_index(self) -> None:
        """Call after adding points to the diagram (the next index is built on this one)."""
        if self._index is not None:
            self._previous = self._index
        self._index = None

    def copy(self) -> Deduction:
        """An independent copy, to add points to. It shares this one's numeric index (read
        only from then on: the copy's next index is built on it) and its records of attempts
        (each immutable once complete), so it re-tries only what a new point may change."""
        twin = object.__new__(Deduction)
        twin.__dict__.update(self.__dict__)
        twin.db = self.db.copy()
        twin.tried, twin.done_inscribed = dict(self.tried), set(self.done_inscribed)
        twin.results = dict(self.results)
        twin._open = None
        return twin

    def __getstate__(self) -> dict:
        # A copy is made to add points to, which makes the index stale: leave it out.
        return {**self.__dict__, "_index": None, "_previous": None, "_open": None}

    # ---- symbolic queries: premises when provable, else None ---------------------------
    def tick(self) -> None:
        if clock.now() > self.deadline:
            raise OutOfTime

    def why_coll(self, pts) -> list[int] | None:
        key = seg(pts[0], pts[1])
        lid = self.db.pair_line.get(key)
        if lid is None or not set(pts) <= self.db.line_points[lid]:
            self._depends("shape", ("coll", tuple(pts)))
            return None
        return sorted(self.db.line_why[lid])

    def why_angle(self, terms, const: Fraction = Fraction(0)) -> list[int] | None:
        red, value = self.db.reduce_angle(terms)
        if abs(value - float(const) - round(value - float(const))) > 1e-6:
            return None
        if red.coeffs or (red.const - const).denominator != 1:
            self._depends("angles", red.coeffs)
            return None
        extra = set()
        for a, b, _ in terms:
            lid = self.db.pair_line[seg(a, b)]
            if len(self.db.line_points[lid]) > 2:
                extra |= self.db.line_why[lid]
        return sorted(set(self.db.premises_of(red)) | extra)

    def why_ratio(self, terms, constant: Fraction = Fraction(1)) -> list[int] | None:
        pts = self.db.diagram.points
        lengths = [abs(pts[a] - pts[b]) for a, b, _ in terms]
        if not all(lengths):
            return None  # a segment between a point and its double (stated twice)
        value = sum(c * math.log(n) for n, (_, _, c) in zip(lengths, terms))
        if abs(value - math.log(constant)) > 1e-6:
            return None
        red = self.db.reduce_ratio(terms, constant)
        if red.coeffs or red.const:
            self._depends("ratios", red.coeffs)
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
        return self.why_length([(a, b, 1), (c, d, -1)])

    def why_length(self, terms) -> list[int] | None:
        """Premises of Σ c·|ab| = 0 by distance chasing, or None."""
        red = self.db.reduce_length(terms)
        if red.coeffs or red.const:
            self._depends("lengths", red.coeffs)
            return None
        return self.db.premises_of(red)

    def why_eqratio(self, a, b, c, d, e, f, g, h):
        return self.why_ratio([(a, b, 1), (c, d, -1), (e, f, -1), (g, h, 1)])

    def why_cyclic(self, pts) -> list[int] | None:
        c = self.db.circle_of(pts)
        if c is not None:
            return sorted(c.why)
        self._depends("shape", ("circle", tuple(pts)))
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
                    self._close()
                    self.tick()
                if len(self.db.facts) == before:
                    return goal_check()
        except OutOfTime:
            self._open = None  # an attempt cut short must run again
            self.timed_out = True
            return goal_check()
        return goal_check()

    def fresh(self, key: tuple) -> bool:
        """Whether the candidate `key` is worth trying (again): new, or something one of its
        failed queries depended on has changed since its last attempt (semi-naive matching).

        The attempt runs from this call to the next `fresh` or the end of the pass; the
        queries made meanwhile record what they depended on."""
        self._close()
        last = self.tried.get(key)
        if self.cache and last is not None and not self._changed(last):
            return False
        db = self.db
        stamp = (len(db.angles.rows), len(db.ratios.rows), len(db.lengths.rows), db.shapes)
        self._open = (key, Attempt(stamp, set(), set(), set(), []))
        return True

    def watch_line(self, a: str, b: str) -> None:
        """The running attempt depends on which points the line ab has."""
        self._depends("shape", ("line", a, b, frozenset(self._line_points(a, b))))

    def _depends(self, kind: str, what) -> None:
        if self._open is None:
            return
        attempt = self._open[1]
        if kind == "shape":
            attempt.shapes.append(what)
        else:
            getattr(attempt, kind).update(what)

    def _close(self) -> None:
        if self._open is not None:
            key, attempt = self._open
            self.tried[key] = attempt
            self._open = None

    def _changed(self, last: Attempt) -> bool:
        db = self.db
        rows_a, rows_r, rows_l, shapes = last.stamp
        if (db.angles.grew_on(last.angles, rows_a) or db.ratios.grew_on(last.ratios, rows_r)
                or db.lengths.grew_on(last.lengths, rows_l)):
            return True
        return db.shapes > shapes and any(self._shape_changed(w) for w in last.shapes)

    def _shape_changed(self, watched: tuple) -> bool:
        kind, *args = watched
        if kind == "coll":
            lid = self.db.pair_line.get(seg(args[0][0], args[0][1]))
            return lid is not None and set(args[0]) <= self.db.line_points[lid]
        if kind == "circle":
            return self.db.circle_of(args[0]) is not None
        a, b, points = args
        return self._line_points(a, b) != points

    def _line_points(self, a: str, b: str) -> set[str]:
        lid = self.db.pair_line.get(seg(a, b))
        return self.db.line_points[lid] if lid is not None else {a, b}

    # ---- rules ---------------------------------------------------------------------------