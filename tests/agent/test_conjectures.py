"""Conjectures: the reasoner's unproven lemmas are stored without votes, listed apart from the
library, and become a verified lemma when a later round proves one."""

from __future__ import annotations

from tests.agent.loop_script import REVISED, ROUND2, SUMMARY1, lemma_verifier_or_process_verifier
from tests.agent.test_lemma_loop import solve
from lemmata.engines.llm.scripted_server import Reply

ODD = r"If $n$ is odd then $n^2 \equiv 1 \pmod 4$."

ROUND1 = r"""## Verdict
partial solution

## Method sketch
Parity.

## Detailed solution
Even squares are 0 mod 4; the odd case is open.

## Conjectures
<lemma>
Lemma 1: """ + ODD + "\n</lemma>\n"

EVEN_ONLY = SUMMARY1.split("<lemma>\nLemma 2")[0]
ODD_PROVED = r"""<lemma>
Lemma 2: """ + ODD + r"""
Proof 2:
Step 1: Write $n = 2k+1$, so $n^2 = 4k(k+1) + 1$.
</lemma>
"""


def verifier(body: dict) -> Reply:
    lemma = body["messages"][-1]["content"].split("### Lemma to verify ###")[-1]
    if "odd" in lemma and "checking a complete solution" not in body["messages"][0]["content"]:
        return Reply("1. correct\n\\box{STEP-1}")
    return lemma_verifier_or_process_verifier(body)


def script() -> dict:
    partial = ROUND2.replace("complete solution", "partial solution", 1)
    return {"reasoner": [Reply(ROUND1), Reply(partial), Reply(ROUND2), Reply(REVISED)],
            "summarizer": [Reply(EVEN_ONLY), Reply(ODD_PROVED), Reply("NO NEW LEMMAS")],
            "verifier": verifier}


def test_an_unproven_lemma_is_an_open_conjecture_until_a_later_round_proves_it(scripted, tmp_path):
    scripted.script.update(script())
    result, store, _ = solve(scripted, tmp_path, conjectures=True)

    [conjecture] = store.db["conjectures"].rows
    assert conjecture["round"] == 1 and conjecture["statement"] == ODD
    assert conjecture["status"] == "proved" and conjecture["proved_round"] == 2
    lemma = store.db["lemmas"].get(conjecture["lemma_id"])
    assert lemma["votes"] == 4 and lemma["confidence"] == 1.0

    round2, round3 = (r["messages"][-1]["content"] for r in scripted.requests_for("reasoner")[1:3])
    library, conjectures = round2.split("### Open conjectures")
    assert "odd" not in library and ODD in conjectures and "NOT proved" in conjectures
    assert "### Open conjectures" not in round3  # proved: now a lemma in the library
    assert "If $n$ is odd" in round3.split("### Lemma library ###")[1]


def test_without_the_option_no_conjecture_is_stored_or_shown(scripted, tmp_path):
    scripted.script.update(script())
    solve(scripted, tmp_path)
    assert store_count(tmp_path) == 0
    assert "Open conjectures" not in scripted.requests_for("reasoner")[1]["messages"][-1]["content"]


def store_count(tmp_path) -> int:
    import sqlite_utils

    return sqlite_utils.Database(tmp_path / "runs.db")["conjectures"].count
