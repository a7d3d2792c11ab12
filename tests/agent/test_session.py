"""`lemmata solve -i`: sessions scripted on standard input, through the real CLI, against the
scripted server playing every role."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils

from lemmata.agent.session.commands import CommandError, SessionCommand, SessionVerb, parse_command
from tests.agent.loop_script import PROBLEM, three_round_script
from tests.conftest import REPO, run_cli
from lemmata.engines.llm.scripted_server import Reply

LEMMA1 = "If $n$ is an even integer then $n^2 \\equiv 0 \\pmod 4$."
LEMMA2 = "If $n$ is an odd integer then $n^2 \\equiv 3 \\pmod 4$."
ONE_ROUND_PAID = {"reasoner": 1, "summarizer": 1, "verifier": 8}
"""Round 1 of the three-round script: one reasoner and summarizer call, 2 lemmas x 4 votes."""


def session(commands: str, env: dict, cwd: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """`lemmata solve -i` with `commands` on standard input (not a terminal); a new session
    gets a round cap of 3, a resumed one keeps its own."""
    problem = [] if "--resume" in args else [PROBLEM, "--rounds", "3"]
    return run_cli(["solve", "-i", *problem, "--db", "runs.db", *args], env, cwd, timeout=timeout, input=commands)


def reasoner_prompt(scripted, round: int) -> str:
    return scripted.requests_for("reasoner")[round - 1]["messages"][-1]["content"]


def only_run(cwd: Path) -> dict:
    [run] = list(sqlite_utils.Database(cwd / "runs.db")["runs"].rows)
    return run


def test_a_hint_appears_in_the_next_reasoner_prompt(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    done = session("\n/hint Write an odd n as 2k+1 and expand.\n\n", model_env, tmp_path)

    assert done.returncode == 0, done.stderr
    assert "hint noted for round 2" in done.stdout
    assert "Write an odd n as 2k+1" not in reasoner_prompt(scripted, 1)
    assert "Hints from the mathematician working with you:\n- Write an odd n as 2k+1 and expand." in reasoner_prompt(scripted, 2)
    assert only_run(tmp_path)["command"] == "session" and only_run(tmp_path)["status"] == "finished"
    assert "verified" in done.stdout and "2" in done.stdout.split("answer · run")[1]

    again = session("\n", model_env, tmp_path, "--resume", only_run(tmp_path)["id"])
    assert again.returncode == 1 and "is finished; lemmata show" in again.stderr


def test_a_rejected_lemma_is_gone_from_the_next_prompt(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    done = session("\n/reject 2\n/library\n\n", model_env, tmp_path)

    assert done.returncode == 0, done.stderr
    prompt = reasoner_prompt(scripted, 2)
    assert LEMMA1 in prompt and LEMMA2 not in prompt
    assert "rejected" in done.stdout.split("lemmata> /library")[1]


def test_a_pinned_lemma_survives_the_library_budget(scripted, model_env, tmp_path):
    # At 100 tokens only one lemma fits. Unpinned, the budget keeps lemma 1 (confidence 1.00) and
    # leaves out lemma 2 (0.00); pinning lemma 2 must keep it and leave lemma 1 out instead.
    (tmp_path / "lemmata.toml").write_text("[loop]\nlibrary_budget_tokens = 100\n")
    scripted.script.update(three_round_script())
    done = session("\n/pin 2\n\n", model_env, tmp_path)

    assert done.returncode == 0, done.stderr
    prompt = reasoner_prompt(scripted, 2)
    assert f"Lemma 2 (pinned by the user, confidence 0.00, 0/4 verifier votes): {LEMMA2}" in prompt
    assert LEMMA1 not in prompt
    assert "(1 more lemma was left out to fit the budget: Lemma 1.)" in prompt


@pytest.mark.slow  # kill/resume, secrets or whole-run check: CI's second step
def test_a_saved_session_resumes_at_its_pending_pause_without_paying_twice(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    first = session("\n/votes 4\n/save\n", model_env, tmp_path)
    assert first.returncode == 0, first.stderr
    run = only_run(tmp_path)
    assert run["status"] == "paused" and f"lemmata solve -i --resume {run['id']}" in first.stdout
    assert dict(scripted.completed) == ONE_ROUND_PAID

    resumed = session("\n", model_env, tmp_path, "--resume", run["id"])

    assert resumed.returncode == 0, resumed.stderr
    assert "before round 2" in resumed.stdout and "round 1 ·" not in resumed.stdout
    assert dict(scripted.completed) == {"reasoner": 3, "summarizer": 2, "verifier": 8 + 4 + 4}
    db = sqlite_utils.Database(tmp_path / "runs.db")
    keys = [row[0] for row in db.execute("select json_extract(tags, '$.call_key') from calls where error is null")]
    assert len(keys) == len(set(keys)), "a finished call was made twice"
    assert only_run(tmp_path)["status"] == "finished"


def test_end_of_input_saves_and_the_budgets_changed_at_the_prompt_are_kept(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    session("/rounds 1\n", model_env, tmp_path)
    run = only_run(tmp_path)
    assert run["status"] == "paused" and scripted.completed.total() == 0

    resumed = session("\n", model_env, tmp_path, "--resume", run["id"])

    # Round cap 1 was saved: after round 1 the session goes straight to final verification.
    assert resumed.returncode == 0, resumed.stderr
    assert "rounds done 0 of at most 1" in resumed.stdout
    assert scripted.completed["summarizer"] == 1 and "round 2 · reasoner" not in resumed.stdout


def test_lowering_the_round_cap_at_a_pause_ends_the_rounds(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    done = session("\n/rounds 1\n\n", model_env, tmp_path)

    assert done.returncode == 0, done.stderr
    assert "the round cap (1) is reached: verifying the final solution" in done.stdout
    assert scripted.completed["reasoner"] == 1 and scripted.completed["summarizer"] == 1
    assert only_run(tmp_path)["status"] == "finished"


def test_the_library_table_shows_numbers_readable_statements_confidence_and_status():
    from rich.console import Console

    from lemmata.agent.views.session import LibraryTable
    from lemmata.memory.lemmas.library import LibraryEntry
    from lemmata.memory.lemmas.records import LemmaOrigin, LemmaStatus

    def entry(number, statement, confidence, status=LemmaStatus.ACTIVE, origin=LemmaOrigin.MODEL):
        votes = 0 if confidence is None else 4
        return LibraryEntry(int(number), number, statement, [], [], True, confidence, int((confidence or 0) * 4), votes,
                            origin, status, 1, 1)

    console = Console(width=100, record=True, color_system=None)
    console.print(LibraryTable([
        entry("1", LEMMA1, 1.0, LemmaStatus.PINNED), entry("2", LEMMA2, 0.0, LemmaStatus.REJECTED),
        entry("3", "$\\frac{n(n+1)}{2}$ is an integer.", None, origin=LemmaOrigin.USER)]))
    rows = [line for line in console.export_text().splitlines() if line.startswith("│")]
    assert [row.split("│")[1:5] for row in rows] == [
        [" 1       ", " If n is an even integer then n^2 ≡ 0 (mod 4).".ljust(59), " 1.00 (4/4)  ", " pinned       "],
        [" 2       ", " If n is an odd integer then n^2 ≡ 3 (mod 4).".ljust(59), " 0.00 (0/4)  ", " rejected     "],
        [" 3       ", " n(n+1)/2 is an integer.".ljust(59), " unverified  ", " user's       "],
    ]


def test_a_bad_command_gets_an_error_line_and_the_session_goes_on(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    done = session("/frobnicate\n/pin 9\n/rounds zero\nplease continue\n/s\n/hint\n/save\n", model_env, tmp_path)

    assert done.returncode == 0, done.stderr
    errors = [line for line in done.stdout.splitlines() if line.startswith("error: ")]
    assert errors == [
        "error: unknown command '/frobnicate'; /help lists the commands",
        "error: no lemma 9 in the library; /library shows the numbers",
        "error: /rounds needs a positive whole number: /rounds K",
        "error: 'please continue' is not a command; commands start with / (try /help, or /hint TEXT)",
        "error: '/s' could be /stop or /save; type more of it",
        "error: /hint needs text: /hint TEXT",
    ]
    assert only_run(tmp_path)["status"] == "paused"


def test_lemmata_sessions_lists_the_session(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    session("\n/save\n", model_env, tmp_path)
    run_id = only_run(tmp_path)["id"]

    listed = run_cli(["sessions", "--db", "runs.db"], model_env, tmp_path)

    assert listed.returncode == 0, listed.stderr
    [row] = [line for line in listed.stdout.splitlines() if run_id in line]
    assert "paused" in row and "How many" in row
    assert row.split("│")[3].strip() == "1" and row.split("│")[4].strip() == "2"  # rounds done, lemmas


def test_ctrl_c_during_a_round_returns_to_the_prompt(scripted, model_env, tmp_path):
    script = three_round_script()
    script["reasoner"] = [Reply(script["reasoner"][0].content, delay=30), *script["reasoner"]]
    scripted.script.update(script)
    process = subprocess.Popen(
        [sys.executable, "-m", "lemmata.agent.cli.main", "solve", "-i", PROBLEM, "--db", "runs.db"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**model_env, "PYTHONPATH": str(REPO)}, cwd=tmp_path)
    process.stdin.write("\n/hint Look at odd n.\n/save\n")
    process.stdin.flush()
    deadline = time.monotonic() + 120
    while scripted.counts["reasoner"] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)  # the round's reasoner call is in flight (its reply waits 30 s)
    out, err = process.communicate(timeout=30)

    assert process.returncode == 0, err
    assert "interrupted" in out and "hint noted for round 1" in out
    assert only_run(tmp_path)["status"] == "paused" and scripted.completed["reasoner"] == 0


@pytest.mark.parametrize("line, command", [
    ("", SessionCommand(SessionVerb.CONTINUE)),
    ("/c", SessionCommand(SessionVerb.CONTINUE)),
    ("/hint  try induction ", SessionCommand(SessionVerb.HINT, text="try induction")),
    ("/pin 3-fixed", SessionCommand(SessionVerb.PIN, lemma="3-fixed")),
    ("/edit 2 $n^2 \\equiv 1$", SessionCommand(SessionVerb.EDIT, lemma="2", text="$n^2 \\equiv 1$")),
    ("/VOTES 8", SessionCommand(SessionVerb.VOTES, count=8)),
    ("/lib", SessionCommand(SessionVerb.LIBRARY)),
])
def test_typed_lines_become_commands(line, command):
    assert parse_command(line) == command


@pytest.mark.parametrize("line", ["/stop now", "/pin", "/pin 1 2", "/edit 2", "/votes -1", "/l", "hello", "/"])
def test_malformed_lines_are_refused_with_a_reason(line):
    with pytest.raises(CommandError):
        parse_command(line)


def test_own_lemmas_edits_and_a_second_verification_then_stop(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    done = session("\n/lemma Every odd square is $1 \\pmod 8$.\n/edit 2 If $n$ is odd then $n^2 \\equiv 1 \\pmod 4$.\n"
                   "/verify 2\n/pin 1\n/unpin 1\n/stop\n", model_env, tmp_path)

    assert done.returncode == 0, done.stderr
    assert "lemma 3 added as yours" in done.stdout and "lemma 2 edited (version 2" in done.stdout
    assert "lemma 2: confidence 0.00 (0/4 votes)" in done.stdout
    db = sqlite_utils.Database(tmp_path / "runs.db")
    lemmas = {row["statement"]: row for row in db["lemmas"].rows}
    assert lemmas["Every odd square is $1 \\pmod 8$."]["origin"] == "user"
    edited = lemmas["If $n$ is odd then $n^2 \\equiv 1 \\pmod 4$."]
    assert (edited["version"], edited["votes"], edited["status"]) == (2, 4, "active")
    assert lemmas[LEMMA1]["status"] == "active"  # pinned, then unpinned
    # /stop after round 1: no round 2, the round-1 solution goes to final verification.
    assert scripted.completed["reasoner"] == 1 and scripted.completed["summarizer"] == 1
    assert list(db["revisions"].rows)[0]["call_id"] is not None
    assert only_run(tmp_path)["status"] == "finished"


def test_quit_leaves_the_session_unfinished(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    done = session("/quit\n", model_env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert only_run(tmp_path)["status"] == "quit" and scripted.completed.total() == 0


class Terminal:
    """A pseudo-terminal that is the session's controlling terminal, so Ctrl-C is a real SIGINT."""

    def __init__(self, args: list[str], env: dict, cwd: Path):
        import fcntl
        import os
        import pty
        import termios

        self.os = os
        self.master, slave = pty.openpty()

        def controlling_terminal() -> None:
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            [sys.executable, "-m", "lemmata.agent.cli.main", *args], stdin=slave, stdout=slave, stderr=slave,
            env={**env, "PYTHONPATH": str(REPO), "TERM": "xterm", "COLUMNS": "100"}, cwd=cwd,
            preexec_fn=controlling_terminal)
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 180) -> str:
        import re
        import select

        deadline = time.monotonic() + timeout
        while text not in self.seen:
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.seen[-2000:]}"
            if select.select([self.master], [], [], 0.1)[0]:
                try:
                    chunk = self.os.read(self.master, 65536).decode(errors="replace")
                except OSError:
                    break
                self.seen += re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", chunk)
        shown, _, self.seen = self.seen.partition(text)
        return shown

    def type(self, keys: str) -> None:
        self.os.write(self.master, keys.encode())

    def close(self) -> int:
        """Wait for the session to end (reading what it still prints), then hang up."""
        import select

        deadline = time.monotonic() + 120
        while self.process.poll() is None and time.monotonic() < deadline:
            if select.select([self.master], [], [], 0.1)[0]:
                try:
                    self.os.read(self.master, 65536)
                except OSError:
                    break
        self.os.close(self.master)
        return self.process.wait(timeout=30)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_at_a_terminal_commands_complete_and_ctrl_c_interrupts_the_round(scripted, model_env, tmp_path):
    script = three_round_script()
    script["reasoner"] = [script["reasoner"][0], Reply(script["reasoner"][1].content, delay=30)]
    scripted.script.update(script)
    terminal = Terminal(["solve", "-i", PROBLEM, "--db", "runs.db"], model_env, tmp_path)
    try:
        terminal.expect("lemmata> ")
        terminal.type("\r")
        terminal.expect("before round 2")
        terminal.expect("lemmata> ")
        terminal.type("/hi\t")  # readline completes the command name
        terminal.expect("/hint ")
        terminal.type("odd squares\r")
        terminal.expect("hint noted for round 2")
        terminal.type("\r")
        while scripted.counts["reasoner"] < 2:
            time.sleep(0.02)
        terminal.type("\x03")
        terminal.expect("interrupted")
        terminal.expect("lemmata> ")
        terminal.type("/save\r")
        terminal.expect("saved")
    finally:
        returncode = terminal.close()
    assert returncode == 0
    assert "- odd squares" in reasoner_prompt(scripted, 2)
    assert only_run(tmp_path)["status"] == "paused" and scripted.completed["reasoner"] == 1


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_at_a_terminal_ctrl_c_at_the_prompt_saves_and_quits(scripted, model_env, tmp_path):
    scripted.script.update(three_round_script())
    terminal = Terminal(["solve", "-i", PROBLEM, "--db", "runs.db"], model_env, tmp_path)
    try:
        terminal.expect("lemmata> ")
        terminal.type("\x03")
        terminal.expect("saved")
    finally:
        returncode = terminal.close()
    assert returncode == 0 and only_run(tmp_path)["status"] == "paused"


def test_a_session_killed_during_a_round_reopens_at_the_prompt(scripted, model_env, tmp_path):
    script = three_round_script()
    verifier = script["verifier"]
    script["verifier"] = lambda body: Reply(verifier(body).content, delay=30)
    scripted.script.update(script)
    process = subprocess.Popen(
        [sys.executable, "-m", "lemmata.agent.cli.main", "solve", "-i", PROBLEM, "--db", "runs.db"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
        env={**model_env, "PYTHONPATH": str(REPO)}, cwd=tmp_path)
    process.stdin.write("\n")
    process.stdin.flush()
    deadline = time.monotonic() + 120
    while scripted.counts["verifier"] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert scripted.counts["verifier"] > 0, "the round never reached its verifier"
    process.kill()
    process.wait()
    paid = dict(scripted.completed)

    resumed = session("/library\n/save\n", model_env, tmp_path, "--resume", only_run(tmp_path)["id"])

    assert resumed.returncode == 0, resumed.stderr
    assert "interrupted · Enter continues" in resumed.stdout and "round 1 ·" not in resumed.stdout
    assert dict(scripted.completed) == paid == {"reasoner": 1, "summarizer": 1}
    assert only_run(tmp_path)["status"] == "paused"
