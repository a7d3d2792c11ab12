"""Whether a goal statement already follows from the database, and why."""

from __future__ import annotations

from fractions import Fraction

from lemmata.engines.geometry.deduction import Deduction
from lemmata.engines.geometry.matchers import try_similar
from lemmata.engines.geometry.language import Goal
from lemmata.engines.geometry.predicates import Predicate as P
from lemmata.engines.geometry.rules import RuleId as R


def why_statement(ded: Deduction, pred: P, p: tuple[str, ...],
                  numbers: tuple[Fraction, ...] = ()) -> tuple[list[int], R] | None:
    """(premise fact ids, rule) proving the statement now, or None."""
    w = None
    rule = R.ALGEBRA
    match pred:
        case P.COLL:
            w, rule = ded.why_coll(p), R.COLL_MERGE
            if w is None:
                w, rule = _coll_by_para(ded, p), R.PARA_COLL
        case P.PARA:
            w = ded.why_para(*p)
        case P.PERP:
            w = ded.why_perp(*p)
        case P.EQANGLE:
            w = ded.why_angle([(p[0], p[1], 1), (p[2], p[3], -1), (p[4], p[5], -1), (p[6], p[7], 1)],
                              numbers[0] if numbers else Fraction(0))
        case P.ACONST:
            w = ded.why_angle([(p[2], p[3], 1), (p[0], p[1], -1)], numbers[0])
        case P.CONG:
            w = ded.why_cong(*p)
        case P.EQRATIO:
            w = ded.why_eqratio(*p)
        case P.RCONST:
            w = ded.why_ratio([(p[0], p[1], 1), (p[2], p[3], -1)], numbers[0])
        case P.CYCLIC:
            w, rule = ded.why_cyclic(p), R.CYCLIC_MERGE
        case P.MIDP:
            w1, w2 = ded.why_coll(p), ded.why_cong(p[0], p[1], p[0], p[2])
            w, rule = (w1 + w2 if w1 is not None and w2 is not None else None), R.MIDPOINT_DEF
        case P.CIRCLE:
            ws = [ded.why_cong(p[0], p[1], p[0], x) for x in p[2:]]
            w, rule = (sum(ws, []) if all(x is not None for x in ws) else None), R.CIRCLE_DEF
        case P.SIMTRI | P.SIMTRIR | P.CONTRI | P.CONTRIR:
            return _why_triangles(ded, pred, p)
    return (w, rule) if w is not None else None


def _coll_by_para(ded: Deduction, p) -> list[int] | None:
    a, b = p[0], p[1]
    why: set[int] = set()
    for c in p[2:]:
        w = ded.why_para(a, b, a, c)
        if w is None:
            return None
        why |= set(w)
    return sorted(why)


def _why_triangles(ded: Deduction, pred: P, p) -> tuple[list[int], R] | None:
    from lemmata.engines.geometry.facts import fact_key
    a, b, c, x, y, z = p
    options = [pred]
    if pred in (P.SIMTRI, P.CONTRI):  # goals do not fix the orientation
        options.append(P.SIMTRIR if pred == P.SIMTRI else P.CONTRIR)
    for option in options:
        reflected = option in (P.SIMTRIR, P.CONTRIR)
        try_similar(ded, (a, b, c), (x, y, z), reflected)
        sim = P.SIMTRIR if reflected else P.SIMTRI
        fid = ded.db.keys.get(fact_key(sim, tuple(p)))
        if fid is None:
            continue
        if option in (P.SIMTRI, P.SIMTRIR):
            return [fid], R.SIMTRI_AA
        w = ded.why_cong(a, b, x, y)
        if w is not None:
            return [fid] + w, R.CONTRI_SIDES
    return None


def goal_premises(ded: Deduction, goal: Goal) -> tuple[list[int], R] | None:
    return why_statement(ded, goal.predicate, goal.points, goal.numbers)
