"""Exact linear algebra for angle and ratio chasing: an incrementally reduced row echelon form
over `fractions.Fraction`, where every row remembers which input equations produced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

Vector = dict[int, Fraction]


@dataclass
class Row:
    """One reduced equation: Σ coeffs[v]·v = const, built from the inputs in `why`."""

    coeffs: Vector
    const: Fraction
    why: Vector = field(default_factory=dict)


@dataclass(frozen=True)
class Reduced:
    """A linear form after elimination: what is left, its constant and the inputs used."""

    coeffs: Vector
    const: Fraction
    why: Vector

    @property
    def is_constant(self) -> bool:
        return not self.coeffs


def _axpy(target: Vector, x: Vector, a: Fraction) -> None:
    """target += a·x, dropping zeros."""
    for k, v in x.items():
        nv = target.get(k, Fraction(0)) + a * v
        if nv:
            target[k] = nv
        else:
            target.pop(k, None)


class LinearSystem:
    """Equations over exact rationals kept in reduced row echelon form.

    The pivot of a row is its largest variable, so variables created later are eliminated
    first and normal forms are canonical: two forms are equal modulo the system exactly when
    their reductions are equal.
    """

    def __init__(self) -> None:
        self.rows: dict[int, Row] = {}
        self.occurs: dict[int, set[int]] = {}
        """variable → pivots of the rows in which it appears (non-pivot)."""
        self.born: dict[int, int] = {}
        """pivot → how many rows the system had once it became a pivot (pivots stay pivots)."""

    def grew_on(self, variables, size: int) -> bool:
        """Whether one of `variables` became a pivot after the system had `size` rows.

        A reduced form whose variables are not among the pivots added since is still reduced,
        hence unchanged: only such a pivot can make a failed query succeed."""
        born = self.born
        return any(born.get(v, -1) > size for v in variables)

    def reduce(self, coeffs: Vector, const: Fraction = Fraction(0)) -> Reduced:
        """Rewrite the form Σ coeffs·v as (what is left) + const, const a combination of inputs."""
        out: Vector = {k: Fraction(v) for k, v in coeffs.items() if v}
        const = Fraction(const)
        why: Vector = {}
        for var in [v for v in out if v in self.rows]:
            a = out.get(var)
            if not a:
                continue
            row = self.rows[var]
            _axpy(out, row.coeffs, -a)
            const += a * row.const
            _axpy(why, row.why, a)
        return Reduced(out, const, why)

    def add(self, coeffs: Vector, const: Fraction, source: int) -> bool:
        """Add Σ coeffs·v = const (input number `source`); False when it was already implied."""
        red = self.reduce(coeffs)
        value = Fraction(const) - red.const
        if not red.coeffs:
            return False
        why = {k: -v for k, v in red.why.items()}
        why[source] = why.get(source, Fraction(0)) + 1
        pivot = max(red.coeffs)
        scale = 1 / red.coeffs[pivot]
        row = Row({k: v * scale for k, v in red.coeffs.items()}, value * scale,
                  {k: v * scale for k, v in why.items() if v})
        for other_pivot in list(self.occurs.get(pivot, ())):
            other = self.rows[other_pivot]
            a = other.coeffs[pivot]
            for k in other.coeffs:
                if k != other_pivot:
                    self.occurs.get(k, set()).discard(other_pivot)
            _axpy(other.coeffs, row.coeffs, -a)
            other.const -= a * row.const
            _axpy(other.why, row.why, -a)
            for k in other.coeffs:
                if k != other_pivot:
                    self.occurs.setdefault(k, set()).add(other_pivot)
        self.occurs.pop(pivot, None)
        self.rows[pivot] = row
        self.born[pivot] = len(self.rows)
        for k in row.coeffs:
            if k != pivot:
                self.occurs.setdefault(k, set()).add(pivot)
        return True

    def copy(self) -> LinearSystem:
        """An independent copy (rows are copied; the Fractions in them are immutable, shared)."""
        twin = LinearSystem()
        twin.rows = {p: Row(dict(r.coeffs), r.const, dict(r.why)) for p, r in self.rows.items()}
        twin.occurs = {v: set(pivots) for v, pivots in self.occurs.items()}
        twin.born = dict(self.born)
        return twin
