"""Issue 17 §6–11: hostile model output and dataset ids never reach the terminal raw; file names
from data stay in their folder; secrets echoed by a server are redacted; honest exit codes."""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlite_utils

from lemmata.memory.problem_identity import file_name, inside
from tests.conftest import SENTINEL_KEY, complete_solution, run_cli
from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply

HOSTILE = ("\x1b]0;PWNED\x07\x1b[2J\x00\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\"
           " [link=http://evil.example]here[/link] \x9b31m")
ARGV_SAFE = HOSTILE.replace("\x00", "")
"""A command line cannot carry NUL."""
RAW = ["\x1b", "\x07", "\x00", "\x9b"]
"""What must never reach a terminal from untrusted text (rich's own styling is off when piped)."""
FORCED = ["\x07", "\x00", "\x1b]", "\x1b[2J"]
"""With a forced terminal rich writes its own colour codes; titles, clears, links and BEL never."""

SUMMARY = ("<lemma>\n**Lemma 1:** Every even square is $0 \\pmod 4$. " + HOSTILE + "\n**Proof 1:**\n"
           "* **Step 1:** Write $n = 2k$. " + HOSTILE + "\n</lemma>\n")


def hostile_script() -> dict:
    return {"reasoner": Reply(complete_solution(f"{HOSTILE} So it is \\boxed{{5}}.")),
            "summarizer": Reply(SUMMARY), "verifier": Reply(f"{HOSTILE} All steps check.\n\\box{{STEP-1}}")}


def lemmata(args: list[str], env: dict, cwd: Path, **extra: str) -> subprocess.CompletedProcess:
    return run_cli(args, {**env, **extra}, cwd, input="")


def raw_controls(done: subprocess.CompletedProcess, forbidden: list[str]) -> list[str]:
    output = done.stdout + done.stderr
    return [repr(code) for code in forbidden if code in output]


@pytest.mark.slow
def test_no_verb_prints_hostile_control_characters_raw(scripted, model_env, tmp_path):
    scripted.script.update(hostile_script())
    problem_id = "k\x1b]0;PWNED\x07-1"
    rows = [{"id": problem_id, "problem": f"What is 2+3? {HOSTILE}", "answer": "5"}]
    (tmp_path / "set.jsonl").write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    common = ["--db", "runs.db"]
    budgets = ["--rounds", "1", "--revisions", "0", "--votes", "1"]
    outputs = {"batch": lemmata(["batch", "set.jsonl", "--samples", "1", *budgets, *common], model_env, tmp_path)}
    assert outputs["batch"].returncode == 0, outputs["batch"].stderr
    db = sqlite_utils.Database(tmp_path / "runs.db")
    run_id = next(db["runs"].rows)["id"]
    lemma_id = next(db["lemmas"].rows)["id"]
    outputs["show"] = lemmata(["show", run_id, *common], model_env, tmp_path)
    outputs["report"] = lemmata(["report", run_id, *common], model_env, tmp_path)
    outputs["report markdown"] = lemmata(["report", run_id, "--format", "markdown", *common], model_env, tmp_path)
    outputs["lemmas list"] = lemmata(["lemmas", "list", "--problem", problem_id, *common], model_env, tmp_path)
    outputs["lemmas show"] = lemmata(["lemmas", "show", str(lemma_id), *common], model_env, tmp_path)
    outputs["solve"] = lemmata(["solve", f"What is 2+3? {ARGV_SAFE}", *budgets, *common], model_env, tmp_path)
    outputs["solve -i"] = lemmata(["solve", "-i", f"What is 1+4? {ARGV_SAFE}", *budgets, *common], model_env,
                                  tmp_path)
    outputs["sessions"] = lemmata(["sessions", *common], model_env, tmp_path)
    assert all(done.returncode in (0, 2) for done in outputs.values()), {k: v.stderr for k, v in outputs.items()}
    assert "lemma" in outputs["lemmas list"].stdout and "PWNED" in outputs["show"].stdout  # shown, inert
    leaks = {verb: raw_controls(done, RAW) for verb, done in outputs.items()}
    assert leaks == {verb: [] for verb in outputs}

    live = lemmata(["solve", "What is 4+1?", *budgets, *common], model_env, tmp_path, FORCE_COLOR="1",
                   COLUMNS="100", TTY_COMPATIBLE="1", TTY_INTERACTIVE="1")
    assert live.returncode == 0, live.stderr
    assert raw_controls(live, FORCED) == []


def test_a_dataset_id_cannot_put_a_file_outside_its_folder(tmp_path):
    folder = tmp_path / "runs" / "figures"
    name = file_name("run1", "x/../../../../outside/ESCAPED", "s0", suffix=".svg")
    assert "/" not in name and inside(folder, name).parent == folder.resolve()
    with pytest.raises(ValueError):
        inside(folder, "../ESCAPED.svg")


class EchoingServer(ThreadingHTTPServer):
    """A server that refuses every completion with HTTP 401 and a body echoing the Bearer key."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._send(200, {"object": "list", "data": [{"id": MODEL_NAME, "object": "model"}]})

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                key = self.headers.get("authorization", "")
                self._send(401, {"error": {"message": f"invalid key {key}", "type": "auth"}})

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.mark.slow  # kill/resume, secrets or whole-run check: CI's second step
def test_a_key_echoed_in_an_error_body_is_stored_and_printed_masked(model_env, tmp_path):
    """A 401 body that echoes the key: solve says so in one line, and neither the run store, the
    checkpoints nor the output hold the key; batch fails every sample, exits 1 with the cause."""
    server = EchoingServer()
    model_env = {**model_env, "LEMMATA_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}/v1"}
    solve = run_cli(["solve", "What is 2+2?", "--db", "runs.db"], model_env, tmp_path)
    assert solve.returncode == 1 and "Traceback" not in solve.stderr
    assert "HTTP 401" in solve.stderr and SENTINEL_KEY not in solve.stderr + solve.stdout

    (tmp_path / "set.jsonl").write_text(json.dumps({"id": "a", "problem": "What is 1+1?", "answer": "2"}) + "\n")
    batch = run_cli(["batch", "set.jsonl", "--samples", "2", "--db", "runs.db"], model_env, tmp_path)
    assert batch.returncode == 1, batch.stderr
    causes = [line for line in batch.stderr.splitlines() if "no sample succeeded" in line]
    assert len(causes) == 1 and "HTTP 401" in causes[0] and "2 of 2" in causes[0]
    assert SENTINEL_KEY not in batch.stderr + batch.stdout
    for path in tmp_path.glob("runs*.db*"):
        assert SENTINEL_KEY.encode() not in path.read_bytes(), path.name
    server.shutdown()


@pytest.mark.parametrize("flag", [["--concurrency", "0"], ["--concurrency", "-3"], ["--samples", "0"],
                                  ["--samples", "-1"], ["--limit", "0"]])
def test_non_positive_batch_sizes_are_refused_in_one_line(flag, tmp_path):
    done = run_cli(["batch", "aime2025", *flag, "--db", "runs.db"], {"PATH": "/usr/bin:/bin"}, tmp_path)
    assert done.returncode == 2 and flag[0] in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "runs.db").exists()


def test_unusable_inputs_give_one_line_not_a_traceback(model_env, tmp_path):
    resume = run_cli(["batch", "--resume", "nosuchrun", "--db", "runs.db"], model_env, tmp_path)
    assert resume.returncode == 1 and "nosuchrun" in resume.stderr and "Traceback" not in resume.stderr
    (tmp_path / "lemmata.toml").write_bytes(b"[defaults]\nmodel = \"\xff\xfe\"\n")
    latin = run_cli(["solve", "What is 2+2?"], model_env, tmp_path)
    assert latin.returncode == 1 and "UTF-8" in latin.stderr and "Traceback" not in latin.stderr
    (tmp_path / "lemmata.toml").unlink()
    (tmp_path / "lemmata.toml").mkdir()
    folder = run_cli(["solve", "What is 2+2?"], model_env, tmp_path)
    assert folder.returncode == 1 and "directory" in folder.stderr and "Traceback" not in folder.stderr
