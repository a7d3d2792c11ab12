"""The verifiers' computation tool: results, refusals, limits, and serialisable records."""

from __future__ import annotations

import json

import pytest

from lemmata.engines.answers.compute import ToolCall, ToolStatus, run_tool


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("evaluate", "sqrt(2)*pi", "4.44288293815836"),
        ("simplify", "sin(x)^2 + cos(x)^2", "1"),
        ("factor", "x^3 - x", "x*(x - 1)*(x + 1)"),
        ("factor", "360", "2^3 * 3^2 * 5"),
        ("solve", "x^2 = 2 for x", "sqrt(2)"),
        ("solve", "x + y = 3; x - y = 1", "{x: 2, y: 1}"),
        ("check_identity", "(a+b)^2 = a^2 + 2ab + b^2", "holds at 8 random point(s)"),
        ("check_identity", "(a+b)^2 = a^2 + b^2", "fails at"),
    ],
)
def test_computations_return_results(name: str, text: str, expected: str) -> None:
    call = run_tool(name, text)
    assert call.status == ToolStatus.OK and expected in call.output


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "x.__class__",
        "().__class__.__bases__",
        "lambda: 1",
        "eval(x)",
        "open(x)",
        "[c for c in x]",
        "'abc'",
        "2^99999999",
        "9**9**9",
        "(" * 100 + "1" + ")" * 100,
        "1" * 5000,
    ],
)
def test_anything_but_a_mathematical_expression_is_refused(text: str) -> None:
    call = run_tool("evaluate", text)
    assert call.status == ToolStatus.REFUSED, call.output


def test_unknown_tool_is_refused_with_the_list_of_tools() -> None:
    call = run_tool("integrate_everything", "x")
    assert call.status == ToolStatus.REFUSED and "check_identity" in call.output


def test_a_computation_past_the_time_limit_is_stopped() -> None:
    call = run_tool("factor", "(x+1)^9999 - (x+2)^9998", timeout=1.0)
    assert call.status == ToolStatus.TIMEOUT


def test_tool_calls_serialise_to_json() -> None:
    call = run_tool("evaluate", "1/3")
    record = json.loads(json.dumps(call.to_dict()))
    assert record["status"] == "ok" and record["name"] == "evaluate"
    assert ToolCall(**{**record, "status": ToolStatus(record["status"])}) == call
