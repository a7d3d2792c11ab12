"""Meta-verification of critiques and acceptance by consecutive passes, against a role-scripted server."""

from __future__ import annotations

import itertools

from tests.agent.loop_script import lemma_verifier_or_process_verifier, three_round_script
from tests.agent.test_lemma_loop import solve
from lemmata.engines.llm.scripted_server import Reply


def with_checker(upheld_for_solution: bool, upheld_for_lemma: bool = True, split_first_solution: bool = False):
    """The loop script's verifier, plus a critique checker (also the verifier role) that upholds
    or refutes critiques of the final solution and of lemmas as told. With `split_first_solution`
    every other vote on the first final solution passes it."""
    alternate = itertools.cycle([True, False])

    def verifier(body: dict) -> Reply:
        if "checking another verifier's critique" in body["messages"][0]["content"]:
            of_lemma = "### The argument, split into steps ###\nLemma " in body["messages"][-1]["content"]
            upheld = upheld_for_lemma if of_lemma else upheld_for_solution
            word = "UPHELD" if upheld else "REFUTED"
            return Reply(f"Re-deriving the step.\nCRITIQUE: {word}\nREASON: the step is {'wrong' if upheld else 'fine'}.")
        final = "checking a complete solution" in body["messages"][0]["content"]
        if split_first_solution and final and r"\boxed{3}" in body["messages"][-1]["content"] and next(alternate):
            return Reply("Each step checks. \\box{STEP-1}")
        return lemma_verifier_or_process_verifier(body)

    return verifier


def checker_requests(server) -> list[dict]:
    return [r for r in server.requests_for("verifier") if "critique" in r["messages"][0]["content"]]


def test_a_refuted_critique_is_dropped_and_the_solution_keeps_its_score(scripted, tmp_path):
    scripted.script.update(three_round_script())
    scripted.script["verifier"] = with_checker(upheld_for_solution=False, split_first_solution=True)
    result, store, _ = solve(scripted, tmp_path, meta_verify=True)

    # Two of four votes fail the first final solution (boxing 3), both critiques are refuted:
    # it passes 2 of 2 counted votes and is never revised.
    assert result.answer == "3" and result.status == "verified"
    assert scripted.counts["reasoner"] == 2
    [revision] = store.db["revisions"].rows
    assert (revision["passes"], revision["votes"], revision["passed"]) == (2, 2, 1)
    assert store.db["verdicts"].count == 4  # the dropped votes stay on record
    checks = list(store.db["critique_checks"].rows)
    solution_checks = [c for c in checks if c["target"] == "solution loop 0"]
    assert len(solution_checks) == 2 and not any(c["upheld"] for c in solution_checks)
    # Lemma 2's critiques were upheld: it keeps confidence 0; lemma 1 was never criticised.
    lemmas = {l["number"]: l for l in store.db["lemmas"].rows}
    assert lemmas["2"]["confidence"] == 0.0 and lemmas["1"]["confidence"] == 1.0
    assert all(c["upheld"] for c in checks if c["target"].startswith("lemma"))
    assert len(checker_requests(scripted)) == 4 + 2


def test_an_upheld_critique_reaches_the_reviser(scripted, tmp_path):
    scripted.script.update(three_round_script())
    scripted.script["verifier"] = with_checker(upheld_for_solution=True)
    result, store, _ = solve(scripted, tmp_path, meta_verify=True)

    assert result.answer == "2" and result.status == "verified"
    reviser = [r for r in scripted.requests_for("reasoner") if "revising" in r["messages"][0]["content"]]
    assert "The count is wrong." in reviser[0]["messages"][-1]["content"]
    assert all(c["upheld"] for c in store.db["critique_checks"].rows)


def test_a_refuted_lemma_critique_does_not_lower_its_confidence(scripted, tmp_path):
    scripted.script.update(three_round_script())
    scripted.script["verifier"] = with_checker(upheld_for_solution=True, upheld_for_lemma=False)
    _, store, _ = solve(scripted, tmp_path, meta_verify=True)

    lemma2 = next(l for l in store.db["lemmas"].rows if l["number"] == "2")
    # All four failing votes were refuted and dropped: no vote stands against it.
    assert lemma2["votes"] == 0 and lemma2["confidence"] != 0.0
    assert store.db["lemma_votes"].count_where("lemma_id = ?", [lemma2["id"]]) == 0


def test_without_meta_verify_no_checker_is_called(scripted, tmp_path):
    scripted.script.update(three_round_script())
    scripted.script["verifier"] = with_checker(upheld_for_solution=False)
    result, store, _ = solve(scripted, tmp_path)
    assert result.answer == "2" and checker_requests(scripted) == []
    assert store.db["critique_checks"].count == 0


def test_acceptance_needs_k_passes_in_a_row(scripted, tmp_path):
    scripted.script.update(three_round_script())
    first_solution_votes = itertools.cycle(["pass", "pass", "fail"])

    def verifier(body: dict) -> Reply:
        system, user = body["messages"][0]["content"], body["messages"][-1]["content"]
        if "checking a complete solution" in system and r"\boxed{3}" in user:
            if next(first_solution_votes) == "pass":
                return Reply("Fine. \\box{STEP-1}")
            return Reply("Wrong count. \\box{STEP2}")
        return lemma_verifier_or_process_verifier(body)

    scripted.script["verifier"] = verifier
    result, store, events = solve(scripted, tmp_path, accept_after=5)

    assert result.answer == "2" and result.status == "verified"
    revisions = list(store.db["revisions"].rows_where(order_by="loop"))
    assert [(r["passes"], r["votes"], r["passed"]) for r in revisions] == [(2, 3, 0), (5, 5, 1)]
    final_calls = [r for r in scripted.requests_for("verifier") if "checking a complete solution" in r["messages"][0]["content"]]
    assert len(final_calls) == 3 + 5
