"""Selection across shots (--select): tournament and grader, against a role-scripted server."""

from __future__ import annotations

import asyncio

from lemmata.agent.problems import ProblemKind, problem_from_text
from lemmata.agent.loop.solve import solve_problem
from lemmata.memory import RunStore
from tests.agent.selection_script import PROBLEM, qualities_in, selection_script
from tests.agent.test_lemma_loop import loop_config

GOLD = "GOLD-SENTINEL-20"


def solve_proof(server, tmp_path, **loop):
    config = loop_config(server, tmp_path, **loop)
    store = RunStore(config.store.path)
    problem = problem_from_text(PROBLEM, answer=GOLD)
    problem = problem.__class__(**{**problem.__dict__, "kind": ProblemKind.PROOF,
                                   "reference": "REFERENCE-SENTINEL", "guidelines": "GUIDE-SENTINEL"})
    result = asyncio.run(solve_problem(problem, config, store))
    return result, store


def chosen_quality(result) -> int:
    return qualities_in(result.solution)[0]


def test_a_tournament_picks_the_best_of_eight_and_stores_every_match(scripted, tmp_path):
    scripted.script.update(selection_script([3, 5, 2, 7, 4, 4, 1, 6]))
    result, store = solve_proof(scripted, tmp_path, shots=8, select="tournament")

    assert chosen_quality(result) == 7
    matches = list(store.db["comparisons"].rows_where(order_by="id"))
    assert len(matches) == 7 == scripted.counts["judge"]
    assert [m["stage"] for m in matches] == [1, 1, 1, 1, 2, 2, 3]
    assert all(m["reason"] for m in matches)
    [selection] = store.db["selections"].rows
    assert selection["method"] == "tournament" and selection["shot"] == result.shot


def test_ties_and_unreadable_judgements_are_recorded_and_decided_by_the_verifier(scripted, tmp_path):
    # Whichever shot gets the quality-0 solution, one first-stage match is unreadable and the others tie.
    scripted.script.update(selection_script([4, 4, 4, 0]))
    result, store = solve_proof(scripted, tmp_path, shots=4, select="tournament")

    outcomes = sorted(m["outcome"] for m in store.db["comparisons"].rows)
    assert "tie" in outcomes and "unparsed" in outcomes
    unparsed = next(m for m in store.db["comparisons"].rows if m["outcome"] == "unparsed")
    assert "WINNER" in unparsed["reason"]
    assert chosen_quality(result) == 4


def test_no_judge_or_grader_sees_the_gold_or_the_reference(scripted, tmp_path):
    scripted.script.update(selection_script([1, 2, 3, 4]))
    solve_proof(scripted, tmp_path, shots=4, select="tournament")
    scripted.script.update(selection_script([1, 2, 3, 4]))
    solve_proof(scripted, tmp_path, shots=4, select="grader")
    sent = [str(r["messages"]) for role in ("judge", "grader") for r in scripted.requests_for(role)]
    assert sent and not any(s in text for text in sent for s in (GOLD, "REFERENCE-SENTINEL", "GUIDE-SENTINEL"))


def test_the_judge_sees_the_gold_only_under_reference_visible(scripted, tmp_path):
    scripted.script.update(selection_script([1, 2]))
    solve_proof(scripted, tmp_path, shots=2, select="tournament", reference_visible=True)
    assert GOLD in str(scripted.requests_for("judge")[0]["messages"])


def test_the_grader_selects_the_highest_grade_and_stores_each(scripted, tmp_path):
    scripted.script.update(selection_script([1, 7, 6]))  # the default scale is 0, 1, 6, 7
    result, store = solve_proof(scripted, tmp_path, shots=3, select="grader")

    assert chosen_quality(result) == 7
    grades = {row["shot"]: row["score"] for row in store.db["selection_grades"].rows}
    assert sorted(grades.values()) == [1, 6, 7]
    assert scripted.counts["judge"] == 0


def test_show_and_the_export_carry_every_match(scripted, tmp_path):
    from rich.console import Console

    from lemmata.agent.views.run import show_run
    from lemmata.memory.export import export_records

    scripted.script.update(selection_script([3, 5, 2, 7]))
    result, store = solve_proof(scripted, tmp_path, shots=4, select="tournament")

    console = Console(width=200, record=True)
    console.print(show_run(store, result.run_id))
    shown = console.export_text()
    assert "tournament (single elimination)" in shown and "quality 7 is better" in shown
    [pipeline] = [r for r in export_records(store) if r.kind == "pipeline"]
    assert pipeline.options["select"] == "tournament"
    assert len(pipeline.comparisons) == 3 and pipeline.selection["shot"] == result.shot
    assert {c["winner_shot"] for c in pipeline.comparisons if c["stage"] == 2} == {result.shot}


def test_the_select_flag_and_the_pipeline_profile_reach_the_run(scripted, model_env, tmp_path):
    import json

    from tests.conftest import run_cli

    scripted.script.update(selection_script([2, 5, 1]))
    command = ["solve", PROBLEM, "--kind", "proof", "--shots", "3",
               "--select", "tournament", "--accept-after", "2", "--meta-verify", "--db", "runs.db", "--quiet"]
    done = run_cli(command, model_env, tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    store = RunStore(tmp_path / "runs.db")
    [run] = store.db["runs"].rows
    loop = json.loads(run["config"])["loop"]
    assert (loop["select"], loop["accept_after"], loop["meta_verify"]) == ("tournament", 2, True)
    assert store.db["comparisons"].count == 2 and scripted.counts["judge"] == 2
    [selection] = store.db["selections"].rows
    chosen = next(store.db["samples"].rows_where("sample = ?", [selection["shot"]]))
    assert qualities_in(chosen["solution"]) == [5]


def test_a_bad_select_value_is_a_one_line_error(tmp_path):
    import pytest

    from lemmata.agent.config import load_config
    from lemmata.agent.errors import ConfigError

    (tmp_path / "lemmata.toml").write_text('[loop]\nselect = "coin"\n')
    with pytest.raises(ConfigError, match="loop.select"):
        load_config(tmp_path / "lemmata.toml", environ={})
    (tmp_path / "lemmata.toml").write_text('profile = "pipeline"\n')
    loop = load_config(tmp_path / "lemmata.toml", environ={}).loop
    assert (loop.select, loop.accept_after, loop.meta_verify, loop.conjectures, loop.shots) == \
        ("tournament", 5, True, True, 8)


def test_a_judge_that_refuses_falls_back_to_the_verifier_and_keeps_the_shots(scripted, tmp_path):
    from lemmata.engines.llm.scripted_server import Reply

    scripted.script.update(selection_script([2, 5]))
    scripted.script["judge"] = Reply(status=400)
    result, store = solve_proof(scripted, tmp_path, shots=2, select="tournament")

    [selection] = store.db["selections"].rows
    assert selection["method"] == "best_verified" and result.solution
    assert store.db["samples"].count == 2 and store.db["comparisons"].count == 0
