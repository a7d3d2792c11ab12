"""The reasoner's answer: header variants, negated verdicts, garbage, and revisions that have no
solution (issue 16 item 11, issue 20 item 5)."""

from __future__ import annotations

import pytest

from lemmata.agent.loop.role_outputs import OutputParseError, Verdict, parse_reasoner

BODY = "Since $6 \\cdot 7 = 42$, the answer is \\boxed{42}."


@pytest.mark.parametrize("answer", [
    f"## Verdict\ncomplete solution\n\n## Detailed solution\n{BODY}",
    f"## Verdict:\ncomplete solution\n\n## Detailed solution:\n{BODY}",
    f"**Verdict:** complete solution\n\n**Detailed Solution:**\n{BODY}",
    f"**Verdict**: complete solution\n\n**Detailed solution**\n{BODY}",
    f"Verdict - complete solution\n\nDetailed solution -\n{BODY}",
    f"### 1. Verdict ###\nI have found a complete solution.\n\n### 2. Detailed Solution ###\n{BODY}",
    f"# VERDICT\nComplete solution.\n# DETAILED SOLUTION\n{BODY}",
])
def test_common_header_styles_are_read(answer):
    parsed = parse_reasoner(answer)
    assert parsed.verdict is Verdict.COMPLETE
    assert parsed.solution == BODY


@pytest.mark.parametrize("verdict", [
    "This is not a complete solution.",
    "partial solution",
    "Incomplete: the odd case is open.",
    "I have not found a complete solution, but I proved Lemma 1.",
    "The solution isn't complete.",
    "No complete solution yet.",
])
def test_negated_or_partial_verdicts_are_partial(verdict):
    assert parse_reasoner(f"## Verdict\n{verdict}\n\n## Detailed solution\nWork so far.").verdict is Verdict.PARTIAL


@pytest.mark.parametrize("garbage", [
    "asdf qwerty uiop " * 20,
    "The answer is probably 42.",
    "Lemmas 1 and 2 give the bound, so the verdict follows.",
    "\\boxed{42}",
])
def test_text_without_the_asked_structure_is_a_parse_failure(garbage):
    with pytest.raises(OutputParseError, match="Verdict"):
        parse_reasoner(garbage)


@pytest.mark.parametrize("answer", [
    "I have not found a complete solution.",
    "## Verdict\nI have not found a complete solution.\n\n## Detailed solution\n(none)",
    "## Verdict\npartial\n\n## Detailed solution\nI could not find a valid proof.",
])
def test_an_answer_saying_it_has_no_solution_has_an_empty_solution(answer):
    parsed = parse_reasoner(answer)
    assert parsed.verdict is Verdict.PARTIAL and parsed.solution == ""


def test_a_partial_round_with_real_work_keeps_its_solution():
    parsed = parse_reasoner("## Verdict\npartial solution\n\n## Detailed solution\nEven squares are 0 mod 4. "
                            "I have not finished the odd case.")
    assert parsed.solution.startswith("Even squares")


# -- in the loop: a revision that fails to parse or has no solution keeps the candidate ----------

def _revising_script(revision: str) -> dict:
    from tests.conftest import complete_solution
    from lemmata.engines.llm.scripted_server import Reply

    def reasoner(body: dict) -> Reply:
        if "### Solution to improve ###" in body["messages"][-1]["content"]:
            return Reply(revision)
        return Reply(complete_solution("Squares are 0 or 1 mod 4, so the answer is \\boxed{2}."))

    return {"reasoner": reasoner, "summarizer": Reply("NO NEW LEMMAS"),
            "verifier": Reply("Step 1 is unjustified. \\box{STEP1}")}


@pytest.mark.parametrize("revision", ["qwerty " * 50, "I have not found a complete solution."])
def test_a_revision_without_a_solution_keeps_the_previous_candidate_and_answer(scripted, tmp_path, revision):
    import asyncio

    from lemmata.agent.config import load_config
    from lemmata.agent.problems import problem_from_text
    from lemmata.agent.loop.solve import solve_problem
    from lemmata.memory import RunStore
    from lemmata.engines.llm.scripted_server import MODEL_NAME

    scripted.script.update(_revising_script(revision))
    config = load_config(overrides={"base_url": scripted.base_url, "model": MODEL_NAME}, environ={})
    config.store.path = tmp_path / "runs.db"
    config.loop.rounds, config.loop.revisions = 1, 1
    store = RunStore(config.store.path)
    result = asyncio.run(solve_problem(problem_from_text("How many residues mod 4 do squares have?"), config, store))
    revisions = list(store.db["revisions"].rows_where(order_by="loop"))
    assert [r["answer"] for r in revisions] == ["2", "2"]
    assert revisions[1]["solution"] == revisions[0]["solution"]
    assert result.answer == "2" and "qwerty" not in (result.solution or "")


def test_a_geometry_steps_thought_keeps_the_models_reasoning(scripted, tmp_path):
    import asyncio

    from lemmata.agent.config import load_config
    from lemmata.agent.problems import Problem, ProblemKind
    from lemmata.agent.loop.solve import solve_problem
    from lemmata.memory import RunStore
    from lemmata.engines.llm.scripted_server import MODEL_NAME, Reply

    scripted.script["geometry"] = [
        Reply("Formalise it.\n<build>a b c = triangle a b c; m = midpoint m b c ? cong m b m c</build>",
              reasoning="M is the midpoint, so MB = MC by definition."),
        Reply("**Proof.** M is the midpoint of BC, hence MB = MC."),
    ]
    config = load_config(overrides={"base_url": scripted.base_url, "model": MODEL_NAME}, environ={})
    config.store.path = tmp_path / "runs.db"
    store = RunStore(config.store.path)
    problem = Problem("mid", "M is the midpoint of side BC of triangle ABC. Prove MB = MC.", kind=ProblemKind.GEOMETRY)
    asyncio.run(solve_problem(problem, config, store))
    [step] = list(store.db["geometry_steps"].rows)
    assert "MB = MC by definition" in step["thought"] and "Formalise it." in step["thought"]
