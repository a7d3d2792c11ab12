"""solve, batch, doctor and serve as a user runs them against what real vLLM does: refusals,
a wrong base URL, a short context, signals (issue 16 items 1-3, 8, 9; issue 18 item 2)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys

import sqlite_utils

from tests.conftest import REPO, one_round_script, run_cli, standin_vllm
from lemmata.engines.llm.scripted_server import Reply, ScriptedServer, vllm_error

REFUSAL = vllm_error("'max_tokens' or 'max_completion_tokens' is too large: 65536. This model's maximum "
                     "context length is 40960 tokens and your request has 31 input tokens (65567 > 40960).")


def assert_one_line_error(done: subprocess.CompletedProcess, *needles: str) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], done.stderr


def test_a_refused_call_in_solve_is_one_line_and_a_recorded_call(scripted, model_env, tmp_path):
    scripted.script["reasoner"] = Reply(status=400, error_body=REFUSAL)
    done = run_cli(["solve", "What is 6 times 7?", "--db", "runs.db"], model_env, tmp_path)
    assert done.returncode == 1
    assert_one_line_error(done, "HTTP 400", "maximum context length is 40960")
    db = sqlite_utils.Database(tmp_path / "runs.db")
    [call] = list(db["calls"].rows)
    assert call["role"] == "reasoner" and "HTTP 400" in call["error"] and "40960" in call["error"]
    assert scripted.counts["reasoner"] == 1  # not retried
    assert list(db["runs"].rows)[0]["status"] == "failed"


def test_a_refused_call_in_batch_fails_the_sample_with_the_reason_and_records_the_call(scripted, model_env, tmp_path):
    (tmp_path / "set.jsonl").write_text(json.dumps({"id": "q1", "problem": "1+1?", "answer": "2"}) + "\n")
    scripted.script["reasoner"] = Reply(status=400, error_body=REFUSAL)
    done = run_cli(["batch", "set.jsonl", "--samples", "2", "--rounds", "1", "--db", "runs.db"], model_env, tmp_path,
                   timeout=120)
    assert "Traceback" not in done.stderr
    db = sqlite_utils.Database(tmp_path / "runs.db")
    samples = list(db["samples"].rows)
    assert [s["status"] for s in samples] == ["failed", "failed"]
    assert all("HTTP 400" in s["error"] for s in samples)
    calls = list(db["calls"].rows)
    assert len(calls) == 2 and all("HTTP 400" in c["error"] for c in calls)


def test_solve_with_a_base_url_missing_v1_stops_before_the_first_call(scripted, model_env, tmp_path):
    env = {**model_env, "LEMMATA_BASE_URL": scripted.base_url.removesuffix("/v1")}
    done = run_cli(["solve", "1+1?", "--db", "runs.db"], env, tmp_path)
    assert done.returncode == 1
    assert_one_line_error(done, "HTTP 404", "/v1 missing")
    assert sum(scripted.counts.values()) == 0
    assert not (tmp_path / "runs.db").exists() or not list(sqlite_utils.Database(tmp_path / "runs.db")["runs"].rows)


def test_batch_with_a_model_the_server_lacks_stops_with_doctors_verdict(scripted, model_env, tmp_path):
    (tmp_path / "set.jsonl").write_text(json.dumps({"id": "q1", "problem": "1+1?", "answer": "2"}) + "\n")
    done = run_cli(["batch", "set.jsonl", "--model", "Qwen3-8b", "--db", "runs.db"], model_env, tmp_path)
    assert done.returncode == 1
    assert_one_line_error(done, "not served", "server lists: scripted")
    assert sum(scripted.counts.values()) == 0
    assert [r["status"] for r in sqlite_utils.Database(tmp_path / "runs.db")["runs"].rows] == ["failed"]


def test_solve_against_a_dead_server_stops_with_one_line(model_env, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**model_env, "LEMMATA_BASE_URL": f"http://127.0.0.1:{port}/v1"}
    done = run_cli(["solve", "1+1?", "--db", "runs.db"], env, tmp_path)
    assert done.returncode == 1
    assert_one_line_error(done, "not reachable")


def test_a_short_context_lowers_max_tokens_and_the_library_budget_and_says_so(model_env, tmp_path):
    with ScriptedServer(one_round_script("It is \\boxed{2}."), max_model_len=8192) as server:
        env = {**model_env, "LEMMATA_BASE_URL": server.base_url}
        done = run_cli(["solve", "1+1?", "--rounds", "1", "--revisions", "0", "--db", "runs.db"], env, tmp_path)
        assert done.returncode == 0, done.stderr
        assert "library_budget_tokens lowered from 16000 to 2048" in " ".join(done.stdout.split())
        sent = [body["max_tokens"] for body in server.requests]
        assert sent and all(tokens < 8192 for tokens in sent)  # the default 65536 would be refused
        run = list(sqlite_utils.Database(tmp_path / "runs.db")["runs"].rows)[0]
        assert json.loads(run["config"])["loop"]["library_budget_tokens"] == 2048


def test_doctor_shows_the_context_and_what_to_change(model_env, tmp_path):
    with ScriptedServer({"reasoner": Reply("OK", reasoning="r")}, max_model_len=40960) as server:
        env = {**model_env, "LEMMATA_BASE_URL": server.base_url, "COLUMNS": "250"}
        done = run_cli(["doctor"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "40960" in done.stdout
    text = " ".join(done.stdout.split())
    assert "max_tokens 65536 exceeds the 40960-token context" in text and "[defaults] max_tokens below 40960" in text
    assert "library_budget_tokens 16000 is too large" in text


def test_serve_passes_max_model_len_only_when_asked_and_extra_flags_through(tmp_path):
    env = standin_vllm(tmp_path, {"reasoner": Reply("x")})
    server = subprocess.Popen([sys.executable, "-m", "lemmata.agent.cli.main", "serve", "Qwen/Qwen3-8B", "--", "--dtype",
                               "float32", "--max-num-seqs", "4"],
                              env={**env, "PYTHONPATH": str(REPO)}, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_base_url(server)
        args = (tmp_path / "args.txt").read_text()
        assert "--max-model-len" not in args
        assert args.startswith("--model Qwen/Qwen3-8B") and args.endswith("--dtype float32 --max-num-seqs 4")
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_solve_with_serve_passes_flags_after_the_model_name(tmp_path):
    env = standin_vllm(tmp_path, one_round_script("\\boxed{7}"))
    done = run_cli(["solve", "3+4?", "--serve", "Qwen/Qwen3-8B --max-model-len 32768", "--quiet", "--db", "r.db"],
                   env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "args.txt").read_text().endswith("--max-model-len 32768")


def _wait_for_base_url(process: subprocess.Popen) -> str:
    for line in process.stdout:
        if line.startswith("http://"):
            return line.strip()
    raise AssertionError(f"serve ended without a base URL: {process.stderr.read()}")


def _port_is_closed(base_url: str) -> bool:
    port = int(base_url.rsplit(":", 1)[1].split("/")[0])
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_sigterm_and_sighup_to_serve_stop_the_vllm_server(tmp_path):
    for signum in (signal.SIGTERM, signal.SIGHUP):
        env = standin_vllm(tmp_path, {"reasoner": Reply("x")})
        process = subprocess.Popen([sys.executable, "-m", "lemmata.agent.cli.main", "serve", "some/model"],
                                   env={**env, "PYTHONPATH": str(REPO)}, cwd=tmp_path, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        base_url = _wait_for_base_url(process)
        assert not _port_is_closed(base_url)
        process.send_signal(signum)
        process.wait(timeout=60)
        assert "Traceback" not in process.stderr.read()
        assert _port_is_closed(base_url), signum  # the server went with Lemmata, not reparented to PID 1


def test_one_dead_endpoint_among_several_is_a_note_not_a_stop(scripted, model_env, tmp_path):
    scripted.script.update(one_round_script("It is \\boxed{2}."))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
    env = {**model_env, "LEMMATA_BASE_URL": f"{dead},{scripted.base_url}"}
    done = run_cli(["solve", "1+1?", "--rounds", "1", "--revisions", "0", "--db", "runs.db"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "not reachable" in done.stdout and "go to the other endpoints" in " ".join(done.stdout.split())
