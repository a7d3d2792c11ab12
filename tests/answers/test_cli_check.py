"""`lemmata check`: exit codes and printed verdicts, rules only and with a judge over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemmata.agent.cli.check import command
from lemmata.agent.cli.main import cli
from lemmata.engines.llm.scripted_server import Reply


@pytest.fixture
def no_endpoint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("LEMMATA_BASE_URL", "LEMMATA_MODEL", "LEMMATA_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_check_prints_verdict_path_reason_and_answer(no_endpoint: None) -> None:
    done = CliRunner().invoke(command, ["\\frac{1}{2}", "so the answer is \\boxed{0.5}"])
    assert done.exit_code == 0, done.output
    for text in ("correct", "rules", "equal as exact rationals", "0.5"):
        assert text in done.output


def test_check_exit_codes_follow_the_verdict(no_endpoint: None) -> None:
    assert CliRunner().invoke(command, ["(1,2)", "\\boxed{(2,1)}"]).exit_code == 1
    assert CliRunner().invoke(command, ["\\text{Evelyn}", "\\boxed{\\text{Eve}}"]).exit_code == 2


def test_check_json_output_and_question_option(no_endpoint: None) -> None:
    done = CliRunner().invoke(command, ["(x+1)^2", "\\boxed{x^2+2x+1}", "--question", "Factor completely.", "--json"])
    grade = json.loads(done.output)
    assert grade["verdict"] == "undecided" and grade["equivalence"] == "form_differs"


def test_check_refuses_judge_without_an_endpoint(no_endpoint: None) -> None:
    done = CliRunner().invoke(command, ["1", "\\boxed{1}", "--judge"])
    assert done.exit_code == 2 and "judge endpoint" in done.output


@pytest.fixture
def judge_endpoint(scripted, model_env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Every role, the judge included, pointed at the scripted server over real HTTP."""
    for name, value in model_env.items():
        if name.startswith("LEMMATA_"):
            monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    return scripted


def test_check_asks_the_configured_judge_when_rules_cannot_decide(judge_endpoint) -> None:
    judge_endpoint.script["judge"] = Reply("A")
    done = CliRunner().invoke(command, ["\\text{Evelyn}", "The winner is \\boxed{\\text{Evelyn Smith}}", "-q", "Who won?"])
    assert done.exit_code == 0, done.output
    assert "judge" in done.output and "correct" in done.output
    assert judge_endpoint.completed["judge"] == 1
    assert "Evelyn Smith" in judge_endpoint.requests_for("judge")[0]["messages"][-1]["content"]


def test_check_with_no_judge_flag_stays_on_rules(judge_endpoint) -> None:
    done = CliRunner().invoke(command, ["\\text{Evelyn}", "\\boxed{\\text{Eve}}", "--no-judge"])
    assert done.exit_code == 2 and judge_endpoint.counts["judge"] == 0


def test_lemmata_check_is_registered_as_a_verb(no_endpoint: None) -> None:
    done = CliRunner().invoke(cli, ["check", "7", "\\boxed{7}"])
    assert done.exit_code == 0 and "correct" in done.output


def test_check_of_an_identical_fraction_is_correct(no_endpoint: None) -> None:
    done = CliRunner().invoke(cli, ["check", "\\frac{14}{3}", "\\frac{14}{3}", "--json"])
    grade = json.loads(done.output)
    assert done.exit_code == 0 and grade["verdict"] == "correct" and grade["extracted"] == "\\frac{14}{3}"
