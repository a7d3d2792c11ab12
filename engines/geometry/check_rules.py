"""What each rule needs, as the proof checker reads it: a conclusion pattern, the hypotheses
the cited facts must imply, and the non-degeneracy conditions checked on the diagram.

Written apart from the matchers on purpose: the checker re-derives every step from these
patterns and never trusts the engine's bookkeeping. Upper-case letters are pattern variables;
a variable missing from the conclusion ranges over the points of the cited facts.
Non-degeneracy predicates: `ncoll A B C` (a proper triangle), `diff A B` (two distinct points),
`npara A B C D` (two non-parallel lines), `ncyclic A B C D` (four distinct points not on one
circle), `distinct A B …` (pairwise distinct points). The hypothesis `tangent D B C E F` (circles
DBC and DEF touch at D) is an angle equation of six lines, not a fact."""

from __future__ import annotations

from typing import NamedTuple

from lemmata.engines.geometry.rules import RuleId as R


class Pattern(NamedTuple):
    """One way a rule may conclude: `conclusion <= hypotheses` when `ndg` hold in the diagram."""

    conclusion: str
    hypotheses: tuple[str, ...]
    ndg: tuple[str, ...] = ()


def _p(conclusion: str, hypotheses: str, ndg: str = "") -> Pattern:
    split = lambda s: tuple(x.strip() for x in s.split(";") if x.strip())  # noqa: E731
    return Pattern(conclusion, split(hypotheses), split(ndg))


_SIM_AA = "eqangle B A B C Q P Q R; eqangle C B C A R Q R P"
_SIMR_AA = "eqangle B A B C Q R Q P; eqangle C B C A R P R Q"

PATTERNS: dict[R, tuple[Pattern, ...]] = {
    R.PARA_COLL: (_p("coll A B C", "para A B A C"),
                  _p("coll A B C", "coll A B X; para A B X C", "diff A B")),
    R.COLL_MERGE: (_p("coll A B C", "coll A B C"),),
    R.CYCLIC_MERGE: (_p("cyclic A B C D", "cyclic A B C D"),
                     _p("cyclic A B C D", "eqangle C A C B D A D B", "ncoll A B C; ncoll A B D")),
    R.CYCLIC_EQANGLE: (_p("eqangle P A P B Q A Q B", "cyclic A B P Q",
                          "diff P A; diff P B; diff Q A; diff Q B; diff A B"),),
    R.EQANGLE_CYCLIC: (_p("cyclic A B C D", "eqangle C A C B D A D B", "ncoll A B C; ncoll A B D"),),
    R.MIDPOINT_DEF: (_p("midp M A B", "coll M A B; cong M A M B", "diff A B"),),
    R.CIRCLE_DEF: (),  # checked in checker.check_step: every radius equal to the first
    R.SAME_POINT: (),  # checked by checker._same_point: a renamed cited fact, two crossing loci
    R.PERP_FOOT_MIDPOINT: (_p("midp M A B", "coll M A B; cong O A O B; perp O M A B",
                              "diff O M; diff A B"),),
    R.DIAGONALS_BISECT_PARA: (_p("para A C B D", "midp M A B; midp M C D", "diff A C; diff B D"),),
    R.MIDLINE_PARA: (_p("para M N B C", "midp M A B; midp N A C", "diff M N; diff B C"),),
    R.RIGHT_TRIANGLE_MEDIAN: (_p("cong A M B M", "midp M A C; perp B A B C", "diff A C"),),
    R.PERP_BISECTOR_CONG: (_p("cong B A B C", "midp M A C; perp B M A C", "diff B M; diff A C"),),
    R.PARALLELOGRAM_MIDPOINT: (_p("midp M C D", "midp M A B; para A C B D; para A D B C",
                                  "ncoll A B C; ncoll A B D"),),
    R.ISOSCELES_ANGLES: (_p("eqangle O A A B A B O B", "cong O A O B", "ncoll O A B"),),
    R.ISOSCELES_SIDES: (_p("cong O A O B", "eqangle O A A B A B O B", "ncoll O A B"),),
    R.EQUIDISTANT_PERP: (_p("perp A B P Q", "cong P A P B; cong Q A Q B", "diff A B; diff P Q"),),
    R.THALES_RATIO: tuple(
        _p(c, "para A B C D; coll O A C; coll O B D", "ncoll O A B; diff A C")
        for c in ("eqratio O A O C O B O D", "eqratio O A O C A B C D", "eqratio O A A C O B B D")),
    R.THALES_CONVERSE: tuple(
        _p("para A B C D", f"{h}; coll O A C; coll O B D", "ncoll O A B; diff A C; diff B D")
        for h in ("eqratio O A O C O B O D", "eqratio O A A C O B B D", "eqratio O C C A O D D B")),
    R.TRAPEZOID_THALES: (_p("eqratio M A M D N B N C", "para A B D C; para M N A B; coll A M D; coll B N C",
                            "ncoll A D B; diff A D; diff B C"),),
    R.TRAPEZOID_THALES_CONVERSE: (_p("para M N A B",
                                     "para A B D C; eqratio M A M D N B N C; coll A M D; coll B N C",
                                     "ncoll A D B; diff A D; diff B C"),),
    R.RATIO_FROM_BISECTOR: (_p("eqratio D B D C A B A C", "eqangle A B A D A D A C; coll D B C",
                               "ncoll A B C; diff D B; diff D C"),),
    R.BISECTOR_FROM_RATIO: (_p("eqangle A B A D A D A C", "eqratio D B D C A B A C; coll D B C",
                               "ncoll A B C; diff D B; diff D C"),),
    R.CYCLIC_EQUAL_CHORDS: (_p("cong A B P Q", "cyclic A B P Q X Y; eqangle X A X B Y P Y Q",
                               "diff X A; diff X B; diff Y P; diff Y Q; diff A B; diff P Q"),),
    R.INSCRIBED_RADIUS_ANGLE: (_p("eqangle A B A C B O B C 1/2", "cong O A O B; cong O A O C",
                                  "diff A B; diff A C; diff B C; diff O B"),),
    R.ISOSCELES_TRAPEZOID: (_p("cyclic A B C D", "para A B D C; cong A D B C", "npara A D B C; ncoll A B C"),),
    R.INSCRIBED_ANGLE_CONVERSE: (_p("cong O X O V", "cong O X O Y; eqangle V X V Y X O X Y 1/2",
                                    "diff V X; diff V Y; diff X Y"),),
    R.PROJECTED_MIDPOINT: (_p("cong M F M G", "midp M A B; perp A F F G; perp B G F G", "diff F G"),
                           _p("cong M F M G", "midp M F B; perp B G F G", "diff F G"),
                           _p("cong M F M G", "midp M A G; perp A F F G", "diff F G")),
    R.BISECTOR_FOOT_MIDLINE: (_p("para C E B D", "perp A C B C; eqangle B A B C B C B D; midp E A D",
                                 "ncoll A B D; diff C B"),),
    R.STRIP_MIDLINE: (_p("cong C E C D", "cong C A C B; perp A E A B; perp B D A B; coll E C D",
                         "diff A B; diff A E; diff B D"),),
    R.BISECTOR_FEET_PARALLEL: (_p("para D E A B", "perp C D B D; eqangle B A B D B D B C; "
                                  "perp C E A E; eqangle A B A E A E A C", "ncoll A B C; diff D E"),),
    R.CIRCLE_CENTER: (_p("cong O A O C", "cong O A O B; cong O C O D; cyclic A B C D",
                         "diff A B; diff C D; npara A B C D"),
                      _p("cong O A O D", "cong O A O B; cong O A O C; cyclic A B C D", "ncoll A B C")),
    R.RADICAL_AXIS: (_p("cyclic A B P Q", "cong D A D H; cong D B D H; cong E P E H; cong E Q E H; "
                        "coll C A B; coll C P Q; perp C H D E",
                        "diff D E; diff C H; diff A B; diff P Q; ncoll A B P"),),
    R.TANGENT_RADICAL_CENTRE: (_p("eqangle Y D D B C D C B",
                                  "cyclic B C E F; coll Y B C; coll Y E F; tangent D B C E F",
                                  "distinct B C E F; ncyclic B C E D; ncoll D B C; ncoll D E F; diff Y D"),),
    R.RADICAL_CENTRE: (_p("coll Z R S", "cyclic P Q R S; cyclic P Q U V; cyclic U V R S; coll Z P Q; coll Z U V",
                          "distinct P Q R S U V; ncyclic P Q R U; ncyclic U V R P"),),
    R.TANGENT_CIRCLES: tuple(
        _p(c, "cyclic U V W X; cyclic P Q R X; para U V P Q; eqangle U P V Q W U W V; "
              "eqangle U P V Q R P R Q",
           "diff U P; diff U V; diff P Q; diff V Q; npara U P V Q; ncoll U V Q; ncoll V U P; "
           "ncoll P V Q; ncoll Q U P; ncoll U V W; ncoll P Q R")
        for c in ("coll X U P", "coll X V Q")),
    R.MENELAUS: (_p("triratio A B C D E F", "coll B C D; coll C A E; coll A B F; coll D E F",
                    "ncoll A B C; diff D B; diff D C; diff E C; diff E A; diff F A; diff F B"),),
    R.CEVA: (_p("triratio A B C D E F",
                "coll B C D; coll C A E; coll A B F; coll A P D; coll B P E; coll C P F",
                "ncoll A B C; diff D B; diff D C; diff E C; diff E A; diff F A; diff F B; "
                "diff P A; diff P B; diff P C"),),
    R.SIMTRI_AA: (_p("simtri A B C P Q R", _SIM_AA, "ncoll A B C"),
                  _p("simtri A B C P Q R", "simtri A B C P Q R")),
    R.SIMTRIR_AA: (_p("simtrir A B C P Q R", _SIMR_AA, "ncoll A B C"),),
    R.SIMTRI_SAS: (_p("simtri A B C P Q R", "eqangle B A B C Q P Q R; eqratio B A Q P B C Q R",
                      "ncoll A B C"),
                   _p("simtrir A B C P Q R", "eqangle B A B C Q R Q P; eqratio B A Q P B C Q R",
                      "ncoll A B C")),
    R.SIMTRI_SSS: tuple(_p(f"{s} A B C P Q R", "eqratio A B P Q B C Q R; eqratio A B P Q C A R P",
                           "ncoll A B C") for s in ("simtri", "simtrir")),
    R.SIMTRI_SIDES: (_p("eqratio A B P Q B C Q R", "simtri A B C P Q R"),
                     _p("eqratio A B P Q B C Q R", "simtrir A B C P Q R")),
    R.SIMTRI_ANGLES: (_p("eqangle B A B C Q P Q R", "simtri A B C P Q R"),
                      _p("eqangle B A B C Q R Q P", "simtrir A B C P Q R")),
    R.CONTRI_SIDES: tuple(
        _p(c, f"{s} A B C P Q R; cong {x}")
        for c in ("cong A B P Q", "contri A B C P Q R", "contrir A B C P Q R")
        for s in ("simtri", "simtrir") for x in ("A B P Q", "B C Q R", "C A R P")),
}
"""Rules the engine fires, each with the patterns a step may instantiate. A step whose rule is
missing here (or whose patterns do not fit) is rejected."""
