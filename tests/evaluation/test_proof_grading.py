"""Proof grading on the 0-7 scale against the scripted server: a batch on imo_proofbench, its report
and RL export, `lemmata grade-proof`, `lemmata grader-eval`, and the grader answers that fail."""

from __future__ import annotations

import json
import random
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils

from lemmata.agent.evaluation.grader_eval import spearman
from lemmata.agent.evaluation.proof_grades import ProofScale, parse_grader_answer
from lemmata.agent.loop.role_outputs import OutputParseError
from tests.conftest import REPO, complete_solution, run_cli
from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply, ScriptedServer

CASES = json.loads((Path(__file__).parent / "grader_answer_cases.json").read_text())
HUMAN_GRADED = REPO / "bench" / "data" / "human_graded_proofs.jsonl"
PROOFBENCH = [json.loads(line) for line in (REPO / "agent" / "datasets" / "imo_proofbench.jsonl").open()][:3]
GRADE_BY_PROBLEM = {"PB-Basic-001": 7, "PB-Basic-002": 1, "PB-Basic-003": 0}
"""The scripted grader's score for every proof of each problem (levels: IMO-easy, pre-IMO, IMO-easy)."""
SAMPLES = 2


def grader_answer(score: int | str, fatal: str = "none") -> str:
    return f"Checked.\nCREDITED: Partial 1\nFIRST FATAL ERROR: {fatal}\nSCORE: {score}/7"


# --- the grader's answer format -------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[c["text"][:30] or "empty" for c in CASES])
def test_a_grader_answer_parses_to_a_score_on_its_scale_or_is_refused_with_a_reason(case):
    if "error" in case:
        with pytest.raises(OutputParseError, match=re.escape(case["error"])):
            parse_grader_answer(case["text"], ProofScale(case["scale"]))
        return
    answer = parse_grader_answer(case["text"], ProofScale(case["scale"]))
    assert (answer.score, answer.credited, answer.first_fatal_error) == (case["score"], case["credited"], case["fatal"])


@pytest.mark.filterwarnings("ignore:An input array is constant")
def test_spearman_agrees_with_scipy_including_ties():
    stats = pytest.importorskip("scipy.stats")
    rng = random.Random(7)
    for _ in range(100):
        n = rng.randint(2, 10)
        xs, ys = [rng.randint(0, 7) for _ in range(n)], [rng.randint(0, 7) for _ in range(n)]
        ours, theirs = spearman(xs, ys), stats.spearmanr(xs, ys).statistic
        assert (ours is None and theirs != theirs) or ours == pytest.approx(theirs)


# --- a batch on imo_proofbench --------------------------------------------------------------

def proofbench_script() -> dict:
    """The solver writes a complete proof; the grader scores by problem, and its first answer for
    PB-Basic-003 is off the scale ("8/7"), so that one is retried."""
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def grader(body: dict) -> Reply:
        user = body["messages"][-1]["content"]
        problem = next(row for row in PROOFBENCH if row["problem"] in user)
        with lock:
            seen[problem["id"]] += 1
            first = seen[problem["id"]] == 1
        if problem["id"] == "PB-Basic-003" and first:
            return Reply(grader_answer(8))
        return Reply(grader_answer(GRADE_BY_PROBLEM[problem["id"]]))

    return {"reasoner": Reply(complete_solution("Substitute and compare both sides; done.")),
            "summarizer": Reply("NO NEW LEMMAS"), "verifier": Reply("Fine.\n\\box{STEP-1}"), "grader": grader}


@pytest.fixture(scope="module")
def proof_batch(tmp_path_factory):
    """One batch of 3 imo_proofbench problems x 2 samples with 2 graders (not the default 3) from lemmata.toml."""
    import os

    tmp = tmp_path_factory.mktemp("proofbench")
    (tmp / "lemmata.toml").write_text('[grading]\nproof_graders = 2\nproof_scale = "7-6-1-0"\n')
    with ScriptedServer(proofbench_script()) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LEMMATA_", "OPENAI_"))}
        env.update(LEMMATA_BASE_URL=server.base_url, LEMMATA_MODEL=MODEL_NAME)
        done = run_cli(["batch", "imo_proofbench", "--limit", "3", "--samples", str(SAMPLES), "--rounds", "1",
                        "--revisions", "0", "--db", "runs.db"], env, tmp, timeout=300)
        requests = list(server.requests)
    run_id = re.search(r"run (\w+):", done.stdout).group(1) if done.returncode == 0 else None
    return {"done": done, "dir": tmp, "env": env, "run_id": run_id, "requests": requests,
            "db": sqlite_utils.Database(tmp / "runs.db")}


def test_a_proofbench_batch_grades_every_sample_with_the_configured_graders(proof_batch):
    assert proof_batch["done"].returncode == 0, proof_batch["done"].stderr
    rows = list(proof_batch["db"]["proof_grades"].rows)
    assert Counter(r["problem_id"] for r in rows) == {pid: SAMPLES for pid in GRADE_BY_PROBLEM}
    for row in rows:
        assert (row["status"], row["score"], row["mode"]) == ("graded", GRADE_BY_PROBLEM[row["problem_id"]], "7-6-1-0")
        assert json.loads(row["grader_scores"]) == [GRADE_BY_PROBLEM[row["problem_id"]]] * 2
        assert row["spread"] == 0 and json.loads(row["credited"]) == ["Partial 1"]
    retried = sum(r["parse_failures"] for r in rows if r["problem_id"] == "PB-Basic-003")
    assert retried == 1  # the "8/7" answer was recorded as a parse failure and retried
    mean = sum(GRADE_BY_PROBLEM.values()) * SAMPLES / (len(rows))
    assert f"mean proof score {mean:.2f}/7" in proof_batch["done"].stdout


def test_only_the_grader_sees_the_reference_solution_and_guidelines(proof_batch):
    reference = PROOFBENCH[0]["solution"].split("\n")[0]
    guidelines = PROOFBENCH[0]["grading_guidelines"].split("\n")[1]
    seen_by = {role: any(reference in json.dumps(body) or guidelines in json.dumps(body) for body in bodies)
               for role, bodies in _by_role(proof_batch["requests"]).items()}
    assert seen_by.pop("grader") is True
    assert seen_by and not any(seen_by.values()), seen_by


def test_the_report_of_a_proof_run_gives_means_per_level_and_a_grade_plot(proof_batch):
    run_id, tmp, env = proof_batch["run_id"], proof_batch["dir"], proof_batch["env"]
    done = run_cli(["report", run_id, "--db", "runs.db", "--format", "json"], env, tmp)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    levels = {level["level"]: level["mean"] for level in report["proof"]["levels"]}
    assert levels == pytest.approx({"IMO-easy": (7 / 7 + 0 / 7) / 2, "pre-IMO": 1 / 7})
    assert report["proof"]["overall"] == pytest.approx((1 + 1 / 7 + 0) / 3)
    assert report["proof"]["distribution"] == {"0": 2, "1": 2, "2": 0, "3": 0, "4": 0, "5": 0, "6": 0, "7": 2,
                                               "ungraded": 0}
    # success is a grade of 6 or more: only PB-Basic-001's proofs pass
    assert report["overall"]["scores"]["pass_at_1"] == pytest.approx(1 / 3)
    assert report["overall"]["scores"]["g_pass_at_k"]["2"]["1.0"] == pytest.approx(1 / 3)
    html = run_cli(["report", run_id, "--db", "runs.db", "--format", "html", "--out", "r.html"], env, tmp)
    assert html.returncode == 0, html.stderr
    page = (tmp / "r.html").read_text()
    section = page[page.index("<h2>Proof grades</h2>"):]
    assert "pre-IMO" in section and "IMO-easy" in section and "<svg" in section
    assert "http://" not in section.replace("http://www.w3.org", "")  # nothing fetched: no CDN
    table = run_cli(["report", run_id, "--db", "runs.db"], env, tmp)
    assert "proof grades by level" in table.stdout and "14.3%" in table.stdout  # pre-IMO: 1/7


def test_the_rl_export_of_a_proof_run_rewards_the_normalised_grade(proof_batch):
    tmp, env = proof_batch["dir"], proof_batch["env"]
    done = run_cli(["export", proof_batch["run_id"], "--db", "runs.db", "--format", "oreal-h", "--out", "x.jsonl"],
                   env, tmp)
    assert done.returncode == 0, done.stderr
    rounds = [r for r in map(json.loads, (tmp / "x.jsonl").read_text().splitlines()) if r.get("kind") == "round"]
    assert {r["problem_id"] for r in rounds} == set(GRADE_BY_PROBLEM)
    for record in rounds:
        outcome = record["outcome"]
        assert outcome["proof_grade"] == pytest.approx(GRADE_BY_PROBLEM[record["problem_id"]] / 7)
        assert outcome["terminal_reward"] == outcome["proof_grade"]
        assert outcome["process_votes"] > 0  # the votes are still there, beside the grade


def _by_role(requests: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for body in requests:
        grouped.setdefault(body["_role"], []).append(body["messages"])
    return grouped


# --- grade-proof ----------------------------------------------------------------------------

def write_inputs(tmp_path: Path, proof: str = "Write $2a+1$ and $2b+1$; the sum is $2(a+b+1)$.") -> None:
    (tmp_path / "problem.md").write_text("Prove that the sum of two odd integers is even.\n")
    (tmp_path / "proof.md").write_text(proof)
    (tmp_path / "reference.md").write_text("REFERENCE-TEXT: the sum is twice an integer.")
    (tmp_path / "guidelines.md").write_text("(Partial)\n 1. GUIDELINE-TEXT wrote odd numbers as 2k+1.")


def test_grade_proof_prints_and_stores_the_median_grade_with_reference_and_guidelines(scripted, model_env, tmp_path):
    write_inputs(tmp_path)
    scripted.script["grader"] = [Reply(grader_answer(7)), Reply(grader_answer(6, "Step 2 is unproved.")),
                                 Reply(grader_answer(6, "Step 2 is unproved."))]
    done = run_cli(["grade-proof", "problem.md", "proof.md", "--reference", "reference.md", "--guidelines",
                    "guidelines.md", "--graders", "3", "--db", "g.db"], model_env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("grade 6/7 (7-6-1-0;") and "spread 1" in done.stdout
    assert "first fatal error: Step 2 is unproved." in done.stdout
    sent = [json.dumps(body["messages"]) for body in scripted.requests_for("grader")]
    assert len(sent) == 3 and all("REFERENCE-TEXT" in s and "GUIDELINE-TEXT" in s for s in sent)
    row = next(sqlite_utils.Database(tmp_path / "g.db")["proof_grades"].rows)
    assert (row["score"], sorted(json.loads(row["grader_scores"])), row["spread"]) == (6, [6, 6, 7], 1)


def test_grade_proof_without_a_reference_tells_the_grader_there_is_none(scripted, model_env, tmp_path):
    write_inputs(tmp_path)
    scripted.script["grader"] = Reply(grader_answer(3))
    done = run_cli(["grade-proof", "problem.md", "proof.md", "--scale", "0-7", "--graders", "1", "--db", "g.db"],
                   model_env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("grade 3/7 (0-7;")
    user = scripted.requests_for("grader")[0]["messages"][-1]["content"]
    assert "### Reference solution ###\n(none given)" in user and "REFERENCE-TEXT" not in user


BAD_ANSWERS = [("SCORE: 8/7", "score 8/7 is not on the 7-6-1-0 scale"), ("seven", "no 'SCORE: N/7' line"),
               ("", "the grader's answer is empty")]


def grade_in_process(server: ScriptedServer, db: Path, proof: str, graders: int = 1):
    """The library path of grade-proof, in this process: (run id, grade)."""
    import asyncio

    from lemmata.agent.config import load_config
    from lemmata.agent.problems import Problem, ProblemKind
    from lemmata.agent.evaluation.proof_grader import ProofJob, grade_in_new_run
    from lemmata.memory import RunStore

    config = load_config(environ={"LEMMATA_BASE_URL": server.base_url, "LEMMATA_MODEL": MODEL_NAME})
    config.grading.proof_graders = graders
    store = RunStore(db)
    try:
        problem = Problem("p-odd", "Prove that the sum of two odd integers is even.", kind=ProblemKind.PROOF)
        run_id, (grade,) = asyncio.run(grade_in_new_run(config, store, "grade-proof", [ProofJob(problem, 0, proof)]))
    finally:
        store.close()
    return run_id, grade


@pytest.mark.parametrize("answer, why", BAD_ANSWERS, ids=["8/7", "seven", "nothing"])
def test_an_unparseable_grader_is_retried_then_recorded_as_an_explained_failure(scripted, tmp_path, answer, why):
    scripted.script["grader"] = Reply(answer)
    _, grade = grade_in_process(scripted, tmp_path / "g.db", "Write $2a+1$ and $2b+1$.")
    assert (grade.score, grade.parse_failures) == (None, 2) and why in grade.reason
    assert scripted.counts["grader"] == 2  # the default policy retries a garbled answer once
    db = sqlite_utils.Database(tmp_path / "g.db")
    row = next(db["proof_grades"].rows)
    assert (row["status"], row["score"], row["parse_failures"]) == ("failed", None, 2) and why in row["reason"]
    assert db["calls"].count == 2


def test_one_unparseable_grader_of_three_leaves_the_median_of_the_others(scripted, tmp_path):
    scripted.script["grader"] = [Reply(grader_answer(7)), Reply("seven"), Reply(grader_answer(6)), Reply("8/7")]
    _, grade = grade_in_process(scripted, tmp_path / "g.db", "Write $2a+1$ and $2b+1$.", graders=3)
    assert sorted(grade.grader_scores, key=str) == [6, 7, None] and grade.score == 6 and grade.spread == 1
    assert grade.parse_failures == 2 and "no 'SCORE: N/7' line" in grade.reason


def test_grade_proof_exits_non_zero_when_no_grader_gives_a_score(scripted, model_env, tmp_path):
    write_inputs(tmp_path)
    scripted.script["grader"] = Reply("8/7")
    done = run_cli(["grade-proof", "problem.md", "proof.md", "--graders", "1", "--db", "g.db"], model_env, tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout.startswith("grade failed") and "no 'SCORE: N/7' line" in done.stdout


def test_an_empty_proof_is_a_recorded_failure_without_a_grader_call(scripted, tmp_path):
    scripted.script["grader"] = Reply(grader_answer(7))
    _, grade = grade_in_process(scripted, tmp_path / "g.db", "  \n")
    assert grade.score is None and "the proof is empty" in grade.reason and scripted.counts["grader"] == 0
    row = next(sqlite_utils.Database(tmp_path / "g.db")["proof_grades"].rows)
    assert (row["status"], row["score"]) == ("failed", None) and "the proof is empty" in row["reason"]


def test_a_one_megabyte_proof_is_a_recorded_failure_without_a_grader_call(scripted, model_env, tmp_path):
    write_inputs(tmp_path, "x" * (1 << 20))
    scripted.script["grader"] = Reply(grader_answer(7))
    done = run_cli(["grade-proof", "problem.md", "proof.md", "--db", "g.db"], model_env, tmp_path)
    why = "1,048,576 characters, over the grader's limit"
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert why in done.stdout and scripted.counts["grader"] == 0
    row = next(sqlite_utils.Database(tmp_path / "g.db")["proof_grades"].rows)
    assert (row["status"], row["score"]) == ("failed", None) and why in row["reason"]


def test_grade_proof_with_a_missing_file_is_a_one_line_error(model_env, tmp_path):
    write_inputs(tmp_path)
    done = run_cli(["grade-proof", "problem.md", "nope.md", "--db", "g.db"], model_env, tmp_path)
    assert done.returncode == 1 and "nope.md: no such file" in done.stderr and "Traceback" not in done.stderr


def test_model_text_in_a_grade_is_not_sent_raw_to_the_terminal(scripted, model_env, tmp_path):
    write_inputs(tmp_path)
    scripted.script["grader"] = Reply(grader_answer(0, "\x1b[2J\x1b]0;pwned\x07 wrong"))
    done = run_cli(["grade-proof", "problem.md", "proof.md", "--graders", "1", "--db", "g.db"], model_env, tmp_path)
    assert done.returncode == 0 and "\x1b" not in done.stdout and "\x07" not in done.stdout


# --- grader-eval ----------------------------------------------------------------------------

GRADER_SCORES = {"odd-sum-full": 7, "odd-sum-example": 1, "cube-full": 7, "cube-half": 0, "sqrt2-almost": 6,
                 "primes-wrong-claim": 7}
"""What the scripted grader gives each row of the human-graded file (humans: 7, 0, 7, 1, 6, 1)."""


def test_grader_eval_reports_agreement_with_the_human_grades(scripted, model_env, tmp_path):
    rows = [json.loads(line) for line in HUMAN_GRADED.read_text().splitlines()]

    def grader(body: dict) -> Reply:
        proof = body["messages"][-1]["content"].split("### Candidate proof ###")[1].strip()
        row = next(r for r in rows if r["proof"] == proof)
        return Reply(grader_answer(GRADER_SCORES[row["id"]]))

    scripted.script["grader"] = grader
    done = run_cli(["grader-eval", str(HUMAN_GRADED), "--json", "--db", "g.db"], model_env, tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # buckets agree on odd-sum-full, cube-full, sqrt2-almost; the errors are 0+1+0+1+0+6 points
    assert (result["rows"], result["failed"]) == (6, 0)
    assert result["bucket_accuracy"] == pytest.approx(3 / 6)
    assert result["mean_absolute_error"] == pytest.approx(8 / 6)
    assert result["spearman"] == pytest.approx(0.65657, abs=1e-5)
    assert result["confusion"]["1"] == {"0": 1, "1": 0, "6": 0, "7": 1, "failed": 0}
    assert result["confusion"]["7"]["7"] == 2 and result["confusion"]["0"]["1"] == 1
    assert scripted.counts["grader"] == 6 * 3
    table = run_cli(["grader-eval", str(HUMAN_GRADED), "--graders", "1", "--db", "g.db"], model_env, tmp_path)
    assert "bucket accuracy 50.0%" in table.stdout and "confusion matrix" in table.stdout


def test_grader_eval_names_the_bad_line_of_a_human_graded_file(model_env, tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"problem": "P", "proof": "Q", "human_score": 7}\n'
                                        '{"problem": "P", "proof": "Q", "human_score": "seven"}\n')
    done = run_cli(["grader-eval", "bad.jsonl", "--db", "g.db"], model_env, tmp_path)
    assert done.returncode == 1 and "bad.jsonl:2: 'human_score' must be an integer from 0 to 7" in done.stderr
