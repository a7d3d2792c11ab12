"""Status words and profile names are str enums: stored values stay the plain words, and the CLI
offers exactly the enum's choices."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lemmata.agent.cli.main import cli
from lemmata.agent.loop.settings import PROFILES, Profile
from lemmata.memory import RunStore, StoredProblem
from lemmata.memory.statuses import RunStatus, ShotStatus


@pytest.mark.parametrize("verb", ["solve", "batch"])
def test_profile_choices_are_the_enums(verb):
    result = CliRunner().invoke(cli, [verb, "--profile", "nope", "x"])
    assert result.exit_code == 2
    assert all(f"'{profile.value}'" in result.output for profile in Profile), result.output
    assert set(PROFILES) == set(Profile)


def test_statuses_are_stored_as_the_plain_words_older_stores_hold(tmp_path):
    store = RunStore(tmp_path / "runs.db")
    store.add_problem(StoredProblem("p", "Prove it."))
    run_id = store.start_run("solve", {})
    store.finish_run(run_id, RunStatus.INTERRUPTED)
    store.save_sample(run_id, "p", 0, status=ShotStatus.NO_SOLUTION)
    raw = store.db.execute("select r.status, typeof(r.status), s.status from runs r join samples s "
                           "on s.run_id = r.id").fetchone()
    assert raw == ("interrupted", "text", "no_solution")
    assert store.run(run_id)["status"] == RunStatus.INTERRUPTED
