"""The Lean adapter, against a scripted process that speaks the REPL's JSON protocol."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lemmata.engines.answers.lean import LEAN_REPL_ENV, FormalStatus, LeanRepl, check_lean_proof, lean_source

SCRIPTED_REPL = [sys.executable, str(Path(__file__).parent / "scripted_lean_repl.py")]


@pytest.fixture
def repl():
    with LeanRepl(SCRIPTED_REPL) as running:
        yield running


def test_a_proof_that_compiles_is_verified(repl: LeanRepl) -> None:
    verdict = repl.check("theorem two : 1 + 1 = 2", "by norm_num")
    assert verdict.status == FormalStatus.VERIFIED
    assert verdict.source == "theorem two : 1 + 1 = 2 := by norm_num"


def test_errors_reject_and_sorry_is_incomplete(repl: LeanRepl) -> None:
    rejected = repl.check("theorem t : 1 = 2", "by exact error")
    assert rejected.status == FormalStatus.REJECTED and "unknown identifier" in rejected.messages[0]
    assert repl.check("theorem t : 1 + 1 = 2", "by sorry").status == FormalStatus.INCOMPLETE


def test_commands_reuse_the_header_environment(repl: LeanRepl) -> None:
    for _ in range(3):
        assert repl.check("theorem t : True", "trivial").status == FormalStatus.VERIFIED


def test_a_silent_repl_times_out() -> None:
    with LeanRepl(SCRIPTED_REPL) as repl:
        verdict = repl.check("theorem t : True", "by hang", timeout=0.5)
    assert verdict.status == FormalStatus.TIMEOUT


def test_non_json_output_is_a_protocol_error(repl: LeanRepl) -> None:
    assert repl.check("theorem t : True", "garbage").status == FormalStatus.ERROR


def test_a_crashed_repl_is_an_error() -> None:
    with LeanRepl(SCRIPTED_REPL) as repl:
        assert repl.check("theorem t : True", "crash").status == FormalStatus.ERROR


def test_without_a_toolchain_the_verdict_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LEAN_REPL_ENV, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    verdict = check_lean_proof("theorem t : True", "trivial")
    assert verdict.status == FormalStatus.UNAVAILABLE
    [hint] = verdict.messages
    assert "\n" not in hint and "elan" in hint and LEAN_REPL_ENV in hint


def test_the_configured_repl_command_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LEAN_REPL_ENV, " ".join(SCRIPTED_REPL))
    assert check_lean_proof("theorem t : True", "trivial").status == FormalStatus.VERIFIED


def test_statement_and_proof_join_into_one_declaration() -> None:
    assert lean_source("theorem t : True :=", "trivial") == "theorem t : True := trivial"
    assert lean_source("theorem t : True", ":= trivial") == "theorem t : True := trivial"
