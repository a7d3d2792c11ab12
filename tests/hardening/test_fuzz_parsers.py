"""Fuzzing every parser of untrusted text: it parses or raises exactly its documented error,
even on 100 KB–1 MB of hostile input (how long that takes: `python -m bench.parser_bench`).

Documented errors: role outputs and geometry actions → `OutputParseError`; geometry language
→ `GeometryError` (its `GeometryLanguageError` subclasses); problem files and datasets →
`ProblemInputError`; lemmata.toml → `ConfigError`; prompt rendering → `PromptError`.
Answer extraction is covered by tests/answers/test_properties.py; here only adversarial input
is added.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lemmata.agent.config import load_config
from lemmata.agent.errors import ConfigError, ProblemInputError
from lemmata.agent.geometry.actions import Action, ActionKind, check_action, parse_action
from lemmata.agent.loop.parsing import boxed_contents
from lemmata.agent.problems import load_dataset, load_problem_file, problem_from_text
from lemmata.agent.loop.role_outputs import (
    OutputParseError, parse_lemma_vote, parse_process_verdict, parse_reasoner, parse_summary, split_steps,
)
from lemmata.engines.answers.extract import extract_final_answer
from lemmata.engines.geometry.errors import GeometryError
from lemmata.engines.geometry.language import parse_problem
from lemmata.prompts import PromptError, fields, render

REPO = Path(__file__).resolve().parents[2]
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILE_FUZZ = settings(max_examples=80, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Pieces of each grammar, so generated text is structured but broken.
ROLE_PIECES = [
    "## Verdict\n", "complete solution", "partial solution", "incomplete", "## Method sketch\n",
    "## Detailed solution\n", "## Lemmas\n", "\\boxed{", "\\box{", "\\fbox {", "{", "}", "\\{", "\\}", "\\",
    "Lemma 1:", "Lemma -1", "Lemma 3-fixed (name):", "Lemma 99999999999999999999:", "Proof:", "Proof 2.",
    "Step 1:", "Step 0.", "* **Step 7:** ", "by Lemma 2", "\n---\n", "<lemma>", "</lemma>", "<LEMMA>",
    "NO NEW LEMMAS", "FORMAT_ERROR", "STEP-1", "STEP3", "LEMMA2", "STEP 12345678901234567890", "\n", "\n\n",
    " ", "x", "é", "∑", "\u200b", "\x00", "🙂", "$", "\\(", "#",
]
ACTION_PIECES = ["<build>", "</build>", "<add>", "</add>", "<propose>", "</propose>", "<BUILD>", "</Add>",
                 "<", ">", "/", "a b c = triangle", "d = midpoint d a b", "perp a b c d", " ", "\n", "x", "é"]
GEOMETRY_PIECES = [
    "a", "b", "c", "d", "e", "a b c", " = ", "=", ";", "; ", ",", "?", " ", "triangle", "midpoint", "free",
    "on_line", "on_circle", "aconst", "rconst", "eqratio3", "perp", "para", "cong", "coll", "cyclic",
    "1", "0", "1/2", "2pi/3", "30o", "1/0", "1e99999999", "99999999999999999999999", "-", "@", "@1_2", "@x",
    "@1", "_", "A", "é", "x9_", "\n", "lconst", "triratio",
]


def pieces(vocabulary: list[str], max_size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(vocabulary), max_size=max_size).map("".join)


def text_or_pieces(vocabulary: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=300), pieces(vocabulary), pieces(vocabulary, 200))


def call(function, *args, allowed: type[BaseException] | tuple[type[BaseException], ...] = ()):
    """Call; return the result (or the allowed error); any other error fails the test."""
    try:
        return function(*args)
    except allowed as error:
        return error


# ---------------------------------------------------------------------------- role outputs

ROLE_PARSERS = {
    "reasoner": parse_reasoner,
    "summary": lambda text: parse_summary(text, 5, {"1", "2", "3"}),
    "lemma_vote": parse_lemma_vote,
    "process_verdict": parse_process_verdict,
}


@FUZZ
@given(text_or_pieces(ROLE_PIECES))
def test_role_output_parsers_parse_or_raise_output_parse_error(text: str) -> None:
    for parser in ROLE_PARSERS.values():
        call(parser, text, allowed=OutputParseError)
    call(split_steps, text)
    for content in call(boxed_contents, text):
        assert content in text  # a substring, never evaluated


@FUZZ
@given(pieces(ROLE_PIECES, 60))
def test_summaries_yield_numbered_lemmas_with_steps(text: str) -> None:
    try:
        drafts = parse_summary(text, 5, {"1", "2"})
    except OutputParseError:
        return
    for draft in drafts:
        assert draft.statement
        assert len(draft.steps) == len(draft.step_citations)


HOSTILE = {
    "unclosed boxes": "\\boxed{" * 150_000,
    "nested open braces": "\\box{{" * 150_000,
    "unclosed lemma blocks": "<lemma>" * 150_000,
    "lemma with 100k steps": "<lemma>Lemma 1: x\nProof: " + "Step 1: a\n" * 100_000,
    "lemma with 100k blank lines": "<lemma>Lemma 1: x\nProof:\n" + "\n" * 1_000_000,
    "many lemma blocks": "<lemma>Lemma 1: x\nProof: Step 1: y</lemma>" * 25_000,
    "reasoner lemma box": "## Verdict\ncomplete\n## Lemmas\n\\boxed{" + "Lemma 1: a\nProof: s\n---\n" * 40_000 + "}",
    "punctuation run": "<lemma>" + "!" * 1_000_000,
    "open parenthesis": "<lemma>Lemma 1 (" + "x" * 1_000_000,
    "section headers": "# verdict\n" * 100_000,
    "citations": "<lemma>Lemma 1: x\nProof: Step 1: " + "Lemma 2 " * 120_000 + "</lemma>",
    "step verdicts": "\\box{STEP1}" * 90_000,
    "huge step number": "\\box{STEP" + "9" * 100_000 + "}",
    "whitespace": " " * 1_000_000 + "x",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_role_output_parsers_survive_a_megabyte_of_hostile_text(name: str) -> None:
    text = HOSTILE[name]
    for parser in ROLE_PARSERS.values():
        call(parser, text, allowed=OutputParseError)
    call(split_steps, text)
    call(parse_action, text, allowed=OutputParseError)
    call(extract_final_answer, text)


@pytest.mark.parametrize("digits", [10, 4000, 5000])
def test_a_huge_step_number_is_a_parse_failure_not_a_crash(digits: int) -> None:
    """int() of more than 4300 digits raises ValueError; verdict numbers are at most 9 digits."""
    for parser in (parse_lemma_vote, parse_process_verdict):
        with pytest.raises(OutputParseError):
            parser("\\box{STEP" + "9" * digits + "}")
    assert parse_lemma_vote("\\box{STEP" + "9" * 10 + "} \\box{STEP2}").first_wrong_step == 1  # the second step


# ------------------------------------------------------------------------ geometry actions

@FUZZ
@given(text_or_pieces(ACTION_PIECES))
def test_geometry_actions_parse_or_raise_output_parse_error(text: str) -> None:
    action = call(parse_action, text, allowed=OutputParseError)
    if isinstance(action, Action):
        assert action.text and f"<{action.kind.value}>" in text.lower()
        earlier = [Action(ActionKind.BUILD, "a b c = triangle", "")]
        for built in (True, False):
            try:
                check_action(action, earlier, built=built, max_same_kind_run=2)
            except OutputParseError:
                pass


@pytest.mark.parametrize("text", ["<build>" * 150_000, "<build>x</build" * 70_000,
                                  "<add>" + "x" * 1_000_000 + "</add>", "<propose>a</propose>" * 50_000])
def test_geometry_actions_stay_fast_on_a_megabyte(text: str) -> None:
    call(parse_action, text, allowed=OutputParseError)


# ------------------------------------------------------------------------ geometry language

@FUZZ
@given(text_or_pieces(GEOMETRY_PIECES))
def test_geometry_language_parses_or_raises_geometry_error(text: str) -> None:
    call(parse_problem, text, allowed=GeometryError)


@pytest.mark.parametrize("text", [
    "a b c = triangle ? rconst a b a c 1e99999999",
    "a b c = triangle; d = s_angle a b d 1e99999999",
    "a b c = triangle ? aconst a b a c " + "9" * 100_000,
    "a@1 = free", "a@x_y = free", "a b c = triangle ? rconst a b a c 1 0",
    "a = free; " * 100_000 + "? coll a a a",
    "; ".join(f"p{i} = free" for i in range(100_000)),
])
def test_geometry_language_refuses_hostile_statements_quickly(text: str) -> None:
    call(parse_problem, text, allowed=GeometryError)


# ------------------------------------------------------------------ problems and datasets

JSON_PIECES = ['{"id": ', '"q1"', '1', '{"id": "q1", "problem": "x"}', '"problem": ', '"answer": ', '"kind": ',
               '"proof"', '"geometry"', '"bogus"', 'null', '[', ']', '{', '}', ',', ':', '"', '\\u0000', '\n',
               '"é"', '1e999999', '[1, 2]', 'true', ' ']


@FILE_FUZZ
@given(st.one_of(st.binary(max_size=300), pieces(JSON_PIECES, 60).map(str.encode),
                 st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_datasets_and_problem_files_load_or_raise_problem_input_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name in ("set.jsonl", "problem.md", "problem.tex", "problem"):
            path = Path(folder) / name
            path.write_bytes(data)
            call(load_dataset if name.endswith(".jsonl") else load_problem_file, path, allowed=ProblemInputError)
        call(load_problem_file, Path(folder) / "missing.txt", allowed=ProblemInputError)
    call(problem_from_text, data.decode("utf-8", "replace"), allowed=ProblemInputError)


def test_a_megabyte_problem_text_is_classified_quickly() -> None:
    for text in ["a" * 1_000_000 + " = x", "a =" + " b" * 500_000, "a = b" + "?" * 1_000_000]:
        call(problem_from_text, text, allowed=ProblemInputError)


# ---------------------------------------------------------------------------- lemmata.toml

TOML_PIECES = ["[defaults]\n", "[roles.verifier]\n", "[roles.bogus]\n", "[client]\n", "[store]\n", "[loop]\n",
               "[geometry]\n", 'model = "m"\n', "temperature = 0.5\n", "temperature = \"hot\"\n",
               'base_url = ["http://a/v1", "http://b/v1"]\n', "max_tokens = -1\n", 'profile = "competition"\n',
               'profile = "nope"\n', "profile = [1]\n", "profile = 3\n", "loop = 3\n", "defaults = 1\n",
               "roles = 3\n", "client = []\n", "idle_timeout = 1e400\n", "unknown = 1\n", "x = {a = 1}\n", "=",
               "[", "]", "\n", '"', "é"]


@FILE_FUZZ
@given(st.one_of(st.text(max_size=200), pieces(TOML_PIECES, 30)))
def test_config_files_load_or_raise_config_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lemmata.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        call(load_config, path, {}, {}, allowed=ConfigError)


@pytest.mark.parametrize("text", ["profile = [1]\n", "loop = 3\n", "profile = 3\n", "roles = 3\n", "defaults = 1\n",
                                  "[roles.bogus]\n", "geometry = 2\n"])
def test_config_values_of_the_wrong_shape_are_config_errors(text: str, tmp_path: Path) -> None:
    path = tmp_path / "lemmata.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(path, {}, {})


# --------------------------------------------------------------------------------- prompts

@FUZZ
@given(st.sampled_from(["reasoner", "summarizer", "lemma_verifier", "process_verifier", "reviser", "geometry"]),
       st.text(max_size=200), st.sampled_from(["{{problem}}", "{{library}}", "\\boxed{", "=== user ===\n", ""]))
def test_prompts_insert_model_text_verbatim_and_never_rescan_it(name: str, text: str, trap: str) -> None:
    values = {field: f"{trap}{text}" for field in fields(name)}
    messages = render(name, **values)
    user = next(m["content"] for m in messages if m["role"] == "user")
    assert f"{trap}{text}" in user
    with pytest.raises(PromptError):
        render(name, **values, unexpected=text)


# ------------------------------------------------------------------- nothing evaluates text

EVALUATING_CALL = re.compile(r"(?<![\w.])(eval|exec|sympify|parse_expr|parse_latex|literal_eval|S)\s*\(|"
                             r"\b(sympy|sp)\.(sympify|parse_expr|S)\s*\(|\bsympy\.parsing|\beval\s*=")
WHITELIST = {
    # The one place untrusted plain-text maths reaches sympy's parser: Python-tokenised first,
    # only whitelisted names/operators/sizes pass, `__builtins__` empty, and it is only called
    # from grading/compute code that runs inside the killable worker (engines/answers/worker.py).
    ("engines/answers/plain_expression.py", "parse_expr("),
    ("engines/answers/plain_expression.py", "from sympy.parsing.sympy_parser import ("),
}


def test_no_code_path_evaluates_model_text() -> None:
    offenders = []
    for folder in ("agent", "memory", "engines", "prompts"):
        for path in sorted((REPO / folder).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                code = line.split("#", 1)[0]
                if not EVALUATING_CALL.search(code):
                    continue
                if code.lstrip().startswith(('"', "'")) or '"""' in code:
                    continue  # docstrings mentioning the words
                if any(relative == file and snippet in code for file, snippet in WHITELIST):
                    continue
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "evaluation of text outside the documented whitelist:\n" + "\n".join(offenders)


def test_math_verify_parsing_runs_only_under_a_bound() -> None:
    """math-verify's LaTeX parser (latex2sympy) is the other symbolic reader of model text: it is
    imported by engines/answers/equivalence.py only, whose comparisons run bounded (issue 14: an
    alarm in the main thread, the killable worker pool from other threads)."""
    importers = sorted(p.relative_to(REPO).as_posix() for folder in ("agent", "memory", "engines")
                       for p in (REPO / folder).rglob("*.py") if "math_verify" in p.read_text(encoding="utf-8")
                       and re.search(r"^\s*(from|import) math_verify", p.read_text(encoding="utf-8"), re.M))
    assert importers == ["engines/answers/equivalence.py"]
    grade = (REPO / "engines/answers/grade.py").read_text(encoding="utf-8")
    assert "run_bounded(decide" in grade
    assert "default_pool()).run(function" in (REPO / "engines/answers/bounded.py").read_text(encoding="utf-8")


# ----------------------------------------------------------- model text in reports is escaped

HOSTILE_HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_model_and_dataset_text_in_html_reports_is_escaped(scripted, model_env, tmp_path):
    import json
    import sqlite3

    from tests.conftest import complete_solution, run_cli
    from lemmata.engines.llm.scripted_server import Reply

    rows = [{"id": f"q{i}{HOSTILE_HTML}", "problem": f"{HOSTILE_HTML} What is {i}?", "answer": str(i)} for i in range(2)]
    (tmp_path / "set.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    scripted.script.update({"reasoner": Reply(complete_solution(f"{HOSTILE_HTML} so \\boxed{{{HOSTILE_HTML}}}")),
                            "summarizer": Reply("NO NEW LEMMAS"), "verifier": Reply("\\box{STEP-1}")})
    done = run_cli(["batch", "set.jsonl", "--samples", "2", "--rounds", "1", "--revisions", "0", "--db", "runs.db"],
                   model_env, tmp_path, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    with sqlite3.connect(tmp_path / "runs.db") as connection:
        run = connection.execute("select id from runs").fetchone()[0]
    done = run_cli(["report", run, "--format", "html", "--out", "r.html", "--db", "runs.db"], model_env, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "q0" in html
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in html  # shown, as text
