"""The judge fallback: routing from undecided rules to an injected judge, and A/B/C parsing."""

from __future__ import annotations

import asyncio

import pytest

from lemmata.engines.answers import DecidedBy, Verdict, agrade, grade
from lemmata.engines.answers.errors import JudgeRequiresAsync
from lemmata.engines.answers.judge import JudgeLabel, judge_messages, parse_judge_label


class ScriptedJudge:
    """An async judge returning a fixed completion and remembering what it was shown."""

    def __init__(self, completion: str) -> None:
        self.completion = completion
        self.calls: list[list[dict[str, str]]] = []

    async def __call__(self, messages: list[dict[str, str]]) -> str:
        self.calls.append(messages)
        return self.completion


@pytest.mark.parametrize(
    ("completion", "label"),
    [
        ("A", JudgeLabel.CORRECT),
        (" B\n", JudgeLabel.INCORRECT),
        ("Analysis: the response stops mid-sentence.\nFinal: \\boxed{C}", JudgeLabel.INVALID),
        ("<think>Is it A? No.</think>B", JudgeLabel.INCORRECT),
        ("The final answer matches, so the label is CORRECT", JudgeLabel.CORRECT),
        ("INCORRECT", JudgeLabel.INCORRECT),
        ("Label: A", JudgeLabel.CORRECT),
        ("I cannot tell.", None),
    ],
)
def test_judge_labels_are_parsed(completion: str, label: JudgeLabel | None) -> None:
    assert parse_judge_label(completion) == label


def test_judge_decides_word_answers_and_the_grade_says_so() -> None:
    judge = ScriptedJudge("A")
    result = grade("\\text{Evelyn}", "The winner is \\boxed{\\text{Evelyn Smith}}", question="Who won?", judge=judge)
    assert (result.verdict, result.decided_by, result.judge_label) == (Verdict.CORRECT, DecidedBy.JUDGE, "A")
    assert "judge label A" in result.reason and "word answers differ" in result.reason
    [messages] = judge.calls
    prompt = messages[-1]["content"]
    assert "Who won?" in prompt and "Evelyn" in prompt and "A = CORRECT" in prompt


def test_judge_is_not_called_when_rules_decide() -> None:
    judge = ScriptedJudge("B")
    assert grade("4", "\\boxed{4}", judge=judge).decided_by == DecidedBy.RULES
    assert judge.calls == []


def test_judge_invalid_label_gives_invalid_verdict() -> None:
    result = grade("12", "Let me think about the first case, then", judge=ScriptedJudge("C"))
    assert (result.verdict, result.decided_by) == (Verdict.INVALID, DecidedBy.JUDGE)


def test_form_question_goes_to_the_judge() -> None:
    result = grade("(x+1)^2", "\\boxed{x^2+2x+1}", question="Factor completely.", judge=ScriptedJudge("B"))
    assert (result.verdict, result.decided_by) == (Verdict.INCORRECT, DecidedBy.JUDGE)


def test_unparseable_judge_reply_leaves_the_grade_undecided() -> None:
    result = grade("\\text{odd}", "\\boxed{\\text{uneven}}", judge=ScriptedJudge("hmm, hard to say"))
    assert (result.verdict, result.decided_by) == (Verdict.UNDECIDED, DecidedBy.NONE)
    assert "no A/B/C label" in result.reason and result.judge_completion == "hmm, hard to say"


def test_sync_grade_with_judge_inside_a_loop_points_to_agrade() -> None:
    async def inside() -> None:
        grade("\\text{odd}", "\\boxed{\\text{uneven}}", judge=ScriptedJudge("A"))

    with pytest.raises(JudgeRequiresAsync, match="agrade"):
        asyncio.run(inside())


def test_agrade_uses_the_judge() -> None:
    result = asyncio.run(agrade("\\text{odd}", "\\boxed{\\text{uneven}}", judge=ScriptedJudge("\\boxed{A}")))
    assert result.decided_by == DecidedBy.JUDGE and result.verdict == Verdict.CORRECT


def test_long_responses_are_cut_to_their_tail_for_the_judge() -> None:
    [message] = judge_messages("5", "x" * 100_000 + " final: five", None)
    assert len(message["content"]) < 20_000 and message["content"].rstrip().endswith("Label (A, B or C):")
    assert "final: five" in message["content"]
