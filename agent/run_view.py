"""A finished (or interrupted) run as a person reads it: rounds, lemmas, votes, verdicts, result."""

from __future__ import annotations

import json
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agent.reference import describe, recorded_choice
from agent.tex import readable
from memory import RunStore


@dataclass
class RunView:
    run: dict
    problems: dict[str, str]
    rounds: list[dict]
    lemmas: list[dict]
    votes: dict[int, list[dict]]
    verdicts: list[dict]
    revisions: list[dict]
    samples: list[dict]
    selections: list[dict]

    def __rich__(self) -> RenderableType:
        parts: list[RenderableType] = [Text.assemble(
            ("run ", "bold"), self.run["id"], f"  {self.run['status']}  started {self.run['created_at']}",
            f"  finished {self.run['finished_at'] or '-'}"),
            Text(describe(recorded_choice(json.loads(self.run["config"] or "{}"))))]
        for problem_id, text in self.problems.items():
            parts.append(Panel(readable(text)[:1500], title=f"problem {problem_id}"))
        parts += [self._rounds(), self._lemmas(), self._final(), self._result()]
        return Group(*parts)

    def _rounds(self) -> Table:
        table = Table(title="rounds")
        for column in ("shot", "round", "verdict", "new lemmas", "status", "parse error"):
            table.add_column(column)
        for row in self.rounds:
            table.add_row(str(row["shot"]), str(row["round"]), row["verdict"] or "", str(row["new_lemmas"] or 0),
                          row["status"] or "", row["parse_error"] or "")
        return table

    def _lemmas(self) -> Table:
        table = Table(title="lemmas")
        for column in ("id", "#", "statement", "confidence", "votes (first wrong step)"):
            table.add_column(column, overflow="fold")
        for lemma in self.lemmas:
            votes = self.votes.get(lemma["id"], [])
            marks = " ".join("✓" if v["passed"] else f"✗{v['first_wrong_step']}" for v in votes)
            confidence = "-" if lemma["confidence"] is None else f"{lemma['confidence']:.2f}"
            table.add_row(str(lemma["id"]), str(lemma["number"]), readable(lemma["statement"])[:200], confidence, marks)
        return table

    def _final(self) -> Table:
        table = Table(title="final verification")
        for column in ("shot", "loop", "passes", "answer", "verdicts"):
            table.add_column(column, overflow="fold")
        for revision in self.revisions:
            marks = " ".join(
                "✓" if v["passed"] else f"✗{v['first_wrong'] or '?'}" for v in self.verdicts
                if v["shot"] == revision["shot"] and v["loop"] == revision["loop"])
            table.add_row(str(revision["shot"]), str(revision["loop"]),
                          f"{revision['passes'] or 0}/{revision['votes'] or 0}", revision["answer"] or "", marks)
        return table

    def _result(self) -> RenderableType:
        if not self.selections:
            return Text("no selection yet", style="yellow")
        chosen = self.selections[-1]
        sample = next((s for s in self.samples if s["sample"] == chosen["shot"]), None)
        solution = readable(sample["solution"] or "") if sample else ""
        return Panel(solution[:4000] or "(no solution)",
                     title=f"selected shot {chosen['shot']} ({chosen['method']}) · answer {chosen['answer']}",
                     border_style="green")


def show_run(store: RunStore, run_id: str) -> RunView:
    """Load everything recorded for a run; raises KeyError when there is no such run."""
    run = store.run(run_id)
    where, args = "run_id = ?", [run_id]
    rows = lambda table, order="id": list(store.db[table].rows_where(where, args, order_by=order))  # noqa: E731
    samples = rows("samples")
    problems = {s["problem_id"]: store.problem(s["problem_id"]).text for s in samples}
    lemmas = _lemmas_of_run(store, run_id)
    votes: dict[int, list[dict]] = {}
    for vote in store.db["lemma_votes"].rows_where("run_id = ?", [run_id], order_by="id"):
        votes.setdefault(vote["lemma_id"], []).append(vote)
    return RunView(run, problems, rows("rounds", "shot, round"), lemmas, votes, rows("verdicts"),
                   rows("revisions", "shot, loop"), samples, rows("selections"))


def _lemmas_of_run(store: RunStore, run_id: str) -> list[dict]:
    from memory import LemmaLibrary

    lemmas = []
    shots = {(s["problem_id"], s["sample"]) for s in store.db["samples"].rows_where("run_id = ?", [run_id])}
    for problem_id, shot in sorted(shots):
        for entry in LemmaLibrary(store, run_id=run_id, problem_id=problem_id, shot=shot).entries(include_rejected=True):
            lemmas.append({"id": entry.id, "number": entry.number, "statement": entry.statement,
                           "confidence": entry.confidence})
    return lemmas
