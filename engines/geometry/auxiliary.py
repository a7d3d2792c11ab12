"""Heuristic auxiliary points, no model: midpoints, feet of perpendiculars, circumcentres,
reflections and intersections of lines through existing points.

Candidates are placed numerically in the problem's diagram first, so degenerate ones (parallel
lines, collinear triples, far away) and ones that coincide with an existing point or with a
better-scored candidate are dropped before any symbolic work. The rest are scored (kind, goal
relevance, how busy their points are in the saturated database, how many existing lines and
equal distances meet them) and tried under a time budget: first batches of the best candidates
added together (one saturation for many points, HAGeo-style), then one point at a time — a
well-ranked one followed by itself together with its image under a symmetry of the statement
(`symmetry.py`), when that image is a candidate too — then pairs of the most productive points;
time left once every point was tried goes to pairs among more of them. A proof found with a batch is reduced to the auxiliary
points its steps actually mention, and re-checked with only those."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lemmata.engines.geometry import clock
from lemmata.engines.geometry.errors import GeometryError
import numpy as np

from lemmata.engines.geometry.incidence import (
    Figure, FigureCircle, circle_circle_points, figure_of, isogonal_points, line_circle_points,
    through_point_lines,
)
from lemmata.engines.geometry.language import Problem, parse_problem
from lemmata.engines.geometry.loci import circumcenter_of, foot_on, line_through, reflect_in
from lemmata.engines.geometry.proof import extract_proof
from lemmata.engines.geometry.session import GeometrySession, Status
from lemmata.engines.geometry.symmetry import Symmetry, image_position, symmetries

# Cheaper and more often useful constructions first (HAGeo and AlphaGeometry's experience).
KIND_WEIGHT = {"midpoint": 3.0, "foot": 2.5, "circle": 2.0, "intersection": 1.5, "mirror": 1.0,
               "reflect": 1.0, "line-circle": 1.0, "circle-circle": 1.0, "isogonal": 1.0,
               "parallel-through": 1.0, "perpendicular-through": 1.0}
GOAL_WEIGHT = 2.0
"""Score per goal point among the candidate's defining points."""
BUSY_WEIGHT = 1.0
"""Score for defining points that appear in many facts (mean share of the busiest point's count)."""
INCIDENCE_WEIGHT = 0.75
"""Score per existing line through two points, or pair of equidistant points, the candidate meets
beyond those its construction implies: such points tie the figure together."""
MAX_INCIDENCES = 4
SIZE_PENALTY = 0.1

SAME_POINT = 1e-2
"""Absolute distance under which two diagram points count as the same (the diagram refuses
closer points)."""
FAR_FACTOR = 8.0
"""Candidates farther than this many diagram radii from the centroid are dropped."""
MAX_VARIANTS = 3
"""Constructions kept per position: the same point reached another way brings other facts (a
foot on line ar is not known to be the foot on line pr until a, p, r are proved collinear)."""
VARIANT_PENALTY = 1.0
"""Score lost by a candidate for each better one at the same position."""
STRICT_KINDS = frozenset({"line-circle", "circle-circle", "isogonal", "parallel-through",
                          "perpendicular-through"})
"""Kinds kept only when the new point meets an existing line or circle beyond its definition."""
OWN_LOCI = {"midpoint": 1, "mirror": 1, "foot": 1, "reflect": 0, "intersection": 2}
"""Existing lines a candidate of each kind is on by construction."""
SPECULATIVE_KINDS = frozenset({"isogonal", "parallel-through", "perpendicular-through"})
"""Kinds that draw a new line not through two existing points: there are O(points × lines ×
loci) of them, so even those that land come after every landing candidate of the simpler,
established kinds (and before those that land nowhere)."""
SPECULATIVE_PENALTY = 50.0
NOWHERE_PENALTY = 100.0
"""Score lost by a candidate on no existing line or circle beyond its own: all such come after
every candidate that lands on one (HAGeo keeps only the latter)."""
TOLERANCE = 1e-6
THROUGH_POINTS_LIMIT = 14
"""Lines through a point parallel or perpendicular to another line are listed only for figures
of at most this many points: larger ones have more candidates than a budget can try already,
and these cost O(points × lines × loci) to place."""
"""Relative tolerance for numeric incidences."""

SCHEDULE_SECONDS = 60.0
"""The schedule's phases end at shares of this many CPU seconds, whatever the budget: a run
with budget T is the first T seconds of the same schedule, so a longer budget never loses a
proof a shorter one found."""
PLAIN_SHARE = 0.5
"""Plain deduction may use up to this share of the schedule (it usually saturates in a second)."""
BATCH_SIZES = (6, 12)
"""Sizes of the batches of best candidates added together before single points are tried."""
BATCH_SHARE = 0.35
"""At most this share of the budget goes to batches."""
SINGLES_SHARE = 0.7
"""Single points stop at this share of the budget to leave time for combinations."""
PRODUCTIVE_BATCH = 6
"""How many of the most productive single points are added together once."""
SINGLE_STEP_TIMEOUT = 4.0
"""Saturation budget after one candidate point (seconds)."""
SYMMETRIC_RANKS = 200
"""Single candidates of at most this rank are followed by themselves together with their images
under the statement's symmetries (one saturation), when an image is also a candidate."""
PARTNER_SYMMETRIES = 2
"""How many symmetries give a candidate its partners: the deepest involutions (those swap
points in pairs, so a candidate with its image is itself a symmetric figure; a statement with
a square or three equal sides has more symmetries than pairs are worth trying)."""
SYMMETRIC_STEP_TIMEOUT = 2 * SINGLE_STEP_TIMEOUT
"""Saturation budget after a candidate and its symmetric partner (seconds)."""
PAIR_POOL = 10
"""How many of the most productive single candidates are combined in pairs."""
CHUNK = 4096
"""Candidate positions tested together (bounds the arrays' memory on large figures)."""


@dataclass(frozen=True)
class Candidate:
    """One auxiliary construction over existing points, placed in the diagram."""

    clause: str
    kind: str
    score: float
    name: str
    """The new point's name (unique among all candidates of one problem)."""
    position: complex


@dataclass
class AuxSearch:
    """Outcome of a heuristic auxiliary-point search."""

    proved: bool
    clauses: list[str] = field(default_factory=list)
    """The auxiliary constructions of the proof found (only those the proof uses)."""
    tried: int = 0
    """Saturations run after the plain one (a batch counts once)."""
    seconds: float = 0.0
    session: GeometrySession | None = None
    """The session holding the proof (aux points in `session.aux_points`); None when unproved."""
    plain_proved: bool = False
    """Whether plain deduction alone proved the goal."""
    candidates: int = 0
    """Candidates left after numeric pruning."""
    phase: str = ""
    """'plain', 'batch', 'single', 'symmetric' or 'pair': which stage found the proof."""
    rejected: list[str] = field(default_factory=list)
    """Checker failures of proofs the engine found but the checker refused (bug reports)."""


# ---- candidates ---------------------------------------------------------------------------

def candidates(problem: Problem, coords: dict[str, complex],
               busy: dict[str, int] | None = None) -> list[Candidate]:
    """Every non-degenerate candidate construction over the problem's points, best score first,
    with no two candidates (or a candidate and an existing point) at the same position."""
    points = [p for p in problem.points if p in coords]
    goal = set(problem.goal.points) if problem.goal else set()
    busy = busy or {}
    top = max(busy.values(), default=0) or 1
    placed = list(coords.values())
    centre = sum(placed) / len(placed)
    radius = max(abs(z - centre) for z in placed) or 1.0
    fresh = _fresh_names(points)
    fig = figure_of(points, coords, radius)
    specs: list[tuple[str, str, tuple[str, ...], complex, int]] = []

    def add(kind: str, template: str, used: tuple[str, ...], where: complex | None,
            implied: int) -> None:
        if where is not None and where == where:
            specs.append((kind, template, used, where, implied))

    c = coords
    for a, b in itertools.combinations(points, 2):
        # A midpoint sits on ab and is equidistant from a and b; a mirror image sits on ab.
        add("midpoint", "{x} = midpoint {x} " + f"{a} {b}", (a, b), (c[a] + c[b]) / 2, 2)
        add("mirror", "{x} = mirror {x} " + f"{a} {b}", (a, b), 2 * c[b] - c[a], 1)
        add("mirror", "{x} = mirror {x} " + f"{b} {a}", (a, b), 2 * c[a] - c[b], 1)
    for a, b, d in itertools.permutations(points, 3):
        if b < d and _ncoll(c[a], c[b], c[d], radius):
            line = line_through(c[b], c[d])
            add("foot", "{x} = foot {x} " + f"{a} {b} {d}", (a, b, d), foot_on(c[a], line), 2)
            add("reflect", "{x} = reflect {x} " + f"{a} {b} {d}", (a, b, d),
                reflect_in(c[a], line), 3)
    for a, b, d in itertools.combinations(points, 3):
        add("circle", "{x} = circle {x} " + f"{a} {b} {d}", (a, b, d),
            circumcenter_of(c[a], c[b], c[d]), 3)
    for (a, b), (d, e) in itertools.combinations(itertools.combinations(points, 2), 2):
        if len({a, b, d, e}) == 4:
            add("intersection", "{x} = on_line {x} " + f"{a} {b}, on_line {{x}} {d} {e}",
                (a, b, d, e), _line_meet(c[a], c[b], c[d], c[e]), 2)

    # Second intersections of existing lines and circles through a shared point (unique in
    # every drawing). A defining circle is subtracted when it is one the incidences count (it
    # passes through three existing points).
    for line, circle, a, where in line_circle_points(fig):
        other = line.b if line.a == a else line.a
        used = tuple(sorted({a, other} | set(circle.step.split()[2:])))
        add("line-circle", "{x} = on_line {x} " + f"{a} {other}, " + circle.step, used, where,
            1 + (len(circle.members) >= 3))
    for k1, k2, a, where in circle_circle_points(fig):
        used = tuple(sorted(set(k1.step.split()[2:]) | set(k2.step.split()[2:])))
        add("circle-circle", "{x} = " + f"{k1.step}, {k2.step}", used, where,
            (len(k1.members) >= 3) + (len(k2.members) >= 3))

    # Lines through an existing point parallel or perpendicular to an existing line, where they
    # meet an existing line or circle; and isogonal conjugates (each line from a vertex
    # reflected in that angle's bisector). Only those landing on a further locus are listed.
    through = (((False, "parallel-through", "on_pline"), (True, "perpendicular-through", "on_tline"))
               if len(points) <= THROUGH_POINTS_LIMIT else ())
    for perpendicular, kind, step in through:
        for p, ref, target, where, implied in through_point_lines(fig, perpendicular):
            if isinstance(target, FigureCircle):
                locus, members = target.step, target.step.split()[2:]
            else:
                locus, members = "on_line {x} " + f"{target.a} {target.b}", [target.a, target.b]
            used = tuple(sorted({p, ref.a, ref.b, *members}))
            add(kind, "{x} = " + f"{step} {{x}} {p} {ref.a} {ref.b}, " + locus, used, where, implied)
    for p, (a, b, d), where in isogonal_points(fig):
        add("isogonal", "{x} = isogonal {x} " + f"{p} {a} {b} {d}", (a, b, d, p), where, 0)

    raw = _scored(specs, fig, goal, busy, top, centre, radius, placed)
    raw.sort(key=lambda r: (-r[0], r[2].format(x="x"), r[3]))  # deterministic order
    # Candidates at one position form a group scored by its best member. Its members are
    # ordered by how early their defining points were made: a definition through basic points
    # brings facts the engine can use, one through the goal's (derived) points rarely does.
    age = {p: i for i, p in enumerate(points)}
    groups: list[list[tuple]] = []
    seen: dict[tuple[int, int], list[tuple[complex, int]]] = {}
    for entry in raw:
        where = entry[4]
        cell = _cell(where)
        near = [g for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                for z, g in seen.get((cell[0] + dx, cell[1] + dy), []) if abs(where - z) < SAME_POINT]
        if near:
            groups[near[0]].append(entry)
        else:
            seen.setdefault(cell, []).append((where, len(groups)))
            groups.append([entry])
    ranked: list[tuple[float, int, int, str, str, complex]] = []
    for order, group in enumerate(groups):
        best = group[0][0]
        members = sorted(group, key=lambda r: (sum(age[p] for p in r[3]), -r[0], r[2]))
        for rank, (_, kind, template, _, where) in enumerate(members[:MAX_VARIANTS]):
            ranked.append((best - VARIANT_PENALTY * rank, order, rank, kind, template, where))
    ranked.sort(key=lambda r: (-r[0], r[1], r[2]))
    kept: list[Candidate] = []
    for score, _, _, kind, template, where in ranked:
        name = next(fresh)
        kept.append(Candidate(template.format(x=name), kind, round(score, 6), name, where))
    return kept


def _ncoll(a: complex, b: complex, d: complex, radius: float) -> bool:
    return abs(((b - a).conjugate() * (d - a)).imag) > TOLERANCE * radius * radius * 100


def _line_meet(a: complex, b: complex, d: complex, e: complex) -> complex | None:
    u, v = b - a, e - d
    cross = (u.conjugate() * v).imag
    if abs(cross) < 1e-9 * abs(u) * abs(v) + 1e-15:
        return None
    t = ((d - a).conjugate() * v).imag / cross
    return a + t * u


def _scored(specs: list[tuple[str, str, tuple[str, ...], complex, int]], fig: Figure,
            goal: set[str], busy: dict[str, int], top: int, centre: complex, radius: float,
            placed: list[complex]) -> list[tuple[float, str, str, tuple[str, ...], complex]]:
    """(score, kind, template, used, position) of every candidate position not too far, not on
    an existing point and, for the strict kinds, landing on a further line or circle. The
    numeric tests run on arrays, a chunk of positions at a time."""
    raw = []
    existing = np.array(placed, dtype=complex)
    for start in range(0, len(specs), CHUNK):
        part = specs[start:start + CHUNK]
        z = np.array([spec[3] for spec in part], dtype=complex)
        with np.errstate(invalid="ignore", over="ignore"):
            keep = ~(np.abs(z - centre) > FAR_FACTOR * radius)
            keep &= ~(np.abs(z[:, None] - existing[None, :]) < SAME_POINT).any(axis=1)
        chosen = np.flatnonzero(keep)
        z = z[chosen]
        lines, centred = _incidences(z, existing, radius)
        circles = fig.on_circles(z)
        loci = fig.on_lines(z) + circles  # `fig.meets(z)`, the circles counted once
        for i, j in enumerate(chosen):
            kind, template, used, where, implied = part[j]
            if kind in STRICT_KINDS and loci[i] <= implied:
                continue  # lands on no further line or circle: no new fact (HAGeo's filter)
            # Other kinds landing on nothing beyond their own line(s) wait behind those that do.
            lands = kind in STRICT_KINDS or kind == "circle" or loci[i] > OWN_LOCI[kind]
            meets = max(0, int(lines[i]) + int(centred[i]) + int(circles[i]) - implied)
            score = (KIND_WEIGHT[kind] + GOAL_WEIGHT * len(goal.intersection(used))
                     + BUSY_WEIGHT * sum(busy.get(p, 0) for p in used) / (top * len(used))
                     + INCIDENCE_WEIGHT * min(meets, MAX_INCIDENCES) - SIZE_PENALTY * len(used)
                     - (0 if lands else NOWHERE_PENALTY)
                     - (SPECULATIVE_PENALTY if kind in SPECULATIVE_KINDS else 0))
            raw.append((score, kind, template, used, where))
    return raw


def _incidences(z: np.ndarray, existing: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """For each position in z: existing lines (through ≥ 2 points) through it, and groups of
    ≥ 2 points equidistant from it — what ties a new point to the figure."""
    tol = TOLERANCE * 100
    d = existing[None, :] - z[:, None]
    apart = np.abs(d) > SAME_POINT
    angles = np.where(apart, np.arctan2(d.imag, d.real) % np.pi, np.inf)
    dists = np.where(apart, np.abs(d) / radius, np.inf)
    return _groups(np.sort(angles, axis=1), tol), _groups(np.sort(dists, axis=1), tol)


def _groups(values: np.ndarray, tol: float) -> np.ndarray:
    """For each row of sorted values: how many runs of ≥ 2 lie within tol of each other
    (infinite values belong to none)."""
    with np.errstate(invalid="ignore"):
        close = np.diff(values, axis=1) < tol
    follows = np.zeros_like(close)
    follows[:, 1:] = close[:, :-1]
    return (close & ~follows).sum(axis=1)


def _fresh_names(points: list[str]) -> Iterator[str]:
    used = set(points)
    counter = itertools.count(1)
    while True:
        name = f"x{next(counter)}"
        if name not in used:
            yield name


# ---- search -------------------------------------------------------------------------------

def search(problem_text: str, *, timeout: float = 60.0, seed: int = 0,
           step_timeout: float = 10.0, name: str = "problem") -> AuxSearch:
    """Plain deduction first; then batches of the best candidates; then one auxiliary point at
    a time, each of the SYMMETRIC_RANKS best also with its symmetric partners; then pairs of
    the points that added the most facts. Stops at the first proof or
    when the time budget is spent. Same seed ⇒ same candidates in the same order."""
    started = clock.now()
    deadline = started + timeout

    def left() -> float:
        return deadline - clock.now()

    base = GeometrySession(seed=seed, timeout=min(timeout, max(step_timeout, SCHEDULE_SECONDS * PLAIN_SHARE)))
    status = base.build(problem_text, name)
    if not status.ok:
        raise GeometryError(status.message)
    rejected: list[str] = []

    def accepted(session: GeometrySession) -> bool:
        """A proof counts only when the independent checker accepts it."""
        report = session.check()
        if not report.ok:
            rejected.extend(report.failures[:2])
        return report.ok

    def note(status: Status | None) -> None:
        if status is not None and status.rejected:
            rejected.append(status.rejected)

    if status.goal_proved or status.rejected:
        if accepted(base):
            return AuxSearch(True, [], 0, clock.now() - started, base, plain_proved=True,
                             phase="plain")
        return AuxSearch(False, [], 0, clock.now() - started, None, rejected=rejected)
    problem = parse_problem(problem_text, name)
    pool = candidates(problem, dict(base.ded.db.diagram.points), _busy(base))
    tried = 0

    def done(session: GeometrySession, used: list[Candidate], phase: str) -> AuxSearch:
        return AuxSearch(True, [c.clause for c in used], tried, clock.now() - started,
                         session, candidates=len(pool), phase=phase, rejected=rejected)

    def batch_proof(batch: list[Candidate], budget: float) -> AuxSearch | None:
        """Add a batch at once; on a proof keep only the points the proof mentions."""
        nonlocal tried
        session, status = _try(base, batch, budget)
        tried += 1
        note(status)
        if status is None or not status.goal_proved:
            return None
        used = [c for c in batch if c.name in _proof_points(session)]
        if len(used) < len(batch) and left() > 0:
            smaller, check = _try(base, used, min(step_timeout, max(0.5, left())))
            tried += 1
            if check is not None and check.goal_proved and accepted(smaller):
                return done(smaller, used, "batch")
        return done(session, batch, "batch") if accepted(session) else None

    # Batches of the best candidates: one saturation for many points.
    batch_deadline = min(deadline, started + SCHEDULE_SECONDS * BATCH_SHARE)
    for size in BATCH_SIZES:
        if clock.now() > batch_deadline or size > len(pool):
            break
        found = batch_proof(pool[:size], min(step_timeout * 2, batch_deadline - clock.now()))
        if found:
            return found

    # Single points, best score first, for most of the budget, each well-ranked one followed
    # by itself with its symmetric partners ...
    productive: list[tuple[int, int, Candidate]] = []
    singles = iter(enumerate(pool))
    paired: set[tuple[str, str]] = set()
    coords = dict(base.ded.db.diagram.points)
    swaps = [sym for sym in symmetries(problem, coords) if sym.involution][:PARTNER_SYMMETRIES]
    partners = symmetric_partners(pool, swaps, coords, seed)

    def symmetric_proof(index: int, cand: Candidate) -> AuxSearch | None:
        nonlocal tried
        for partner in partners(index) if index < SYMMETRIC_RANKS else ():
            key = tuple(sorted((cand.name, partner.name)))
            if left() <= 0 or key in paired:
                continue
            paired.add(key)
            session, status = _try(base, [cand, partner],
                                   min(SYMMETRIC_STEP_TIMEOUT, step_timeout, left()))
            tried += 1
            note(status)
            if status is not None and status.goal_proved and accepted(session):
                return done(session, [cand, partner], "symmetric")
        return None

    def run_singles(until: float) -> AuxSearch | None:
        nonlocal tried
        while clock.now() < until:
            index, cand = next(singles, (None, None))
            if cand is None:
                return None
            session, status = _try(base, [cand], min(SINGLE_STEP_TIMEOUT, step_timeout, left()))
            tried += 1
            note(status)
            if status is None:
                continue
            if status.goal_proved and accepted(session):
                return done(session, [cand], "single")
            productive.append((-len(session.ded.db.facts), index, cand))
            found = symmetric_proof(index, cand)
            if found:
                return found
        return None

    found = run_singles(min(deadline, started + SCHEDULE_SECONDS * SINGLES_SHARE))
    if found:
        return found

    # ... then the most productive points together, and in pairs ...
    best = [cand for _, _, cand in sorted(productive)[:PAIR_POOL]]
    # The best-scored points join the pool after those: which points add the most facts
    # depends on how many singles the budget reached, and a faster engine must not lose a pair.
    best += [cand for _, _, cand in sorted(productive, key=lambda r: r[1])[:PAIR_POOL]
             if cand not in best]
    if len(best) > 2 and left() > 0:
        found = batch_proof(best[:PRODUCTIVE_BATCH], min(step_timeout * 2, left()))
        if found:
            return found

    def pairs_proof(pairs: Iterator[tuple[Candidate, Candidate]]) -> AuxSearch | None:
        nonlocal tried
        for first, second in pairs:
            if left() <= 0:
                return None
            key = tuple(sorted((first.name, second.name)))
            if key in paired:
                continue
            paired.add(key)
            session, status = _try(base, [first, second], min(step_timeout, left()))
            tried += 1
            note(status)
            if status is not None and status.goal_proved and accepted(session):
                return done(session, [first, second], "pair")
        return None

    found = pairs_proof(itertools.chain(
        itertools.combinations(best[:PAIR_POOL], 2),
        ((first, best[later]) for later in range(PAIR_POOL, len(best)) for first in best[:later])))
    if found:
        return found

    # ... and the remaining single points with whatever time is left; should they all be
    # tried, pairs among more of the productive points (a growing pool, best ranks first).
    found = run_singles(deadline)
    if found:
        return found
    ranked = [cand for _, _, cand in sorted(productive)]
    found = pairs_proof((first, ranked[later]) for later in range(len(ranked))
                        for first in ranked[:later])
    if found:
        return found
    return AuxSearch(False, [], tried, clock.now() - started, None, candidates=len(pool),
                     rejected=rejected)


def symmetric_partners(pool: list[Candidate], syms: list[Symmetry], coords: dict[str, complex],
                       seed: int = 0) -> Callable[[int], list[Candidate]]:
    """For a pool index, the other candidates at the images of that candidate under the
    symmetries (computed on first use; a self-symmetric candidate has none). At an image
    position the candidate of the same kind is preferred, else the best-ranked one there."""
    cells: dict[tuple[int, int], list[int]] = {}
    for i, cand in enumerate(pool):
        cells.setdefault(_cell(cand.position), []).append(i)
    cache: dict[int, list[Candidate]] = {}

    def at(where: complex) -> list[int]:
        cx, cy = _cell(where)
        return sorted(i for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                      for i in cells.get((cx + dx, cy + dy), ())
                      if abs(pool[i].position - where) < SAME_POINT)

    def partners(index: int) -> list[Candidate]:
        if index not in cache:
            cand, found = pool[index], []
            for sym in syms:
                where = image_position(cand.clause, sym, coords, seed)
                if where is None or abs(where - cand.position) < SAME_POINT:
                    continue
                there = at(where)
                same = [i for i in there if pool[i].kind == cand.kind]
                choice = (same or there or [None])[0]
                if choice is not None and pool[choice] not in found:
                    found.append(pool[choice])
            cache[index] = found
        return cache[index]

    return partners


def _cell(where: complex) -> tuple[int, int]:
    return round(where.real / SAME_POINT), round(where.imag / SAME_POINT)


def _busy(session: GeometrySession) -> dict[str, int]:
    """How many facts mention each point."""
    count: dict[str, int] = {}
    for fact in session.ded.db.facts:
        for p in set(fact.points):
            count[p] = count.get(p, 0) + 1
    return count


def _try(base: GeometrySession, chosen: list[Candidate], budget: float
         ) -> tuple[GeometrySession, Status | None]:
    """A copy of the saturated base session with the chosen points added and re-saturated
    within `budget` seconds (status None when a point could not be added)."""
    session = _copy(base)
    session.timeout = max(0.1, budget)
    status: Status | None = None
    started = clock.now()
    for cand in chosen:
        if len(chosen) > 1 and cand is not chosen[-1]:
            # Only the last addition needs to saturate: earlier ones just enter the database.
            session.timeout = 0.0 + 1e-3
        else:
            session.timeout = max(0.1, budget - (clock.now() - started))
        try:
            status = session.add(cand.clause)
        except GeometryError:
            return session, None
        if not status.ok:
            return session, None
    return session, status


def _copy(session: GeometrySession) -> GeometrySession:
    """An independent copy of a saturated session (every candidate starts from one)."""
    return session.copy()


def _proof_points(session: GeometrySession) -> set[str]:
    """Points mentioned by any step of the session's proof of its goal."""
    ded, problem = session.ded, session.problem
    if ded is None or problem is None or problem.goal is None:
        return set()
    return {p for fact in extract_proof(ded, problem.goal) for p in fact.points}
