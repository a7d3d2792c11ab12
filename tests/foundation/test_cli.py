"""The CLI as a user runs it: exit codes first, then the rows in the database."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import sqlite_utils

from tests.conftest import SENTINEL_KEY, complete_solution, one_round_script, run_cli, standin_vllm
from lemmata.engines.llm.scripted_server import Reply


def test_solve_prints_the_answer_and_stores_the_call(scripted, model_env, tmp_path):
    scripted.script.update(one_round_script("Since 6*7 = 42, the answer is \\boxed{\\frac{84}{2}}.", reasoning="multiply"))
    done = run_cli(["solve", "What is 6 times 7?", "--db", "runs.db"], model_env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "84/2" in done.stdout  # TeX made readable
    db = sqlite_utils.Database(tmp_path / "runs.db")
    call = next(db["calls"].rows_where("role = 'reasoner'"))
    assert call["completion_tokens"] > 0 and call["prompt_tokens"] > 0
    assert call["latency_s"] > 0 and call["error"] is None
    assert json.loads(call["choices"])[0]["reasoning"] == "multiply"
    [sample] = list(db["samples"].rows)
    assert sample["answer"] == "\\frac{84}{2}" and sample["status"] == "verified"
    assert list(db["runs"].rows)[0]["status"] == "finished"


def test_the_api_key_never_reaches_the_database(scripted, model_env, tmp_path):
    scripted.script.update(one_round_script("\\boxed{1}"))
    assert run_cli(["solve", "1?", "--db", "runs.db"], model_env, tmp_path).returncode == 0
    for file in tmp_path.iterdir():
        assert SENTINEL_KEY.encode() not in file.read_bytes(), file


def test_solve_reads_a_problem_file_and_quiet_prints_only_the_answer(scripted, model_env, tmp_path):
    (tmp_path / "p.md").write_text("# Problem\nCompute $2^{10}$.\n")
    scripted.script.update(one_round_script("\\boxed{1024}"))
    done = run_cli(["solve", "-f", "p.md", "--quiet", "--db", "r.db"], model_env, tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "1024"
    assert "Compute $2^{10}$" in scripted.requests_for("reasoner")[0]["messages"][-1]["content"]


def test_a_truncated_solution_is_stored_as_truncated_without_an_answer(scripted, model_env, tmp_path):
    scripted.script.update(one_round_script("x"))
    scripted.script["reasoner"] = Reply(complete_solution("so the answer is \\boxed{10"), finish_reason="length")
    done = run_cli(["solve", "x?", "--rounds", "2", "--db", "r.db"], model_env, tmp_path)
    assert done.returncode == 2 and "no_solution" in done.stdout
    db = sqlite_utils.Database(tmp_path / "r.db")
    [sample] = list(db["samples"].rows)
    assert sample["status"] == "no_solution" and sample["answer"] is None
    assert all("truncated" in r["parse_error"] for r in db["rounds"].rows)


def test_a_server_that_keeps_failing_gives_one_clear_line_and_a_failed_run(scripted, model_env, tmp_path):
    scripted.script["reasoner"] = Reply(status=500)
    (tmp_path / "lemmata.toml").write_text("[client]\nmax_retries = 1\nbackoff_initial = 0\n")
    done = run_cli(["solve", "x?", "--db", "r.db"], model_env, tmp_path)
    assert done.returncode == 1
    assert "Error: reasoner call to" in done.stderr and "HTTP 500" in done.stderr
    assert "Traceback" not in done.stderr
    db = sqlite_utils.Database(tmp_path / "r.db")
    assert list(db["runs"].rows)[0]["status"] == "failed"
    assert all(call["error"] for call in db["calls"].rows)


def test_solve_without_an_endpoint_says_what_to_set(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEMMATA_", "OPENAI_"))}
    done = run_cli(["solve", "x?", "--db", "r.db"], env, tmp_path)
    assert done.returncode == 1 and "LEMMATA_BASE_URL" in done.stderr


def test_config_show_masks_keys_and_flags_beat_env_beat_file(model_env, tmp_path):
    (tmp_path / "lemmata.toml").write_text(textwrap.dedent("""
        [defaults]
        model = "from-file"
        temperature = 0.3
        [roles.verifier]
        temperature = 0.0
        api_key = "sk-file-secret"
    """))
    env = {**model_env, "LEMMATA_MODEL": "from-env"}
    done = run_cli(["config", "show", "--base-url", "http://flag:1/v1"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["defaults"]["base_url"] == "http://flag:1/v1"
    assert shown["defaults"]["model"] == "from-env"
    assert shown["effective_roles"]["verifier"]["temperature"] == 0.0
    assert shown["effective_roles"]["reasoner"]["temperature"] == 0.3
    assert SENTINEL_KEY not in done.stdout and "sk-file-secret" not in done.stdout


def test_a_bad_config_file_names_the_file_and_the_key(model_env, tmp_path):
    (tmp_path / "lemmata.toml").write_text("[roles.verifer]\nmodel = 'x'\n")
    done = run_cli(["config", "show"], model_env, tmp_path)
    assert done.returncode == 1
    assert "lemmata.toml" in done.stderr and "roles.verifer" in done.stderr


def test_doctor_reports_a_healthy_endpoint_with_reasoning(scripted, model_env, tmp_path):
    scripted.script["reasoner"] = Reply("OK", reasoning="trivial")
    done = run_cli(["doctor"], {**model_env, "COLUMNS": "200"}, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("yes") == 4


def test_doctor_names_the_models_a_server_lists_when_ours_is_missing(scripted, model_env, tmp_path):
    done = run_cli(["doctor", "--model", "typo"], {**model_env, "COLUMNS": "200"}, tmp_path)
    assert done.returncode == 1 and "server lists: scripted" in done.stdout


def test_solve_with_serve_starts_and_stops_a_vllm_server(tmp_path):
    """A stand-in `vllm` on PATH starts the scripted server, as real vLLM would start a model."""
    env = standin_vllm(tmp_path, one_round_script("\\boxed{7}"))
    done = run_cli(["solve", "3+4?", "--serve", "Qwen/Qwen3-8B", "--quiet", "--db", "r.db"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "7"
    args = (tmp_path / "args.txt").read_text()
    assert "--reasoning-parser qwen3" in args and "--enable-prefix-caching" in args
    port = args.split("--port ")[1].split()[0]
    import socket
    with socket.socket() as probe:  # the server was stopped with the run
        assert probe.connect_ex(("127.0.0.1", int(port))) != 0


def test_serve_without_vllm_prints_the_install_command(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEMMATA_", "OPENAI_"))}
    env["PATH"] = str(Path(sys.executable).parent)
    if (Path(sys.executable).parent / "vllm").exists():
        return
    done = run_cli(["serve", "some/model"], env, tmp_path)
    assert done.returncode == 1 and "pip install 'lemmata[vllm]'" in done.stderr


def test_version_and_help(tmp_path):
    done = run_cli(["--version"], dict(os.environ), tmp_path)
    assert done.returncode == 0 and "lemmata, version" in done.stdout
    assert "solve" in run_cli(["--help"], dict(os.environ), tmp_path).stdout
