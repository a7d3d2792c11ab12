"""Our definitions of the language's constructions: signature, premises, numeric recipe.

Names follow the AlphaGeometry / Newclid language (defs.txt in the shared problem sets) so that
public problem files load unchanged; the premises and the drawing recipes are written here.
"""

from __future__ import annotations

import cmath
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from lemmata.engines.geometry.loci import (
    Circle, Line, Locus, circumcenter_of, foot_on, line_through, reflect_in, unit,
)

Points = dict[str, complex]
Recipe = Callable[[Points, random.Random], "list[Locus] | Points"]


@dataclass(frozen=True)
class Construction:
    """One construction: new points, given points, the facts it makes true, how to draw it."""

    name: str
    params: tuple[str, ...]
    """Parameter names in signature order."""
    new: tuple[str, ...]
    """Names of the points the construction introduces."""
    premises: tuple[tuple[str, tuple[str, ...]], ...]
    """Predicates made true, written over the signature's names."""
    recipe: Recipe
    """Draws the new points: returns loci for one new point, or positions of all."""
    numbers: int = 0
    """How many trailing arguments are numbers rather than points."""

    @property
    def arity(self) -> int:
        return len(self.params)

    @property
    def given(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in self.new)


CONSTRUCTIONS: dict[str, Construction] = {}


def define(signature: str, premises: str, recipe: Recipe, new: int | str = 1, numbers: int = 0) -> None:
    name, *params = signature.split()
    new_names = tuple(new.split()) if isinstance(new, str) else tuple(params[:new])
    facts = []
    for part in filter(None, (p.strip() for p in premises.split(";"))):
        pred, *args = part.split()
        facts.append((pred, tuple(args)))
    CONSTRUCTIONS[name] = Construction(name, tuple(params), new_names, tuple(facts), recipe, numbers)


def s_angle_degrees(text: str) -> float:
    """Signed degrees of an `s_angle` argument. The two public dialects turn opposite ways:
    Newclid writes `30o` (counter-clockwise from BA), the JGEX/AlphaGeometry files write a bare
    `30`, which their figures only satisfy when turned clockwise."""
    from lemmata.engines.geometry.predicates import parse_number

    value = float(parse_number(text))
    return value if text.strip().endswith("o") else -value


def rotate(z: complex, degrees: float) -> complex:
    return z * cmath.exp(1j * math.radians(degrees))


def _free(rng: random.Random) -> complex:
    return complex(rng.uniform(-5, 5), rng.uniform(-5, 5))


def _triangle(p: Points, rng: random.Random) -> Points:
    # a roughly balanced triangle so that drawings are not degenerate
    a = complex(rng.uniform(-1, 1), rng.uniform(3, 5))
    b = complex(rng.uniform(-5, -2), rng.uniform(-2, 0))
    c = complex(rng.uniform(2, 5), rng.uniform(-2, 0))
    return {"a": a, "b": b, "c": c}


def _angle_dir(p: Points, a: str, b: str, c: str) -> complex:
    return unit(p[a] - p[b]) + unit(p[c] - p[b])


def _segment(p: Points, r: random.Random) -> Points:
    a = complex(-2 + r.uniform(-.5, .5), r.uniform(-.5, .5))
    b = complex(2 + r.uniform(-.5, .5), r.uniform(-.5, .5))
    return {"a": a, "b": b}


def _quadrangle(p: Points, r: random.Random) -> Points:
    return {**_triangle(p, r), "d": complex(r.uniform(1, 4), r.uniform(2, 5))}


def _pentagon(p: Points, r: random.Random) -> Points:
    return {n: 4 * cmath.exp(1j * (2 * math.pi * k / 5 + r.uniform(-.3, .3))) for k, n in enumerate("abcde")}


def _iso(p: Points, r: random.Random) -> Points:
    a = complex(r.uniform(-1, 1), r.uniform(2, 4))
    b = complex(r.uniform(-4, -2), r.uniform(-2, 0))
    return {"a": a, "b": b, "c": reflect_in(b, Line(a, 1j))}


def _r_triangle(p: Points, r: random.Random) -> Points:
    a = complex(r.uniform(-1, 1), r.uniform(-1, 1))
    b = complex(r.uniform(3, 5), r.uniform(-1, 1))
    return {"a": a, "b": b, "c": a + 1j * (b - a) * r.uniform(0.6, 1.5)}


def _risos(p: Points, r: random.Random) -> Points:
    a, b = 0j, complex(4, r.uniform(-1, 1))
    return {"a": a, "b": b, "c": a + 1j * (b - a)}


def _triangle12(p: Points, r: random.Random) -> Points:
    a, b = complex(-2, 0), complex(0, r.uniform(-1, 1))
    return {"a": a, "b": b, "c": a + 2 * rotate(b - a, r.uniform(40, 140))}


def _square(a: complex, b: complex) -> Points:
    c = b + 1j * (b - a)
    return {"a": a, "b": b, "c": c, "d": a + (c - b)}


def _isquare(p: Points, r: random.Random) -> Points:
    return _square(complex(-2, -2 + r.uniform(-.5, .5)), complex(2, -2 + r.uniform(-.5, .5)))


def _rectangle(p: Points, r: random.Random) -> Points:
    a, b = complex(-3, -2), complex(3, r.uniform(-2.5, -1.5))
    c = b + 1j * (b - a) * r.uniform(0.5, 0.9)
    return {"a": a, "b": b, "c": c, "d": a + (c - b)}


def _base_abc(r: random.Random) -> tuple[complex, complex, complex]:
    """A horizontal base AB and a point C above it, for the quadrilaterals."""
    a, b = complex(-3, 0), complex(3, r.uniform(-.5, .5))
    return a, b, complex(r.uniform(1, 3), 3)


def _trapezoid(p: Points, r: random.Random) -> Points:
    a, b, c = _base_abc(r)
    return {"a": a, "b": b, "c": c, "d": c + (a - b) * r.uniform(0.3, 1.2)}


def _eq_trapezoid(p: Points, r: random.Random) -> Points:
    a, b = complex(-3, 0), complex(3, 0)
    c = complex(r.uniform(0.5, 2.5), r.uniform(2, 4))
    return {"a": a, "b": b, "c": c, "d": complex(-c.real, c.imag)}


def _r_trapezoid(p: Points, r: random.Random) -> Points:
    a, b = complex(-3, 0), complex(3, 0)
    c = complex(r.uniform(0, 3), r.uniform(2, 4))
    return {"a": a, "b": b, "c": c, "d": foot_on(a, Line(c, b - a))}


def _eq_quadrangle(p: Points, r: random.Random) -> Points:
    a, b, c = _base_abc(r)
    return {"a": a, "b": b, "c": c, "d": a + rotate(c - b, r.uniform(60, 120))}


def _eqdia_quadrangle(p: Points, r: random.Random) -> Points:
    a, b, c = _base_abc(r)
    return {"a": a, "b": b, "c": c, "d": b + rotate(c - a, r.uniform(40, 80))}


# ---- free configurations -------------------------------------------------------------
define("free a", "", lambda p, r: {"a": _free(r)})
define("segment a b", "", _segment, new=2)
define("triangle a b c", "", _triangle, new=3)
define("quadrangle a b c d", "", _quadrangle, new=4)
define("pentagon a b c d e", "", _pentagon, new=5)
define("iso_triangle a b c", "cong a b a c; eqangle b a b c c b c a", _iso, new=3)
define("r_triangle a b c", "perp a b a c", _r_triangle, new=3)
define("risos a b c", "perp a b a c; cong a b a c; eqangle b a b c c b c a", _risos, new=3)
define("ieq_triangle a b c", "cong a b b c; cong b c c a; eqangle a b a c c a c b; eqangle c a c b b c b a",
       lambda p, r: {"a": -3 + 0j, "b": 3 + 0j, "c": rotate(6 + 0j, 60) - 3}, new=3)
define("triangle12 a b c", "rconst a b a c 1/2", _triangle12, new=3)
define("isquare a b c d", "perp a b b c; cong a b b c; para a b c d; para a d b c; perp a d d c; "
       "cong b c c d; cong c d d a; perp a c b d; cong a c b d", _isquare, new=4)
define("rectangle a b c d", "perp a b b c; para a b c d; para a d b c; perp a b a d; cong a b c d; "
       "cong a d b c; cong a c b d", _rectangle, new=4)
define("trapezoid a b c d", "para a b c d", _trapezoid, new=4)
define("eq_trapezoid a b c d", "para d c a b; cong d a b c", _eq_trapezoid, new=4)
define("r_trapezoid a b c d", "para a b c d; perp a b a d", _r_trapezoid, new=4)
define("eq_quadrangle a b c d", "cong d a b c", _eq_quadrangle, new=4)
define("eqdia_quadrangle a b c d", "cong d b a c", _eqdia_quadrangle, new=4)

# ---- one new point on loci -----------------------------------------------------------
define("on_line x a b", "coll x a b", lambda p, r: [line_through(p["a"], p["b"])])
define("on_opline x a b", "coll x a b", lambda p, r: [p["a"] + (p["a"] - p["b"]) * r.uniform(0.3, 1.5)])
define("on_pline x a b c", "para x a b c", lambda p, r: [Line(p["a"], p["c"] - p["b"])])
define("on_pline0 x a b c", "para x a b c", lambda p, r: [Line(p["a"], p["c"] - p["b"])])
define("on_tline x a b c", "perp x a b c", lambda p, r: [Line(p["a"], 1j * (p["c"] - p["b"]))])
define("on_circle x o a", "cong o x o a", lambda p, r: [Circle(p["o"], abs(p["a"] - p["o"]))])
define("on_bline x a b", "cong x a x b; eqangle a x a b b a b x",
       lambda p, r: [Line((p["a"] + p["b"]) / 2, 1j * (p["b"] - p["a"]))])
define("iso_triangle_vertex x a b", "cong x a x b",
       lambda p, r: [Line((p["a"] + p["b"]) / 2, 1j * (p["b"] - p["a"]))])
define("iso_triangle_vertex_angle x a b", "eqangle x a a b a b x b",
       lambda p, r: [Line((p["a"] + p["b"]) / 2, 1j * (p["b"] - p["a"]))])
define("on_dia x a b", "perp x a x b", lambda p, r: [Circle((p["a"] + p["b"]) / 2, abs(p["a"] - p["b"]) / 2)])
define("on_circum x a b c", "cyclic a b c x",
       lambda p, r: [Circle(circumcenter_of(p["a"], p["b"], p["c"]),
                            abs(p["a"] - circumcenter_of(p["a"], p["b"], p["c"])))])
define("eqdistance x a b c", "cong x a b c", lambda p, r: [Circle(p["a"], abs(p["b"] - p["c"]))])
define("lc_tangent x a o", "perp a x a o", lambda p, r: [Line(p["a"], 1j * (p["o"] - p["a"]))])
define("angle_bisector x a b c", "eqangle b a b x b x b c",
       lambda p, r: [Line(p["b"], _angle_dir(p, "a", "b", "c"))])
define("angle_mirror x a b c", "eqangle b a b c b c b x",
       lambda p, r: [Line(p["b"], unit(p["c"] - p["b"]) ** 2 / unit(p["a"] - p["b"]))])
define("on_aline x a b c d e", "eqangle a x a b d c d e",
       lambda p, r: [Line(p["a"], unit(p["b"] - p["a"]) * unit(p["c"] - p["d"]) / unit(p["e"] - p["d"]))])
define("on_aline0 x a b c d e f g", "eqangle a b c d e f g x",
       lambda p, r: [Line(p["g"], unit(p["f"] - p["e"]) * unit(p["b"] - p["a"]).conjugate()
                          * unit(p["d"] - p["c"]))])


def _arc(a: complex, b: complex, turn: complex) -> Circle:
    """Points x with direction(xb) = direction(xa) * turn (a directed angle mod π)."""
    pts = []
    for t in (0.3, 1.4, 2.6):
        u = cmath.exp(1j * t)
        from lemmata.engines.geometry.loci import intersect
        pts += intersect(Line(a, u), Line(b, u * turn))
    c = circumcenter_of(*pts[:3])
    return Circle(c, abs(a - c))


define("on_aline2 x a b c d e", "eqangle x a x b d c d e",
       lambda p, r: [_arc(p["a"], p["b"], unit(p["e"] - p["d"]) / unit(p["c"] - p["d"]))])
define("eqangle3 x a b d e f", "eqangle x a x b d e d f",
       lambda p, r: [_arc(p["a"], p["b"], unit(p["f"] - p["d"]) / unit(p["e"] - p["d"]))])


def _eqangle2(p: Points, r: random.Random) -> list[Locus]:
    # ∠(AB,AX) = ∠(CX,CB): choose AX's direction, then CX's follows.
    u = unit(p["b"] - p["a"]) * cmath.exp(1j * r.uniform(0.3, 1.2))
    turn = u / unit(p["b"] - p["a"])
    from lemmata.engines.geometry.loci import intersect
    return [pt for pt in intersect(Line(p["a"], u), Line(p["c"], unit(p["b"] - p["c"]) / turn))][:1]


define("aconst a b c x r", "aconst a b c x r",
       lambda p, r: [Line(p["c"], rotate(unit(p["b"] - p["a"]), p["r"] * 180))], new="x", numbers=1)
define("rconst a b c x r", "rconst a b c x r",
       lambda p, r: [Circle(p["c"], abs(p["b"] - p["a"]) / p["r"])], new="x", numbers=1)
define("rconst2 x a b r", "rconst x a x b r",
       lambda p, r: _apollonius({"a": p["a"], "c": p["b"], "e": 0j, "f": complex(p["r"]),
                                 "g": 0j, "h": 1 + 0j}, r), numbers=1)
define("eqangle2 x a b c", "eqangle a b a x c x c b", _eqangle2)
define("s_angle a b x y", "aconst a b b x y",
       lambda p, r: [Line(p["b"], rotate(unit(p["a"] - p["b"]), p["y"]))], new="x", numbers=1)


def _ratio_circle(p: Points, r: random.Random) -> list[Locus]:
    # ab/cd = ef/gx
    return [Circle(p["g"], abs(p["e"] - p["f"]) * abs(p["c"] - p["d"]) / abs(p["a"] - p["b"]))]


define("eqratio x a b c d e f g", "eqratio a b c d e f g x", _ratio_circle)


def _apollonius(p: Points, r: random.Random) -> list[Locus]:
    # xa/xc = |ef|/|gh|: an Apollonius circle (a line when the ratio is 1)
    a, c = p["a"], p["c"]
    k = abs(p["e"] - p["f"]) / abs(p["g"] - p["h"])
    if abs(k - 1) < 1e-9:
        return [Line((a + c) / 2, 1j * (c - a))]
    i1 = (a + k * c) / (1 + k)
    i2 = (a - k * c) / (1 - k)
    return [Circle((i1 + i2) / 2, abs(i1 - i2) / 2)]


define("eqratio6 x a c e f g h", "eqratio x a x c e f g h", _apollonius)

# ---- one new point, fully determined ------------------------------------------------
define("midpoint x a b", "midp x a b", lambda p, r: [(p["a"] + p["b"]) / 2])
define("mirror x a b", "midp b a x", lambda p, r: [2 * p["b"] - p["a"]])
define("foot x a b c", "perp x a b c; coll x b c",
       lambda p, r: [foot_on(p["a"], line_through(p["b"], p["c"]))])
define("reflect x a b c", "cong b a b x; cong c a c x; perp b c a x",
       lambda p, r: [reflect_in(p["a"], line_through(p["b"], p["c"]))])
define("circle x a b c", "circle x a b c", lambda p, r: [circumcenter_of(p["a"], p["b"], p["c"])])
define("circumcenter x a b c", "circle x a b c", lambda p, r: [circumcenter_of(p["a"], p["b"], p["c"])])


def _orthocenter(a: complex, b: complex, c: complex) -> complex:
    from lemmata.engines.geometry.loci import intersect
    return intersect(Line(a, 1j * (c - b)), Line(b, 1j * (a - c)))[0]


define("orthocenter x a b c", "perp x a b c; perp x b c a; perp x c a b",
       lambda p, r: [_orthocenter(p["a"], p["b"], p["c"])])


def _incenter(a: complex, b: complex, c: complex) -> complex:
    la, lb, lc = abs(b - c), abs(c - a), abs(a - b)
    return (la * a + lb * b + lc * c) / (la + lb + lc)


def _excenter(a: complex, b: complex, c: complex) -> complex:
    la, lb, lc = abs(b - c), abs(c - a), abs(a - b)
    return (-la * a + lb * b + lc * c) / (-la + lb + lc)


_INCENTER_FACTS = "eqangle a b a x a x a c; eqangle c a c x c x c b; eqangle b c b x b x b a"
define("incenter x a b c", _INCENTER_FACTS, lambda p, r: [_incenter(p["a"], p["b"], p["c"])])
define("excenter x a b c", _INCENTER_FACTS, lambda p, r: [_excenter(p["a"], p["b"], p["c"])])


def _touch_points(center_of: Callable) -> Recipe:
    def recipe(p: Points, r: random.Random) -> Points:
        a, b, c = p["a"], p["b"], p["c"]
        i = center_of(a, b, c)
        return {"i": i, "x": foot_on(i, line_through(b, c)), "y": foot_on(i, line_through(c, a)),
                "z": foot_on(i, line_through(a, b))}
    return recipe


_TOUCH_FACTS = ("eqangle a b a i a i a c; eqangle c a c i c i c b; eqangle b c b i b i b a; "
                "coll x b c; perp i x b c; coll y c a; perp i y c a; coll z a b; perp i z a b; "
                "cong i x i y; cong i y i z")
define("incenter2 x y z i a b c", _TOUCH_FACTS, _touch_points(_incenter), new=4)
define("excenter2 x y z i a b c", _TOUCH_FACTS, _touch_points(_excenter), new=4)


def _centroid(p: Points, r: random.Random) -> Points:
    a, b, c = p["a"], p["b"], p["c"]
    return {"x": (b + c) / 2, "y": (c + a) / 2, "z": (a + b) / 2, "i": (a + b + c) / 3}


define("centroid x y z i a b c", "midp x b c; midp y c a; midp z a b; coll a x i; coll b y i; coll c z i",
       _centroid, new=4)


def _ninepoints(p: Points, r: random.Random) -> Points:
    m = _centroid(p, r)
    return {**m, "i": circumcenter_of(m["x"], m["y"], m["z"])}


define("ninepoints x y z i a b c", "midp x b c; midp y c a; midp z a b; circle i x y z", _ninepoints, new=4)
define("intersection_cc x o w a", "cong o a o x; cong w a w x",
       lambda p, r: [reflect_in(p["a"], line_through(p["o"], p["w"]))])


def _lc_other(p: Points, r: random.Random) -> list[Locus]:
    a, o, b = p["a"], p["o"], p["b"]
    f = foot_on(o, line_through(b, a))
    return [2 * f - b]


define("intersection_lc x a o b", "coll x a b; cong o b o x", _lc_other)
define("intersection_ll x a b c d", "coll x a b; coll x c d",
       lambda p, r: [line_through(p["a"], p["b"]), line_through(p["c"], p["d"])])
define("intersection_lp x a b c m n", "coll x a b; para c x m n",
       lambda p, r: [line_through(p["a"], p["b"]), Line(p["c"], p["n"] - p["m"])])
define("intersection_lt x a b c d e", "coll x a b; perp x c d e",
       lambda p, r: [line_through(p["a"], p["b"]), Line(p["c"], 1j * (p["e"] - p["d"]))])
define("intersection_pp x a b c d e f", "para x a b c; para x d e f",
       lambda p, r: [Line(p["a"], p["c"] - p["b"]), Line(p["d"], p["f"] - p["e"])])
define("intersection_tt x a b c d e f", "perp x a b c; perp x d e f",
       lambda p, r: [Line(p["a"], 1j * (p["c"] - p["b"])), Line(p["d"], 1j * (p["f"] - p["e"]))])
define("eq_triangle x b c", "cong x b b c; cong b c c x; eqangle b x b c c b c x; eqangle x c x b b x b c",
       lambda p, r: [p["b"] + rotate(p["c"] - p["b"], 60 if r.random() < 0.5 else -60)])
define("nsquare x a b", "cong x a a b; perp x a a b", lambda p, r: [p["a"] - 1j * (p["b"] - p["a"])])
define("psquare x a b", "cong x a a b; perp x a a b", lambda p, r: [p["a"] + 1j * (p["b"] - p["a"])])
define("parallelogram a b c x", "para a b c x; para a x b c; cong a b c x; cong a x b c",
       lambda p, r: [p["a"] + p["c"] - p["b"]], new="x")
define("shift x b c d", "cong x b c d; cong x c b d", lambda p, r: [p["b"] + p["c"] - p["d"]])


def _square_xy(p: Points, r: random.Random) -> Points:
    a, b = p["a"], p["b"]
    x = b + 1j * (b - a)
    return {"x": x, "y": a + (x - b)}


define("square a b x y", "perp a b b x; cong a b b x; para a b x y; para a y b x; perp a y y x; "
       "cong b x x y; cong x y y a; perp a x b y; cong a x b y", _square_xy, new="x y")


def _trisegment(p: Points, r: random.Random) -> Points:
    a, b = p["a"], p["b"]
    return {"x": a + (b - a) / 3, "y": a + 2 * (b - a) / 3}


define("trisegment x y a b", "coll x a b; coll y a b; cong x a x y; cong y x y b", _trisegment, new=2)


def _trisect(p: Points, r: random.Random) -> Points:
    from lemmata.engines.geometry.loci import intersect
    a, b, c = p["a"], p["b"], p["c"]
    ua, uc = unit(a - b), unit(c - b)
    turn = cmath.exp(1j * cmath.phase(uc / ua) / 3)
    ac = line_through(a, c)
    return {"x": intersect(Line(b, ua * turn), ac)[0], "y": intersect(Line(b, ua * turn * turn), ac)[0]}


define("trisect x y a b c", "coll x a c; coll y a c; eqangle b a b x b x b y; eqangle b x b y b y b c",
       _trisect, new=2)


def _tangent(p: Points, r: random.Random) -> Points:
    a, o, b = p["a"], p["o"], p["b"]
    pts = __import__("lemmata.engines.geometry.loci", fromlist=["intersect"]).intersect(
        Circle(o, abs(b - o)), Circle((a + o) / 2, abs(a - o) / 2))
    if len(pts) < 2:
        raise ValueError("point is inside the circle")
    return {"x": pts[0], "y": pts[1]}


define("tangent x y a o b", "cong o x o b; perp a x o x; cong o y o b; perp a y o y", _tangent, new=2)


def _cc_tangent(p: Points, r: random.Random) -> Points:
    o, w = p["o"], p["w"]
    r1, r2 = abs(p["a"] - o), abs(p["b"] - w)
    d = abs(w - o)
    u = unit(w - o)
    out: Points = {}
    names = iter(["x", "y", "z", "i"])
    for sign in (1, -1):  # external tangents
        c = (r1 - r2) / d
        if abs(c) > 1:
            raise ValueError("circles inside each other have no common tangent")
        s = math.sqrt(1 - c * c)
        n = u * complex(c, sign * s)
        out[next(names)] = o + r1 * n
        out[next(names)] = w + r2 * n
    return out


define("cc_tangent x y z i o a w b", "cong o x o a; cong w y w b; perp x o x y; perp y w y x; "
       "cong o z o a; cong w i w b; perp z o z i; perp i w i z", _cc_tangent, new=4)
define("cc_tangent0 x y o a w b", "cong o x o a; cong w y w b; perp x o x y; perp y w y x",
       lambda p, r: {k: v for k, v in _cc_tangent(p, r).items() if k in "xy"}, new=2)


def _3peq(p: Points, r: random.Random) -> Points:
    # z on bc; x on ab, y on ac with z the midpoint of xy
    from lemmata.engines.geometry.loci import intersect
    a, b, c = p["a"], p["b"], p["c"]
    z = b + (c - b) * r.uniform(0.3, 0.7)
    # x = a + t(b-a), y = 2z - x on ac
    mirrored = Line(2 * z - a, -(b - a))
    y = intersect(mirrored, line_through(a, c))[0]
    return {"z": z, "y": y, "x": 2 * z - y}


define("3peq x y z a b c", "coll z b c; coll x a b; coll y a c; coll x y z; cong z x z y", _3peq, new="x y z")


def _two_lines_one_circle(p: Points, r: random.Random) -> Points:
    """Circle tangent to lines CA, CB and internally tangent to the circle (O, OA)."""
    a, b, c, o = p["a"], p["b"], p["c"], p["o"]
    big = abs(a - o)
    ua, ub = unit(a - c), unit(b - c)
    u = unit(ua + ub)
    s = abs((ua.conjugate() * u).imag)  # sin of half the angle at C
    # |o - (c + t u)| = big - t s  →  quadratic in t
    w = o - c
    qa = 1 - s * s
    qb = -2 * (w.conjugate() * u).real + 2 * big * s
    qc = abs(w) ** 2 - big * big
    disc = qb * qb - 4 * qa * qc
    if disc < 0 or abs(qa) < 1e-12:
        raise ValueError("no circle tangent to both lines inside the circle")
    roots = [t for t in ((-qb + math.sqrt(disc)) / (2 * qa), (-qb - math.sqrt(disc)) / (2 * qa))
             if t > 1e-9 and big - t * s > 1e-9]
    if not roots:
        raise ValueError("no circle tangent to both lines inside the circle")
    t = roots[r.randrange(len(roots))]
    i = c + t * u
    return {"x": foot_on(i, line_through(a, c)), "y": foot_on(i, line_through(b, c)),
            "z": o + big * unit(i - o), "i": i}


define("2l1c x y z i a b c o", "coll x a c; coll y b c; cong o a o z; coll i o z; cong i x i y; "
       "cong i y i z; perp i x a c; perp i y b c", _two_lines_one_circle, new=4)


def _e5128(p: Points, r: random.Random) -> Points:
    """X on circle (C, CB), Y = XD ∩ AB, with ∠(AB, AD) = ∠(XA, XY): found by a 1-D search."""
    from lemmata.engines.geometry.loci import intersect

    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    radius = abs(b - c)
    target = cmath.phase(unit(d - a) / unit(b - a)) / math.pi

    def mismatch(phi: float) -> tuple[float, complex, complex] | None:
        x = c + radius * cmath.exp(1j * phi)
        meet = intersect(line_through(x, d), line_through(a, b)) if abs(x - d) > 1e-6 else []
        if not meet:
            return None
        y = meet[0]
        got = cmath.phase(unit(y - x) / unit(a - x)) / math.pi
        return ((got - target + 0.5) % 1.0) - 0.5, x, y

    roots = []
    steps = 720
    prev = mismatch(0.0)
    for k in range(1, steps + 1):
        phi = 2 * math.pi * k / steps
        cur = mismatch(phi)
        if prev and cur and prev[0] * cur[0] < 0 and abs(prev[0] - cur[0]) < 0.2:
            lo, hi = 2 * math.pi * (k - 1) / steps, phi
            for _ in range(50):
                mid = (lo + hi) / 2
                m = mismatch(mid)
                if m is None:
                    break
                if (m[0] < 0) == (prev[0] < 0):
                    lo = mid
                else:
                    hi = mid
            m = mismatch((lo + hi) / 2)
            if m and abs(m[0]) < 1e-9 and abs(m[1] - d) > 1e-3 and abs(m[1] - b) > 1e-3:
                roots.append(m)
        prev = cur
    if not roots:
        raise ValueError("no point satisfies the angle condition")
    _, x, y = roots[r.randrange(len(roots))]
    return {"x": x, "y": y}


define("e5128 x y a b c d", "cong c b c x; coll y a b; coll x y d; eqangle a b a d x a x y", _e5128, new=2)


def _isogonal(p: Points, r: random.Random) -> list[Locus]:
    """The isogonal conjugate of P in ABC: each line AP reflected in the bisector at A."""
    a, b, c, q = p["a"], p["b"], p["c"], p["p"]
    return [Line(a, unit(b - a) * unit(c - a) / unit(q - a)), Line(b, unit(a - b) * unit(c - b) / unit(q - b))]


# The three reflected lines meet in one point (the isogonal conjugate theorem), so all three
# angle equalities are premises, as the incentre states all three bisectors.
define("isogonal x p a b c", "eqangle a x a b a c a p; eqangle b x b a b c b p; eqangle c x c a c b c p",
       _isogonal)
