"""Shared fixtures: a scripted model server reached over real HTTP, and the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply, ScriptedServer

REPO = Path(__file__).resolve().parents[1]
SENTINEL_KEY = "sk-lemmata-SENTINEL-0123456789"


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    """A running scripted server; tests set `scripted.script[role] = ...` before calling."""
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def model_env(scripted: ScriptedServer, tmp_path: Path) -> dict[str, str]:
    """Environment that points every role at the scripted server, with a sentinel key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEMMATA_", "OPENAI_"))}
    env.update(LEMMATA_BASE_URL=scripted.base_url, LEMMATA_MODEL=MODEL_NAME, LEMMATA_API_KEY=SENTINEL_KEY)
    return env


def run_cli(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    """`lemmata ARGS` in a fresh interpreter, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "lemmata.agent.cli.main", *args], env={**env, "PYTHONPATH": str(REPO)},
        cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )


def complete_solution(solution: str) -> str:
    """A reasoner answer in the loop's format that claims a complete solution."""
    return (f"## Verdict\ncomplete solution\n\n## Method sketch\nDirect.\n\n## Detailed solution\n{solution}\n\n"
            "## Conjectures\nnone")


def one_round_script(solution: str, reasoning: str = "") -> dict:
    """Every role scripted for a solve that finishes in one round and passes verification."""
    return {
        "reasoner": Reply(complete_solution(solution), reasoning=reasoning),
        "summarizer": Reply("NO NEW LEMMAS"),
        "verifier": Reply("All steps check.\n\\box{STEP-1}"),
    }


def standin_vllm(tmp_path: Path, script: dict) -> dict[str, str]:
    """A stand-in `vllm` package, in an interpreter of its own, whose OpenAI server module starts
    the scripted server with `script` (roles -> constant replies), as real vLLM would start a
    model; it writes its arguments to args.txt. Returns the environment to run the CLI in."""
    import json
    import textwrap

    script_file = tmp_path / "script.json"
    script_file.write_text(json.dumps({role: {"content": reply.content} for role, reply in script.items()}))
    package = tmp_path / "standin" / "vllm" / "entrypoints" / "openai"
    package.mkdir(parents=True, exist_ok=True)
    for folder in (package, package.parent, package.parent.parent):
        (folder / "__init__.py").write_text("")
    (package / "api_server.py").write_text(textwrap.dedent(f"""\
        import os, sys
        args = sys.argv[1:]
        port = args[args.index("--port") + 1]
        name = args[args.index("--served-model-name") + 1]
        open({str(tmp_path / 'args.txt')!r}, "w").write(" ".join(args))
        os.execv(sys.executable, [sys.executable, "-m", "lemmata.engines.llm.scripted_server", {str(script_file)!r},
                 "--port", port, "--model", name])
    """))
    # vLLM in an interpreter of its own, as in a separate virtualenv: found via LEMMATA_VLLM_PYTHON
    interpreter = tmp_path / "standin" / "python"
    interpreter.write_text(f"#!/bin/sh\nPYTHONPATH={REPO}:{tmp_path / 'standin'} exec {sys.executable} \"$@\"\n")
    interpreter.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEMMATA_", "OPENAI_"))}
    env["LEMMATA_VLLM_PYTHON"] = str(interpreter)
    return env
