"""What a problem states: each clause's construction premises as (predicate, points, numbers).

The engine adds them to its database as given facts; the independent checker reads the same
list, so both agree on what a statement says without the checker importing the engine."""

from __future__ import annotations

from fractions import Fraction

from lemmata.engines.geometry.constructions import CONSTRUCTIONS, s_angle_degrees
from lemmata.engines.geometry.language import Clause
from lemmata.engines.geometry.predicates import Predicate, parse_number, parse_predicate


def premise_facts(clause: Clause) -> list[tuple]:
    """(predicate, points, numbers) stated by the clause's constructions."""
    out = []
    for step in clause.steps:
        spec = CONSTRUCTIONS[step.name]
        binding = dict(zip(spec.params, step.args))
        for pred_name, args in spec.premises:
            pred = parse_predicate(pred_name)
            pts = tuple(binding[a] for a in args if a in binding and not _is_number_param(spec, a))
            nums = tuple(_number(binding.get(a, a), pred_name, step.name)
                         for a in args if a not in binding or _is_number_param(spec, a))
            out.append((pred, pts, nums))
    for premise in clause.premises:  # AlphaGeometry2 form: the predicate is the premise
        pred = parse_predicate(premise.name)
        n_numbers = 1 if pred in (Predicate.ACONST, Predicate.RCONST) else 0
        pts = premise.args[:len(premise.args) - n_numbers]
        nums = tuple(_number(a, pred.value) for a in premise.args[len(pts):])
        out.append((pred, tuple(pts), nums))
    return out


def _number(text: str, pred_name: str, construction: str = "") -> "Fraction":
    """Angles are kept in π units: `1pi/3` as written, `60` or `60o` as degrees."""
    if construction == "s_angle":
        return Fraction(s_angle_degrees(text)).limit_denominator(10_000) / 180
    value = parse_number(text)
    return value / 180 if pred_name == "aconst" and "pi" not in text else value


def _is_number_param(spec, name: str) -> bool:
    return spec.numbers > 0 and name in spec.params[spec.arity - spec.numbers:]
