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
