"""Proof grades on the 0-7 olympiad scale: the scales, the grader's answer format and how an
ensemble of graders is combined. Pure functions; the model calls live in `lemmata.agent.evaluation.proof_grader`."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import Field

from lemmata.agent.loop.role_outputs import OutputParseError
from lemmata.engines.llm.settings import Strict

MAX_SCORE = 7
PASS_SCORE = 6
"""A proof scoring at least this counts as a success in pass@k and G-Pass@k (IMO-ProofBench)."""
MAX_ITEMS = 20
"""Credited marking-scheme items kept per answer; the rest are dropped (a runaway list)."""
MAX_ITEM_CHARS = 300

SCORE_LINE = re.compile(r"^[ \t*#>]*SCORE[ \t*]*:[ \t*]*(.*?)[ \t*.]*$", re.I | re.M)
SCORE_VALUE = re.compile(r"(\d{1,3})\s*/\s*7")
CREDITED_LINE = re.compile(r"^[ \t*#>]*CREDITED[ \t*]*:[ \t*]*(.*?)[ \t]*$", re.I | re.M)
FATAL_LINE = re.compile(r"^[ \t*#>]*FIRST FATAL ERROR[ \t*]*:[ \t*]*(.*?)[ \t]*$", re.I | re.M)
NONE_WORDS = {"", "none", "-", "n/a", "nothing", "no"}


class ProofScale(StrEnum):
    """The scores a grader may give."""

    BUCKETS = "7-6-1-0"
    """IMO-ProofBench's autograder: 7 complete, 6 almost, 1 partial, 0 none."""
    FULL = "0-7"
    """Any integer from 0 to 7, by the marking scheme."""

    def allowed(self) -> tuple[int, ...]:
        return (0, 1, 6, 7) if self is ProofScale.BUCKETS else tuple(range(MAX_SCORE + 1))


class ProofGradeStatus(StrEnum):
    """`proof_grades.status`: whether a proof got a score."""

    GRADED = "graded"
    FAILED = "failed"
    """No score: empty or oversized proof, or no grader answer parsed (`reason` says which)."""


class GradingSettings(Strict):
    proof_graders: int = Field(default=3, ge=1, le=32)
    """Independent grader calls per proof; the grade is their median."""
    proof_scale: ProofScale = ProofScale.BUCKETS
    """`7-6-1-0` (IMO-ProofBench buckets) or `0-7`."""
    max_proof_chars: int = Field(default=200_000, ge=1)
    """A longer proof is not sent to the grader; its grade is a recorded failure."""


@dataclass(frozen=True)
class GraderAnswer:
    """One grader's parsed answer."""

    score: int
    credited: list[str]
    """Marking-scheme items the grader credited, as it named them."""
    first_fatal_error: str | None
    """The first error that breaks the proof; `None` when the grader found none."""


@dataclass
class ProofGrade:
    """The ensemble's grade of one proof, or a failure that says why there is none."""

    mode: ProofScale
    score: int | None = None
    """The median of the graders' scores (the lower middle one for an even count); `None` on failure."""
    grader_scores: list[int | None] = field(default_factory=list)
    """Each grader's score in call order; `None` for a grader whose answer never parsed."""
    credited: list[str] = field(default_factory=list)
    """Items credited by the grader whose score is the median."""
    first_fatal_error: str | None = None
    reason: str | None = None
    """Why there is no score (empty or oversized proof, every grader unparseable), or which graders failed."""
    parse_failures: int = 0
    """Grader answers that did not parse, retried ones included."""
    call_ids: list[int] = field(default_factory=list)
    max_score: int = MAX_SCORE

    @property
    def status(self) -> ProofGradeStatus:
        return ProofGradeStatus.GRADED if self.score is not None else ProofGradeStatus.FAILED

    @property
    def spread(self) -> int | None:
        """Highest minus lowest parsed score."""
        scores = [s for s in self.grader_scores if s is not None]
        return max(scores) - min(scores) if scores else None

    @property
    def normalised(self) -> float | None:
        """score / 7: the outcome reward of a proof."""
        return None if self.score is None else self.score / self.max_score

    def row(self) -> dict:
        """The stored form (lemmata.memory.proof_records)."""
        return {"status": self.status.value, "score": self.score, "max_score": self.max_score, "mode": self.mode.value,
                "grader_scores": self.grader_scores, "spread": self.spread, "credited": self.credited,
                "first_fatal_error": self.first_fatal_error, "reason": self.reason,
                "parse_failures": self.parse_failures, "call_ids": self.call_ids}


def parse_grader_answer(text: str, scale: ProofScale) -> GraderAnswer:
    """The last `SCORE: N/7` line with its CREDITED and FIRST FATAL ERROR lines; anything else
    (no score line, a score off the scale, words for numbers) is an `OutputParseError`."""
    if not text.strip():
        raise OutputParseError("the grader's answer is empty")
    lines = SCORE_LINE.findall(text)
    if not lines:
        raise OutputParseError("no 'SCORE: N/7' line")
    value = SCORE_VALUE.fullmatch(lines[-1].strip())
    if value is None:
        raise OutputParseError(f"the score line does not read 'N/7' (got '{lines[-1][:40]}')")
    score = int(value.group(1))
    if score not in scale.allowed():
        allowed = ", ".join(str(s) for s in scale.allowed())
        raise OutputParseError(f"score {score}/7 is not on the {scale.value} scale ({allowed})")
    return GraderAnswer(score, _items(CREDITED_LINE.findall(text)), _fatal(FATAL_LINE.findall(text)))


def _items(lines: list[str]) -> list[str]:
    if not lines or lines[-1].strip().lower() in NONE_WORDS:
        return []
    items = [item.strip()[:MAX_ITEM_CHARS] for item in re.split(r"[;,]", lines[-1])]
    return [item for item in items if item.lower() not in NONE_WORDS][:MAX_ITEMS]


def _fatal(lines: list[str]) -> str | None:
    if not lines or lines[-1].strip().lower().rstrip(".") in NONE_WORDS:
        return None
    return lines[-1].strip()[:MAX_ITEM_CHARS * 3]


def combine(mode: ProofScale, answers: list[GraderAnswer | None], reasons: list[str | None],
            call_ids: list[int]) -> ProofGrade:
    """The ensemble's grade: the median of the parsed scores (the lower middle one, so that it is
    always a score some grader gave, on the scale), with that grader's items and fatal error."""
    scores = [a.score if a else None for a in answers]
    failures = [f"grader {i + 1}: {str(why).removeprefix('grader: ')}"
                for i, (answer, why) in enumerate(zip(answers, reasons)) if answer is None]
    grade = ProofGrade(mode, grader_scores=scores, parse_failures=len(failures), call_ids=call_ids,
                       reason="; ".join(failures) or None)
    parsed = [a for a in answers if a is not None]
    if not parsed:
        grade.reason = "no grader gave a parseable score: " + (grade.reason or "no graders")
        return grade
    grade.score = statistics.median_low([a.score for a in parsed])
    chosen = next(a for a in parsed if a.score == grade.score)
    grade.credited, grade.first_fatal_error = chosen.credited, chosen.first_fatal_error
    return grade


def refused(mode: ProofScale, reason: str) -> ProofGrade:
    """A grade that was never asked for (empty or oversized proof): a failure with its reason."""
    return ProofGrade(mode, reason=reason)


def bucket(score: int) -> int:
    """The IMO-ProofBench bucket of a 0-7 score: 7, 6 (almost), 1 (partial, 1-5) or 0."""
    if score >= 7:
        return 7
    if score == 6:
        return 6
    return 1 if score >= 1 else 0
