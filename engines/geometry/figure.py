"""Figures of a diagram with matplotlib (Agg): points, the problem's segments and circles,
the goal's objects highlighted and auxiliary points in another colour."""

from __future__ import annotations

from pathlib import Path

from lemmata.engines.geometry.constructions import CONSTRUCTIONS
from lemmata.engines.geometry.diagram import Diagram
from lemmata.engines.geometry.facts import Fact
from lemmata.engines.geometry.language import Problem
from lemmata.engines.geometry.loci import circumcenter_of
from lemmata.engines.geometry.predicates import Predicate
from lemmata.engines.geometry.premises import premise_facts

GIVEN, AUX, GOAL = "#1f4e79", "#c0392b", "#e67e22"


def _segments_and_circles(problem: Problem) -> tuple[set[frozenset[str]], list[tuple[str, ...]]]:
    """Segments and circles mentioned by the construction premises."""
    segs: set[frozenset[str]] = set()
    circles: list[tuple[str, ...]] = []
    for clause in problem.clauses:
        for step in clause.steps:  # starter polygons (triangle, quadrangle …) are drawn closed
            spec = CONSTRUCTIONS[step.name]
            if not spec.given and len(spec.new) >= 3:
                ring = step.args[:len(spec.new)]
                segs |= {frozenset((ring[i], ring[(i + 1) % len(ring)])) for i in range(len(ring))}
        for pred, pts, _ in premise_facts(clause):
            if pred in (Predicate.PARA, Predicate.PERP, Predicate.CONG, Predicate.EQANGLE):
                segs |= {frozenset(pts[i:i + 2]) for i in range(0, len(pts) - 1, 2)}
            elif pred in (Predicate.COLL, Predicate.MIDP):
                segs |= {frozenset((a, b)) for a in pts for b in pts if a < b}
            elif pred == Predicate.CIRCLE:
                circles.append(tuple(pts))
            elif pred == Predicate.CYCLIC:
                circles.append(("",) + tuple(pts))
    return {s for s in segs if len(s) == 2}, circles


def render(problem: Problem, diagram: Diagram, path: str | Path, *, aux: list[str] = (),
           proof: list[Fact] = ()) -> Path:
    """Write the figure to `path` (the suffix picks SVG or PNG) and return the path."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = diagram.points
    fig, ax = plt.subplots(figsize=(6, 6))
    segs, circles = _segments_and_circles(problem)
    for s in segs:
        a, b = sorted(s)
        color = AUX if (a in aux or b in aux) else GIVEN
        ax.plot([pts[a].real, pts[b].real], [pts[a].imag, pts[b].imag], color=color, lw=0.8)
    for c in circles:
        center = pts[c[0]] if c[0] else circumcenter_of(*(pts[x] for x in c[1:4]))
        if center is None:
            continue
        radius = abs(pts[c[1]] - center)
        ax.add_patch(plt.Circle((center.real, center.imag), radius, fill=False, color=GIVEN, lw=0.6))
    goal = problem.goal
    if goal is not None:
        gp = goal.points
        pairs = [gp[i:i + 2] for i in range(0, len(gp) - 1, 2)] if goal.predicate in (
            Predicate.PARA, Predicate.PERP, Predicate.CONG, Predicate.EQANGLE, Predicate.EQRATIO) else \
            [(a, b) for a, b in zip(gp, gp[1:])]
        for a, b in pairs:
            ax.plot([pts[a].real, pts[b].real], [pts[a].imag, pts[b].imag], color=GOAL, lw=2.2)
    for name, p in pts.items():
        color = AUX if name in aux else GIVEN
        ax.plot(p.real, p.imag, "o", color=color, ms=4)
        ax.annotate(name, (p.real, p.imag), textcoords="offset points", xytext=(4, 4), color=color)
    ax.set_aspect("equal")
    ax.axis("off")
    title = problem.name + (f" — {goal}" if goal else "")
    ax.set_title(title + (" (proved)" if proof else ""), fontsize=9)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, bbox_inches="tight")
    plt.close(fig)
    return out
