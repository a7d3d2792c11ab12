"""`lemmata lemmas` as a user runs it: exit code first, then what it printed or wrote.

One test starts the real console script; the others run the same click group in-process,
because each fresh interpreter costs seconds on a shared machine.
"""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemmata.agent.cli.main import cli
from lemmata.memory import LemmaDraft, LemmaLibrary, RunStore, VerifierVote
from tests.conftest import run_cli


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray lemmata.toml
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps tables at 80 columns otherwise
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LEMMATA_", "OPENAI_"))}
    return {**clean, "COLUMNS": "200"}


def lemmata(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """`lemmata ARGS` in this interpreter, returned like a finished process."""
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def stored(tmp_path):
    store = RunStore(tmp_path / "runs.db")
    library = LemmaLibrary(store, run_id="r", problem_id="p1")
    one, _ = library.add(LemmaDraft("1", "Every prime $p > 2$ is odd", ["An even prime is 2."]), round=1)
    two, _ = library.add(LemmaDraft("2", "The square of an odd prime is odd", ["By Lemma 1."], [["1"]]), round=2)
    library.record_vote(one.id, VerifierVote(-1, "The argument is complete.", call_id=7))
    library.record_vote(two.id, VerifierVote(0, "Step 1 never uses that the number is odd."))
    store.close()
    return {"one": one.id, "two": two.id}


def test_search_list_and_show_print_what_is_stored(tmp_path, env, stored):
    found = run_cli(["lemmas", "search", "odd prime", "--db", "runs.db"], env, tmp_path)
    assert found.returncode == 0, found.stderr
    assert "Every prime" in found.stdout and "square of an odd" in found.stdout
    listed = lemmata(["lemmas", "list", "--problem", "p1", "--min-confidence", "0.5", "--db", "runs.db"], env, tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "Every prime" in listed.stdout and "square" not in listed.stdout
    shown = lemmata(["lemmas", "show", str(stored["two"]), "--db", "runs.db"], env, tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "Step 1 never uses that the number is odd." in shown.stdout
    assert "first wrong step 1" in shown.stdout and "Every prime" in shown.stdout  # what it cites


def test_graph_writes_dot_and_svg_files(tmp_path, env, stored):
    drawn = lemmata(["lemmas", "graph", "--problem", "p1", "--db", "runs.db", "-o", "g.svg"], env, tmp_path)
    assert drawn.returncode == 0, drawn.stderr
    ElementTree.parse(tmp_path / "g.svg")
    dot = lemmata(["lemmas", "graph", "--problem", "p1", "--db", "runs.db", "--format", "dot"], env, tmp_path)
    assert dot.returncode == 0 and f"l{stored['one']} -> l{stored['two']};" in dot.stdout


def test_a_missing_lemma_or_store_is_one_clear_line(tmp_path, env, stored):
    missing = lemmata(["lemmas", "show", "999", "--db", "runs.db"], env, tmp_path)
    assert missing.returncode == 1 and "lemma 999 does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr
    no_store = lemmata(["lemmas", "list", "--problem", "p1", "--db", "nowhere.db"], env, tmp_path)
    assert no_store.returncode == 1 and "no run store at nowhere.db" in no_store.stderr
    assert not (tmp_path / "nowhere.db").exists()


def test_human_edits_from_the_command_line_are_recorded(tmp_path, env, stored):
    db = ["--db", "runs.db"]
    assert lemmata(["lemmas", "reject", str(stored["two"]), *db], env, tmp_path).returncode == 0
    added = lemmata(["lemmas", "add", "Two is the only even prime", "--problem", "p1", "--run", "r",
                     "--step", "Any other even number has the factor 2.", *db], env, tmp_path)
    assert added.returncode == 0 and "as Lemma 3" in added.stdout, added.stderr
    rendered = lemmata(["lemmas", "render", "--problem", "p1", "--run", "r", *db], env, tmp_path)
    assert rendered.returncode == 0, rendered.stderr
    assert "Lemma 3 (added by the user, not yet verified): Two is the only even prime" in rendered.stdout
    assert "square of an odd" not in rendered.stdout
    store = RunStore(tmp_path / "runs.db")
    assert [row["action"] for row in store.db["lemma_edits"].rows] == ["reject", "add_user"]
    store.close()
