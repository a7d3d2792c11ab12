"""Facts: statements with the rule and premises that justify them, and canonical keys."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from lemmata.engines.geometry.predicates import Predicate
from lemmata.engines.geometry.rules import RuleId


@dataclass(frozen=True)
class Fact:
    """One justified statement in the deductive database."""

    id: int
    """Position in the database; premises always have smaller ids."""
    predicate: Predicate
    points: tuple[str, ...]
    rule: RuleId
    premises: tuple[int, ...] = ()
    numbers: tuple[Fraction, ...] = ()
    note: str = ""
    """For construction facts, the clause that gave them."""

    def statement(self) -> str:
        return statement_text(self.predicate, self.points, self.numbers)

    def __str__(self) -> str:
        return self.statement()


def statement_text(pred: Predicate, points: tuple[str, ...], numbers: tuple[Fraction, ...] = ()) -> str:
    """Readable text of a predicate; angles are directed, modulo π."""
    p = points
    match pred:
        case Predicate.COLL:
            return f"{', '.join(p)} are collinear"
        case Predicate.PARA:
            return f"{p[0]}{p[1]} ∥ {p[2]}{p[3]}"
        case Predicate.PERP:
            return f"{p[0]}{p[1]} ⟂ {p[2]}{p[3]}"
        case Predicate.CONG:
            return f"{p[0]}{p[1]} = {p[2]}{p[3]}"
        case Predicate.EQANGLE:
            extra = " + π/2" if numbers else ""
            return f"∠({p[0]}{p[1]},{p[2]}{p[3]}) = ∠({p[4]}{p[5]},{p[6]}{p[7]}){extra} (mod π)"
        case Predicate.EQRATIO:
            return f"{p[0]}{p[1]}:{p[2]}{p[3]} = {p[4]}{p[5]}:{p[6]}{p[7]}"
        case Predicate.CYCLIC:
            return f"{', '.join(p)} are concyclic"
        case Predicate.MIDP:
            return f"{p[0]} is the midpoint of {p[1]}{p[2]}"
        case Predicate.CIRCLE:
            return f"{p[0]} is the centre of the circle through {', '.join(p[1:])}"
        case Predicate.ACONST:
            return f"∠({p[0]}{p[1]},{p[2]}{p[3]}) = {numbers[0] if numbers else 0}π (mod π)"
        case Predicate.RCONST:
            return f"{p[0]}{p[1]}:{p[2]}{p[3]} = {numbers[0] if numbers else 1}"
        case Predicate.TRIRATIO:
            a, b, c, d, e, f = p
            return f"{b}{d}·{c}{e}·{a}{f} = {d}{c}·{e}{a}·{f}{b}"
        case _:
            kind = {"simtri": "similar", "simtrir": "similar (reflected)", "contri": "congruent",
                    "contrir": "congruent (reflected)"}[pred.value]
            return f"triangles {''.join(p[:3])} and {''.join(p[3:])} are {kind}"


def _seg(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def fact_key(pred: Predicate, p: tuple[str, ...], numbers: tuple[Fraction, ...] = ()) -> tuple:
    """A key equal for every spelling of the same statement."""
    match pred:
        case Predicate.COLL | Predicate.CYCLIC:
            return (pred, frozenset(p))
        case Predicate.PARA | Predicate.PERP | Predicate.CONG:
            return (pred, frozenset([_seg(p[0], p[1]), _seg(p[2], p[3])]))
        case Predicate.EQANGLE | Predicate.EQRATIO:
            s = [_seg(p[i], p[i + 1]) for i in range(0, 8, 2)]
            variants = [(s[0], s[1], s[2], s[3]), (s[2], s[3], s[0], s[1]),
                        (s[1], s[0], s[3], s[2]), (s[3], s[2], s[1], s[0]),
                        (s[0], s[2], s[1], s[3]), (s[1], s[3], s[0], s[2]),
                        (s[2], s[0], s[3], s[1]), (s[3], s[1], s[2], s[0])]
            return (pred, min(variants), numbers)
        case Predicate.MIDP:
            return (pred, p[0], frozenset(p[1:]))
        case Predicate.CIRCLE:
            return (pred, p[0], frozenset(p[1:]))
        case Predicate.ACONST | Predicate.RCONST:
            return (pred, p, numbers)
        case Predicate.TRIRATIO:
            return (pred, frozenset(zip(p[:3], p[3:])))
        case _:
            pairs = sorted(zip(p[:3], p[3:]))
            swapped = sorted(zip(p[3:], p[:3]))
            return (pred, min(tuple(pairs), tuple(swapped)))
