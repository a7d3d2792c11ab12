"""`lemmata geometry solve --aux heuristic` proves what plain deduction cannot."""

from __future__ import annotations

import os

from tests.conftest import REPO, run_cli

EXAMPLES = REPO / "engines" / "geometry" / "data" / "examples.txt"


def test_heuristic_auxiliary_points_prove_the_orthocenter_that_deduction_alone_cannot(tmp_path):
    env = dict(os.environ)
    plain = run_cli(["geometry", "solve", str(EXAMPLES), "--problem", "orthocenter", "--timeout", "20"], env, tmp_path)
    assert plain.returncode == 0 and "not proved" in plain.stdout
    helped = run_cli(["geometry", "solve", str(EXAMPLES), "--problem", "orthocenter", "--timeout", "20",
                      "--aux", "heuristic", "--figure", "ortho.svg"], env, tmp_path, timeout=120)
    assert helped.returncode == 0, helped.stderr
    assert "proved with auxiliary points" in helped.stdout and "ah ⟂ bc" in helped.stdout
    assert (tmp_path / "ortho.svg").read_text().startswith("<?xml")


def test_bench_with_heuristic_aux_proves_the_orthocenter(tmp_path):
    problems = tmp_path / "ortho.txt"
    text = EXAMPLES.read_text().splitlines()
    i = text.index("orthocenter")
    problems.write_text("\n".join(text[i:i + 2]) + "\n")
    out = tmp_path / "b.json"
    result = run_cli(["geometry", "bench", str(problems), "--aux", "heuristic", "--timeout", "20",
                      "--json", str(out)], dict(os.environ), tmp_path, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "proved 1/1 (0 without auxiliary points)" in " ".join(result.stdout.split())
    assert "rejected by the checker 0" in " ".join(result.stdout.split())
