"""The answer reward: grade the part of a reasoner response before its lemma section.

The reasoner ends every answer with a `## Lemmas` section of `\\boxed{Lemma ...}` boxes; a
"last box" scorer would take `Lemma -1` for the answer. Here the response is cut before that
section (or before the first lemma box, when the heading is missing) and the rest is graded
by `lemmata.engines.answers.grade` against the gold answer.
"""

from __future__ import annotations

from typing import NamedTuple

from lemmata.engines.answers import Verdict, grade
from lemmata.engines.answers.response import answer_section

CORRECT_SCORE = 1.0
WRONG_SCORE = 0.0
"""Incorrect, invalid (truncated, looping, no answer) and undecided all score this."""
DATA_SOURCE_PREFIX = "lemmata"
GRADED_ROLE = "reasoner"
"""Only the reasoner writes a final answer; the summarizer's lemmas are rewarded by verification."""
ANSWER_KIND = "answer"



class UngradableRow(ValueError):
    """A row has no gold answer this reward can grade against; the message names the row and the way out."""


class DataSource(NamedTuple):
    dataset: str
    role: str


def parse_data_source(data_source: str) -> DataSource | None:
    """`lemmata/<dataset stem>/<role>` → its parts; None for any other source."""
    parts = str(data_source).split("/")
    if len(parts) != 3 or parts[0] != DATA_SOURCE_PREFIX:
        return None
    return DataSource(parts[1], parts[2])


def answer_score(response: str, gold: str) -> float:
    """1 when the answer before the lemma section is graded correct against `gold`, else 0."""
    verdict = grade(gold, answer_section(response)).verdict
    return CORRECT_SCORE if verdict == Verdict.CORRECT else WRONG_SCORE


def gradable(data_source: str | None, gold: str | None, problem_kind: str | None = None) -> str | None:
    """None when the row can be graded; else why not, with what to do instead."""
    source = parse_data_source(data_source) if data_source else None
    if source is not None and source.role != GRADED_ROLE:
        return (f"{data_source}: {source.role} rows have no final answer to grade (they are rewarded by lemma "
                f"verification, a verifier model); export with --roles reasoner, or score them with a reward model")
    if problem_kind not in (None, "", ANSWER_KIND):
        return (f"{data_source or 'row'}: a {problem_kind} problem is graded by a proof grader (a model), not by "
                f"answer matching; leave such rows out or score them with a reward model")
    if not gold:
        return (f"{data_source or 'row'}: no gold answer in the row; export problems that have one "
                f"(dataset rows with an 'answer')")
    return None
