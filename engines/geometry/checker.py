"""An independent proof checker: every step must follow from exactly the facts it cites, by
the rule it names (re-derived here from `check_rules.PATTERNS` and a small linear algebra of
its own, not from the engine's database), and every derived fact must hold numerically in
several fresh random diagrams of the statement.

Shared with the engine only: the parser, the construction definitions (what a clause states),
the random drawing and the numeric truth of one predicate."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from itertools import combinations, permutations, product
from pathlib import Path

from lemmata.engines.geometry.check_rules import PATTERNS
from lemmata.engines.geometry.diagram import draw
from lemmata.engines.geometry.errors import GeometryError
from lemmata.engines.geometry.language import Problem, parse_problem
from lemmata.engines.geometry.loci import circumcenter_of
from lemmata.engines.geometry.premises import premise_facts
from lemmata.engines.geometry.predicates import Predicate as P
from lemmata.engines.geometry.predicates import check, direction as _direction, is_coll
from lemmata.engines.geometry.rules import RuleId as R

FRESH_DIAGRAMS = 3
"""Random diagrams (besides the proof's own) every derived fact must hold in."""
DRAW_ATTEMPTS = 6
MAX_EXTRA_BINDINGS = 20_000
"""Cap on assignments of a pattern's free variables tried for one step."""
_ANGLE = {P.PARA, P.PERP, P.EQANGLE, P.ACONST}
_RATIO = {P.CONG, P.EQRATIO, P.RCONST}
_SIMILAR = {P.SIMTRI, P.SIMTRIR, P.CONTRI, P.CONTRIR}
TANGENT = "tangent"
"""A hypothesis of the patterns only, never a fact: `tangent D B C E F`, circles DBC and DEF
touch at D (an angle equation of six lines, implied by the cited facts' angles)."""


@dataclass(frozen=True)
class ProofStep:
    """One numbered step of a proof file."""

    predicate: str
    points: tuple[str, ...]
    rule: str
    """A rule id (`r26`, `s5`, `ar`, `construction`, …)."""
    premises: tuple[int, ...] = ()
    """0-based indices of earlier steps this one cites."""
    numbers: tuple[str, ...] = ()
    """Constants as fractions (`1/2`), in π units for angles."""


@dataclass
class ProofRecord:
    """A statement (with any auxiliary clauses) and the steps proving its goal, the goal last."""

    statement: str
    steps: list[ProofStep]
    name: str = "problem"
    seed: int = 0
    """Seed of the diagram the proof was found in."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)


@dataclass
class CheckReport:
    """Verdict on one proof: `ok`, or the first failures (1-based step numbers)."""

    ok: bool
    failures: list[str] = field(default_factory=list)
    diagrams: int = 0
    """Fresh diagrams every derived fact was evaluated in."""


def record_from_facts(problem: Problem, proof, seed: int) -> ProofRecord:
    """The proof file of an engine proof (`Fact`s, premises before conclusions)."""
    index = {f.id: i for i, f in enumerate(proof)}
    steps = [ProofStep(f.predicate.value, tuple(f.points), f.rule.value,
                       tuple(index[p] for p in f.premises), tuple(str(x) for x in f.numbers))
             for f in proof]
    statement = "; ".join(c.text for c in problem.clauses)
    if problem.goal is not None:
        statement += f" ? {problem.goal}"
    return ProofRecord(statement, steps, problem.name, seed)


def load_record(path: Path) -> ProofRecord:
    """Read a proof file written by `ProofRecord.to_json` (ValueError on a malformed file)."""
    try:
        data = json.loads(Path(path).read_text())
        steps = [ProofStep(str(s["predicate"]), tuple(map(str, s["points"])), str(s["rule"]),
                           tuple(int(i) for i in s.get("premises", ())),
                           tuple(str(x) for x in s.get("numbers", ()))) for s in data["steps"]]
        return ProofRecord(str(data["statement"]), steps, str(data.get("name", "problem")),
                           int(data.get("seed", 0)))
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: not a proof file ({type(exc).__name__}: {exc})") from None


# ---- canonical spellings ---------------------------------------------------------------------
Stmt = tuple[P, tuple[str, ...], tuple[Fraction, ...]]


def spellings(pred: P, p: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every way of writing the same statement with these points."""
    if pred in (P.COLL, P.CYCLIC):
        return list(permutations(p)) if len(p) <= 6 else [p]
    if pred is P.CIRCLE:
        return [(p[0], *q) for q in permutations(p[1:])] if len(p) <= 6 else [p]
    if pred is P.MIDP:
        return [p, (p[0], p[2], p[1])]
    if pred in (P.PARA, P.PERP, P.CONG):
        out = []
        for s, t in ((p[:2], p[2:]), (p[2:], p[:2])):
            out += [(*s1, *t1) for s1 in (s, s[::-1]) for t1 in (t, t[::-1])]
        return out
    if pred in (P.EQANGLE, P.EQRATIO):
        s = [p[i:i + 2] for i in range(0, 8, 2)]
        orders = [(0, 1, 2, 3), (2, 3, 0, 1), (1, 0, 3, 2), (3, 2, 1, 0),
                  (0, 2, 1, 3), (1, 3, 0, 2), (2, 0, 3, 1), (3, 1, 2, 0)]
        out = []
        for o in orders:
            segs = [s[i] for i in o]
            for flips in product((False, True), repeat=4):
                out.append(tuple(x for g, f in zip(segs, flips) for x in (g[::-1] if f else g)))
        return out
    if pred in _SIMILAR:
        out = []
        for perm in permutations(range(3)):
            t1, t2 = tuple(p[i] for i in perm), tuple(p[3 + i] for i in perm)
            out += [t1 + t2, t2 + t1]
        return out
    if pred is P.TRIRATIO:
        return [tuple(p[i] for i in perm) + tuple(p[3 + i] for i in perm) for perm in permutations(range(3))]
    return [p]


def same(a: Stmt, b: Stmt) -> bool:
    return a[0] == b[0] and a[2] == b[2] and a[1] in spellings(b[0], b[1])


# ---- a small exact linear algebra ------------------------------------------------------------
class Span:
    """Rational row space; `contains` says whether a vector is a combination of the rows."""

    def __init__(self) -> None:
        self.rows: list[tuple[object, dict]] = []

    def _reduce(self, vec: dict) -> dict:
        v = {k: Fraction(c) for k, c in vec.items() if c}
        for pivot, row in self.rows:
            c = v.get(pivot)
            if c:
                for k, x in row.items():
                    v[k] = v.get(k, Fraction(0)) - c * x
                    if not v[k]:
                        del v[k]
        return v

    def add(self, vec: dict) -> None:
        v = self._reduce(vec)
        if not v:
            return
        pivot = min(v, key=str)
        c = v[pivot]
        row = {k: x / c for k, x in v.items()}
        for i, (pv, r) in enumerate(self.rows):
            if pivot in r:
                f = r[pivot]
                self.rows[i] = (pv, {k: r.get(k, 0) - f * row.get(k, 0) for k in set(r) | set(row)
                                     if r.get(k, 0) - f * row.get(k, 0)})
        self.rows.append((pivot, row))

    def contains(self, vec: dict) -> bool:
        return not self._reduce(vec)


def _primes(q: Fraction) -> dict:
    out: dict = {}
    for prime in (2, 3, 5, 7, 11, 13):
        for value, sign in ((q.numerator, 1), (q.denominator, -1)):
            while value % prime == 0:
                value //= prime
                out[("prime", prime)] = out.get(("prime", prime), 0) + sign
    return out


class Context:
    """What the cited facts of one step say: lines, circles and three linear systems."""

    def __init__(self, cited: list[Stmt], pts: dict[str, complex]) -> None:
        self.cited, self.pts = cited, pts
        self.where = where = _positions(pts, {x for _, p, _ in cited for x in p})
        self.lines = _merge([set(p) for pred, p, _ in cited if pred in (P.COLL, P.MIDP)], 2, where)
        circles = [set(p) for pred, p, _ in cited if pred is P.CYCLIC]
        circles += [set(p[1:]) for pred, p, _ in cited if pred is P.CIRCLE]
        self.circles = _merge(circles, 3, where)
        self.centers = {i: {p[0] for pred, p, _ in cited if pred is P.CIRCLE and set(p[1:]) <= c}
                        for i, c in enumerate(self.circles)}
        self.angles, self.ratios, self.lengths = Span(), Span(), Span()
        for st in cited:
            self._absorb(st)
        for line in self.lines:
            self._additive(line)

    def line(self, a: str, b: str):
        for i, line in enumerate(self.lines):
            if a in line and b in line:
                return ("line", i)
        return ("pair", frozenset((a, b)))

    def angle_form(self, terms) -> dict:
        form: dict = {}
        for a, b, c in terms:
            k = self.line(a, b)
            form[k] = form.get(k, 0) + c
        return form

    @staticmethod
    def seg_form(terms, const: Fraction = Fraction(1)) -> dict:
        form: dict = {}
        for a, b, c in terms:
            k = frozenset((a, b))
            form[k] = form.get(k, 0) + c
        for k, e in _primes(const).items():
            form[k] = form.get(k, 0) - e
        return form

    def _absorb(self, st: Stmt) -> None:
        pred, p, nums = st
        angle, ratio, length = _forms(pred, p, nums)
        if angle:
            self.angles.add(self.angle_form(angle))
        if ratio:
            for terms, const in ratio:
                self.ratios.add(self.seg_form(terms, const))
        for terms in length:
            self.lengths.add(self.seg_form(terms))

    def _additive(self, line: set[str]) -> None:
        if len(line) < 3:
            return
        on = sorted(line)
        a0 = self.pts[on[0]]
        b0 = next((self.pts[x] for x in on[1:] if self.pts[x] != a0), a0)
        if b0 == a0:
            return
        u = (b0 - a0) / abs(b0 - a0)
        order = sorted(on, key=lambda x: ((self.pts[x] - a0) * u.conjugate()).real)
        for i in range(len(order)):
            for j in range(i + 1, len(order)):
                for k in range(j + 1, len(order)):
                    x, y, z = order[i], order[j], order[k]
                    if len({self.where[x], self.where[y], self.where[z]}) < 3:
                        continue  # a point's two names: no segment between them
                    self.lengths.add(self.seg_form([(x, z, 1), (x, y, -1), (y, z, -1)]))

    # ---- does the context imply a statement? ------------------------------------------------
    def implies(self, st: Stmt) -> bool:
        pred, p, nums = st
        if pred in _SIMILAR:
            return any(same(st, c) for c in self.cited)
        if not _holds(self.pts, st):
            return False
        if pred is P.COLL:
            rest = set(p)
            return len(rest) <= 2 or any(rest <= line for line in self.lines)
        if pred is P.CYCLIC:
            rest = set(p)
            return len(rest) <= 3 or any(rest <= c for c in self.circles)
        if pred is P.MIDP:
            m, a, b = p
            return any(same(st, c) for c in self.cited) or (
                self.implies((P.COLL, p, ())) and self.implies((P.CONG, (m, a, m, b), ())))
        if pred is P.CIRCLE:
            return all(self.implies((P.CONG, (p[0], p[1], p[0], x), ())) for x in p[2:])
        angle, ratio, length = _forms(pred, p, nums)
        if pred in _ANGLE:
            return self.angles.contains(self.angle_form(angle))
        if pred is P.CONG and self._radii(p):
            return True
        if any(self.ratios.contains(self.seg_form(t, c)) for t, c in ratio):
            return True
        return bool(length) and all(self.lengths.contains(self.seg_form(t)) for t in length)


    def tangent(self, d: str, b: str, c: str, e: str, f: str) -> bool:
        """Whether the cited facts make circles DBC and DEF tangent at D: their tangent–chord
        directions θ(DB) + θ(CD) − θ(CB) and θ(DE) + θ(FD) − θ(FE) agree (mod π)."""
        terms = [(d, b, 1), (c, d, 1), (c, b, -1), (d, e, -1), (f, d, -1), (f, e, 1)]
        value = sum(k * _direction(self.pts[x], self.pts[y]) for x, y, k in terms)
        return abs(value - round(value)) < 1e-6 and self.angles.contains(self.angle_form(terms))

    def _radii(self, p) -> bool:
        """Two radii of one circle with a cited centre."""
        for (o, x), (o2, y) in product((p[:2], p[1::-1]), (p[2:], p[:1:-1])):
            if o == o2 and any(o in self.centers[i] and {x, y} <= c for i, c in enumerate(self.circles)):
                return True
        return False


def _forms(pred: P, p, nums):
    """(angle terms, [(ratio terms, constant)], [length terms]) a statement contributes."""
    n = nums[0] if nums else None
    match pred:
        case P.PARA | P.PERP:
            return [(p[0], p[1], 1), (p[2], p[3], -1)], [], []
        case P.EQANGLE:
            return [(p[0], p[1], 1), (p[2], p[3], -1), (p[4], p[5], -1), (p[6], p[7], 1)], [], []
        case P.ACONST:
            return [(p[2], p[3], 1), (p[0], p[1], -1)], [], []
        case P.CONG:
            t = [(p[0], p[1], 1), (p[2], p[3], -1)]
            return [], [(t, Fraction(1))], [t]
        case P.EQRATIO:
            return [], [([(p[0], p[1], 1), (p[2], p[3], -1), (p[4], p[5], -1), (p[6], p[7], 1)],
                         Fraction(1))], []
        case P.RCONST:
            q = n if n is not None else Fraction(1)
            return [], [([(p[0], p[1], 1), (p[2], p[3], -1)], q)], [[(p[0], p[1], 1), (p[2], p[3], -q)]]
        case P.TRIRATIO:
            a, b, c, d, e, f = p
            return [], [([(b, d, 1), (d, c, -1), (c, e, 1), (e, a, -1), (a, f, 1), (f, b, -1)],
                         Fraction(1))], []
        case P.MIDP:
            m, a, b = p
            return [], [([(m, a, 1), (m, b, -1)], Fraction(1)), ([(m, a, 1), (a, b, -1)], Fraction(1, 2))], \
                [[(m, a, 1), (m, b, -1)]]
        case P.CIRCLE:
            o, *rest = p
            return [], [([(o, x, 1), (o, y, -1)], Fraction(1)) for x, y in zip(rest, rest[1:])], []
    return [], [], []


def _positions(pts: dict[str, complex], names: set[str]) -> dict[str, str]:
    """Name → the first name (sorted) at its position: a point stated twice counts once."""
    scale = max((abs(z) for z in pts.values()), default=1.0) or 1.0
    out: dict[str, str] = {}
    for name in sorted(names):
        out[name] = next((k for k in out if out[k] == k and abs(pts[k] - pts[name]) <= 1e-9 * scale), name)
    return out


def _merge(sets: list[set[str]], shared: int, where: dict[str, str]) -> list[set[str]]:
    """Union of sets that share at least `shared` points (at distinct positions), to a fixpoint."""
    out: list[set[str]] = []
    for s in sets:
        s = set(s)
        changed = True
        while changed:
            changed = False
            for t in out:
                if len({where[x] for x in s & t}) >= shared:
                    s |= t
                    out.remove(t)
                    changed = True
                    break
        out.append(s)
    return out


def _holds(pts: dict[str, complex], st: Stmt) -> bool:
    pred, p, nums = st
    return check(pred, [pts[x] for x in p], list(nums))


# ---- one step --------------------------------------------------------------------------------
def _parse_pattern(text: str) -> tuple[str, list[str], tuple[Fraction, ...]]:
    name, *args = text.split()
    nums = tuple(Fraction(a) for a in args if not a.isalpha())
    return name, [a for a in args if a.isalpha()], nums


def _ndg(pts: dict[str, complex], text: str, b: dict[str, str]) -> bool:
    name, args, _ = _parse_pattern(text)
    q = [b[a] for a in args]
    if name == "diff":
        return q[0] != q[1] and abs(pts[q[0]] - pts[q[1]]) > 1e-9
    if name == "ncoll":
        return len(set(q)) == 3 and not is_coll([pts[x] for x in q])
    if name == "npara":
        return not check(P.PARA, [pts[x] for x in q])
    if name == "ncyclic":
        return len(set(q)) == 4 and not check(P.CYCLIC, [pts[x] for x in q])
    if name == "distinct":
        return len(set(q)) == len(q) and all(abs(pts[x] - pts[y]) > 1e-9 for x, y in combinations(q, 2))
    raise ValueError(f"unknown non-degeneracy condition {name!r}")


def _bindings(pattern_args: list[str], spelled: tuple[str, ...]) -> dict[str, str] | None:
    if len(pattern_args) != len(spelled):
        return None
    b: dict[str, str] = {}
    for var, pt in zip(pattern_args, spelled):
        if b.setdefault(var, pt) != pt:
            return None
    return b


def check_rule(rule: R, st: Stmt, ctx: Context) -> bool:
    """Whether `st` follows from the context by one of the rule's patterns."""
    pool = sorted({x for _, p, _ in ctx.cited for x in p} | set(st[1]))
    for pat in PATTERNS.get(rule, ()):
        name, args, nums = _parse_pattern(pat.conclusion)
        if name != st[0].value or nums != tuple(st[2]):
            continue
        seen = set()
        for spelled in spellings(st[0], st[1]):
            b = _bindings(args, spelled)
            if b is None or tuple(sorted(b.items())) in seen:
                continue
            seen.add(tuple(sorted(b.items())))
            if _fits(pat, b, pool, ctx):
                return True
    return False


def _fits(pat, b: dict[str, str], pool: list[str], ctx: Context) -> bool:
    """Whether some values of the free variables make every ndg condition and hypothesis hold.

    Backtracking: a condition is tested as soon as its variables are bound, so patterns with
    several free points (the centres of two circles …) stay cheap."""
    conds = [(True, *_parse_pattern(t)) for t in pat.ndg]
    conds += [(False, *_parse_pattern(h)) for h in pat.hypotheses]
    free: list[str] = []  # in order of first use, so early conditions bind early
    for _, _, args, _ in conds:
        free += [a for a in args if a not in b and a not in free]
    tries = [0]

    def holds(cond, full: dict[str, str]) -> bool:
        is_ndg, name, args, nums = cond
        if is_ndg:
            return _ndg(ctx.pts, " ".join([name, *args]), full)
        if name == TANGENT:
            return ctx.tangent(*(full[a] for a in args))
        return ctx.implies((P(name), tuple(full[a] for a in args), nums))

    def ready(i: int) -> list:
        """Conditions whose last free variable is free[i] (i = -1: no free variable)."""
        bound = set(b) | set(free[:i + 1])
        before = set(b) | set(free[:i])
        return [c for c in conds if set(c[2]) <= bound and (i < 0 or not set(c[2]) <= before)]

    stages = [ready(i) for i in range(-1, len(free))]

    def extend(i: int, full: dict[str, str]) -> bool:
        if i == len(free):
            return True
        for value in pool:
            tries[0] += 1
            if tries[0] > MAX_EXTRA_BINDINGS:
                return False
            full[free[i]] = value
            if all(holds(c, full) for c in stages[i + 1]) and extend(i + 1, full):
                return True
        full.pop(free[i], None)
        return False

    full = dict(b)
    return all(holds(c, full) for c in stages[0]) and extend(0, full)


def check_step(st: Stmt, rule: R, cited: list[Stmt], pts: dict[str, complex],
               given: list[Stmt]) -> str | None:
    """None when the step is valid, else why not."""
    if rule is R.CONSTRUCTION:
        return None if any(same(st, g) for g in given) else "not a premise of the statement"
    ctx = Context(cited, pts)
    if not _holds(pts, st):
        return "false in the proof's diagram"
    if rule is R.ALGEBRA:
        if st[0] in _ANGLE | _RATIO | {P.TRIRATIO} and ctx.implies(st):
            return None
        return "not a linear combination of the cited facts"
    if rule is R.CIRCLE_DEF:
        return None if st[0] is P.CIRCLE and ctx.implies(st) else "radii not equal by the cited facts"
    if rule is R.SAME_POINT:
        return _same_point(st, ctx)
    if rule is R.CYCLIC_MERGE and st[0] is P.CYCLIC and len(st[1]) > 4:
        first, rest = st[1][:3], st[1][3:]  # every further point on the circle of the first three
        if all(ctx.implies((P.CYCLIC, (*first, x), ())) or check_rule(rule, (P.CYCLIC, (*first, x), ()), ctx)
               for x in rest):
            return None
    if rule not in PATTERNS:
        return f"the checker knows no pattern of rule {rule.value}"
    return None if check_rule(rule, st, ctx) else f"does not follow from the cited facts by {rule.value}"


def _same_point(st: Stmt, ctx: Context) -> str | None:
    """s16: the statement is a cited one with a point renamed to the other name of its position,
    and the cited facts put both names on two lines or circles crossing there."""
    pts = ctx.pts
    scale = max(abs(z) for z in pts.values()) or 1.0
    for pred, p, nums in ctx.cited:
        if pred is not st[0] or nums != st[2] or len(p) != len(st[1]):
            continue
        for x in set(p) - set(st[1]):
            for y in set(st[1]) - set(p):
                renamed = (pred, tuple(y if z == x else z for z in p), nums)
                if abs(pts[x] - pts[y]) <= 1e-9 * scale and same(st, renamed) and _pinned(ctx, x, y, scale):
                    return None
    return "not a cited fact about the other name of a point that two crossing loci pin down"


def _pinned(ctx: Context, x: str, y: str, scale: float) -> bool:
    """Whether two cited loci through both x and y cross at their position."""
    away = lambda on: [z for z in sorted(on) if abs(ctx.pts[z] - ctx.pts[x]) > 1e-6 * scale]  # noqa: E731
    at = ctx.pts[x]
    lines = [ctx.pts[away(on)[0]] for on in ctx.lines if {x, y} <= on and away(on)]
    centres = [circumcenter_of(at, ctx.pts[a], ctx.pts[b]) for on in ctx.circles
               if {x, y} <= on and len(away(on)) >= 2 for a, b in [away(on)[:2]]]
    centres = [o for o in centres if o is not None]
    if any(not is_coll([at, u, v]) for i, u in enumerate(lines) for v in lines[i + 1:]):
        return True
    for u in lines:  # a secant: the chord's other end is away from the point
        d = (u - at) / abs(u - at)
        if any(abs(2 * ((o - at) * d.conjugate()).real) > 1e-6 * scale for o in centres):
            return True
    # two circles: the mirror image of the point in the line of centres is another point
    return any(abs(((at - o1) * ((o2 - o1) / abs(o2 - o1)).conjugate()).imag) > 1e-6 * scale
               for i, o1 in enumerate(centres) for o2 in centres[i + 1:] if abs(o2 - o1) > 1e-9 * scale)


# ---- a whole proof ---------------------------------------------------------------------------
def check_proof(record: ProofRecord, fresh: int = FRESH_DIAGRAMS, max_failures: int = 5) -> CheckReport:
    """Re-check every step of the proof and every derived fact in fresh random diagrams."""
    failures: list[str] = []
    try:
        problem = parse_problem(record.statement, record.name)
        steps = [(P(s.predicate), tuple(s.points), tuple(Fraction(x) for x in s.numbers), R(s.rule),
                  s.premises) for s in record.steps]
        base = draw(problem, record.seed).points
    except (GeometryError, ValueError, ZeroDivisionError) as exc:
        return CheckReport(False, [f"cannot read the proof: {exc}"])
    known = set(base)
    given = [(pred, tuple(p), tuple(n)) for c in problem.clauses for pred, p, n in premise_facts(c)]
    for i, (pred, p, nums, rule, prem) in enumerate(steps):
        if not set(p) <= known or any(j < 0 or j >= i for j in prem):
            failures.append(f"step {i + 1}: unknown point or a premise that is not an earlier step")
            continue
        why = check_step((pred, p, nums), rule, [steps[j][:3] for j in prem], base, given)
        if why:
            failures.append(f"step {i + 1} `{pred.value} {' '.join(p)}` [{rule.value}]: {why}")
        if len(failures) >= max_failures:
            break
    if steps and problem.goal is not None and not same(
            steps[-1][:3], (problem.goal.predicate, problem.goal.points, problem.goal.numbers)):
        failures.append("the last step is not the goal")
    diagrams = _fresh_diagrams(problem, record.seed, fresh)
    for n, pts in enumerate(diagrams):
        for i, (pred, p, nums, rule, _) in enumerate(steps):
            if not _holds(pts, (pred, p, nums)):
                failures.append(f"step {i + 1} `{pred.value} {' '.join(p)}` is false in fresh diagram {n + 1}")
                break
    return CheckReport(not failures, failures[:max_failures], len(diagrams))


def _fresh_diagrams(problem: Problem, seed: int, count: int) -> list[dict[str, complex]]:
    out = []
    for k in range(count + DRAW_ATTEMPTS):
        if len(out) == count:
            break
        try:
            out.append(draw(problem, seed + 7919 * (k + 1)).points)
        except GeometryError:
            continue
    return out
