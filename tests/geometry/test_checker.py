"""The independent proof checker: engine proofs pass, tampered or unsound proofs do not."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest

from lemmata.engines.geometry import parse_problem, solve
from lemmata.engines.geometry.checker import ProofRecord, ProofStep, check_proof, record_from_facts
from lemmata.engines.geometry.problem_sets import problem_set
from lemmata.engines.geometry.language import read_problems
from tests.conftest import run_cli

ISSUE = ("m@0_0 = free m; n@4_0 = free n; p@-1_0 = on_line p m n; q@5_0 = on_line q m n; "
         "x = midpoint x m n ? midp x p q")


def _proof(name: str, problems: dict[str, str]) -> ProofRecord:
    sol = solve(parse_problem(problems[name], name), timeout=30)
    assert sol.proved and not sol.rejected
    return record_from_facts(sol.problem, sol.proof, 0)


def test_the_issues_proof_of_a_false_statement_is_rejected_at_the_parallelogram_step() -> None:
    # the proof the engine printed before r26 checked non-collinearity (issue 21)
    coll = lambda *p: ProofStep("coll", p, "coll", (0, 1, 2))  # noqa: E731
    steps = [ProofStep("coll", ("p", "m", "n"), "construction"),
             ProofStep("coll", ("q", "m", "n"), "construction"),
             ProofStep("midp", ("x", "m", "n"), "construction"),
             coll("p", "m", "x"), coll("p", "x", "n"), coll("p", "n", "q"), coll("m", "x", "n"),
             coll("x", "n", "q"),
             ProofStep("midp", ("x", "p", "q"), "r26", tuple(range(8)))]
    report = check_proof(ProofRecord(ISSUE, steps, "issue"))
    assert not report.ok
    assert any(f.startswith("step 9") and "r26" in f for f in report.failures), report.failures


@pytest.mark.parametrize("name", ["incenter_excenter", "euler", "orthocenter_aux"])
def test_engine_proofs_pass_the_checker(name: str) -> None:
    record = _proof(name, read_problems(problem_set("examples")))
    report = check_proof(record)
    assert report.ok, report.failures
    assert report.diagrams == 3


def test_a_step_citing_fewer_facts_or_another_rule_is_rejected() -> None:
    record = _proof("euler", read_problems(problem_set("examples")))
    derived = [i for i, s in enumerate(record.steps) if s.rule not in ("construction", "coll")]
    i = derived[-1]
    fewer = record.steps[:i] + [dataclasses.replace(record.steps[i], premises=record.steps[i].premises[:1])]
    assert not check_proof(dataclasses.replace(record, steps=fewer + record.steps[i + 1:])).ok
    j = next(k for k in derived if record.steps[k].rule != "r13")
    renamed = list(record.steps)
    renamed[j] = dataclasses.replace(renamed[j], rule="r13")
    report = check_proof(dataclasses.replace(record, steps=renamed))
    assert not report.ok and any(f"step {j + 1}" in f for f in report.failures)


def test_a_proof_valid_only_in_the_drawn_configuration_is_not_reported_proved(regression_examples) -> None:
    # `rconst2 f a b 1/2` puts f on either side of a; the engine's length chasing used the drawn
    # order, so its proof of `ce:ae = 4` holds in that configuration only
    sol = solve(parse_problem(regression_examples["menelaus_test"], "menelaus_test"), timeout=30)
    assert not sol.proved
    assert any("fresh diagram" in f for f in sol.rejected), sol.rejected


def test_check_command_accepts_a_valid_file_and_rejects_a_tampered_one(tmp_path) -> None:
    record = _proof("incenter_excenter", read_problems(problem_set("examples")))
    good = tmp_path / "good.json"
    good.write_text(record.to_json())
    ok = run_cli(["geometry", "check", str(good)], dict(os.environ), tmp_path)
    assert ok.returncode == 0 and "valid" in ok.stdout, ok.stdout + ok.stderr
    data = json.loads(good.read_text())
    data["steps"][-1]["premises"] = []
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    rejected = run_cli(["geometry", "check", str(bad)], dict(os.environ), tmp_path)
    assert rejected.returncode == 1 and "invalid" in rejected.stdout
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    broken = run_cli(["geometry", "check", str(junk)], dict(os.environ), tmp_path)
    assert broken.returncode != 0 and "not a proof file" in broken.stderr
    assert "Traceback" not in broken.stderr
