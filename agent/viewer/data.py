"""Read-only queries of the run store for the viewer: one page of runs, one page of a run's grid,
one shot in full. The database is opened read-only; the viewer never writes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from lemmata.agent.evaluation.runs import RunSummary, json_object, list_runs
from lemmata.memory.lemmas.graph import graph_to_svg, lemma_graph
from lemmata.memory.read_only import ReadOnlyStore, open_read_only

__all__ = ["Grid", "ReadOnlyStore", "Shot", "figure_path", "open_read_only", "run_grid", "runs_page", "shot"]


def runs_page(store: ReadOnlyStore, page: int, per_page: int) -> list[RunSummary]:
    return list_runs(store, limit=(page + 1) * per_page)[page * per_page:]  # type: ignore[arg-type]


@dataclass
class Grid:
    run: dict
    problem_ids: list[str]
    """This page's problems."""
    problems_total: int
    samples: int
    cells: dict[tuple[str, int], dict] = field(default_factory=dict)
    """(problem, sample) -> {status, verdict, answer}."""


def run_grid(store: ReadOnlyStore, run_id: str, page: int, per_page: int) -> Grid | None:
    run = store.run(run_id)
    if run is None:
        return None
    config = json_object(run["config"])
    plan = config.get("batch") or {}
    planned = list(plan.get("problem_ids") or [])
    seen = store.problems_in_sample_order(run_id)
    problem_ids = planned + [pid for pid in seen if pid not in set(planned)]
    shown = problem_ids[page * per_page:(page + 1) * per_page]
    samples = int(plan.get("samples") or (config.get("loop") or {}).get("shots") or 1)
    grid = Grid(run, shown, len(problem_ids), samples)
    if not shown:
        return grid
    for pid, sample, status, answer, verdict in store.graded_samples(run_id, shown):
        grid.cells[(pid, sample)] = {"status": status, "answer": answer, "verdict": verdict}
        grid.samples = max(grid.samples, sample + 1)
    return grid


@dataclass
class Shot:
    run: dict
    problem: dict
    sample: dict
    grade: dict | None
    rounds: list[dict]
    """Each round with its reasoner and summarizer calls and the lemmas it added (with votes)."""
    revisions: list[dict]
    """Each final-verification loop with its verdicts."""
    geometry_steps: list[dict]
    tokens: dict[str, dict]
    """role -> {calls, prompt, completion, seconds}."""
    graph_svg: str | None
    figure: str | None
    """The file name of the geometry figure beside the store, when there is one."""


def shot(store: ReadOnlyStore, run_id: str, problem_id: str, number: int) -> Shot | None:
    run = store.run(run_id)
    sample = store.sample(run_id, problem_id, number)
    if run is None or sample is None:
        return None
    problem = store.problem(problem_id) or {"id": problem_id, "text": ""}
    key = (run_id, problem_id, number)
    calls = {row["id"]: row for row in store.shot_calls(*key)}
    lemmas = store.shot_lemmas(*key)
    votes: dict[int, list[dict]] = {}
    for vote in store.shot_lemma_votes(run_id, number):
        votes.setdefault(vote["lemma_id"], []).append(vote)
    rounds = []
    for row in store.shot_table("rounds", *key, order="round"):
        rounds.append({**row, "reasoner": _choice(calls.get(row["reasoner_call_id"])),
                       "summarizer": _choice(calls.get(row["summarizer_call_id"])),
                       "lemmas": [{**lemma, "votes": votes.get(lemma["id"], [])}
                                  for lemma in lemmas if lemma["added_round"] == row["round"]]})
    verdicts = store.shot_table("verdicts", *key, order="loop, id")
    revisions = [{**row, "verdicts": [v for v in verdicts if v["loop"] == row["loop"]]}
                 for row in store.shot_table("revisions", *key, order="loop")]
    steps = store.shot_table("geometry_steps", *key, order="step")
    grade = store.grade(*key)
    graph = lemma_graph(store, problem_id) if lemmas else None  # type: ignore[arg-type]
    return Shot(run, problem, sample, grade, rounds, revisions, steps, _tokens(calls.values()),
                graph_to_svg(graph) if graph and graph.nodes else None, _figure(store, run_id, problem_id, number))


def figure_path(store: ReadOnlyStore, name: str) -> Path | None:
    """A geometry figure by its file name; only names listed in the figures folder are served."""
    folder = store.path.parent / "figures"
    try:
        listed = {entry.name for entry in folder.iterdir() if entry.is_file() and entry.suffix == ".svg"}
    except OSError:
        return None
    return folder / name if name in listed else None


def _figure(store: ReadOnlyStore, run_id: str, problem_id: str, number: int) -> str | None:
    name = f"{run_id}-{problem_id}-s{number}.svg"
    return name if figure_path(store, name) else None


def _tokens(calls) -> dict[str, dict]:
    totals: dict[str, dict] = {}
    for call in calls:
        entry = totals.setdefault(call["role"] or "-", {"calls": 0, "prompt": 0, "completion": 0, "seconds": 0.0})
        entry["calls"] += 1
        entry["prompt"] += call["prompt_tokens"] or 0
        entry["completion"] += call["completion_tokens"] or 0
        entry["seconds"] += call["latency_s"] or 0.0
    return totals


def _choice(call: dict | None) -> dict | None:
    """The first choice's answer and reasoning text of a stored call, with its counts."""
    if call is None:
        return None
    choices = _json_list(call["choices"])
    first = choices[0] if choices and isinstance(choices[0], dict) else {}
    return {"text": first.get("text") or "", "reasoning": first.get("reasoning") or "", "error": call["error"],
            "truncated": call["truncated"], "prompt_tokens": call["prompt_tokens"],
            "completion_tokens": call["completion_tokens"], "latency_s": call["latency_s"]}


def _json_list(text: str | None) -> list:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []
