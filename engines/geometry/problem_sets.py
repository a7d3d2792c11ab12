"""The public problem sets shipped inside the package, by short name."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
TESTS_DATA = Path(__file__).resolve().parents[2] / "tests" / "geometry" / "data"
SETS: dict[str, Path] = {
    "imo": DATA / "imo_ag_30.txt",
    "jgex": DATA / "jgex_ag_231.txt",
    "examples": DATA / "examples.txt",
    "ag2": DATA / "ag2_examples.txt",
    "regression": TESTS_DATA / "regression_examples.txt",
    "rules": TESTS_DATA / "one_rule_each.txt",
    "symmetric": TESTS_DATA / "symmetric_aux.txt",
}
"""Set name → problem file; `regression`, `rules` and `symmetric` exist only in a source checkout."""


def problem_set(name: str) -> Path:
    """Path of the named problem set (KeyError names the known sets)."""
    if name not in SETS:
        raise KeyError(f"unknown problem set {name!r}; known: {', '.join(sorted(SETS))}")
    return SETS[name]
