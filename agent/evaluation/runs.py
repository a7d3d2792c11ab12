"""Finding runs in the store: a run named by its id, a unique prefix of it, or `latest`; and one
summary line per run (kind, dataset, model, status, samples done, accuracy) for `lemmata runs`."""

from __future__ import annotations

import json
from dataclasses import dataclass

from lemmata.agent.errors import ProblemInputError
from lemmata.memory import RunStore
from lemmata.memory.run_index import latest_run_id, run_ids_starting, run_rows
from lemmata.memory.store_errors import RunNotFound

LATEST = "latest"


def resolve_run_id(store: RunStore, spec: str) -> str:
    """The full id of the run `spec` names: an id, a unique prefix of one, or `latest`. Raises
    RunNotFound when no run matches, ProblemInputError when `spec` is empty or names several."""
    spec = spec.strip()
    if spec == LATEST:
        latest = latest_run_id(store)
        if latest is None:
            raise ProblemInputError(f"no runs in {store.path} yet")
        return latest
    if not spec:
        raise ProblemInputError("give a run id, a prefix of one, or 'latest'")
    matches = run_ids_starting(store, spec, limit=6)
    if spec in matches:
        return spec
    if not matches:
        raise RunNotFound(f"no run '{spec}' in {store.path}; lemmata runs lists them")
    if len(matches) > 1:
        shown = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
        raise ProblemInputError(f"'{spec}' names several runs ({shown}); give more of the id")
    return matches[0]


@dataclass(frozen=True)
class RunSummary:
    id: str
    kind: str
    dataset: str
    model: str
    status: str
    samples_done: int
    samples_planned: int
    correct: int
    graded: int
    started: str

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.graded if self.graded else None


def list_runs(store: RunStore, limit: int = 50) -> list[RunSummary]:
    """The latest `limit` runs, newest first."""
    summaries = []
    for run_id, command, status, created, config_text, done, graded, correct, problem in run_rows(store, limit):
        config = json_object(config_text)
        plan = config.get("batch") or {}
        loop = config.get("loop") or {}
        if plan:
            dataset, planned = plan.get("dataset") or "-", len(plan.get("problem_ids") or []) * int(plan.get("samples") or 0)
        else:
            dataset, planned = problem or "-", int(loop.get("shots") or 1)
        summaries.append(RunSummary(run_id, command or "-", dataset, run_model(config), status or "-", done, planned,
                                    correct, graded, created or ""))
    return summaries


def run_model(config: dict) -> str:
    """The model a run's stored configuration names (the default one, else the reasoner's)."""
    defaults = config.get("defaults") or {}
    reasoner = (config.get("roles") or {}).get("reasoner") or {}
    return reasoner.get("model") or defaults.get("model") or "-"


def json_object(text: str | None) -> dict:
    """A stored JSON object, or {} when the text is not one."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
