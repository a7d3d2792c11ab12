"""The judge fallback: a CompassVerifier-style prompt and the parsing of its A/B/C label.

The judge model is injected as an async callable `(messages) -> completion text`, so this
module never talks to a server itself (lemmata.engines.llm does). Labels: A = correct,
B = incorrect, C = invalid (truncated, looping, refusing or irrelevant).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from lemmata.engines.answers.verdicts import Verdict

Judge = Callable[[list[dict[str, str]]], Awaitable[str]]
"""An async callable taking chat messages and returning the judge model's completion text."""

MAX_RESPONSE_CHARS_FOR_JUDGE = 6_000
"""The judge sees the tail of long responses (the final answer is at the end)."""
MAX_QUESTION_CHARS_FOR_JUDGE = 4_000

JUDGE_INSTRUCTIONS = """You grade the final answer of a response against a reference answer.
Compare ONLY the final answer of the response with the reference; ignore the reasoning.

Rules:
- Equivalent mathematical forms are correct (1/2 = 0.5, x^2+2x+1 = (x+1)^2), unless the
  question asks for a specific form (factor, simplify, expand, a common fraction): then an
  answer not in that form is incorrect.
- Answers with several parts (lists, tuples, several blanks, multiple selections) must match
  every part; an ordered answer must keep its order.
- If the reference gives several acceptable answers, matching any one of them is correct.
- For multiple choice, the chosen option (letter or its content) must be the reference one.
- Label the response INVALID if it is cut off before giving a final answer, repeats itself
  in a loop, refuses to answer, or does not address the question.

Reply with a single letter:
A = CORRECT, B = INCORRECT, C = INVALID.
"""


class JudgeLabel(StrEnum):
    """CompassVerifier's three labels."""

    CORRECT = "A"
    INCORRECT = "B"
    INVALID = "C"


LABEL_VERDICTS = {
    JudgeLabel.CORRECT: Verdict.CORRECT,
    JudgeLabel.INCORRECT: Verdict.INCORRECT,
    JudgeLabel.INVALID: Verdict.INVALID,
}


@dataclass(frozen=True)
class JudgeDecision:
    """What the judge said, parsed."""

    label: JudgeLabel | None
    """None when the completion held no recognisable label."""
    completion: str
    """The judge's raw completion text (kept for the record)."""

    @property
    def verdict(self) -> Verdict:
        return LABEL_VERDICTS[self.label] if self.label else Verdict.UNDECIDED


def judge_messages(gold: str, response: str, question: str | None) -> list[dict[str, str]]:
    """The chat messages sent to the judge model."""
    shown = response if len(response) <= MAX_RESPONSE_CHARS_FOR_JUDGE else "…" + response[-MAX_RESPONSE_CHARS_FOR_JUDGE:]
    parts = [JUDGE_INSTRUCTIONS]
    if question:
        parts.append(f"<question>\n{question[:MAX_QUESTION_CHARS_FOR_JUDGE]}\n</question>")
    parts.append(f"<reference_answer>\n{gold}\n</reference_answer>")
    parts.append(f"<response>\n{shown}\n</response>")
    parts.append("Label (A, B or C):")
    return [{"role": "user", "content": "\n\n".join(parts)}]


_BOXED_LABEL = re.compile(r"\\boxed\{\s*([ABC])\s*\}")
_BARE_LABEL = re.compile(r"(?:^|[^A-Za-z])([ABC])(?:[^A-Za-z]|$)")
_WORD_LABEL = re.compile(r"\b(INCORRECT|CORRECT|INVALID)\b", re.IGNORECASE)
_THINKING = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)


def parse_judge_label(completion: str) -> JudgeLabel | None:
    """The label in a judge completion: a final `\\boxed{X}`, a bare letter, or a label word."""
    text = _THINKING.sub("", completion).strip()
    boxed = _BOXED_LABEL.findall(text)
    if boxed:
        return JudgeLabel(boxed[-1])
    if len(text) <= 3:
        bare = _BARE_LABEL.search(text)
        if bare:
            return JudgeLabel(bare.group(1))
    final_line = text.splitlines()[-1] if text else ""
    for candidate in (final_line, text):
        words = _WORD_LABEL.findall(candidate)
        if words:
            return {"CORRECT": JudgeLabel.CORRECT, "INCORRECT": JudgeLabel.INCORRECT, "INVALID": JudgeLabel.INVALID}[words[-1].upper()]
        letter = re.fullmatch(r"\W*(?:label\s*[:=]?\s*)?([ABC])\W*", candidate, re.IGNORECASE)
        if letter:
            return JudgeLabel(letter.group(1).upper())
    return None


async def ask_judge(judge: Judge, gold: str, response: str, question: str | None) -> JudgeDecision:
    """Send the grading prompt to `judge` and parse its label."""
    completion = await judge(judge_messages(gold, response, question))
    return JudgeDecision(parse_judge_label(completion), completion)


def client_judge(client: object, role: str = "judge", tags: dict | None = None) -> Judge:
    """Adapt a chat client with `chat(role, messages, n=1) -> result.choices[0].text` (lemmata.engines.llm's
    LLMClient) into a Judge, at temperature 0. A reply without choices counts as no label. `tags`
    go with every call (a run store files the call under the run and problem they name)."""

    async def judge(messages: list[dict[str, str]]) -> str:
        result = await client.chat(role, messages, n=1, temperature=0.0, tags=tags)  # type: ignore[attr-defined]
        return result.choices[0].text if result.choices else ""

    return judge
