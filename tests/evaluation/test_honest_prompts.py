"""No gold reaches a model: every request of a real `batch` and `solve` is searched for the golds,
reference solutions and grading guidelines, against a scripted server that logs request bodies.
Only `--reference-visible` shows the process verifier the gold, and report and show say so."""

from __future__ import annotations

import io
import json

import pytest
import sqlite_utils
from rich.console import Console

from lemmata.agent.evaluation.report import build_report
from lemmata.agent.evaluation.report_compare import compare_reports
from lemmata.agent.evaluation.report_html import to_html
from lemmata.agent.evaluation.report_text import report_renderable, to_markdown
from lemmata.agent.evaluation.run_data import load_run_data
from lemmata.memory import RunStore

from tests.agent.loop_script import PROBLEM, three_round_script
from tests.agent.test_geometry_agent import IMO_2004_P1
from tests.agent.test_session import session
from tests.conftest import complete_solution, run_cli
from lemmata.engines.llm.scripted_server import Reply

GOLDS = {"a1": "7373", "a2": "9191", "a3": "5858", "a4": r"\frac{8383}{17}"}
REFERENCE_SOLUTION = "REFSOL-QUOKKA: pair each term with its mirror image."
GUIDELINES = "GUIDELINE-NARWHAL: 7 points for a complete pairing argument."
SECRETS = [*GOLDS.values(), "8383", "REFSOL-QUOKKA", "GUIDELINE-NARWHAL"]

SUMMARY = r"""<lemma>
**Lemma 1:** Every integer square is at least zero.
**Proof 1:**
* **Step 1:** A square of a real number is non-negative.
</lemma>
"""
FIRST_DRAFT = complete_solution(r"FIRST DRAFT. By Lemma 1 the value is \boxed{1}.")
REVISED = complete_solution(r"REVISED. By Lemma 1 the value is \boxed{2}.")


def write_dataset(path) -> None:
    rows = [{"id": pid, "problem": f"Problem {pid}: find the value of the quantity described in exercise {pid}.",
             "answer": gold} for pid, gold in GOLDS.items()]
    rows.append({"id": "proof1", "kind": "proof", "problem": "Prove that the mirror pairing sums to zero.",
                 "reference_solution": REFERENCE_SOLUTION, "guidelines": GUIDELINES, "solution": REFERENCE_SOLUTION})
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")


def is_reviser(body: dict) -> bool:
    return "revising your own solution" in body["messages"][0]["content"]


def is_process_verifier(body: dict) -> bool:
    return "checking a complete solution" in body["messages"][0]["content"]


def honest_script() -> dict:
    """Every role played: the first draft fails final verification, so the reviser is asked too.
    No reply holds a gold, so any gold in a request came from the product."""

    def reasoner(body: dict) -> Reply:
        return Reply(REVISED if is_reviser(body) else FIRST_DRAFT)

    def verifier(body: dict) -> Reply:
        if is_process_verifier(body) and "FIRST DRAFT" in body["messages"][-1]["content"]:
            return Reply("Step 1 does not follow. \\box{STEP1}")
        return Reply("All steps check.\n\\box{STEP-1}")

    grade = Reply("The pairing argument is complete.\nCREDITED: none\nFIRST FATAL ERROR: none\nSCORE: 7/7")
    return {"reasoner": reasoner, "summarizer": Reply(SUMMARY), "verifier": verifier, "grader": grade}


def solver_requests(requests: list[dict]) -> list[dict]:
    """Every request but the proof grader's, which is meant to see the reference (it scores, it never solves)."""
    return [body for body in requests if body["_role"] != "grader"]


def leaks(requests: list[dict]) -> list[tuple[str, str]]:
    """(role, secret) for every request body that holds a secret."""
    return [(body["_role"], secret) for body in requests for secret in SECRETS
            if secret in json.dumps({k: v for k, v in body.items() if k != "_role"}, ensure_ascii=False)]


def roles_asked(requests: list[dict]) -> set[str]:
    names = set()
    for body in requests:
        names.add("reviser" if is_reviser(body) else "process verifier" if is_process_verifier(body)
                  else "lemma verifier" if "### Lemma to verify ###" in body["messages"][-1]["content"]
                  else body["_role"])
    return names


def batch(tmp_path, model_env, *extra: str):
    (tmp_path / "lemmata.toml").write_text("[loop]\nprocess_votes = 2\n")  # fewer calls, same roles
    done = run_cli(["batch", "set.jsonl", "--samples", "1", "--rounds", "1", "--revisions", "1", "--votes", "1",
                    "--db", "runs.db", *extra], model_env, tmp_path, timeout=240)
    assert done.returncode == 0, done.stderr
    return done


def run_ids(tmp_path) -> list[str]:
    return [row["id"] for row in sqlite_utils.Database(tmp_path / "runs.db")["runs"].rows_where(order_by="created_at, rowid")]


def stored_choice(tmp_path, run_id: str):
    run = sqlite_utils.Database(tmp_path / "runs.db")["runs"].get(run_id)
    return json.loads(run["config"])["loop"]["reference_visible"]


def test_a_batch_shows_no_model_any_gold_and_only_the_flag_shows_the_process_verifier(scripted, model_env, tmp_path):
    write_dataset(tmp_path / "set.jsonl")
    scripted.script.update(honest_script())

    batch(tmp_path, model_env)
    asked = list(scripted.requests)
    assert roles_asked(asked) == {"reasoner", "summarizer", "lemma verifier", "process verifier", "reviser", "grader"}
    assert any("REFSOL-QUOKKA" in json.dumps(body) for body in asked if body["_role"] == "grader")
    hidden = solver_requests(asked)
    assert any("Problem a1: find the value" in json.dumps(body) for body in hidden)  # the search reads the prompts
    assert leaks(hidden) == []
    assert not any("Reference answer" in json.dumps(body) for body in hidden)

    scripted.requests.clear()
    batch(tmp_path, model_env, "--reference-visible")
    shown = solver_requests(scripted.requests)
    assert {role for role, _ in leaks(shown)} == {"verifier"}
    assert all(is_process_verifier(body) for body in shown if any(s in json.dumps(body) for s in SECRETS))
    a1_verifier = [b["messages"][-1]["content"] for b in shown if is_process_verifier(b) and "Problem a1:" in
                   b["messages"][-1]["content"]]
    assert a1_verifier and all("### Reference answer ###\n7373\n" in text for text in a1_verifier)
    assert not any("REFSOL-QUOKKA" in json.dumps(body) or "GUIDELINE-NARWHAL" in json.dumps(body) for body in shown)

    blind, sighted = run_ids(tmp_path)
    assert (stored_choice(tmp_path, blind), stored_choice(tmp_path, sighted)) == (False, True)
    assert_headers_say_what_the_models_saw(tmp_path, blind, sighted)
    table = run_cli(["report", sighted, "--db", "runs.db"], model_env, tmp_path)
    assert "reference: VISIBLE to the process verifier (--reference-visible)" in " ".join(table.stdout.split())
    shown_run = run_cli(["show", sighted, "--db", "runs.db"], model_env, tmp_path)
    assert "reference: VISIBLE to the process verifier" in " ".join(shown_run.stdout.split())


def assert_headers_say_what_the_models_saw(tmp_path, blind: str, sighted: str) -> None:
    """Every report format, and a comparison of the two runs (in-process: one CLI start is slow)."""
    store = RunStore(tmp_path / "runs.db")
    a, b = (build_report(load_run_data(store, run_id)) for run_id in (blind, sighted))
    store.close()
    for report, said in ((a, "reference: hidden from every model"),
                         (b, "reference: VISIBLE to the process verifier (--reference-visible)")):
        assert said in rendered(report_renderable(report)) and said in to_markdown(report) and said in to_html(report)
    assert (json.loads(a.to_json())["reference_visible"], json.loads(b.to_json())["reference_visible"]) == (False, True)
    compared = compare_reports(a, b)
    assert "A · reference: hidden from every model" in compared.to_markdown()
    assert "B · reference: VISIBLE" in compared.to_markdown()
    assert "the scores are not comparable" in compared.to_markdown()
    assert "the scores are not comparable" in rendered(compared)
    assert json.loads(compared.to_json())["reference_visible_b"] is True


def rendered(renderable) -> str:
    console = Console(file=io.StringIO(), width=400, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


@pytest.mark.slow  # kill/resume, secrets or whole-run check: CI's second step
def test_a_resumed_batch_keeps_its_choice(scripted, model_env, tmp_path):
    write_dataset(tmp_path / "set.jsonl")
    scripted.script.update(honest_script())
    done = run_cli(["batch", "set.jsonl", "--samples", "1", "--limit", "1", "--rounds", "1", "--revisions", "0",
                    "--votes", "1", "--db", "runs.db"], model_env, tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    [run_id] = run_ids(tmp_path)
    sqlite_utils.Database(tmp_path / "runs.db")["runs"].update(run_id, {"status": "interrupted"})  # as after a kill
    again = run_cli(["batch", "--resume", run_id, "--reference-visible", "--db", "runs.db"], model_env, tmp_path)
    assert again.returncode == 1
    assert "started without --reference-visible; a resumed run keeps that choice" in again.stderr
    assert "Traceback" not in again.stderr


def test_solve_with_an_answer_shows_it_to_no_model_unless_asked(scripted, model_env, tmp_path):
    scripted.script.update(honest_script())
    problem = "Problem s1: find the value of the quantity described in exercise s1."
    args = ["solve", problem, "--answer", "7373", "--rounds", "1", "--revisions", "1", "--votes", "1",
            "--db", "runs.db", "--quiet"]
    done = run_cli(args, model_env, tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert roles_asked(scripted.requests) == {"reasoner", "summarizer", "lemma verifier", "process verifier", "reviser"}
    assert leaks(scripted.requests) == []
    [blind] = run_ids(tmp_path)
    assert stored_choice(tmp_path, blind) is False
    assert "reference: hidden from every model" in run_cli(["show", blind, "--db", "runs.db"], model_env, tmp_path).stdout

    resumed = run_cli(["solve", "--resume", blind, "--reference-visible", "--db", "runs.db"], model_env, tmp_path)
    assert resumed.returncode == 1 and "a resumed run keeps that choice" in resumed.stderr

    scripted.requests.clear()
    done = run_cli([*args, "--reference-visible"], model_env, tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert {role for role, _ in leaks(scripted.requests)} == {"verifier"}
    assert all("### Reference answer ###\n7373\n" in body["messages"][-1]["content"]
               for body in scripted.requests if is_process_verifier(body))


def test_an_interactive_session_shows_no_model_the_gold(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    done = session("\n\n\n", model_env, tmp_path, "--answer", "7373")
    assert done.returncode == 0, done.stderr
    assert "process verifier" in roles_asked(scripted.requests) and "reviser" in roles_asked(scripted.requests)
    assert any(PROBLEM in json.dumps(body, ensure_ascii=False) for body in scripted.requests)
    assert not any("7373" in json.dumps(body) for body in scripted.requests)


def test_the_geometry_agent_never_sees_the_gold_even_with_the_flag(scripted, model_env, tmp_path):
    scripted.script["geometry"] = [Reply("<propose>cong o b o c</propose>"), Reply("<propose>cong o m o n</propose>")]
    (tmp_path / "lemmata.toml").write_text("[geometry]\nmax_steps = 3\n")
    done = run_cli(["solve", IMO_2004_P1, "--answer", "7373", "--db", "runs.db", "--quiet", "--reference-visible"],
                   model_env, tmp_path, timeout=180)
    assert scripted.counts["geometry"] == 2, done.stderr
    assert any("coll p b c" in json.dumps(body) for body in scripted.requests)
    assert not any("7373" in json.dumps(body) for body in scripted.requests)
