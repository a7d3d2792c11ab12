"""The one text form of a lemma: written by `format_lemma`, read back by `parse_lemma`.

    Lemma 3: statement
    Proof 3:
    Step 1: first step
    Step 2: second step

Steps count from 1 wherever a person or a model reads them; stored votes keep the 0-based
index of the step (`step_number` turns one into the other). Model answers wrap each lemma in
`<lemma>...</lemma>`; `parse_lemma` also reads the older forms found in stored runs
(`**Lemma 3:**`, `* **Step 1:**`, a proof written as prose).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lemmata.memory.lemmas.records import LemmaDraft

MAX_STEPS_PER_PROOF = 200

LEMMA_HEAD = re.compile(r"^\W*Lemma\s+(-?\d+(?:-fixed)?)\s*(?:\([^)\n]*\))?\s*[:.]\W*", re.I)
PROOF_HEAD = re.compile(r"^\W*Proof(?:\s+-?\d+(?:-fixed)?)?\s*[:.]\W*", re.I | re.M)
STEP_HEAD = re.compile(r"^\W*Step\s+(\d+)\s*[:.]\W*\s*", re.I)
CITATION = re.compile(r"Lemma\s+(\d+(?:-fixed)?)", re.I)


class LemmaFormatError(ValueError):
    """A lemma's text is not in the lemma form (no "Lemma N:" head, no statement, an empty proof)."""


def format_lemma(number: str, statement: str, steps: Sequence[str], notes: str = "") -> str:
    """A lemma in the one text form; `notes` (its score, its origin) go in parentheses after the number."""
    head = f"Lemma {number}" + (f" ({notes})" if notes else "")
    lines = [f"{head}: {statement.strip()}"]
    if steps:
        lines.append(f"Proof {number}:")
        lines.extend(f"Step {index}: {step.strip()}" for index, step in enumerate(steps, 1))
    return "\n".join(lines)


def step_number(index: int | None) -> str:
    """A stored 0-based step index as people and models count steps (from 1); ? when none is named."""
    return "?" if index is None or index < 0 else str(index + 1)


def parse_lemma(block: str, require_proof: bool = True) -> LemmaDraft:
    """A lemma from its text form; without a proof it is an unproven draft (or an error if one is required)."""
    block = block.strip()
    head = LEMMA_HEAD.match(block)
    if head is None:
        raise LemmaFormatError(f"a lemma block does not start with 'Lemma N:' ({block[:60]!r})")
    number = head.group(1)
    body = block[head.end():]
    proof = PROOF_HEAD.search(body)
    if proof is None:
        if require_proof:
            raise LemmaFormatError(f"lemma {number} has no proof")
        return LemmaDraft(number, body.strip(), proven=False)
    statement = body[: proof.start()].strip()
    if not statement:
        raise LemmaFormatError(f"lemma {number} has no statement")
    steps = _steps(body[proof.end():])
    if not steps:
        raise LemmaFormatError(f"lemma {number} has a proof with no steps")
    citations = [[c for c in _citations(step) if c != number] for step in steps]
    return LemmaDraft(number, statement, steps, citations)


def _steps(proof: str) -> list[str]:
    steps: list[str] = []
    for line in proof.splitlines():
        head = STEP_HEAD.match(line)
        if head:
            steps.append(line[head.end():].strip())
        elif line.strip() and steps:
            steps[-1] = f"{steps[-1]}\n{line.strip()}"
        elif line.strip():
            steps.append(line.strip())  # a proof written as prose is one step
        if len(steps) > MAX_STEPS_PER_PROOF:
            raise LemmaFormatError(f"a proof with more than {MAX_STEPS_PER_PROOF} steps")
    return [s.strip("* ").strip() for s in steps if s.strip("* ").strip()]


def _citations(step: str) -> list[str]:
    seen: dict[str, None] = {}
    for number in CITATION.findall(step):
        seen.setdefault(number, None)
    return list(seen)
