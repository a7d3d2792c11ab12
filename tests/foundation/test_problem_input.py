"""Problem input: text, files and datasets, with errors that name file, line and cause."""

from __future__ import annotations

import pytest

from lemmata.agent.datasets import resolve_dataset
from lemmata.agent.errors import ProblemInputError
from lemmata.agent.problems import ProblemKind, load_dataset, load_problem_file, problem_from_text


def test_shipped_competition_sets_load():
    name, problems = resolve_dataset("aime2025")
    assert name == "aime2025"
    assert len(problems) == 30 and problems[0].answer == "70" and problems[0].id == "aime2025-I-1"


@pytest.mark.parametrize("line, message", [
    ('{"id": "a", "problem": "x"', "2: not valid JSON"),
    ('["a", "b"]', "2: expected a JSON object"),
    ('{"id": "a"}', "2: missing or empty 'problem'"),
    ('{"id": "b", "problem": "x", "kind": "essay"}', "2: 'kind' is 'essay'"),
    ('{"id": "a", "problem": "y"}', "2: duplicate id 'a'"),
])
def test_a_malformed_dataset_row_is_named_by_file_and_line(tmp_path, line, message):
    file = tmp_path / "set.jsonl"
    file.write_text('{"id": "a", "problem": "What is 1+1?", "answer": "2"}\n' + line + "\n")
    with pytest.raises(ProblemInputError, match=f"set.jsonl:{message}".replace("(", r"\(").replace("[", r"\[")):
        load_dataset(file)


def test_an_empty_dataset_is_an_error(tmp_path):
    (tmp_path / "e.jsonl").write_text("\n")
    with pytest.raises(ProblemInputError, match="has no problems"):
        load_dataset(tmp_path / "e.jsonl")


def test_a_binary_file_is_refused_clearly(tmp_path):
    (tmp_path / "p.md").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ProblemInputError, match="p.md: not UTF-8"):
        load_problem_file(tmp_path / "p.md")


def test_a_geometry_statement_is_recognised():
    problem = problem_from_text("a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c")
    assert problem.kind == ProblemKind.GEOMETRY
    assert problem_from_text("Find all n such that n = 2? ok").kind == ProblemKind.ANSWER
