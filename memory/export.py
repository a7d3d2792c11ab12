"""Recorded runs as OREAL-H training records: per-round records, the lemma graph, geometry steps.

Readers are graded by cost: `select_shots` reads run, sample, grade and revision metadata only;
`problem_graph` adds the problem's lemmas and each shot's final solution; `round_records` reads
the model calls (messages and completions) of one shot. Writers live in `lemmata.memory.export_formats`.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from lemmata.memory.export_formats import ExportFormat, ExportRole, TokenCounter, Written, write_export
from lemmata.memory.export_records import (
    ExportedLemma, ExportRecord, GeometryStepRecord, GraphNodeRecord, LemmaGraphRecord, MetaAction, PipelineRecord,
    RoundRecord, ShotOutcome, TerminalRecord,
)
from lemmata.memory.lemmas.graph import LemmaGraph, lemma_graph
from lemmata.memory.lemmas.text import lemma_references
from lemmata.memory.rewards import RoundStep, backup_values, conjugate_reward, proof_reward, round_advantages
from lemmata.memory.statuses import ShotStatus
from lemmata.memory.store import RunStore

FAILED_GRADES = {"incorrect", "invalid"}
# A shot with one of these statuses never reached its final verification: it has no outcome.
UNFINISHED_STATUSES = {ShotStatus.RUNNING, ShotStatus.STOPPED, None}
REDACTED = "[redacted]"
# Key-shaped strings, scrubbed even when the key is not known to this process.
_KEY_PATTERN = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}|\bBearer\s+[A-Za-z0-9._~+/=-]{16,}")
_SECRET_ENV_SUFFIXES = ("API_KEY", "_TOKEN", "_SECRET")
MIN_SECRET_LENGTH = 8


class ExportError(ValueError):
    """A filter or an export target is invalid; the message says which and what is accepted."""


class OutcomeFilter(StrEnum):
    CORRECT = "correct"
    """The final answer was graded correct."""
    INCORRECT = "incorrect"
    """The final answer was graded incorrect or invalid."""
    VERIFIED = "verified"
    """The final solution passed the process verifier."""


# Selection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFilter:
    runs: tuple[str, ...] = ()
    """Only these runs (all runs when empty)."""
    outcome: OutcomeFilter | None = None
    min_confidence: float | None = None
    """Only shots whose final process-verifier pass rate k/n is at least this."""
    dataset: str | None = None
    """Only problems whose source is this (full source, file name or file stem)."""

    @classmethod
    def parse(cls, text: str | None, runs: Iterable[str] = ()) -> ExportFilter:
        """`outcome=correct,min_confidence=0.75,dataset=NAME,run=ID` (each key optional)."""
        values: dict[str, Any] = {"runs": list(runs)}
        for part in filter(None, (p.strip() for p in (text or "").split(","))):
            key, sep, value = part.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or not value:
                raise ExportError(f"filter '{part}' is not KEY=VALUE; keys: outcome, min_confidence, dataset, run")
            values.update(_filter_value(key, value, values["runs"]))
        return cls(**{**values, "runs": tuple(values["runs"])})

    def keeps(self, shot: ShotSummary) -> bool:
        """The outcome and confidence conditions (run and dataset are applied when selecting)."""
        outcome = shot.outcome
        if self.outcome is OutcomeFilter.CORRECT and outcome.grade != "correct":
            return False
        if self.outcome is OutcomeFilter.INCORRECT and outcome.grade not in FAILED_GRADES:
            return False
        if self.outcome is OutcomeFilter.VERIFIED and outcome.status != "verified":
            return False
        confidence = outcome.confidence
        return self.min_confidence is None or (confidence is not None and confidence >= self.min_confidence)


def _filter_value(key: str, value: str, runs: list[str]) -> dict[str, Any]:
    match key:
        case "outcome":
            if value not in set(OutcomeFilter):
                raise ExportError(f"filter outcome={value}: choose one of {', '.join(OutcomeFilter)}")
            return {"outcome": OutcomeFilter(value)}
        case "min_confidence":
            try:
                confidence = float(value)
            except ValueError:
                confidence = -1.0
            if not 0 <= confidence <= 1:
                raise ExportError(f"filter min_confidence={value}: expected a number between 0 and 1")
            return {"min_confidence": confidence}
        case "dataset":
            return {"dataset": value}
        case "run":
            return {"runs": [*runs, value]}
    raise ExportError(f"unknown filter key '{key}'; keys: outcome, min_confidence, dataset, run")


@dataclass(frozen=True)
class ShotSummary:
    """One concluded shot with its outcome: what selection needs, without any model text."""

    run_id: str
    problem_id: str
    shot: int
    dataset: str | None
    outcome: ShotOutcome
    final_solution_id: int | None = None
    """Row id of the final revision, to read its text later."""
    reference_visible: bool = False
    """The run's prompts showed the gold answer or reference."""


def select_shots(store: RunStore, selection: ExportFilter) -> list[ShotSummary]:
    """Concluded shots of the selected runs and dataset (outcome filters are not applied here)."""
    where, params = ["s.status not in (?, ?)"], [ShotStatus.RUNNING.value, ShotStatus.STOPPED.value]
    if selection.runs:
        where.append(f"s.run_id in ({', '.join('?' * len(selection.runs))})")
        params.extend(selection.runs)
    rows = store.db.query(
        "select s.run_id, s.problem_id, s.sample, s.status, s.answer, p.source from samples s"
        " left join problems p on p.id = s.problem_id"
        f" where {' and '.join(where)} order by s.problem_id, s.run_id, s.sample", params)
    grades, proofs = _grades(store), _proof_scores(store)
    visible = reference_visibility(store)
    shots = []
    for row in rows:
        if selection.dataset is not None and not _same_dataset(row["source"], selection.dataset):
            continue
        final = _final_revision(store, row["run_id"], row["problem_id"], row["sample"])
        grade = grades.get((row["run_id"], row["problem_id"], row["sample"]))
        outcome = _outcome(row, final, grade, proofs.get((row["run_id"], row["problem_id"], row["sample"])))
        shots.append(ShotSummary(row["run_id"], row["problem_id"], row["sample"], row["source"],
                                 outcome, final["id"] if final else None, visible.get(row["run_id"], False)))
    return shots


def reference_visibility(store: RunStore) -> dict[str, bool]:
    """Run id → whether its prompts showed the gold answer or reference (`loop.reference_visible`,
    False when the run's configuration predates the setting or is unreadable)."""
    visible = {}
    for run in store.db.query("select id, config from runs"):
        try:
            loop = json.loads(run["config"] or "{}").get("loop") or {}
            visible[run["id"]] = loop.get("reference_visible") is True
        except (ValueError, AttributeError):
            visible[run["id"]] = False
    return visible


def _grades(store: RunStore) -> dict[tuple[str, str, int], dict]:
    if "grades" not in store.db.table_names():
        return {}
    return {(g["run_id"], g["problem_id"], g["sample"]): g for g in store.db["grades"].rows}


def _proof_scores(store: RunStore) -> dict[tuple[str, str, int], tuple[int, int]]:
    """(score, max score) of every successful proof grade; failed grades have no score."""
    if "proof_grades" not in store.db.table_names():
        return {}
    rows = store.db.query(
        "select run_id, problem_id, sample, score, max_score from proof_grades where score is not null")
    return {(r["run_id"], r["problem_id"], r["sample"]): (r["score"], r["max_score"]) for r in rows}


def _final_revision(store: RunStore, run_id: str, problem_id: str, shot: int) -> dict | None:
    rows = list(store.db.query(
        "select id, passes, votes from revisions where run_id = ? and problem_id = ? and shot = ?"
        " order by loop desc limit 1", [run_id, problem_id, shot]))
    return rows[0] if rows else None


def _same_dataset(source: str | None, name: str) -> bool:
    return source is not None and name in {source, Path(source).name, Path(source).stem}


def _outcome(sample: dict, final: dict | None, grade: dict | None,
             proof: tuple[int, int] | None = None) -> ShotOutcome:
    passes, votes = (final["passes"] or 0, final["votes"] or 0) if final else (0, 0)
    verdict = grade["verdict"] if grade else None
    conjugate = conjugate_reward(passes, votes)
    graded_proof = None if proof is None else proof_reward(*proof)
    if graded_proof is not None:
        terminal = graded_proof  # a proof's outcome is its grade; the votes stay beside it
    elif verdict in FAILED_GRADES:
        terminal = 0.0  # "R is set to 0 if the final answer is incorrect"
    elif votes:
        terminal = conjugate
    else:
        terminal = 1.0 if verdict == "correct" else 0.0
    return ShotOutcome(status=sample["status"], answer=sample["answer"], grade=verdict,
                       grade_decided_by=grade["decided_by"] if grade else None, process_passes=passes,
                       process_votes=votes, conjugate_reward=conjugate, terminal_reward=terminal,
                       proof_grade=graded_proof)


# The lemma graph and its values -------------------------------------------------------


@dataclass(frozen=True)
class ProblemGraph:
    """A problem's lemma graph with each lemma's backed-up value and each shot's terminal."""

    graph: LemmaGraph
    values: dict[int, float]
    terminals: list[TerminalRecord]

    def record(self) -> LemmaGraphRecord:
        nodes = [GraphNodeRecord(id=n.id, number=n.number, statement=n.statement, occurrences=n.occurrences,
                                 passes=n.passes, votes=n.votes, status=str(n.status), layer=n.layer,
                                 value=self.values.get(n.id, 0.0))
                 for n in self.graph.nodes]
        return LemmaGraphRecord(problem_id=self.graph.problem_id, nodes=nodes,
                                edges=[(e.source, e.target) for e in self.graph.edges], terminals=self.terminals,
                                reference_visible=any(t.reference_visible for t in self.terminals))


def problem_graph(store: RunStore, problem_id: str, shots: Iterable[ShotSummary]) -> ProblemGraph:
    """The aggregated lemma graph plus one terminal node per shot, valued by Eq. 5."""
    graph = lemma_graph(store, problem_id)
    known = {node.id for node in graph.nodes}
    successors: dict[Any, list[Any]] = defaultdict(list)
    for edge in graph.edges:
        successors[edge.source].append(edge.target)
    terminals, rewards = [], {}
    for shot in shots:
        terminal = _terminal(store, shot, known)
        terminals.append(terminal)
        key = ("terminal", shot.run_id, shot.shot)
        rewards[key] = terminal.reward
        for lemma_id in terminal.predecessors:
            successors[lemma_id].append(key)
    values = backup_values([node.id for node in graph.nodes], successors, rewards)
    return ProblemGraph(graph, {node.id: values[node.id] for node in graph.nodes}, terminals)


def _terminal(store: RunStore, shot: ShotSummary, known: set[int]) -> TerminalRecord:
    """The conclusion derives from the lemmas its final solution names ("Lemma N"); when it names
    none, from the shot's lemmas that no other lemma of the shot cites (the ends of its chains)."""
    uses = list(store.db.query(
        "select lemma_id, number, cites from lemma_uses where run_id = ? and problem_id = ? and shot = ?"
        " order by id", [shot.run_id, shot.problem_id, shot.shot]))
    by_number = {use["number"]: use["lemma_id"] for use in uses}
    solution = ""
    if shot.final_solution_id is not None:
        solution = store.db["revisions"].get(shot.final_solution_id)["solution"] or ""
    cited = sorted({by_number[n] for n in lemma_references(solution) if n in by_number} & known)
    if cited:
        return TerminalRecord(run_id=shot.run_id, shot=shot.shot, reference_visible=shot.reference_visible,
                              reward=shot.outcome.terminal_reward, predecessors=cited, cited_by_solution=True)
    cited_within = {by_number.get(n) for use in uses for n in json.loads(use["cites"] or "[]")}
    ends = [use["lemma_id"] for use in uses if use["lemma_id"] not in cited_within and use["lemma_id"] in known]
    return TerminalRecord(run_id=shot.run_id, shot=shot.shot, reference_visible=shot.reference_visible,
                          reward=shot.outcome.terminal_reward, predecessors=list(dict.fromkeys(ends)), cited_by_solution=False)


# Round records ------------------------------------------------------------------------


@dataclass(frozen=True)
class AdvantageSettings:
    gamma: float = 1.0
    """Discount between consecutive rounds' values."""
    step_weight: float = 0.1
    """Scale of the immediate reward r_t, kept small so the terminal outcome dominates."""


def round_records(store: RunStore, shot: ShotSummary, values: Mapping[int, float],
                  settings: AdvantageSettings = AdvantageSettings()) -> list[RoundRecord]:
    """The reasoner and summarizer calls of every round of one shot, with rewards and advantages."""
    rounds = list(store.db.query(
        "select * from rounds where run_id = ? and problem_id = ? and shot = ? order by round",
        [shot.run_id, shot.problem_id, shot.shot]))
    library = _library_by_round(store, shot, values)
    steps = [RoundStep(frozenset(l.id for l in library[r["round"]]),
                       _immediate_reward(library[r["round"]], settings)) for r in rounds]
    initial = [lemma.id for round, lemmas in library.items() if round < 1 for lemma in lemmas]
    credits = round_advantages(steps, values, initial=initial, gamma=settings.gamma)
    problem = store.db["problems"].get(shot.problem_id)
    records = []
    for row, step, credit in zip(rounds, steps, credits, strict=True):
        for action, call_id in ((MetaAction.REASON, row["reasoner_call_id"]),
                                (MetaAction.SUMMARIZE, row["summarizer_call_id"])):
            if call_id is None:
                continue
            call = store.db["calls"].get(call_id)
            choice = (json.loads(call["choices"] or "[]") or [{}])[0]
            records.append(RoundRecord(
                problem_id=shot.problem_id, run_id=shot.run_id, shot=shot.shot, round=row["round"],
                role=call["role"], meta_action=action, call_id=call_id, model=call["model"],
                dataset=problem["source"], problem_kind=problem["kind"] or "answer",
                ground_truth=_ground_truth(problem, call["role"], shot.reference_visible),
                reference_visible=shot.reference_visible,
                messages=json.loads(call["messages"] or "[]"), completion=choice.get("text") or "",
                reasoning=choice.get("reasoning") or "", finish_reason=choice.get("finish_reason"),
                truncated=bool(call["truncated"]), prompt_tokens=call["prompt_tokens"],
                completion_tokens=call["completion_tokens"], verdict=row["verdict"], parse_error=row["parse_error"],
                lemmas=library[row["round"]], new_lemma=bool(step.added), immediate_reward=step.reward,
                value_before=credit.value_before, value_after=credit.value_after, advantage=credit.advantage,
                outcome=shot.outcome))
    return records


def _ground_truth(problem: Mapping[str, Any], role: str, reference_visible: bool) -> str | None:
    """The gold answer for the reasoner; a proof's reference only when the run showed it; nothing
    for the summarizer, whose lemmas are graded by verification, not against the final answer."""
    if role != ExportRole.REASONER:
        return None
    if (problem["kind"] or "answer") == "proof" and not reference_visible:
        return None
    return problem["answer"]


def _library_by_round(store: RunStore, shot: ShotSummary, values: Mapping[int, float]) -> dict[int, list[ExportedLemma]]:
    """The lemmas entering the shot's library, by round (round 0: before the first round)."""
    rows = store.db.query(
        "select u.lemma_id, u.number, u.round as use_round, l.statement, l.passes, l.votes, l.run_id, l.shot,"
        " l.round as first_round from lemma_uses u join lemmas l on l.id = u.lemma_id"
        " where u.run_id = ? and u.problem_id = ? and u.shot = ? order by u.id",
        [shot.run_id, shot.problem_id, shot.shot])
    edges = defaultdict(list)
    for citing, cited in store.db.execute(
            "select e.lemma_id, e.cited_id from lemma_edges e join lemmas l on l.id = e.lemma_id"
            " where l.problem_id = ? order by e.cited_id", [shot.problem_id]):
        edges[citing].append(cited)
    library: dict[int, list[ExportedLemma]] = defaultdict(list)
    for row in rows:
        passes, votes = row["passes"] or 0, row["votes"] or 0
        first = (row["run_id"], row["shot"], row["first_round"]) == (shot.run_id, shot.shot, row["use_round"])
        library[row["use_round"] or 0].append(ExportedLemma(
            id=row["lemma_id"], number=row["number"], statement=row["statement"], cites=edges[row["lemma_id"]],
            passes=passes, votes=votes, conjugate_reward=conjugate_reward(passes, votes), first_stored=first,
            value=values.get(row["lemma_id"], 0.0)))
    return library


def _immediate_reward(lemmas: list[ExportedLemma], settings: AdvantageSettings) -> float:
    if not lemmas:
        return 0.0
    return settings.step_weight * sum(lemma.conjugate_reward for lemma in lemmas) / len(lemmas)


# Geometry steps -----------------------------------------------------------------------

_GEOMETRY_COLUMNS = {"run_id", "problem_id", "shot", "step", "action", "reward", "step_reward"}


def geometry_step_records(store: RunStore, selection: ExportFilter) -> list[GeometryStepRecord]:
    """Rows of a `geometry_steps` table if the store has one (the geometry agent adds it); else none."""
    if "geometry_steps" not in store.db.table_names():
        return []
    records = []
    visible = reference_visibility(store)
    for row in store.db["geometry_steps"].rows:
        if selection.runs and row.get("run_id") not in selection.runs:
            continue
        if selection.dataset is not None:
            problem = store.db.execute("select source from problems where id = ?", [row.get("problem_id")]).fetchone()
            if not problem or not _same_dataset(problem[0], selection.dataset):
                continue
        reward = row.get("step_reward", row.get("reward"))
        records.append(GeometryStepRecord(
            problem_id=row.get("problem_id"), run_id=str(row.get("run_id")), shot=row.get("shot"),
            reference_visible=visible.get(str(row.get("run_id")), False),
            step=row.get("step"), action=row.get("action"), step_reward=None if reward is None else float(reward),
            detail={k: v for k, v in row.items() if k not in _GEOMETRY_COLUMNS}))
    return records


# Everything, in order -----------------------------------------------------------------


def export_records(store: RunStore, selection: ExportFilter = ExportFilter(),
                   settings: AdvantageSettings = AdvantageSettings()) -> Iterator[ExportRecord]:
    """Per problem: its lemma graph, then the round records of its kept shots; then geometry steps.

    Values are backed up over every concluded shot of the selected runs and dataset, so an outcome
    or confidence filter changes which records are written, never their rewards.
    """
    by_problem: dict[str, list[ShotSummary]] = defaultdict(list)
    for shot in select_shots(store, selection):
        by_problem[shot.problem_id].append(shot)
    for problem_id, shots in by_problem.items():
        kept = [shot for shot in shots if selection.keeps(shot)]
        if not kept:
            continue
        graph = problem_graph(store, problem_id, shots)
        yield graph.record()
        for shot in kept:
            yield from round_records(store, shot, graph.values, settings)
        for run_id in dict.fromkeys(shot.run_id for shot in kept):
            record = pipeline_record(store, run_id, problem_id)
            if record.used():
                yield record
    yield from geometry_step_records(store, selection)


_PIPELINE_OPTIONS = ("select", "accept_after", "meta_verify", "conjectures")
_ROW_NOISE = {"id", "run_id", "problem_id", "created_at"}


def pipeline_record(store: RunStore, run_id: str, problem_id: str) -> PipelineRecord:
    loop = (json.loads(store.db["runs"].get(run_id)["config"] or "{}").get("loop") or {})

    def rows(table: str) -> list[dict[str, Any]]:
        if table not in store.db.table_names():
            return []
        return [{k: v for k, v in row.items() if k not in _ROW_NOISE} for row in
                store.db[table].rows_where("run_id = ? and problem_id = ?", [run_id, problem_id], order_by="id")]

    selections = rows("selections")
    return PipelineRecord(problem_id=problem_id, run_id=run_id,
                          options={key: loop.get(key) for key in _PIPELINE_OPTIONS},
                          selection=selections[-1] if selections else None, comparisons=rows("comparisons"),
                          selection_grades=rows("selection_grades"), critique_checks=rows("critique_checks"),
                          conjectures=rows("conjectures"))


# Secrets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redactor:
    """Replaces known secrets, and anything shaped like an API key, in every exported string."""

    secrets: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_environment(cls, extra: Iterable[str | None] = (), environ: Mapping[str, str] | None = None) -> Redactor:
        """Secrets: `extra` (e.g. configured API keys) and environment values of *API_KEY, *_TOKEN, *_SECRET."""
        environ = os.environ if environ is None else environ
        found = {value for name, value in environ.items() if name.upper().endswith(_SECRET_ENV_SUFFIXES)}
        found |= {value for value in extra if value}
        return cls(frozenset(value for value in found if len(value) >= MIN_SECRET_LENGTH))

    def text(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _KEY_PATTERN.sub(REDACTED, text)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(item) for item in value]
        return value

    def record(self, record: BaseModel) -> BaseModel:
        return type(record).model_validate(self.value(record.model_dump(mode="json")))


def parse_roles(text: str | None) -> frozenset[ExportRole] | None:
    """`reasoner,summarizer` → those roles; None or empty → None (the format's default)."""
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in set(ExportRole)]
    if unknown:
        raise ExportError(f"unknown role {', '.join(map(repr, unknown))}; choose from {', '.join(ExportRole)}")
    return frozenset(ExportRole(name) for name in names) or None


def export(store: RunStore, export_format: ExportFormat | str, out: Path | str,
           selection: ExportFilter = ExportFilter(), settings: AdvantageSettings = AdvantageSettings(),
           redactor: Redactor | None = None, roles: Iterable[ExportRole | str] | None = None,
           count_tokens: TokenCounter | None = None) -> Written:
    """`lemmata export`: select, build and redact the records, then write them in one format.

    `roles` picks whose calls become round records (default: the format's, reasoner only for the
    answer-reward formats verl, openrlhf and trl); `count_tokens` measures prompts in tokens.
    """
    export_format = ExportFormat(export_format)
    unknown = [run for run in selection.runs if not store.db.execute("select 1 from runs where id = ?", [run]).fetchone()]
    if unknown:
        raise ExportError(f"no run {', '.join(map(repr, unknown))} in {store.path}; check the id, or pass --db PATH")
    kept_roles = export_format.default_roles if roles is None else {ExportRole(role) for role in roles}
    redactor = Redactor.from_environment() if redactor is None else redactor
    records = (redactor.record(record) for record in export_records(store, selection, settings)
               if record.kind != "round" or record.role in kept_roles)
    return write_export(records, export_format, Path(out), count_tokens)
