"""Finding and revisiting runs: `lemmata runs`, id prefixes and `latest`, `show` of a failed run,
piped full-width output, resuming a finished or interrupted solve, the batch progress line."""

from __future__ import annotations

import asyncio
import os
import re
import select
import sys
from io import StringIO

import pytest
import sqlite_utils
from click.testing import CliRunner
from rich.console import Console

from lemmata.agent.evaluation.batch import BatchProgress
from lemmata.agent.views.batch import BatchView
from lemmata.agent.cli.main import cli
from lemmata.agent.datasets import shard
from lemmata.agent.views.display import LoopView
from lemmata.agent.errors import ProblemInputError
from lemmata.agent.problems import Problem, problem_from_text
from lemmata.agent.evaluation.runs import resolve_run_id
from lemmata.agent.loop.solve import solve_problem
from lemmata.memory import RunStore, StoredProblem
from lemmata.memory import loop_records as records
from lemmata.memory.store_errors import RunNotFound
from tests.agent.loop_script import PROBLEM, three_round_script
from tests.agent.test_lemma_loop import loop_config
from tests.agent.test_session import Terminal
from tests.conftest import run_cli
from lemmata.engines.llm.scripted_server import Reply


def lemmata(*args: str) -> tuple[int, str, str]:
    """`lemmata ARGS` in this process, output captured (not a terminal, as when piped)."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def solved_run(scripted, tmp_path, **loop) -> str:
    scripted.script.update(three_round_script())
    config = loop_config(scripted, tmp_path, **loop)
    store = RunStore(config.store.path)
    try:
        return asyncio.run(solve_problem(problem_from_text(PROBLEM), config, store)).run_id
    finally:
        store.close()


def batch_run(store: RunStore, dataset: str, problem_ids: list[str], right: int) -> str:
    """A recorded batch of 2 samples per problem; the first `right` graded samples are correct."""
    for pid in problem_ids:
        store.add_problem(StoredProblem(pid, f"question {pid}", "1"))
    run_id = store.start_run("batch", {"defaults": {"model": "m-1"}, "loop": {"shots": 2},
                                       "batch": {"dataset": dataset, "problem_ids": problem_ids, "samples": 2,
                                                 "concurrency": 1}})
    index = 0
    for pid in problem_ids:
        for sample in range(2):
            correct = index < right
            store.save_sample(run_id, pid, sample, status="unverified", answer="1" if correct else "2")
            records.save_grade(store, run_id, pid, sample, verdict="correct" if correct else "incorrect",
                               decided_by="exact", gold="1")
            index += 1
    store.finish_run(run_id)
    return run_id


def test_runs_lists_every_run_and_a_prefix_or_latest_names_one(tmp_path):
    store = RunStore(tmp_path / "runs.db")
    first = batch_run(store, "set-a", ["a1", "a2"], right=3)
    second = batch_run(store, "set-b", ["b1"], right=1)
    store.close()
    code, out, _ = lemmata("runs", "--db", str(tmp_path / "runs.db"))
    assert code == 0
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 5}
    assert set(rows) == {first, second}
    assert re.search(r"batch\s*│ set-a\s*│ m-1\s*│ finished\s*│\s*4/4 │ 75.0% \(3/4\)", rows[first])
    assert "50.0% (1/2)" in rows[second]
    assert out.index(second) < out.index(first), "newest first"

    code, out, _ = lemmata("show", "latest", "--db", str(tmp_path / "runs.db"))
    assert code == 0 and f"run {second}" in out
    code, out, _ = lemmata("report", first[:5], "--db", str(tmp_path / "runs.db"), "--format", "json")
    assert code == 0 and first in out


def test_an_unknown_or_ambiguous_prefix_is_one_clear_line(tmp_path):
    store = RunStore(tmp_path / "runs.db")
    for run_id in ("abc111", "abc222"):
        store.start_run("solve", {}, run_id=run_id)
    assert resolve_run_id(store, "abc1") == "abc111"
    assert resolve_run_id(store, "abc222") == "abc222"
    with pytest.raises(ProblemInputError, match="'abc' names several runs"):
        resolve_run_id(store, "abc")
    with pytest.raises(RunNotFound, match="no run 'a_c' in"):
        resolve_run_id(store, "a_c")  # a LIKE wildcard in the prefix matches nothing
    store.close()
    code, _, err = lemmata("show", "zz", "--db", str(tmp_path / "runs.db"))
    assert code == 1 and err.strip().splitlines() == [f"Error: no run 'zz' in {tmp_path / 'runs.db'}; lemmata runs lists them"]


@pytest.mark.parametrize("verb", [["show", "zz"], ["report", "zz"], ["solve", "--resume", "zz"],
                                  ["batch", "--resume", "zz"]])
def test_every_verb_given_an_unknown_run_says_so_in_one_line(tmp_path, verb):
    db = tmp_path / "runs.db"
    RunStore(db).start_run("solve", {}, run_id="abc111")
    code, out, err = lemmata(*verb, "--db", str(db))
    assert code != 0 and out == ""
    assert err.strip().splitlines() == [f"Error: no run 'zz' in {db}; lemmata runs lists them"]


def test_a_store_read_of_a_missing_run_raises_the_memorys_own_error(tmp_path):
    store = RunStore(tmp_path / "runs.db")
    with pytest.raises(RunNotFound, match=r"^no run 'nope' in .*runs\.db; lemmata runs lists them$"):
        store.run("nope")
    with pytest.raises(RunNotFound):
        store.update_run("nope", status="finished")


def test_show_of_a_failed_run_says_why(scripted, tmp_path):
    scripted.script["reasoner"] = Reply(status=500)
    config = loop_config(scripted, tmp_path)
    config.client.max_retries = 1
    store = RunStore(config.store.path)
    with pytest.raises(Exception):
        asyncio.run(solve_problem(problem_from_text("What is 1+1?"), config, store))
    store.close()
    code, out, _ = lemmata("show", "latest", "--db", str(config.store.path))
    assert code == 0
    assert "failed" in out and "why it failed" in out
    assert re.search(r"reasoner call failed.*HTTP 500", out)


def test_report_written_to_a_pipe_keeps_every_column_and_two_datasets_warn(tmp_path):
    store = RunStore(tmp_path / "runs.db")
    long_ids = [f"a-problem-with-a-long-identifier-number-{i}-of-the-competition-set" for i in range(3)]
    first = batch_run(store, "set-a", long_ids, right=4)
    second = batch_run(store, "set-b", ["b1"], right=1)
    store.close()
    code, out, _ = lemmata("report", first, "--db", str(tmp_path / "runs.db"))
    assert code == 0
    header = next(line for line in out.splitlines() if "problem" in line and "c/n" in line)
    assert all(name in header for name in ("pass@1", "mG-Pass@2", "top answer", "tokens", "wall s"))
    for pid in long_ids:  # each problem on one line, its id whole, with its numbers
        assert any(pid in line and "/2" in line for line in out.splitlines()), pid
    code, _, err = lemmata("report", first, second, "--db", str(tmp_path / "runs.db"))
    assert code == 0 and "different datasets (set-a and set-b)" in err


def test_resuming_a_finished_solve_shows_it_and_calls_no_model(scripted, model_env, tmp_path):
    run_id = solved_run(scripted, tmp_path)
    calls_before = scripted.counts.total()
    done = run_cli(["solve", "--resume", run_id[:6], "--shots", "3", "--db", "runs.db"], model_env, tmp_path, timeout=180)
    assert done.returncode == 0, done.stderr
    assert f"run {run_id} is finished; nothing to resume" in done.stderr
    assert "answer · run" in done.stdout and "verified" in done.stdout
    assert scripted.counts.total() == calls_before
    db = sqlite_utils.Database(tmp_path / "runs.db")
    assert db["selections"].count == 1 and list(db["runs"].rows)[0]["status"] == "finished"


@pytest.mark.slow  # kill/resume, secrets or whole-run check: CI's second step
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_ctrl_c_in_a_plain_solve_prints_one_line_then_resume_keeps_the_stored_budgets(scripted, model_env, tmp_path):
    script = three_round_script()
    replies = script["reasoner"]  # round 2's first try hangs until Ctrl-C; the resume gets a fresh copy
    script["reasoner"] = [replies[0], Reply(replies[1].content, delay=30), *replies[1:]]
    scripted.script.update(script)
    terminal = Terminal(["solve", PROBLEM, "--rounds", "3", "--db", "runs.db"], model_env, tmp_path)
    try:
        terminal.expect("lemmata solve --resume")
        while scripted.counts["reasoner"] < 2:  # wait until round 2's reasoner call is in flight
            drain(terminal)
        terminal.type("\x03")
        terminal.expect("interrupted; resume with: lemmata solve --resume ")
        rest = terminal.expect("\n")
    finally:
        returncode = terminal.close()
    assert returncode == 130
    assert "Traceback" not in terminal.seen + rest
    db = sqlite_utils.Database(tmp_path / "runs.db")
    run = list(db["runs"].rows)[0]
    assert run["status"] == "interrupted" and run["id"] in rest

    resumed = run_cli(["solve", "--resume", run["id"], "--rounds", "1", "--quiet", "--db", "runs.db"],
                      model_env, tmp_path, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert "with the budgets it started with; ignored: --rounds" in resumed.stderr
    assert resumed.stdout.strip() == "2", "round 2 ran: the stored cap of 3 rounds was kept"


def drain(terminal: Terminal) -> None:
    """Read what the program printed so far (it must not block on a full terminal buffer)."""
    if select.select([terminal.master], [], [], 0.05)[0]:
        terminal.seen += os.read(terminal.master, 65536).decode(errors="replace")


def test_the_batch_progress_line_shows_bar_counts_eta_accuracy_and_health():
    progress = BatchProgress(problems_total=30, samples_total=120, problems_done=4, samples_done=19,
                             graded=19, correct=11, retries=3, parse_failures=1)
    console = Console(file=StringIO(), width=100, color_system=None)
    console.print(BatchView(progress, "aime2025"))
    first, second = console.file.getvalue().splitlines()[:2]
    assert first.startswith("aime2025 ━")
    for shown in ("19/120 samples", "problems 4/30", "ETA ", "accuracy 57.9% (11/19)", "health ✗"):
        assert shown in first
    assert "parse failures 1" in second and "retries 3" in second


def test_the_live_view_does_not_stream_parallel_verifier_votes():
    view = LoopView("problem", rounds=3)
    view.on_tokens(0, "reasoner", "Let n be even. ", "")
    for vote in range(4):
        view.on_tokens(0, "verifier", f"vote-{vote} says ", "")
    console = Console(file=StringIO(), width=100, color_system=None)
    console.print(view)
    shown = console.file.getvalue()
    assert "Let n be even." in shown and "vote-" not in shown


def test_shards_may_count_from_zero_like_slurm_array_ids():
    problems = [Problem(f"p{i}", "x") for i in range(40)]
    zero_based = [{p.id for p in shard(problems, i, 4)} for i in range(4)]
    one_based = [{p.id for p in shard(problems, i, 4)} for i in range(1, 5)]
    for shares in (zero_based, one_based):
        assert set().union(*shares) == {p.id for p in problems} and sum(map(len, shares)) == 40
    assert zero_based[0] == one_based[3]
    with pytest.raises(ProblemInputError, match="between 0 and 4"):
        shard(problems, 5, 4)


def test_lemmas_list_renders_tex_and_a_round_whose_parse_failed_is_not_shown_as_checked(tmp_path):
    from lemmata.memory import LemmaDraft, LemmaLibrary

    store = RunStore(tmp_path / "runs.db")
    store.add_problem(StoredProblem("p", "question"))
    run_id = store.start_run("solve", {})
    store.save_sample(run_id, "p", 0, status="unverified")
    LemmaLibrary(store, run_id=run_id, problem_id="p").add(
        LemmaDraft("1", "If $n$ is even then $n^2 \\equiv 0 \\pmod 4$.", ["Write $n = 2k$."]), round=1)
    records.save_round(store, run_id, "p", 0, 1, verdict="partial", parse_error="no lemma blocks", status="verified")
    records.save_round(store, run_id, "p", 0, 2, verdict="partial", status="verified")
    store.close()
    code, out, _ = lemmata("lemmas", "list", "--problem", "p", "--db", str(tmp_path / "runs.db"))
    assert code == 0 and "n^2 ≡ 0" in out and "\\pmod" not in out and "$" not in out
    code, out, _ = lemmata("show", run_id, "--db", str(tmp_path / "runs.db"))
    round_rows = [line for line in out.splitlines() if re.match(r"│ 0\s+│ [12]\s", line)]
    assert "parse failed" in round_rows[0] and "checked" not in round_rows[0]
    assert "lemmas checked" in round_rows[1]
    assert "✗? failed without naming a step" in out
