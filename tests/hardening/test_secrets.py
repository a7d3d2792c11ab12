"""API keys never reach the database, logs, reports, exports or terminal output.

A sentinel key is set in LEMMATA_API_KEY, OPENAI_API_KEY and lemmata.toml; every verb that
writes something runs as a subprocess; then every file written under the working directory
(and the redirected HOME: caches, matplotlib config) is searched byte for byte.
"""

from __future__ import annotations

import pytest

import json
import sqlite3
from pathlib import Path


from tests.agent.loop_script import PROBLEM, three_round_script
from tests.conftest import SENTINEL_KEY, complete_solution, run_cli
from lemmata.engines.llm.scripted_server import Reply

pytestmark = pytest.mark.slow  # whole-run soak / bounds / secrets checks: the second CI step runs them

SECRET_MARKERS = [SENTINEL_KEY.encode(), b"SENTINEL-0123456789"]
URL_PASSWORD = "urlpass-SENTINEL-9876543210"
EULER = ("a b c = triangle a b c; h = orthocenter a b c; h1 = foot a b c; h2 = foot b c a; h3 = foot c a b; "
         "g1 g2 g3 g = centroid g1 g2 g3 g a b c; o = circle a b c ? coll h g o")
EXPORT_FORMATS = ["oreal-h", "verl", "openrlhf", "trl", "sharegpt"]
REPORT_FORMATS = {"table": "txt", "markdown": "md", "json": "json", "html": "html"}


def secret_env(model_env: dict[str, str], home: Path) -> dict[str, str]:
    home.mkdir(exist_ok=True)
    return {**model_env, "LEMMATA_API_KEY": SENTINEL_KEY, "OPENAI_API_KEY": SENTINEL_KEY, "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"), "MPLCONFIGDIR": str(home / ".mpl")}


def leaks(root: Path, markers: list[bytes]) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != "lemmata.toml":
            data = path.read_bytes()
            found += [f"{path.relative_to(root)} holds {marker!r}" for marker in markers if marker in data]
    return found


def in_output(done, markers: list[bytes]) -> list[str]:
    text = (done.stdout + done.stderr).encode()
    return [f"`{' '.join(map(str, done.args[3:]))}` printed {m!r}" for m in markers if m in text]


def run_ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("select id from runs order by rowid")]


def problem_ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return sorted({row[0] for row in connection.execute("select distinct problem_id from lemma_uses")})


def test_the_sentinel_key_is_nowhere_after_solve_batch_report_export_and_show(scripted, model_env, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    env = secret_env(model_env, tmp_path / "home")
    (work / "lemmata.toml").write_text(f'[defaults]\napi_key = "{SENTINEL_KEY}"\n\n[roles.verifier]\n'
                                       f'api_key = "{SENTINEL_KEY}"\n')
    script = three_round_script()
    script["geometry"] = Reply("**Proof.** By the engine's steps, H, G and O are collinear.")
    scripted.script.update(script)
    outputs = []

    def cli(*args: str, timeout: float = 180) -> None:
        done = run_cli(list(args), env, work, timeout=timeout)
        assert done.returncode == 0, f"{args}: {done.stderr[-2000:]}"
        outputs.append(done)

    cli("solve", PROBLEM, "--answer", "2", "--db", "runs.db")
    cli("solve", EULER, "--db", "runs.db")
    (work / "set.jsonl").write_text("".join(json.dumps({"id": f"q{i}", "problem": f"What is {i} plus zero?",
                                                        "answer": str(i)}) + "\n" for i in range(3)))
    scripted.script.update({"reasoner": Reply(complete_solution("It is \\boxed{1}.")),
                            "summarizer": Reply("NO NEW LEMMAS"), "verifier": Reply("\\box{STEP-1}")})
    cli("batch", "set.jsonl", "--samples", "2", "--rounds", "1", "--revisions", "0", "--db", "runs.db")
    runs = run_ids(work / "runs.db")
    assert len(runs) == 3
    (work / "out").mkdir()
    for run in runs:
        cli("show", run, "--db", "runs.db")
        for fmt, suffix in REPORT_FORMATS.items():
            if run != runs[1] or fmt == "html":
                cli("report", run, "--format", fmt, "--out", f"out/{run}.{suffix}", "--db", "runs.db")
    cli("report", runs[0], runs[2], "--format", "markdown", "--out", "out/compare.md", "--db", "runs.db")
    for fmt in EXPORT_FORMATS:
        cli("export", *runs, "--format", fmt, "--out", f"out/export-{fmt}", "--db", "runs.db")
    for problem in problem_ids(work / "runs.db"):
        cli("lemmas", "list", "--problem", problem, "--db", "runs.db")
    cli("config", "show")
    cli("geometry", "solve", str(Path(__file__).resolve().parents[2] / "engines/geometry/data/examples.txt"),
        "--problem", "euler", "--figure", "out/euler.svg")

    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert any(p.endswith("runs.db") for p in written) and any(p.endswith(".html") for p in written)
    assert any("export-verl" in p for p in written) and any(p.endswith(".svg") for p in written)
    assert "********" in outputs[-2].stdout, "config show should show the key as configured, masked"
    problems = leaks(tmp_path, SECRET_MARKERS) + [leak for done in outputs for leak in in_output(done, SECRET_MARKERS)]
    assert not problems, "\n".join(problems)


def test_credentials_in_the_base_url_are_not_recorded(scripted, model_env, tmp_path):
    """`--base-url http://user:PASSWORD@host/v1`: the client may use them, but only the public URL
    (userinfo stripped) may be written anywhere."""
    work = tmp_path / "work"
    work.mkdir()
    env = secret_env(model_env, tmp_path / "home")
    host = scripted.base_url.split("://", 1)[1]
    url = f"http://lemmata-user:{URL_PASSWORD}@{host}"
    env.pop("LEMMATA_BASE_URL")
    scripted.script.update(three_round_script())
    outputs = []
    for args in (["solve", PROBLEM, "--answer", "2", "--db", "runs.db", "--base-url", url],
                 ["config", "show", "--base-url", url]):
        done = run_cli(args, env, work, timeout=180)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(done)
    run = run_ids(work / "runs.db")[0]
    for args in (["show", run, "--db", "runs.db"], ["report", run, "--format", "json", "--out", "r.json", "--db", "runs.db"],
                 ["export", run, "--format", "oreal-h", "--out", "e.jsonl", "--db", "runs.db"]):
        done = run_cli(args, env, work, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(done)
    markers = [URL_PASSWORD.encode(), *SECRET_MARKERS]
    problems = leaks(tmp_path, markers) + [leak for done in outputs for leak in in_output(done, markers)]
    assert not problems, "\n".join(problems)
    assert scripted.counts["reasoner"] >= 1, "the solve should have reached the server through the URL"
