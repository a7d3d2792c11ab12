"""`lemmata geometry solve|bench` on the shipped examples."""

import json
from pathlib import Path

from click.testing import CliRunner

from lemmata.agent.cli.geometry import command
from lemmata.engines.geometry.problem_sets import problem_set

EXAMPLES = Path(__file__).resolve().parents[2] / "engines" / "geometry" / "data" / "examples.txt"


def test_solve_prints_numbered_proof() -> None:
    result = CliRunner().invoke(command, ["solve", str(EXAMPLES), "--problem", "incenter_excenter"])
    assert result.exit_code == 0, result.output
    assert "proved" in result.output and "  1. " in result.output and "mod π" in result.output


def test_solve_first_of_many_says_so_and_reports_saturation(tmp_path) -> None:
    fig = tmp_path / "f.png"
    result = CliRunner().invoke(command, ["solve", str(EXAMPLES), "--timeout", "5", "--figure", str(fig)])
    assert result.exit_code == 0, result.output
    assert "solving the first" in result.output and "saturated, not proved" in result.output
    assert fig.exists()


def test_unknown_problem_name_is_a_usage_error() -> None:
    result = CliRunner().invoke(command, ["solve", str(EXAMPLES), "--problem", "nope"])
    assert result.exit_code != 0 and "nope" in result.output


def test_bench_writes_json(tmp_path) -> None:
    out = tmp_path / "b.json"
    result = CliRunner().invoke(command, ["bench", str(EXAMPLES), "--timeout", "10", "--jobs", "1",
                                          "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "proved" in result.output
    records = json.loads(out.read_text())
    assert len(records) == 4 and any(r["proved"] for r in records)


def test_solve_all_and_deadline_message() -> None:
    imo = problem_set("imo")
    result = CliRunner().invoke(command, ["solve", str(imo), "--problem", "translated_imo_2011_p6",
                                          "--timeout", "0.05"])
    assert result.exit_code == 0, result.output
    assert "not proved" in result.output


def test_language_error_is_a_cli_error(tmp_path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("broken\na b c = triangle a b c; d = on_spiral d a b ? coll a b d\n")
    result = CliRunner().invoke(command, ["solve", str(bad)])
    assert result.exit_code != 0 and "on_spiral" in result.output
