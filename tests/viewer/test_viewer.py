"""`lemmata view` over HTTP: pages, escaping, paging, read-only, errors."""

from __future__ import annotations

import sqlite3
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from lemmata.agent.cli.main import cli
from lemmata.memory.read_only import open_read_only
from lemmata.agent.viewer.tex_html import text_html
from tests.viewer.conftest import HOSTILE


def get(url: str, method: str = "GET") -> tuple[int, str, dict]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_runs_grid_and_sample_pages_show_the_run(viewer, viewer_store):
    status, html, headers = get(viewer + "/")
    assert status == 200 and viewer_store.solve_run in html and viewer_store.batch_run in html
    assert "evil-set" in html and "script-src" not in headers["Content-Security-Policy"]  # no script at all
    status, html, _ = get(f"{viewer}/run/{viewer_store.batch_run}")
    assert status == 200
    assert html.count('class="correct"') == 2 + 1  # two correct cells, plus the legend
    assert html.count('class="failed"') == 1 + 1
    status, html, _ = get(f"{viewer}/run/{viewer_store.solve_run}")
    shot_link = f"/run/{viewer_store.solve_run}/"
    problem_path = html.split(shot_link, 1)[1].split('"', 1)[0]
    status, html, _ = get(viewer + shot_link + problem_path)
    assert status == 200
    for shown in ("Round 1", "Round 2", "Lemma 1", "Lemmas added (2)", "verifier votes and explanations",
                  "Lemma dependency graph", "<svg", "Loop 1", "passed", "Tokens and time", "<math"):
        assert shown in html, shown


def test_stored_text_is_escaped_everywhere(viewer, viewer_store):
    for path in ("/", f"/run/{viewer_store.batch_run}", f"/run/{viewer_store.batch_run}/hostile/1",
                 f"/run/{viewer_store.batch_run}/q2/2"):
        status, html, _ = get(viewer + path)
        assert status == 200, path
        assert "<script>" not in html and "<img src=x" not in html and "onerror=alert(1)>" not in html, path
    assert "&lt;script&gt;" in html and "model went away" in html


def test_tex_inside_text_cannot_smuggle_markup():
    rendered = text_html("$\\text{<b>x</b>}$ $\\href{javascript:alert(1)}{y}$ $x^2$")
    assert "<b>" not in rendered and "javascript:" not in rendered and "<msup>" in rendered


def test_unknown_pages_are_404_and_writes_are_refused(viewer, viewer_store):
    assert get(viewer + "/run/nope")[0] == 404
    assert get(f"{viewer}/run/{viewer_store.batch_run}/q2/99")[0] == 404
    assert get(viewer + "/figure/..%2F..%2Fetc%2Fpasswd")[0] == 404
    assert get(viewer + "/", method="POST")[0] == 405
    with pytest.raises(sqlite3.OperationalError):
        open_read_only(viewer_store.path).execute("delete from runs")


def test_the_grid_is_paged_by_problem(viewer_store, monkeypatch):
    from lemmata.agent.viewer import data

    grid = data.run_grid(data.ReadOnlyStore(viewer_store.path), viewer_store.batch_run, page=1, per_page=1)
    assert grid.problem_ids == ["q2"] and grid.problems_total == 2 and grid.samples == 3


def test_view_without_a_store_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(cli, ["view", "--db", str(tmp_path / "none.db"), "--port", "0"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: no run store at {tmp_path / 'none.db'}; pass --db PATH or run lemmata solve first"]


def test_text_with_html_is_shown_as_text():
    assert text_html(HOSTILE).startswith("&lt;script&gt;")


def test_pages_of_a_running_run_reload_themselves(viewer, viewer_store):
    from lemmata.memory import RunStore

    store = RunStore(viewer_store.path)
    running = store.start_run("batch", {"batch": {"dataset": "live", "problem_ids": ["q2"], "samples": 1, "concurrency": 1}})
    store.close()
    assert 'http-equiv="refresh"' in get(f"{viewer}/run/{running}")[1]
    assert 'http-equiv="refresh"' not in get(f"{viewer}/run/{viewer_store.batch_run}")[1]
