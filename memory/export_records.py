"""The lines of an OREAL-H export: one record type per kind (round, lemma graph, geometry step,
pipeline), tagged by `kind`, and the JSON Schema of a line.

The readers in `lemmata.memory.export` build them; the writers in `lemmata.memory.export_formats`
turn them into each trainer's rows.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

# The verdicts of lemmata.engines.answers.Verdict, spelled out: the memory does not depend on engines.
AnswerGrade = Literal["correct", "incorrect", "invalid", "undecided"]


class MetaAction(StrEnum):
    """The OREAL-H meta-action a round's call performs."""

    REASON = "reason"
    SUMMARIZE = "summarize"
    """Extract lemmas from the reasoning."""


_RECORD_CONFIG = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class ExportedLemma(BaseModel):
    model_config = _RECORD_CONFIG

    id: int
    """Lemma id in the run store, stable across shots and runs of the problem (deduplicated)."""
    number: str
    """Its number in this shot's library."""
    statement: str
    cites: list[int]
    """Ids of the lemmas its proof cites."""
    passes: int
    """k: verifier votes that passed (all votes of the problem, from every shot)."""
    votes: int
    """n: verifier votes cast."""
    conjugate_reward: float
    """R(k, n) of its votes."""
    first_stored: bool
    """True when this round first stored it; False when linked from an earlier shot or run."""
    value: float
    """v(l) backed up from the terminal outcomes of the problem's shots."""


class ShotOutcome(BaseModel):
    model_config = _RECORD_CONFIG

    status: str
    """verified | unverified | no_solution: how the shot concluded."""
    answer: str | None
    """The final \\boxed{} answer."""
    grade: AnswerGrade | None
    """The answer graded against the gold one (`grades` table); None when not graded."""
    grade_decided_by: str | None
    process_passes: int
    """k: process-verifier votes passing the final solution."""
    process_votes: int
    """n: process-verifier votes on the final solution (0 when there was none)."""
    conjugate_reward: float
    """R(k, n) of the final process-verifier votes."""
    terminal_reward: float
    """R of the trajectory: for a proof with a proof grade, that grade / 7; else 0 when the answer
    is graded incorrect or invalid; otherwise R(k, n), or 1 for a correct answer that no process
    verifier checked."""
    proof_grade: float | None = None
    """The proof grader's score / 7 (`proof_grades` table); None when the shot has no proof grade."""

    @property
    def confidence(self) -> float | None:
        return self.process_passes / self.process_votes if self.process_votes else None


class RoundRecord(BaseModel):
    """One model call of one round: the state it saw, what it produced, and its credit."""

    model_config = _RECORD_CONFIG

    kind: Literal["round"] = "round"
    problem_id: str
    run_id: str
    shot: int
    round: int
    """1-based round number within the shot."""
    role: str
    """The model role that made the call (reasoner, summarizer)."""
    meta_action: MetaAction
    call_id: int
    model: str | None
    dataset: str | None
    """The problem's source (dataset file or name)."""
    problem_kind: str
    ground_truth: str | None
    """What the call's output is graded against: the gold answer for a reasoner call; a proof
    problem's reference only when the run showed it (`reference_visible`); None for a summarizer
    call (its reward is the verification of its lemmas) and when unknown."""
    reference_visible: bool
    """The run's prompts showed the gold answer or reference (run config `loop.reference_visible`)."""
    messages: list[dict[str, Any]]
    """The exact chat messages sent."""
    completion: str
    """The answer text of the first choice."""
    reasoning: str
    """The reasoning (thinking) text of the first choice; empty when the server returned none."""
    finish_reason: str | None
    truncated: bool
    prompt_tokens: int | None
    completion_tokens: int | None
    verdict: str | None
    """The reasoner's own verdict for the round (complete | partial | ...)."""
    parse_error: str | None
    lemmas: list[ExportedLemma]
    """Lemmas that entered the shot's library in this round, with their votes k/n."""
    new_lemma: bool
    """C_t: the round added at least one lemma to the library."""
    immediate_reward: float
    """r_t: step weight × mean R(k, n) of the round's lemmas (0 without lemmas)."""
    value_before: float
    """max v(l) over the library before the round."""
    value_after: float
    """max v(l) over the library after the round."""
    advantage: float
    """A_t = r_t + γ·value_after − value_before; 0 when C_t = 0."""
    outcome: ShotOutcome


class GraphNodeRecord(BaseModel):
    model_config = _RECORD_CONFIG

    id: int
    number: str
    statement: str
    occurrences: int
    """Libraries (run, shot) holding it: the rollouts in which it appeared."""
    passes: int
    votes: int
    status: str
    layer: int
    value: float
    """v(l) backed up from the terminal outcomes."""


class TerminalRecord(BaseModel):
    model_config = _RECORD_CONFIG

    run_id: str
    shot: int
    reference_visible: bool
    """The run's prompts showed the gold answer or reference."""
    reward: float
    """The trajectory's terminal reward R."""
    predecessors: list[int]
    """Lemmas the conclusion is derived from."""
    cited_by_solution: bool
    """True: the final solution names these lemmas; False: fallback to the shot's uncited lemmas."""


class LemmaGraphRecord(BaseModel):
    """A problem's lemma graph aggregated over the exported shots, with backed-up values."""

    model_config = _RECORD_CONFIG

    kind: Literal["lemma_graph"] = "lemma_graph"
    problem_id: str
    nodes: list[GraphNodeRecord]
    edges: list[tuple[int, int]]
    """(cited lemma, lemma whose proof cites it)."""
    terminals: list[TerminalRecord]
    reference_visible: bool
    """Some run of the graph showed the gold answer or reference in its prompts."""


class GeometryStepRecord(BaseModel):
    """One step of a geometry run (from a `geometry_steps` table, when the store has one)."""

    model_config = _RECORD_CONFIG

    kind: Literal["geometry_step"] = "geometry_step"
    problem_id: str | None
    run_id: str
    reference_visible: bool
    """The run's prompts showed the gold answer or reference (run config `loop.reference_visible`)."""
    shot: int | None
    step: int | None
    action: str | None
    step_reward: float | None
    detail: dict[str, Any]
    """Every other column of the row."""


class PipelineRecord(BaseModel):
    """What the test-time options of one run did on one problem (docs/loop-options.md): the
    selection across shots with every tournament match and selection grade, the checked
    critiques, and the conjectures with their fate."""

    model_config = _RECORD_CONFIG

    kind: Literal["pipeline"] = "pipeline"
    problem_id: str
    run_id: str
    options: dict[str, Any]
    """The run's `select`, `accept_after`, `meta_verify` and `conjectures` settings."""
    selection: dict[str, Any] | None
    """shot, method, answer, score of the chosen shot; None before a selection."""
    comparisons: list[dict[str, Any]]
    selection_grades: list[dict[str, Any]]
    critique_checks: list[dict[str, Any]]
    conjectures: list[dict[str, Any]]

    def used(self) -> bool:
        """An option was on or left a record (a run without them exports no pipeline line)."""
        return (any(value not in (None, False) for value in self.options.values())
                or bool(self.comparisons or self.selection_grades or self.critique_checks or self.conjectures))


ExportRecord = Annotated[RoundRecord | LemmaGraphRecord | GeometryStepRecord | PipelineRecord,
                         Field(discriminator="kind")]


def export_schema() -> dict[str, Any]:
    """JSON Schema of one exported (oreal-h) line: a round, a lemma graph or a geometry step."""
    return TypeAdapter(ExportRecord).json_schema()
