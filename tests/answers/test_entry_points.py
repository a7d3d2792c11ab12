"""`grade` from a plain script without a main guard, from `python -c`, from stdin, from a thread and
inside a running event loop: right verdicts, and the caller's main module is never run again."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lemmata.engines.answers import Verdict, agrade, grade

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """
import threading
from lemmata.engines.answers import grade
print("main module ran")
cases = [("\\\\frac{1}{2}", "so \\\\boxed{0.5}"), ("(1,2)", "\\\\boxed{(2,1)}"), ("x^2", "x \\\\cdot x")]
print(*[grade(g, r).verdict.value for g, r in cases])
found = []
worker = threading.Thread(target=lambda: found.append(grade("\\\\sqrt{8}", "\\\\boxed{2\\\\sqrt{2}}").verdict.value))
worker.start(); worker.join()
print(*found)
"""
EXPECTED = "main module ran\ncorrect incorrect correct\ncorrect\n"


def _run(arguments: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, *arguments], input=stdin, capture_output=True, text=True, env=env, cwd=REPO)


def test_a_script_without_a_main_guard(tmp_path: Path) -> None:
    script = tmp_path / "grade_script.py"
    script.write_text(SCRIPT, encoding="utf-8")
    done = _run([str(script)])
    assert done.stdout == EXPECTED, done.stderr[-2000:]
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_python_dash_c() -> None:
    done = _run(["-c", SCRIPT])
    assert done.stdout == EXPECTED, done.stderr[-2000:]


@pytest.mark.slow
def test_a_script_read_from_stdin() -> None:
    done = _run(["-"], stdin=SCRIPT)
    assert done.stdout == EXPECTED, done.stderr[-2000:]


def test_grade_and_agrade_inside_a_running_event_loop() -> None:
    async def inside() -> tuple[Verdict, Verdict]:
        synchronous = grade("\\frac{3}{4}", "\\boxed{0.75}")
        awaited = await agrade("(1,2)", "\\boxed{(2,1)}")
        return synchronous.verdict, awaited.verdict

    assert asyncio.run(inside()) == (Verdict.CORRECT, Verdict.INCORRECT)
