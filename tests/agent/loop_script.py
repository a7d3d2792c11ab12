"""A scripted three-role conversation for the lemma loop (used by tests and the loop benchmark)."""

from __future__ import annotations

import re

from lemmata.engines.llm.scripted_server import Reply

ROUND1 = r"""## Verdict
partial solution

## Method sketch
Look at squares modulo 4 by parity.

## Detailed solution
Even squares are 0 mod 4. I have not finished the odd case.

## Conjectures
none
"""

SUMMARY1 = r"""<lemma>
Lemma 1: If $n$ is an even integer then $n^2 \equiv 0 \pmod 4$.
Proof 1:
Step 1: Write $n = 2k$ with $k$ an integer.
Step 2: Then $n^2 = 4k^2 \equiv 0 \pmod 4$.
</lemma>
<lemma>
Lemma 2: If $n$ is an odd integer then $n^2 \equiv 3 \pmod 4$.
Proof 2:
Step 1: Write $n = 2k+1$, so $n^2 = 4k^2 + 4k + 1$.
Step 2: Hence by Lemma 1 the square is $3 \pmod 4$.
</lemma>
"""

ROUND2 = r"""## Verdict
complete solution

## Method sketch
Lemma 1 handles even $n$; odd $n$ gives 1.

## Detailed solution
By Lemma 1, even squares are $0 \pmod 4$.

Odd squares are $4k(k+1)+1 \equiv 1 \pmod 4$.

So squares take exactly two residues mod 4, and the answer is \boxed{3}.

## Conjectures
none
"""

REVISED = r"""## Verdict
complete solution

## Method sketch
Parity.

## Detailed solution
By Lemma 1, even squares are $0 \pmod 4$.

Odd squares are $4k(k+1)+1 \equiv 1 \pmod 4$.

So the residues are exactly 0 and 1: the answer is \boxed{2}.

## Conjectures
none
"""

PROBLEM = "How many distinct residues modulo 4 can the square of an integer have?"


def lemma_verifier_or_process_verifier(body: dict) -> Reply:
    """Lemma 1 passes its votes, lemma 2 fails at step 2; the first final solution fails at
    step 2 (it boxes 3), the revised one (boxing 2) passes."""
    system = body["messages"][0]["content"]
    user = body["messages"][-1]["content"]
    if "checking a complete solution" in system:
        if r"\boxed{3}" in user:
            return Reply("The conclusion does not follow. \\box{STEP2} The count is wrong.")
        return Reply("Each step checks. \\box{STEP-1}")
    lemma = user.split("### Lemma to verify ###")[1]
    if re.search(r"Lemma 1\b", lemma) and "even" in lemma:
        return Reply("1. correct\n2. correct\n\\box{STEP-1}")
    return Reply("1. correct\n2. 4k^2+4k+1 is 1 mod 4, not 3.\n\\box{STEP2}")


def three_round_script() -> dict:
    return {
        "reasoner": [Reply(ROUND1, reasoning="Try parity."), Reply(ROUND2, reasoning="Now odd."), Reply(REVISED)],
        "summarizer": [Reply(SUMMARY1), Reply("NO NEW LEMMAS")],
        "verifier": lemma_verifier_or_process_verifier,
    }
