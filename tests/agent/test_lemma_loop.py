"""The multi-round lemma loop against a scripted server playing every role."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest
import sqlite_utils

from lemmata.agent.config import load_config
from lemmata.agent.problems import problem_from_text
from lemmata.agent.loop.solve import solve_problem
from lemmata.memory import RunStore
from tests.agent.loop_script import PROBLEM, three_round_script
from tests.conftest import REPO
from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply


def loop_config(server, tmp_path, **loop):
    config = load_config(overrides={"base_url": server.base_url, "model": MODEL_NAME}, environ={})
    config.store.path = tmp_path / "runs.db"
    config.client.backoff_initial = 0.01
    config.loop.rounds = 3
    for key, value in loop.items():
        setattr(config.loop, key, value)
    return config


def solve(server, tmp_path, problem_text=PROBLEM, **loop):
    config = loop_config(server, tmp_path, **loop)
    store = RunStore(config.store.path)
    events = []
    result = asyncio.run(solve_problem(problem_from_text(problem_text), config, store, on_event=events.append))
    return result, store, events


def test_a_three_round_solve_builds_a_library_and_revises_to_a_verified_answer(scripted, tmp_path):
    scripted.script.update(three_round_script())
    result, store, events = solve(scripted, tmp_path)

    assert result.answer == "2" and result.status == "verified"
    lemmas = {l["number"]: l for l in store.db["lemmas"].rows}
    assert lemmas["1"]["confidence"] == 1.0
    assert lemmas["2"]["confidence"] == 0.0
    [round1, round2] = list(store.db["rounds"].rows_where(order_by="round"))
    assert (round1["new_lemmas"], round2["new_lemmas"]) == (2, 0)
    assert round2["verdict"] == "complete"

    round2_prompt = scripted.requests_for("reasoner")[1]["messages"][-1]["content"]
    assert "If $n$ is an even integer then $n^2 \\equiv 0 \\pmod 4$." in round2_prompt
    assert "confidence 1" in round2_prompt and "confidence 0" in round2_prompt

    revisions = list(store.db["revisions"].rows_where(order_by="loop"))
    assert [(r["loop"], r["answer"], r["passed"]) for r in revisions] == [(0, "3", 0), (1, "2", 1)]
    assert scripted.counts["summarizer"] == 2 and scripted.counts["reasoner"] == 3
    assert scripted.counts["verifier"] == 2 * 4 + 4 + 4  # two lemmas, two final checks
    assert [e.kind for e in events].count("round_started") == 2


def test_the_reasoner_prompt_keeps_a_byte_stable_prefix_across_rounds(scripted, tmp_path):
    scripted.script.update(three_round_script())
    solve(scripted, tmp_path)
    first, second = (r["messages"] for r in scripted.requests_for("reasoner")[:2])
    assert first[0] == second[0]
    library_start = first[1]["content"].index("### Lemma library ###")
    assert second[1]["content"].startswith(first[1]["content"][:library_start + len("### Lemma library ###\n")])


def test_the_final_verifier_and_the_reviser_see_the_lemmas_the_solution_cites(scripted, tmp_path):
    scripted.script.update(three_round_script())
    solve(scripted, tmp_path)
    # The round-2 solution says "By Lemma 1"; Lemma 2 (confidence 0) is in the library but not cited.
    final = [r["messages"] for r in scripted.requests_for("verifier") if "checking a complete solution" in
             r["messages"][0]["content"]]
    reviser = [r["messages"] for r in scripted.requests_for("reasoner") if "revising your own solution" in
               r["messages"][0]["content"]]
    assert len(final) == 8 and len(reviser) == 1
    cited = ("### Library lemmas the solution cites ###\n"
             "Lemma 1 (confidence 1.00, 4/4 verifier votes): If $n$ is an even integer then $n^2 \\equiv 0 \\pmod 4$.\n"
             "Proof 1:\nStep 1: Write $n = 2k$ with $k$ an integer.")
    for messages in [*final, *reviser]:
        user = messages[-1]["content"]
        assert cited in user
        assert "odd integer" not in user and "Lemma 2" not in user
        # what changes from call to call comes last: the problem, then the lemmas, then the solution
        assert user.index("### Problem ###") < user.index(cited) < user.index("By Lemma 1, even squares")
        assert "Reference answer" not in user


def test_a_garbled_summary_is_retried_then_the_round_is_recorded_without_lemmas(scripted, tmp_path):
    script = three_round_script()
    script["summarizer"] = [Reply("here are some thoughts {unbalanced"), Reply("<lemma>**Lemma 1:** no proof here</lemma>"),
                            Reply("NO NEW LEMMAS")]
    scripted.script.update(script)
    result, store, _ = solve(scripted, tmp_path, revisions=2)
    round1 = list(store.db["rounds"].rows_where("round = 1"))[0]
    assert round1["new_lemmas"] == 0 and "summarizer" in round1["parse_error"]
    assert scripted.counts["summarizer"] == 3  # one retry in round 1, then round 2
    assert result.answer is not None


def test_a_truncated_reasoner_answer_is_never_used(scripted, tmp_path):
    script = three_round_script()
    script["reasoner"] = [Reply("## Verdict\ncomplete solution\n## Detailed solution\n\\boxed{99}", finish_reason="length")] * 2 + script["reasoner"][1:]
    scripted.script.update(script)
    result, store, _ = solve(scripted, tmp_path, rounds=2)
    round1 = list(store.db["rounds"].rows_where("round = 1"))[0]
    assert "truncated" in round1["parse_error"]
    assert result.answer != "99"


def test_unparseable_verifier_votes_are_not_counted(scripted, tmp_path):
    script = three_round_script()
    script["verifier"] = Reply("I think it is fine.")
    scripted.script.update(script)
    result, store, _ = solve(scripted, tmp_path, rounds=1, revisions=0)
    assert all(l["votes"] == 0 and l["confidence"] is None for l in store.db["lemmas"].rows)
    assert result.status == "unverified"


def test_parallel_shots_are_selected_by_verifier_weighted_vote(scripted, tmp_path):
    scripted.script.update({
        "reasoner": lambda body: Reply(_complete(answer="7" if scripted.counts["reasoner"] % 3 else "5")),
        "summarizer": Reply("NO NEW LEMMAS"),
        "verifier": lambda body: Reply("\\box{STEP-1}" if "boxed{5}" in body["messages"][-1]["content"] else "\\box{STEP0}"),
    })
    result, store, _ = solve(scripted, tmp_path, shots=3, revisions=0, rounds=1)
    answers = sorted(s["answer"] for s in store.db["samples"].rows)
    assert answers.count("7") == 2 and answers.count("5") == 1
    assert result.answer == "5"  # one fully verified shot outweighs two unverified ones
    assert list(store.db["selections"].rows)[0]["method"] == "verifier_vote"


def _complete(answer: str) -> str:
    return f"## Verdict\ncomplete solution\n## Method sketch\nx\n## Detailed solution\nThe answer is \\boxed{{{answer}}}.\n## Lemmas\n\\boxed{{Lemma -1}}"


def test_stop_after_ends_the_remaining_shots(scripted, tmp_path):
    scripted.script.update({
        # Only the first shot is answered; the others would wait a minute, unless stopped.
        "reasoner": lambda body: Reply(_complete("4"), delay=0 if scripted.counts["reasoner"] == 1 else 60),
        "summarizer": Reply("NO NEW LEMMAS"),
        "verifier": Reply("\\box{STEP-1}"),
    })
    result, store, _ = solve(scripted, tmp_path, shots=3, rounds=1, stop_after=1)
    statuses = sorted(s["status"] for s in store.db["samples"].rows)
    assert statuses == ["stopped", "stopped", "verified"]
    assert result.answer == "4" and scripted.completed["reasoner"] == 1


@pytest.mark.slow  # kill/resume, secrets or whole-run check: CI's second step
def test_a_killed_solve_resumes_without_paying_for_any_finished_call_twice(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    scripted.token_latency = 0.02
    command = [sys.executable, "-m", "lemmata.agent.cli.main", "solve", PROBLEM, "--rounds", "3", "--db", "runs.db", "--quiet"]
    env = {**model_env, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Kill mid-call, at a moment when every call the server finished is already on disk: a
    # call that finished but was not yet written when the process died is repaid by design.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        finished = sum(scripted.completed.values())
        in_flight = sum(scripted.counts.values()) > finished
        if finished >= 5 and in_flight and _recorded_calls(tmp_path / "runs.db") == finished:
            break
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    # Calls the server was still serving at the kill may finish unseen and be paid again.
    in_flight_at_kill = sum(scripted.counts.values()) - sum(scripted.completed.values()) + 1
    paid_before = sum(scripted.completed.values())
    assert 5 <= paid_before < 16, "the kill should land mid-run"

    run_id = list(sqlite_utils.Database(tmp_path / "runs.db")["runs"].rows)[0]["id"]
    resumed = subprocess.run(command[:4] + ["--resume", run_id, "--db", "runs.db", "--quiet"],
                             env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.strip() == "2"
    db = sqlite_utils.Database(tmp_path / "runs.db")
    keys = [row[0] for row in db.execute(
        "select json_extract(tags, '$.call_key') from calls where error is null")]
    assert len(keys) == len(set(keys)), "a finished call was made twice"
    assert len(keys) == 3 + 2 + 8 + 8
    assert len(keys) <= sum(scripted.completed.values()) <= len(keys) + in_flight_at_kill
    assert list(db["runs"].rows)[0]["status"] == "finished"


def _recorded_calls(path) -> int:
    try:
        return sqlite_utils.Database(path).execute("select count(*) from calls where error is null").fetchone()[0]
    except Exception:  # noqa: BLE001 - the database may not exist yet
        return -1


def test_a_verifier_may_ask_for_a_computation_before_its_verdict(scripted, tmp_path):
    script = three_round_script()

    def verifier(body: dict) -> Reply:
        last = body["messages"][-1]["content"]
        if "Computation results:" in last:
            verdict = "\\box{STEP-1}" if "holds at" in last else "\\box{STEP1}"
            return Reply(f"The computation settles step 1. {verdict}")
        if "### Lemma to verify ###" in last:
            return Reply('Let me check. <compute tool="check_identity">(2*k+1)^2 = 4*k^2 + 4*k + 1</compute>')
        return Reply("\\box{STEP-1}")

    script["verifier"] = verifier
    scripted.script.update(script)
    result, store, _ = solve(scripted, tmp_path, rounds=1, revisions=0)
    tools = list(store.db["tool_calls"].rows)
    assert tools and all(t["tool"] == "check_identity" and t["status"] == "ok" for t in tools)
    assert "holds at" in tools[0]["output"]
    votes = {v["call_id"] for v in store.db["lemma_votes"].rows}
    assert {t["verdict_call_id"] for t in tools} <= votes  # each result is linked to the vote it supported
    assert all(l["confidence"] == 1.0 for l in store.db["lemmas"].rows)


def test_a_garbled_process_verdict_is_not_counted_and_a_garbled_revision_keeps_the_solution(scripted, tmp_path):
    script = three_round_script()
    script["reasoner"] = script["reasoner"][:2] + [Reply(""), Reply(""), Reply("")]
    script["verifier"] = lambda body: Reply("I cannot decide." if "checking a complete solution" in body["messages"][0]["content"]
                                            else "\\box{STEP-1}")
    scripted.script.update(script)
    result, store, _ = solve(scripted, tmp_path, revisions=1)
    revisions = list(store.db["revisions"].rows_where(order_by="loop"))
    assert [r["passes"] for r in revisions] == [0, 0]
    assert revisions[1]["solution"] == revisions[0]["solution"]  # an empty revision changes nothing
    assert all(v["first_wrong"] is None for v in store.db["verdicts"].rows)
    assert result.status == "unverified"


def test_opt_in_reuse_seeds_a_new_problem_with_verified_lemmas_of_related_ones(scripted, tmp_path):
    scripted.script.update(three_round_script())
    solve(scripted, tmp_path)  # stores lemma 1 (even squares, confidence 1) and lemma 2 (confidence 0)
    scripted.restart_script(three_round_script())
    result, store, _ = solve(scripted, tmp_path, problem_text="Show that the square of an even integer is 0 mod 4.",
                             reuse_lemmas=3)
    first_prompt = scripted.requests_for("reasoner")[-3]["messages"][-1]["content"]
    assert "If $n$ is an even integer then $n^2 \\equiv 0 \\pmod 4$." in first_prompt
    assert "odd integer then $n^2 \\equiv 3" not in first_prompt  # only verified lemmas are imported
    origins = {row["origin"] for row in store.db["lemmas"].rows_where("problem_id = ?", [result.problem_id])}
    assert "imported" in origins
