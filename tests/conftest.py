"""Shared fixtures: a scripted model server reached over real HTTP, and the CLI in a process of its own."""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
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


class _Launcher:
    """The per-worker `tests/cli_launcher.py` process, started on first use."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "cli_launcher.py")], cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )
        assert json.loads(self.process.stdout.readline()) == {"ready": True}, "the CLI launcher did not start"

    def run(self, request: dict) -> dict:
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


_launcher: _Launcher | None = None


def run_cli(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 180,
            input: str | None = None) -> subprocess.CompletedProcess:
    """`lemmata ARGS` in a process of its own, as a user runs it (forked by the launcher, which has
    the heavy libraries imported already), with `input` on its standard input (not a terminal);
    returns what `subprocess.run(..., text=True)` would."""
    global _launcher
    if not hasattr(os, "pidfd_open"):  # the launcher waits on pidfds (Linux); elsewhere, a fresh interpreter
        return subprocess.run([sys.executable, "-m", "lemmata.agent.cli.main", *map(str, args)],
                              env={**env, "PYTHONPATH": str(REPO)}, cwd=cwd, input=input or "",
                              capture_output=True, text=True, timeout=timeout)
    if _launcher is None or _launcher.process.poll() is not None:
        _launcher = _Launcher()
        atexit.register(_launcher.close)
    with tempfile.TemporaryDirectory(prefix="lemmata-cli-") as streams:
        out, err, given = Path(streams) / "stdout", Path(streams) / "stderr", Path(streams) / "stdin"
        given.write_text(input or "")
        reply = _launcher.run({"args": [str(arg) for arg in args], "env": {**env, "PYTHONPATH": str(REPO)},
                               "cwd": str(cwd), "stdout": str(out), "stderr": str(err), "stdin": str(given),
                               "timeout": timeout})
        if reply.get("timeout"):
            raise subprocess.TimeoutExpired(["lemmata", *args], timeout, _text(out), _text(err))
        return subprocess.CompletedProcess(["lemmata", *args], reply["returncode"], _text(out), _text(err))


def _text(path: Path) -> str:
    """Decoded as `text=True` does: universal newlines."""
    data = path.read_bytes().decode() if path.exists() else ""
    return data.replace("\r\n", "\n").replace("\r", "\n")


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
