"""Grades a response against a gold answer: extraction, bounded rules, then the judge if needed.

`grade` is the synchronous entry point (safe in any thread, in scripts without a main guard,
inside a running event loop), `agrade` the async one. Both return a `Grade` that records the
verdict, which path decided it and why. Identical answers are decided without sympy; other
comparisons run in-process under a deadline, heavy ones in a killable worker (`bounded`).
"""

from __future__ import annotations

import asyncio
import time

from pydantic import BaseModel, Field

from enum import StrEnum
from typing import TYPE_CHECKING

from lemmata.engines.answers.answer_shape import compact
from lemmata.engines.answers.errors import JudgeRequiresAsync, WorkerCrashed, WorkerTimeout
from lemmata.engines.answers.extract import (
    MAX_SEARCHED_CHARS,
    Extraction,
    ExtractionMethod,
    boxed_contents,
    answer_sentence,
    clean_text,
    extract_final_answer,
)
from lemmata.engines.answers.verdicts import DecidedBy, EquivalenceStatus, Verdict

if TYPE_CHECKING:
    from lemmata.engines.answers.decision import Decision
    from lemmata.engines.answers.judge import Judge
    from lemmata.engines.answers.worker import WorkerPool

RULES_TIMEOUT_SECONDS = 10.0
"""Wall-clock limit of the rule-based comparison of one answer (the worker is killed after it)."""
LOOP_MIN_REPEATS = 8
"""A response whose tail repeats one chunk this many times is looping."""
LOOP_TAIL_CHARS = 4_000
LOOP_MAX_PERIOD = 400
"""Longest repeated chunk looked for."""
LOOP_MIN_CHARS = 60
"""A loop must cover at least this many characters (so `!!!!!!!!` is not one)."""
MAX_GOLD_CHARS = 2_000
"""Longer gold answers are not compared by rules."""
WEAK_EXTRACTIONS = frozenset(
    {ExtractionMethod.NONE, ExtractionMethod.LAST_NUMBER, ExtractionMethod.LAST_MATH, ExtractionMethod.WHOLE_RESPONSE}
)
"""Answers found without an anchor (box or "answer is"): a looping response gives none."""


class Grade(BaseModel):
    """The verdict on one response, with how it was reached."""

    verdict: Verdict
    decided_by: DecidedBy
    """Rules, the judge model, or nobody (undecided)."""
    reason: str
    """One line: why this verdict."""
    extracted: str = ""
    """The final answer found in the response ("" if none)."""
    extraction_method: ExtractionMethod = ExtractionMethod.NONE
    gold: str = ""
    equivalence: EquivalenceStatus | None = None
    """Outcome of the rule-based comparison, when it ran."""
    corrections: list[str] = Field(default_factory=list)
    """Our corrections over plain math-verify that took part."""
    judge_label: str | None = None
    """A, B or C when the judge decided (or was asked)."""
    judge_completion: str | None = None
    seconds: float = 0.0
    """Wall-clock time spent grading."""


def grade(
    gold: str,
    response: str,
    question: str | None = None,
    *,
    judge: Judge | None = None,
    timeout: float = RULES_TIMEOUT_SECONDS,
    pool: WorkerPool | None = None,
) -> Grade:
    """Grade `response` against `gold`. With a judge, call this outside an event loop (else use `agrade`)."""
    started = time.perf_counter()
    ruled = grade_by_rules(gold, response, question, timeout=timeout, pool=pool)
    if ruled.decided_by != DecidedBy.NONE:
        return _timed(ruled, started)
    if judge is None:
        return _timed(_no_judge(ruled), started)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _timed(asyncio.run(_ask(judge, ruled, gold, response, question)), started)
    raise JudgeRequiresAsync("grade() with a judge was called inside a running event loop; await agrade() instead")


async def agrade(
    gold: str,
    response: str,
    question: str | None = None,
    *,
    judge: Judge | None = None,
    timeout: float = RULES_TIMEOUT_SECONDS,
    pool: WorkerPool | None = None,
) -> Grade:
    """Async `grade`: rules run in a worker without blocking the loop, then the judge if needed."""
    started = time.perf_counter()
    ruled = await asyncio.to_thread(grade_by_rules, gold, response, question, timeout=timeout, pool=pool)
    if ruled.decided_by != DecidedBy.NONE:
        return _timed(ruled, started)
    if judge is None:
        return _timed(_no_judge(ruled), started)
    return _timed(await _ask(judge, ruled, gold, response, question), started)


def grade_by_rules(
    gold: str,
    response: str,
    question: str | None = None,
    *,
    timeout: float = RULES_TIMEOUT_SECONDS,
    pool: WorkerPool | None = None,
) -> Grade:
    """Rules only: a decided Grade, or an undecided one (decided_by none) saying why. Never raises on bad text."""
    gold = _gold_text(clean_text(str(gold or "")))
    response = clean_text(str(response or ""))
    if not gold:
        return Grade(verdict=Verdict.INVALID, decided_by=DecidedBy.RULES, reason="empty gold answer: nothing to compare with")
    if len(gold) > MAX_GOLD_CHARS:
        return _undecided(f"gold answer longer than {MAX_GOLD_CHARS} characters", gold=gold[:MAX_GOLD_CHARS])
    if not response.strip():
        return Grade(verdict=Verdict.INVALID, decided_by=DecidedBy.RULES, reason="empty response", gold=gold)
    extraction = extract_final_answer(response)
    if extraction.method in WEAK_EXTRACTIONS and is_looping(response):
        return Grade(verdict=Verdict.INVALID, decided_by=DecidedBy.RULES, reason="response loops without a final answer", gold=gold)
    fields = {"extracted": extraction.text, "extraction_method": extraction.method, "gold": gold}
    if extraction.too_long:
        return _undecided("the extracted answer is too long for rules", **fields)
    if extraction.text and compact(extraction.text) == compact(gold) or _same_text(answer_sentence(response), gold):
        return Grade(verdict=Verdict.CORRECT, decided_by=DecidedBy.RULES, reason="identical to the gold after normalisation",
                     equivalence=EquivalenceStatus.EQUIVALENT, corrections=list(extraction.corrections), **fields)
    decision = _decide(gold, response[-MAX_SEARCHED_CHARS:], question, extraction, timeout, pool)
    fields |= {"extracted": decision.extracted, "extraction_method": decision.method, "equivalence": decision.status.value,
               "corrections": list(decision.corrections)}
    if decision.status == "equivalent":
        return Grade(verdict=Verdict.CORRECT, decided_by=DecidedBy.RULES, reason=decision.reason, **fields)
    if decision.status == "not_equivalent":
        return Grade(verdict=Verdict.INCORRECT, decided_by=DecidedBy.RULES, reason=decision.reason, **fields)
    return _undecided(decision.reason, **fields)


def is_looping(response: str) -> bool:
    """True when `response` ends with one chunk repeated LOOP_MIN_REPEATS times or more
    (covering at least LOOP_MIN_CHARS): a degenerate, looping generation."""
    tail = response[-LOOP_TAIL_CHARS:].rstrip()
    for period in range(1, LOOP_MAX_PERIOD + 1):
        repeats = max(LOOP_MIN_REPEATS, -(-LOOP_MIN_CHARS // period))
        if period * repeats <= len(tail) and tail.endswith(tail[-period:] * repeats):
            return True
    return False


def _decide(gold: str, response: str, question: str | None, extraction: Extraction, timeout: float, pool: WorkerPool | None) -> Decision:
    from lemmata.engines.answers.bounded import run_bounded
    from lemmata.engines.answers.decision import Decision, decide
    from lemmata.engines.answers.equivalence import warm_up

    warm_up()  # one-time parser start-up, outside the deadline

    def failed(status: EquivalenceStatus, reason: str) -> Decision:
        return Decision(status, reason, extraction.text, extraction.method, tuple(extraction.corrections))

    try:
        return run_bounded(decide, gold, response, question, extraction, timeout=timeout, pool=pool)
    except WorkerTimeout:
        return failed(EquivalenceStatus.TIMEOUT, f"comparison exceeded {timeout:g} s and was stopped")
    except WorkerCrashed as error:
        return failed(EquivalenceStatus.TOO_LARGE, f"comparison crashed its worker: {error}")
    except (RecursionError, MemoryError):
        return failed(EquivalenceStatus.TOO_LARGE, "comparison ran out of stack or memory; answer too large")
    except Exception as error:  # a library failure on odd text is an undecided grade, never a crash
        return failed(EquivalenceStatus.UNPARSEABLE, f"comparison failed: {type(error).__name__}")


async def _ask(judge: Judge, ruled: Grade, gold: str, response: str, question: str | None) -> Grade:
    from lemmata.engines.answers.judge import ask_judge

    try:
        decision = await ask_judge(judge, ruled.gold or gold, response, question)
    except Exception as error:  # a refused or failed judge call leaves this one grade undecided, not the run
        first_line = (str(error).splitlines() or [""])[0][:200]
        reason = f"judge call failed ({type(error).__name__}: {first_line}); rules: {ruled.reason}"
        return ruled.model_copy(update={"reason": reason})
    update = {"judge_label": decision.label.value if decision.label else None, "judge_completion": decision.completion}
    if decision.label is None:
        reason = f"judge reply had no A/B/C label; rules: {ruled.reason}"
        return ruled.model_copy(update=update | {"reason": reason})
    reason = f"judge label {decision.label.value} ({decision.label.name.lower()}); rules: {ruled.reason}"
    return ruled.model_copy(update=update | {"verdict": decision.verdict, "decided_by": DecidedBy.JUDGE, "reason": reason})


def _gold_text(gold: str) -> str:
    """Gold answers are sometimes stored boxed (once or several times) or in `$…$`; keep the answer itself."""
    boxes = list(dict.fromkeys(box.strip() for box in boxed_contents(gold) if box.strip()))
    text = ", ".join(boxes) if boxes else gold.strip()
    if text.startswith("$") and text.endswith("$") and "$" not in text.strip("$"):
        text = text.strip("$")
    return text.strip()


def _same_text(answer: str, gold: str) -> bool:
    """Identical once `$` delimiters, spacing and markup are set aside (so word golds match themselves)."""
    return bool(answer) and compact(answer.replace("$", "")) == compact(gold.replace("$", ""))


def _undecided(reason: str, **fields: object) -> Grade:
    return Grade(verdict=Verdict.UNDECIDED, decided_by=DecidedBy.NONE, reason=reason, **fields)


def _no_judge(ruled: Grade) -> Grade:
    return ruled.model_copy(update={"reason": f"{ruled.reason}; no judge given"})


def _timed(result: Grade, started: float) -> Grade:
    return result.model_copy(update={"seconds": round(time.perf_counter() - started, 4)})
