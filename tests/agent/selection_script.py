"""A role-scripted setup for selection across shots: each shot's solution carries a known
quality, and the judge and grader read it (used by tests/agent/test_selection.py)."""

from __future__ import annotations

import itertools
import re

from lemmata.engines.llm.scripted_server import Reply

PROBLEM = "Prove that the sum of two even integers is even."


def solution(quality: int) -> str:
    return (f"## Verdict\ncomplete solution\n\n## Method sketch\nWrite both as 2k.\n\n"
            f"## Detailed solution\nCandidate of quality {quality}: write a = 2k and b = 2m, so a + b = 2(k + m).\n\n"
            "## Conjectures\nnone\n")


def qualities_in(text: str) -> list[int]:
    return [int(q) for q in re.findall(r"Candidate of quality (\d+)", text)]


def reasoner_with_qualities(qualities: list[int]):
    """Shots run concurrently, so the n-th reasoner call (whichever shot makes it) gets the n-th quality."""
    counter = itertools.count()
    return lambda body: Reply(solution(qualities[next(counter)]))


def judge(body: dict) -> Reply:
    """Names the higher quality; equal qualities are a tie; a quality-0 candidate makes it babble."""
    first, second = qualities_in(body["messages"][-1]["content"])
    if 0 in (first, second):
        return Reply("I cannot decide between these.")
    if first == second:
        return Reply("Both are equally good.\nWINNER: TIE\nREASON: the same argument.")
    winner = "A" if first > second else "B"
    return Reply(f"Comparing.\nWINNER: {winner}\nREASON: quality {max(first, second)} is better.")


def grader(body: dict) -> Reply:
    [quality] = qualities_in(body["messages"][-1]["content"])
    return Reply(f"CREDITED: none\nFIRST FATAL ERROR: none\nSCORE: {min(quality, 7)}/7")


def selection_script(qualities: list[int]) -> dict:
    return {
        "reasoner": reasoner_with_qualities(qualities),
        "summarizer": Reply("NO NEW LEMMAS"),
        "verifier": Reply("Each step checks. \\box{STEP-1}"),
        "judge": judge,
        "grader": grader,
    }
