"""Size of the library text in the reasoner's prompt for a 200-lemma library, with and without a budget.

    python -m bench.lemma_render_bench [--lemmas 200] [--seed 0]

Lemmas are synthetic but sized like Intern-S1-MO's (a 1-3 sentence statement, 3-8 proof steps of
one or two sentences, citations of earlier lemmas, four verifier votes). Prints the figures and
writes them as JSON to bench/out/lemma_render_bench.json.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from lemmata.memory import (
    CHARS_PER_TOKEN,
    DEFAULT_LIBRARY_BUDGET_TOKENS,
    LemmaDraft,
    LemmaLibrary,
    RunStore,
    VerifierVote,
    estimate_tokens,
)

OUT = Path(__file__).parent / "out" / "lemma_render_bench.json"
VOTES_PER_LEMMA = 4
PINNED, REJECTED = 3, 5

_CLAIMS = [
    "For every integer $n \\geq {a}$, the number $n^{{{b}}} - n$ is divisible by ${c}$.",
    "If $x, y > 0$ satisfy $x + y = {a}$, then $xy \\leq \\frac{{{a}^2}}{{4}}$ with equality iff $x = y$.",
    "In triangle $ABC$ with $\\angle A = {a}^\\circ$, the circumcentre $O$ satisfies $\\angle BOC = {b}^\\circ$.",
    "The sequence $a_{{k+1}} = a_k^2 - {a} a_k + {b}$ is eventually periodic modulo ${c}$.",
    "Let $f: \\mathbb{{R}} \\to \\mathbb{{R}}$ satisfy $f(x + {a}) = f(x) + {b}$; then $f(x) - \\frac{{{b}}}{{{a}}}x$ is ${a}$-periodic.",
]
_STEPS = [
    "Write $n = {a}k + r$ with $0 \\leq r < {a}$ and expand $n^{{{b}}}$ by the binomial theorem.",
    "By Lemma {cite}, every term except the last is a multiple of ${c}$, so it suffices to check the residues.",
    "Apply AM-GM to $x$ and $y$: $\\frac{{x+y}}{{2}} \\geq \\sqrt{{xy}}$, and square both sides.",
    "The inscribed angle theorem gives $\\angle BOC = 2\\angle A$ because $O$ lies inside the triangle.",
    "There are at most ${c}$ residues, so by pigeonhole two terms coincide, and the recursion repeats from there.",
    "Substituting $x \\mapsto x + {a}$ and subtracting gives $g(x + {a}) = g(x)$ for $g(x) = f(x) - \\frac{{{b}}}{{{a}}}x$.",
]


@dataclass(frozen=True)
class RenderFigures:
    lemmas: int
    seed: int
    budget_tokens: int
    chars_per_token: int
    full_chars: int
    full_tokens: int
    budgeted_chars: int
    budgeted_tokens: int
    shown_in_budget: int
    left_out: int
    render_ms: float
    """Median wall time of one budgeted render (reading the library from SQLite included)."""


def build_library(store: RunStore, count: int, rng: random.Random) -> LemmaLibrary:
    library = LemmaLibrary(store, run_id="bench", problem_id="bench-problem")
    for number in range(1, count + 1):
        values = {"a": rng.randint(2, 9), "b": rng.randint(2, 7), "c": rng.randint(3, 97)}
        statement = " ".join(rng.choice(_CLAIMS).format(**values) for _ in range(rng.randint(1, 3)))
        statement += f" (case {number})"  # distinct statements: no deduplication in this bench
        cites = sorted({str(rng.randint(1, number - 1)) for _ in range(rng.randint(0, 2))}) if number > 1 else []
        steps = [rng.choice(_STEPS).format(**values, cite=cites[0] if cites else 1) for _ in range(rng.randint(3, 8))]
        draft = LemmaDraft(str(number), statement, steps, [cites] + [[] for _ in steps[1:]])
        entry, _ = library.add(draft, round=1 + (number - 1) * 8 // count)
        passes = rng.choice([0, 1, 2, 3, 4, 4, 4])
        for index in range(VOTES_PER_LEMMA):
            library.record_vote(entry.id, VerifierVote(-1 if index < passes else 0, "bench vote"))
    entries = library.entries()
    for entry in rng.sample(entries, PINNED):
        library.pin(entry.id)
    for entry in rng.sample([e for e in entries if e.status.value == "active"], REJECTED):
        library.reject(entry.id)
    return library


def measure(count: int, seed: int) -> RenderFigures:
    with tempfile.TemporaryDirectory() as folder:
        store = RunStore(Path(folder) / "bench.db")
        library = build_library(store, count, random.Random(seed))
        full = library.render(budget_tokens=None)
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            budgeted = library.render()
            timings.append((time.perf_counter() - started) * 1000)
        store.close()
    shown = sum(1 for line in budgeted.splitlines() if line.startswith("Lemma "))
    return RenderFigures(
        lemmas=count, seed=seed, budget_tokens=DEFAULT_LIBRARY_BUDGET_TOKENS, chars_per_token=CHARS_PER_TOKEN,
        full_chars=len(full), full_tokens=estimate_tokens(full), budgeted_chars=len(budgeted),
        budgeted_tokens=estimate_tokens(budgeted), shown_in_budget=shown, left_out=count - REJECTED - shown,
        render_ms=round(sorted(timings)[len(timings) // 2], 2),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lemmas", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    figures = measure(args.lemmas, args.seed)
    print(f"{figures.lemmas} lemmas ({REJECTED} rejected, {PINNED} pinned), seed {figures.seed}, "
          f"tokens estimated as chars/{figures.chars_per_token}")
    print(f"  no budget:            {figures.full_chars:>8,} chars  ~{figures.full_tokens:>7,} tokens")
    print(f"  budget {figures.budget_tokens:,} tokens:  {figures.budgeted_chars:>8,} chars  "
          f"~{figures.budgeted_tokens:>7,} tokens  ({figures.shown_in_budget} shown, {figures.left_out} left out)")
    print(f"  budgeted render:      {figures.render_ms} ms (median of 5)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(asdict(figures), indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
