"""Builds `answer_cases.jsonl`: labelled (gold, response, expected) cases for the answer-checking bench.

Two parts, one seed:
- documented edge cases of answer checkers (Math-Verify issues and our known failure modes),
  each with `failure_mode` naming the mode and `source` naming where it is documented;
- competition answer formats: every AIME/HMMT 2025 answer and a seeded sample of MATH-500
  answers, each written into a realistic response, as positives (same answer, other
  notation) and negatives (a changed value, reversed tuple, dropped list item, another
  problem's answer).

Run `python -m bench.data.make_answer_cases DATASETS_DIR` to rewrite the file (deterministic), where
DATASETS_DIR holds the source sets (aime_2025.jsonl, hmmt_feb_2025.jsonl, math500.jsonl): development
material, read only here; the bench itself reads the shipped answer_cases.jsonl.
"""

from __future__ import annotations

import json
import random
import re
import sys
from fractions import Fraction
from pathlib import Path

SEED = 20250807
OUT = Path(__file__).parent / "answer_cases.jsonl"
MATH500_SAMPLE = 220

TEMPLATES = [
    "We simplify step by step and check the result.\n\nTherefore, the answer is $\\boxed{{{}}}$.",
    "Putting everything together gives the result.\n\nThe final answer is ${}$. I hope it is correct.",
    "Verifying the cases above, nothing else works.\n\n**Final Answer**\n\\[\n\\boxed{{{}}}\n\\]",
    "So the required value is found.\n\nAnswer: ${}$",
]


def response(answer: str, rng: random.Random) -> str:
    return rng.choice(TEMPLATES).format(answer)


def case(gold: str, resp: str, expected: str, why: str, source: str, *, question: str | None = None, mode: str | None = None) -> dict:
    row = {"gold": gold, "response": resp, "expected": expected, "why": why, "source": source, "failure_mode": mode}
    if question:
        row["question"] = question
    return row


def documented_cases(rng: random.Random) -> list[dict]:
    """Known failure modes and reported edge cases, several instances per mode."""
    rows: list[dict] = []
    boxed = lambda answer: f"Hence the answer is $\\boxed{{{answer}}}$."  # noqa: E731
    # tiny or huge magnitudes passing by rounding
    for value, wrong in (("\\frac{1}{3000000}", "0.0000003"), ("\\frac{1}{7000000}", "0.0000001"), ("10^{-8}", "0")):
        rows.append(case(value, boxed(wrong), "incorrect", "six-decimal rounding hides a large relative error", "our failure mode list", mode="magnitude"))
    rows.append(case("10^{30}", boxed("10^{30}"), "correct", "huge value, same", "our failure mode list", mode="magnitude"))
    # ordered tuples compared as sets; multiplicity
    order_q = "Find all solutions and list them in increasing order, separated by commas."
    for gold, answer in (("1, 3, 5", "5, 3, 1"), ("-2, 1", "1, -2"), ("2, 7, 9", "9, 2, 7")):
        rows.append(case(gold, boxed(answer), "incorrect", "the question asks for an order", "our failure mode list", question=order_q, mode="ordered_tuple"))
        rows.append(case(gold, boxed(gold.replace(", ", ",")), "correct", "same order", "our failure mode list", question=order_q, mode="ordered_tuple"))
    for gold, answer in (("1, 1, 2", "1, 2"), ("3, 3", "3"), ("-1, -1, 4", "-1, 4")):
        rows.append(case(gold, boxed(answer), "incorrect", "a repeated root dropped; sets ignore multiplicity", "our failure mode list", mode="ordered_tuple"))
    # a list accepted because one element matches
    for gold, answer in (("3", "3, 4"), ("5", "\\{5, 7\\}"), ("12", "12 \\text{ or } 13"), ("2", "x = 2 \\text{ or } x = -2")):
        rows.append(case(gold, boxed(answer), "incorrect", "a list is not one value", "our failure mode list", mode="list_one_element"))
    rows.append(case("3", "It is either $\\boxed{3}$ or $\\boxed{4}$.", "incorrect", "two boxed candidates", "our failure mode list", mode="list_one_element"))
    # plain-text answers rejected
    for gold, answer in (
        ("\\frac{\\pi}{2}", "pi/2"), ("e^{16}", "exp(16)"), ("3\\sqrt{2}", "3*sqrt(2)"), ("\\frac{\\sqrt{3}}{2}", "sqrt(3)/2"),
        ("2\\pi", "2*pi"), ("\\ln 2", "ln(2)"), ("\\frac{\\pi}{4}", "pi/4"), ("\\sqrt{5}-1", "sqrt(5) - 1"),
    ):
        rows.append(case(gold, f"Working it through, the final answer is {answer}", "correct", "plain-text notation", "our failure mode list", mode="plain_text"))
    for gold, answer in (("\\frac{\\pi}{2}", "pi/3"), ("e^{16}", "exp(15)"), ("3\\sqrt{2}", "2*sqrt(3)"), ("2\\pi", "pi^2")):
        rows.append(case(gold, f"Working it through, the final answer is {answer}", "incorrect", "plain text, wrong value", "our failure mode list", mode="plain_text"))
    # interval notation
    rows += [
        case("[2, 5)", boxed("[2, 5]"), "incorrect", "interval endpoint", "interval notation"),
        case("(-\\infty, 3] \\cup (4, 5)", boxed("(-\\infty,3]\\cup(4,5)"), "correct", "union of intervals", "interval notation"),
    ]
    return rows + notation_cases() + held_out_cases()


NOTATION = "answer notation: our own pairs for the conventions competition answers are written in"
NOTATION_PAIRS = [
    # (gold, answer, expected, why)
    ("\\frac{1}{2}", "\\frac12", "correct", "fraction without braces"),
    ("\\frac{\\sqrt{3}}{2}", "\\frac{1}{2}\\sqrt{3}", "correct", "coefficient moved"),
    ("\\sqrt{3}", "\\sqrt3", "correct", "sqrt without braces"),
    ("2\\sqrt{2}", "\\sqrt{8}", "correct", "unsimplified radical"),
    ("\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}", "correct", "unrationalised denominator"),
    ("10", "10\\text{ inches}", "correct", "units in \\text"),
    ("5", "5 \\text{ cm}", "correct", "units with space"),
    ("45", "45^\\circ", "correct", "degree sign"),
    ("45", "45^{\\circ}", "correct", "degree sign in braces"),
    ("25\\%", "25", "correct", "percent dropped"),
    ("0.25", "25\\%", "correct", "percent vs decimal"),
    ("\\frac{5}{2}", "2.5", "correct", "decimal of fraction"),
    ("2\\frac{1}{2}", "\\frac{5}{2}", "correct", "mixed number"),
    ("1000000", "10^6", "correct", "power of ten"),
    ("3 \\times 10^{5}", "300000", "correct", "scientific notation"),
    ("x^2+7x+10", "(x+2)(x+5)", "correct", "factored form, no form asked"),
    ("4 + 3i", "3i + 4", "correct", "complex number order"),
    ("-\\frac{1}{3}", "\\frac{-1}{3}", "correct", "sign placement"),
    ("-\\frac{1}{3}", "-0.\\overline{3}", "correct", "repeating decimal"),
    ("\\{1, 2, 3\\}", "\\{3, 2, 1\\}", "correct", "set in another order"),
    ("[-2, 3]", "-2 \\le x \\le 3", "correct", "interval as inequality"),
    ("(-\\infty, 0)", "x < 0", "correct", "half-line as inequality"),
    ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "correct", "column vector"),
    ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}", "incorrect", "column vector entries swapped"),
    ("y = 2x + 3", "2x + 3", "correct", "equation vs right-hand side"),
    ("y = 2x + 3", "y = 3x + 2", "incorrect", "different line"),
    ("\\frac{1}{2}", "\\frac{2}{4}", "correct", "unreduced fraction, no form asked"),
    ("\\pi", "3.14159265", "correct", "decimal of pi, eight digits"),
    ("\\pi", "3.14", "incorrect", "decimal of pi, too rough"),
    ("\\sqrt{2}", "1.41421356", "correct", "decimal of a root"),
    ("\\frac{1}{7}", "0.142857", "correct", "six-digit decimal"),
    ("\\frac{2}{3}", "0.67", "incorrect", "two-digit decimal"),
    ("-5", "5", "incorrect", "sign dropped"),
    ("\\frac{3}{4}", "\\frac{4}{3}", "incorrect", "reciprocal"),
    ("\\sqrt{2}", "2", "incorrect", "root dropped"),
    ("2\\pi", "2", "incorrect", "pi dropped"),
    ("\\frac{\\pi}{3}", "60", "incorrect", "degrees where radians asked"),
    ("x^2+7x+10", "(x+2)(x+6)", "incorrect", "wrong factor"),
    ("(1, -2)", "(1, 2)", "incorrect", "sign of a coordinate"),
    ("\\{1, 2, 3\\}", "\\{1, 2\\}", "incorrect", "set missing an element"),
    ("[-2, 3]", "(-2, 3)", "incorrect", "closed vs open interval"),
    ("e^{2}", "2e", "incorrect", "power vs product"),
    ("8", "2^3", "correct", "power of two"),
    ("12", "\\binom{4}{2} \\cdot 2", "correct", "unevaluated combinatorics"),
    ("24", "4!", "correct", "factorial"),
    ("\\text{(B)}", "\\textbf{(B)}", "correct", "bold choice"),
    ("\\text{(B)}", "B", "correct", "bare choice letter"),
    ("\\text{Monday}", "\\text{monday}", "correct", "case of a word"),
    ("\\text{Monday}", "\\text{Tuesday}", "incorrect", "different word"),
]


HELD_OUT = "held-out: written after the checker was tuned, first run reported as is"
HELD_OUT_CASES = [
    # (gold, full response, expected, why)
    ("\\frac{7}{12}", "Adding, $\\frac{1}{3}+\\frac{1}{4}=\\boxed{\\dfrac{7}{12}}$.", "correct", "dfrac in a boxed equation"),
    ("\\frac{7}{12}", "Adding gives $\\boxed{\\frac{7}{12}}$... wait, recheck: it is $\\boxed{\\frac{5}{12}}$.", "incorrect", "second thoughts in one paragraph"),
    ("17", "We try $n=16$ and $n=17$; only $n=17$ works. **Answer: 17**", "correct", "bold answer line"),
    ("17", "So $n = \\boxed{17}$ is the smallest.", "correct", "assignment inside the box"),
    ("-3", "The root is $x=\\boxed{-3}$.", "correct", "negative in assignment"),
    ("-3", "The root is $x=\\boxed{3}$.", "incorrect", "sign lost"),
    ("\\frac{1}{4}", "The probability is $\\boxed{25\\%}$.", "correct", "percent for probability"),
    ("\\frac{1}{4}", "The probability is $\\boxed{0.26}$.", "incorrect", "close decimal"),
    ("6\\sqrt{3}", "The area is $\\boxed{6\\sqrt3}$ square units.", "correct", "sqrt without braces plus words"),
    ("6\\sqrt{3}", "The area is $\\boxed{10.392}$.", "incorrect", "rounded decimal of a surd"),
    ("\\frac{\\pi}{6}", "The angle is $\\boxed{30^\\circ}$.", "incorrect", "degrees vs radians (value differs)"),
    ("30^\\circ", "The angle is $\\boxed{30}$.", "correct", "degree sign omitted"),
    ("(2, -1)", "The intersection point is $\\boxed{(2,-1)}$.", "correct", "tuple spacing"),
    ("(2, -1)", "The intersection point is $\\boxed{(-1, 2)}$.", "incorrect", "tuple reversed"),
    ("(2, -1)", "So $x = 2$ and $y = -1$, i.e. the point $\\boxed{x=2, y=-1}$.", "correct", "tuple as assignments"),
    ("1, 3", "The solutions are $x = 1$ and $x = 3$, so $\\boxed{3, 1}$.", "correct", "unordered solutions"),
    ("1, 3", "The solutions are $\\boxed{1}$ and $\\boxed{3}$.", "correct", "two boxes for two solutions"),
    ("1, 3", "The solutions are $\\boxed{1, 2, 3}$.", "incorrect", "extra solution"),
    ("\\text{(D)}", "Therefore the correct option is $\\boxed{\\text{D}}$.", "correct", "choice in text"),
    ("\\text{(D)}", "Therefore the correct option is $\\boxed{(A)}$.", "incorrect", "wrong choice"),
    ("\\text{yes}", "Yes, such a function exists: $\\boxed{\\text{Yes}}$.", "correct", "boolean word"),
    ("\\text{yes}", "No such function exists, so the answer is $\\boxed{\\text{No}}$.", "incorrect", "boolean word"),
    ("2^{2025}", "Hence the count is $\\boxed{2^{2025}}$.", "correct", "huge power as written"),
    ("2^{2025}", "Hence the count is $\\boxed{2^{2024}}$.", "incorrect", "huge power off by one exponent"),
    ("2^{2025} - 1", "Hence the count is $\\boxed{2^{2025}}$.", "incorrect", "huge power off by one"),
    ("\\binom{10}{3}", "This gives $\\boxed{120}$.", "correct", "binomial evaluated"),
    ("\\frac{3+\\sqrt{5}}{2}", "The ratio is $\\boxed{\\frac{3}{2}+\\frac{\\sqrt5}{2}}$.", "correct", "split fraction"),
    ("\\frac{3+\\sqrt{5}}{2}", "The ratio is $\\boxed{\\frac{3-\\sqrt5}{2}}$.", "incorrect", "conjugate"),
    ("\\frac{3+\\sqrt{5}}{2}", "The ratio is $\\boxed{\\left(\\frac{1+\\sqrt5}{2}\\right)^2}$.", "correct", "square of the golden ratio"),
    ("\\sqrt{2}+\\sqrt{3}", "So the value is $\\boxed{\\sqrt{5+2\\sqrt{6}}}$.", "correct", "nested radical"),
    ("\\log_2 5", "So $x = \\boxed{\\frac{\\ln 5}{\\ln 2}}$.", "correct", "change of base"),
    ("\\log_2 5", "So $x = \\boxed{\\log_5 2}$.", "incorrect", "inverted base"),
    ("3", "The answer is 3 apples.", "correct", "plain sentence with units"),
    ("3", "Let's see: $1+2=3$. So the final answer is 4.", "incorrect", "final statement differs from earlier maths"),
    ("3", "I'm sorry, but I can't help with that.", "incorrect", "refusal (label C)"),
    ("3", "", "incorrect", "empty response (label C)"),
    ("x^2 - 4", "Expanding, $\\boxed{(x-2)(x+2)}$.", "correct", "factored, no form asked"),
    ("2x + 1", "The derivative is $\\boxed{2x+1}$ for all $x$.", "correct", "expression with trailing words"),
    ("2x + 1", "The derivative is $\\boxed{2t+1}$.", "incorrect", "wrong variable"),
    ("\\infty", "The sum diverges, so the answer is $\\boxed{\\infty}$.", "correct", "infinity"),
    ("\\{2, 4, 6\\}", "$S = \\boxed{\\{6, 4, 2\\}}$", "correct", "set as assignment"),
    ("[1, \\infty)", "so $x \\ge 1$, i.e. $\\boxed{[1,\\infty)}$.", "correct", "half-line interval"),
    ("[1, \\infty)", "so $\\boxed{(1,\\infty)}$.", "incorrect", "open endpoint"),
    ("0.5", "We get $\\boxed{\\frac{1}{2}}$.", "correct", "fraction for decimal gold"),
    ("1.25", "We get $\\boxed{\\frac{5}{4}}$.", "correct", "fraction for decimal gold"),
    ("1.25", "We get $\\boxed{1.2}$.", "incorrect", "truncated decimal"),
    ("12:00", "They meet at $\\boxed{12:00}$.", "correct", "time of day"),
    ("\\$4.50", "The cost is $\\boxed{\\$4.50}$.", "correct", "money"),
    ("\\$4.50", "The cost is $\\boxed{\\$4.05}$.", "incorrect", "money digits swapped"),
    ("5\\sqrt{2}", "distance $= \\sqrt{50} = \\boxed{5\\sqrt{2}}$", "correct", "chain in the box line"),
]


HELD_OUT_2 = "second held-out set: written after all tuning, reported from its first run"
HELD_OUT_2_CASES = [
    ("\\frac{9}{4}", "Thus $a+b = \\boxed{2\\frac{1}{4}}$.", "correct", "mixed number"),
    ("\\frac{9}{4}", "Thus $a+b = \\boxed{2.25}$.", "correct", "decimal"),
    ("\\frac{9}{4}", "Thus $a+b = \\boxed{\\frac{9}{5}}$.", "incorrect", "wrong denominator"),
    ("336", "There are $8 \\cdot 7 \\cdot 6 = \\boxed{336}$ ways.", "correct", "product then box"),
    ("336", "There are $\\boxed{8 \\cdot 7 \\cdot 6}$ ways.", "correct", "unevaluated product"),
    ("336", "There are $\\boxed{8!/5!}$ ways.", "correct", "factorial quotient"),
    ("336", "There are $\\boxed{\\binom{8}{3}}$ ways.", "incorrect", "combinations, not permutations"),
    ("\\frac{1}{\\sqrt{2}}", "So $\\cos\\theta = \\boxed{\\frac{\\sqrt{2}}{2}}$.", "correct", "rationalised"),
    ("-\\frac{\\sqrt{3}}{2}", "So $\\sin\\theta = \\boxed{\\frac{\\sqrt{3}}{2}}$.", "incorrect", "sign"),
    ("(-1, 4)", "The vertex is at $\\boxed{(-1,4)}$.", "correct", "vertex"),
    ("(-1, 4)", "The vertex is at $\\boxed{(-1,-4)}$.", "incorrect", "vertex sign"),
    ("(3, 4, 5)", "The triple is $\\boxed{(3,4,5)}$.", "correct", "triple"),
    ("(3, 4, 5)", "The triple is $\\boxed{(4,3,5)}$.", "incorrect", "triple order"),
    ("-1, 2, 5", "The zeros are $\\boxed{5, -1, 2}$.", "correct", "zeros in any order"),
    ("-1, 2, 5", "The zeros are $\\boxed{-1, 2}$.", "incorrect", "missing zero"),
    ("\\text{(E)}", "The answer is $\\boxed{E}$.", "correct", "choice letter"),
    ("\\text{(E)}", "The answer is $\\boxed{\\text{(A)}}$.", "incorrect", "choice letter"),
    ("\\text{no}", "Hence it is impossible; the answer is $\\boxed{\\text{No}}$.", "correct", "no"),
    ("11", "Checking small cases, the minimum is **11**.", "correct", "bold without anchor"),
    ("11", "So the minimum is $11$, achieved at $x = 3$.", "correct", "the last maths span is not the answer"),
    ("0", "All terms cancel and we are left with $\\boxed{0}$.", "correct", "zero"),
    ("0", "All terms cancel and we are left with $\\boxed{10^{-12}}$.", "incorrect", "tiny but not zero"),
    ("\\frac{1}{2^{50}}", "The probability is $\\boxed{2^{-50}}$.", "correct", "negative exponent"),
    ("\\frac{1}{2^{50}}", "The probability is $\\boxed{2^{-49}}$.", "incorrect", "tiny, off by a factor 2"),
    ("4\\pi", "The area is $\\boxed{4\\pi}$ square units.", "correct", "pi"),
    ("4\\pi", "The area is $\\boxed{12.566}$.", "incorrect", "rounded pi multiple"),
    ("4\\pi", "The area is $\\boxed{\\pi \\cdot 2^2}$.", "correct", "unevaluated"),
    ("y = -2x + 5", "The line is $\\boxed{2x + y = 5}$.", "correct", "rearranged line"),
    ("y = -2x + 5", "The line is $\\boxed{y = 2x - 5}$.", "incorrect", "different line"),
    ("x^3 - 3x + 2", "So $p(x) = \\boxed{(x-1)^2(x+2)}$.", "correct", "factored polynomial"),
    ("x^3 - 3x + 2", "So $p(x) = \\boxed{(x-1)(x+2)^2}$.", "incorrect", "wrong multiplicity"),
    ("\\sqrt[3]{2}", "so $x = \\boxed{2^{1/3}}$.", "correct", "cube root as power"),
    ("e", "The limit equals $\\boxed{e}$.", "correct", "Euler's number"),
    ("e", "The limit equals $\\boxed{1}$.", "incorrect", "Euler's number"),
    ("20\\%", "The increase is $\\boxed{20\\%}$.", "correct", "percent"),
    ("20\\%", "The increase is $\\boxed{0.2}$.", "correct", "percent as decimal"),
    ("20\\%", "The increase is $\\boxed{25\\%}$.", "incorrect", "percent differs"),
    ("1010", "Pairing terms gives $\\boxed{1,010}$.", "correct", "thousands separator"),
    ("2^{11} - 1", "The total is $\\boxed{2047}$.", "correct", "evaluated power"),
    ("2^{11} - 1", "The total is $\\boxed{2048}$.", "incorrect", "off by one"),
]


def held_out_cases() -> list[dict]:
    first = [case(gold, text, expected, why, HELD_OUT, mode="held_out") for gold, text, expected, why in HELD_OUT_CASES]
    second = [case(gold, text, expected, why, HELD_OUT_2, mode="held_out_2") for gold, text, expected, why in HELD_OUT_2_CASES]
    return first + second


def notation_cases() -> list[dict]:
    rows = []
    for gold, answer, expected, why in NOTATION_PAIRS:
        rows.append(case(gold, f"After simplifying, we obtain $\\boxed{{{answer}}}$.", expected, why, NOTATION, mode="notation"))
    return rows


def variants(gold: str, rng: random.Random) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(positives, negatives) as (answer, why) pairs for one gold answer."""
    positives = [(gold, "gold as written")]
    negatives: list[tuple[str, str]] = []
    if re.fullmatch(r"-?\d+", gold):
        value = int(gold)
        negatives += [(str(value + 1), "off by one"), (str(value * 10 if value else 7), "wrong magnitude")]
        if abs(value) >= 1000:
            positives.append((f"{value:,}", "thousands separator"))
    elif match := re.fullmatch(r"\\[dt]?frac\{(\d+)\}\{(\d+)\}", gold):
        top, bottom = int(match.group(1)), int(match.group(2))
        positives.append((f"{top}/{bottom}", "plain fraction"))
        decimal = Fraction(top, bottom)
        if (decimal * 10**6).denominator == 1:
            positives.append((str(float(decimal)), "terminating decimal"))
        if top != bottom:
            negatives.append((f"\\frac{{{bottom}}}{{{top}}}", "reciprocal"))
        negatives.append((f"\\frac{{{top + 1}}}{{{bottom}}}", "numerator off by one"))
    elif gold.startswith(("\\left(", "(")) and gold.endswith(")") and "\\cup" not in gold:
        inner = re.sub(r"^\\left\(|\\right\)$|^\(|\)$", "", gold).strip()
        items = [item.strip() for item in inner.split(",")]
        if len(items) >= 2 and len(set(items)) == len(items) and inner.count("(") == inner.count(")"):
            positives.append(("(" + ", ".join(items) + ")", "tuple without \\left"))
            negatives.append(("(" + ", ".join(reversed(items)) + ")", "tuple in reverse order"))
    elif "," in gold and not re.search(r"[\[\]()\\{}]", gold) and not re.fullmatch(r"\d{1,3}(,\d{3})+", gold):
        items = [item.strip() for item in gold.split(",")]
        if len(set(items)) == len(items) >= 2:
            positives.append((", ".join(reversed(items)), "unordered list in another order"))
            negatives.append((", ".join(items[:-1]), "list missing an element"))
    elif gold.startswith("\\text{") and not re.search(r"\([A-E]\)", gold):
        positives.append((gold[6:-1], "word without \\text"))
    if gold.startswith("\\dfrac") or "\\dfrac" in gold:
        positives.append((gold.replace("\\dfrac", "\\frac"), "dfrac as frac"))
    return positives, negatives


def competition_cases(rng: random.Random, datasets: Path) -> list[dict]:
    rows: list[dict] = []
    problems = []
    for name in ("aime_2025.jsonl", "hmmt_feb_2025.jsonl"):
        problems += [json.loads(line) for line in (datasets / name).open()]
    math500 = [json.loads(line) for line in (datasets / "math500.jsonl").open()]
    problems += rng.sample(math500, MATH500_SAMPLE)
    golds = [problem["answer"] for problem in problems]
    for problem in problems:
        gold, question = problem["answer"], problem["problem"]
        positives, negatives = variants(gold, rng)
        if re.search(r"fraction|simplest|form", question, re.IGNORECASE):
            positives = [(answer, why) for answer, why in positives if why not in ("terminating decimal", "plain fraction")]
        for answer, why in positives:
            rows.append(case(gold, response(answer, rng), "correct", why, problem["id"], question=question))
        if not negatives:
            other = rng.choice([g for g in golds if re.sub(r"\s", "", g) != re.sub(r"\s", "", gold)])
            negatives.append((other, "another problem's answer"))
        for answer, why in negatives:
            rows.append(case(gold, response(answer, rng), "incorrect", why, problem["id"], question=question))
    return rows


def main() -> None:
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        sys.exit("usage: python -m bench.data.make_answer_cases DATASETS_DIR (with aime_2025.jsonl, hmmt_feb_2025.jsonl, math500.jsonl)")
    rng = random.Random(SEED)
    rows = documented_cases(rng) + competition_cases(rng, Path(sys.argv[1]))
    with OUT.open("w", encoding="utf-8") as out:
        for number, row in enumerate(rows):
            out.write(json.dumps({"id": f"case-{number:04d}", **row}, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} cases to {OUT}")


if __name__ == "__main__":
    main()
