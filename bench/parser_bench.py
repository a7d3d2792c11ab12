"""Time of each parser of untrusted model text on about a megabyte of hostile input.

    python -m bench.parser_bench [--size 1000000]

The fuzz tests (tests/hardening/test_fuzz_parsers.py) check that every parser parses or raises
its documented error; how long that takes is measured here, not asserted there. A parser whose
time grows faster than its input (a backtracking regular expression) shows as seconds instead
of milliseconds. Prints one line per (input, parser) and writes JSON to bench/out/parser_bench.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from lemmata.agent.geometry.actions import parse_action
from lemmata.agent.loop.role_outputs import (
    OutputParseError, parse_lemma_vote, parse_process_verdict, parse_reasoner, parse_summary, split_steps,
)
from lemmata.engines.answers.extract import extract_final_answer

OUT = Path(__file__).parent / "out" / "parser_bench.json"

PARSERS = {
    "reasoner": parse_reasoner,
    "summary": lambda text: parse_summary(text, 5, {"1", "2", "3"}),
    "lemma vote": parse_lemma_vote,
    "process verdict": parse_process_verdict,
    "steps": split_steps,
    "geometry action": parse_action,
    "final answer": extract_final_answer,
}


def hostile_inputs(size: int) -> dict[str, str]:
    """Inputs of about `size` characters that stress nesting, repetition and long runs."""
    def repeat(unit: str) -> str:
        return unit * max(1, size // len(unit))

    return {
        "unclosed boxes": repeat("\\boxed{"),
        "open braces": repeat("{"),
        "unclosed lemma tags": repeat("<lemma>"),
        "many steps": "<lemma>Lemma 1: x\nProof: " + repeat("Step 1: a\n"),
        "many citations": "<lemma>Lemma 1: x\nProof: Step 1: " + repeat("Lemma 2 ") + "</lemma>",
        "step verdicts": repeat("\\box{STEP1}"),
        "long number": "\\box{STEP" + "9" * size + "}",
        "blank lines": "<lemma>Lemma 1: x\nProof:\n" + "\n" * size,
        "whitespace": " " * size + "x",
        "dollar signs": repeat("$x"),
    }


def time_parser(parser, text: str) -> float:
    started = time.perf_counter()
    try:
        parser(text)
    except OutputParseError:
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="characters per input")
    args = parser.parse_args()
    rows = []
    for input_name, text in hostile_inputs(args.size).items():
        for parser_name, function in PARSERS.items():
            seconds = time_parser(function, text)
            rows.append({"input": input_name, "parser": parser_name, "chars": len(text), "seconds": seconds})
            print(f"{input_name:20} {parser_name:16} {seconds * 1000:9.1f} ms")
    slowest = max(rows, key=lambda row: row["seconds"])
    print(f"slowest: {slowest['parser']} on {slowest['input']}: {slowest['seconds']:.2f} s")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"size": args.size, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
