"""Deduction rules as frozen data with permanent ids (the meaning of the shared rules.txt)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class RuleId(str, Enum):
    """Permanent rule ids; r00–r42 follow the numbering of the public rule list."""

    PERP_PERP_PARA = "r00"
    CENTER_CYCLIC = "r01"
    EQANGLE_PARA = "r02"
    CYCLIC_EQANGLE = "r03"
    EQANGLE_CYCLIC = "r04"
    CYCLIC_EQUAL_CHORDS = "r05"
    MIDLINE_PARA = "r06"
    THALES_RATIO = "r07"
    PERP_PERP_EQANGLE = "r08"
    EQANGLE_TRANSITIVE = "r09"
    EQRATIO_TRANSITIVE = "r10"
    BISECTOR_FROM_RATIO = "r11"
    RATIO_FROM_BISECTOR = "r12"
    ISOSCELES_ANGLES = "r13"
    ISOSCELES_SIDES = "r14"
    TANGENT_ANGLE = "r15"
    TANGENT_FROM_ANGLE = "r16"
    CENTER_MIDPOINT_ANGLE = "r17"
    MIDPOINT_FROM_CENTER_ANGLE = "r18"
    RIGHT_TRIANGLE_MEDIAN = "r19"
    DIAMETER_RIGHT_ANGLE = "r20"
    CYCLIC_TRAPEZOID = "r21"
    PERP_BISECTOR_CONG = "r22"
    EQUIDISTANT_PERP = "r23"
    CYCLIC_KITE_PERP = "r24"
    DIAGONALS_BISECT_PARA = "r25"
    PARALLELOGRAM_MIDPOINT = "r26"
    THALES_CONVERSE = "r27"
    PARA_COLL = "r28"
    MIDPOINTS_RATIO = "r29"
    EQANGLE_PERP = "r30"
    EQRATIO_CONG = "r31"
    CONTRI_SSS = "r32"
    CONTRI_SAS = "r33"
    SIMTRI_AA = "r34"
    SIMTRIR_AA = "r35"
    CONTRI_ASA = "r36"
    CONTRIR_ASA = "r37"
    SIMTRI_SSS = "r38"
    SIMTRI_SAS = "r39"
    CONTRI_SSS_RATIO = "r40"
    TRAPEZOID_THALES_CONVERSE = "r41"
    TRAPEZOID_THALES = "r42"
    SIMTRI_SIDES = "s1"
    SIMTRI_ANGLES = "s2"
    CONTRI_SIDES = "s3"
    PERP_FOOT_MIDPOINT = "s4"
    INSCRIBED_RADIUS_ANGLE = "s5"
    ISOSCELES_TRAPEZOID = "s6"
    MENELAUS = "s7"
    INSCRIBED_ANGLE_CONVERSE = "s9"
    PROJECTED_MIDPOINT = "s10"
    BISECTOR_FOOT_MIDLINE = "s11"
    STRIP_MIDLINE = "s12"
    BISECTOR_FEET_PARALLEL = "s13"
    CIRCLE_CENTER = "s14"
    RADICAL_AXIS = "s15"
    SAME_POINT = "s16"
    TANGENT_RADICAL_CENTRE = "s17"
    RADICAL_CENTRE = "s18"
    TANGENT_CIRCLES = "s19"
    CEVA = "s8"
    MIDPOINT_DEF = "m1"
    CIRCLE_DEF = "m2"
    ALGEBRA = "ar"
    CONSTRUCTION = "construction"
    COLL_MERGE = "coll"
    CYCLIC_MERGE = "cyclic"


@dataclass(frozen=True)
class Rule:
    """One rule: its id, what it says (premises ⇒ conclusion) and when it may fire."""

    id: RuleId
    statement: str
    ndg: str = ""
    """Non-degeneracy conditions the matcher checks on the diagram before the rule fires
    ('algebra' when the rule is only ever used through the linear systems, which need none)."""


_STATEMENTS = {
    "r00": "perp A B C D, perp C D E F, ncoll A B E => para A B E F",
    "r01": "cong O A O B, cong O B O C, cong O C O D => cyclic A B C D",
    "r02": "eqangle A B P Q C D P Q => para A B C D",
    "r03": "cyclic A B P Q => eqangle P A P B Q A Q B",
    "r04": "eqangle P A P B Q A Q B, ncoll P Q A B => cyclic A B P Q",
    "r05": "cyclic A B C P Q R, eqangle C A C B R P R Q => cong A B P Q",
    "r06": "midp E A B, midp F A C => para E F B C",
    "r07": "para A B C D, coll O A C, coll O B D => eqratio O A O C O B O D",
    "r08": "perp A B C D, perp E F G H => eqangle A B E F C D G H",
    "r09": "eqangle is transitive",
    "r10": "eqratio is transitive",
    "r11": "eqratio D B D C A B A C, coll D B C => eqangle A B A D A D A C",
    "r12": "eqangle A B A D A D A C, coll D B C => eqratio D B D C A B A C",
    "r13": "cong O A O B, ncoll O A B => eqangle O A A B A B O B",
    "r14": "eqangle A O A B B A B O, ncoll O A B => cong O A O B",
    "r15": "circle O A B C, perp O A A X => eqangle A X A B C A C B",
    "r16": "circle O A B C, eqangle A X A B C A C B => perp O A A X",
    "r17": "circle O A B C, midp M B C => eqangle A B A C O B O M",
    "r18": "circle O A B C, coll M B C, eqangle A B A C O B O M => midp M B C",
    "r19": "perp A B B C, midp M A C => cong A M B M",
    "r20": "circle O A B C, coll O A C => perp A B B C",
    "r21": "cyclic A B C D, para A B C D => eqangle A D C D C D C B",
    "r22": "midp M A B, perp O M A B => cong O A O B",
    "r23": "cong A P B P, cong A Q B Q => perp A B P Q",
    "r24": "cong A P B P, cong A Q B Q, cyclic A B P Q => perp P A A Q",
    "r25": "midp M A B, midp M C D => para A C B D",
    "r26": "midp M A B, para A C B D, para A D B C => midp M C D",
    "r27": "eqratio O A A C O B B D, coll O A C, coll O B D, sameside => para A B C D",
    "r28": "para A B A C => coll A B C",
    "r29": "midp M A B, midp N C D => eqratio M A A B N C C D",
    "r30": "eqangle A B P Q C D U V, perp P Q U V => perp A B C D",
    "r31": "eqratio A B P Q C D U V, cong P Q U V => cong A B C D",
    "r32": "SSS => contri", "r33": "SAS => contri", "r34": "AA => simtri",
    "r35": "AA (reflected) => simtrir", "r36": "ASA => contri", "r37": "ASA (reflected) => contrir",
    "r38": "SSS ratios => simtri", "r39": "SAS ratio => simtri", "r40": "SSS ratio + side => contri",
    "r41": "trapezoid, equal ratios on legs => para", "r42": "trapezoid, para => equal ratios on legs",
    "s1": "simtri => eqratio of sides", "s2": "simtri => eqangle", "s3": "contri => cong of sides",
    "s4": "cong O A O B, coll M A B, perp O M A B => midp M A B",
    "s5": "circle O A B C => ∠(AB,AC) = ∠(BO,BC) + π/2",
    "s6": "para A B C D, cong A D B C, npara A D B C => cyclic A B C D",
    "s7": "D on BC, E on CA, F on AB, coll D E F => BD·CE·AF = DC·EA·FB (Menelaus)",
    "s8": "D on BC, E on CA, F on AB, AD, BE, CF meet at P => BD·CE·AF = DC·EA·FB (Ceva)",
    "s9": "cong O A O B, ∠(CA,CB) = ∠(AO,AB) + π/2 => cong O C O A",
    "s10": "midp M A B, A' and B' the feet of A and B on a line => cong M A' M B'",
    "s11": "eqangle B A B C B C B D, perp A C B C, midp E A D => para C E B D",
    "s12": "cong C A C B, perp A E A B, perp B D A B, coll E C D => cong C E C D",
    "s13": "D, E the feet of C on bisectors at B and at A of triangle ABC => para D E A B",
    "s14": "cong O A O B, cong O C O D, cyclic A B C D, AB ∦ CD => cong O A O C "
           "(O is the centre; likewise from three equal radii)",
    "s15": "circles D(H) ∋ A, B and E(H) ∋ P, Q; C on AB and PQ, CH ⟂ DE (the radical axis) "
           "=> cyclic A B P Q (equal powers of C)",
    "s16": "X and X' stated twice at one position, both on two loci (lines or circles) that cross "
           "there => X' is X: a fact about one holds for the other",
    "s17": "circles DBC and DEF tangent at D (∠(t,DB) = ∠(CD,CB) and ∠(t,DE) = ∠(FD,FE) for one "
           "line t), cyclic B C E F, Y on BC and EF => eqangle Y D D B C D C B (YD is the common "
           "tangent: Y has equal powers YB·YC = YE·YF)",
    "s18": "cyclic P Q R S, cyclic P Q U V, cyclic U V R S, Z on PQ and UV => coll Z R S "
           "(the common chords of three circles concur at their radical centre)",
    "s19": "U, V, W on circle Γ and U', V', W' on circle ω, UV ∥ U'V', ∠(UU',VV') = ∠(WU,WV) = "
           "∠(W'U',W'V'), X on Γ and ω => coll X U U' (the lines meet at S on both circles; the "
           "homothety at S taking U, V to U', V' takes Γ to ω, so they touch at S: X = S)",
    "m1": "coll M A B, cong M A M B => midp M A B", "m2": "cong O A O B, cong O A O C => circle O A B C",
    "ar": "linear combination of the premises (angle or ratio chasing)",
    "construction": "given by the construction", "coll": "points on one line",
    "cyclic": "points on one circle",
}
_ALGEBRA = "algebra (never fired as a rule; its content is a linear equation)"
_NDG = {
    "r00": _ALGEBRA, "r01": "not fired; see m2", "r02": _ALGEBRA,
    "r03": "A, B, P, Q distinct points of one proved circle",
    "r04": "A, B, P, Q distinct, numerically concyclic; A, B, P not collinear",
    "r05": "A ≠ B, P ≠ Q; X ∉ {A, B}, Y ∉ {P, Q} on the same proved circle",
    "r06": "A, B, C distinct", "r07": "O, A, B not collinear (two distinct lines through O); A ≠ C",
    "r08": _ALGEBRA, "r09": _ALGEBRA, "r10": _ALGEBRA,
    "r11": "A, B, C not collinear; D ∉ {B, C}", "r12": "A, B, C not collinear; D ∉ {B, C}",
    "r13": "O, A, B not collinear", "r14": "O, A, B not collinear",
    "r15": _ALGEBRA + "; see s5", "r16": _ALGEBRA + "; see s5", "r17": _ALGEBRA + "; see s5",
    "r18": "not fired", "r19": "A ≠ C; B ∉ {A, C}", "r20": _ALGEBRA + "; see s5", "r21": "not fired",
    "r22": "B ≠ M, A ≠ C", "r23": "A ≠ B, P ≠ Q", "r24": "not fired", "r25": "A ≠ C, B ≠ D",
    "r26": "A, B, C not collinear and A, B, D not collinear (a genuine parallelogram ACBD)",
    "r27": "O, A, B not collinear; A ≠ C, B ≠ D; A, C and B, D on the same side of O (diagram)",
    "r28": "A ≠ B", "r29": _ALGEBRA, "r30": _ALGEBRA, "r31": _ALGEBRA,
    **{f"r{i}": "both triangles non-degenerate (not collinear)" for i in (34, 35, 38, 39)},
    **{f"r{i}": "not fired; congruence is a similarity plus one equal side (s3)" for i in (32, 33, 36, 37, 40)},
    "r41": "A, D, B not collinear (a genuine trapezoid); A ≠ D, B ≠ C",
    "r42": "A, D, B not collinear (a genuine trapezoid); A ≠ D, B ≠ C",
    "s1": "from a similarity (non-degenerate triangles)", "s2": "from a similarity",
    "s3": "from a similarity", "s4": "O ≠ M, A ≠ B", "s5": "A, B, C distinct; O ≠ B",
    "s6": "AD ∦ BC; A, B, C not collinear", "s7": "A, B, C not collinear; D, E, F not vertices",
    "s8": "A, B, C not collinear; D, E, F not vertices; P not a vertex", "s9": "V, X, Y distinct",
    "s10": "the two feet distinct", "s11": "A, B, D not collinear; C ≠ B", "s12": "A ≠ B",
    "s13": "A, B, C not collinear; the two feet distinct",
    "s14": "A ≠ B, C ≠ D, AB ∦ CD (two perpendicular bisectors meet once); A, B, C not collinear",
    "s15": "D ≠ E, C ≠ H; A ≠ B, P ≠ Q (secants, not tangents); A, B, P not collinear (two lines)",
    "s16": "the two loci are different and cross at the point: their other common point (if any) "
           "is numerically elsewhere (not tangent, not one line)",
    "s17": "B, C, E, F distinct; D not on circle BCEF (three distinct circles); D, B, C and D, E, F "
           "not collinear; Y ≠ D",
    "s18": "P, Q, R, S, U, V distinct; U not on circle PQR and P not on circle UVR (three distinct "
           "circles)",
    "s19": "U ≠ U', V ≠ V', UU' ∦ VV' (they meet at one point S); U, V, W and U', V', W' not "
           "collinear; S ∉ {U, V, U', V'} (U ∉ VV', V ∉ UU', U' ∉ VV', V' ∉ UU')",
}
RULES: dict[RuleId, Rule] = {r: Rule(r, _STATEMENTS[r.value], _NDG.get(r.value, "")) for r in RuleId}
