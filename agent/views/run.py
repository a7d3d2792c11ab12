"""A finished (or interrupted) run as a person reads it: rounds, lemmas, votes, verdicts, result."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from lemmata.agent.loop.reference import describe, recorded_choice
from lemmata.agent.views.tex import readable
from lemmata.memory import RunStore
from lemmata.memory.lemmas.format import step_number
from lemmata.memory.run_records import failed_calls, failed_samples, run_records
from lemmata.memory.statuses import ConjectureStatus, RoundStatus, RunStatus
from lemmata.memory.terminal_text import inert, plain

LEMMA_VOTE_LEGEND = "✓ vote passed · ✗N failed at step N (counted from 1) · ✗? failed without naming a step (format error)"
FINAL_VOTE_LEGEND = "✓ vote passed · ✗STEPk / ✗LEMMAk first wrong step or cited lemma · ✗? no step named"
ROUND_STATUS = {RoundStatus.REASONED: "reasoned", RoundStatus.SUMMARIZED: "summarized",
                RoundStatus.VERIFIED: "lemmas checked", RoundStatus.NO_REASONING: "no usable reasoning"}
CAUSES_SHOWN = 5


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
    causes: list[str]
    """Why the run or some of its samples failed: its note, sample errors, failed model calls."""
    comparisons: list[dict] = field(default_factory=list)
    selection_grades: list[dict] = field(default_factory=list)
    critique_checks: list[dict] = field(default_factory=list)
    conjectures: list[dict] = field(default_factory=list)

    def __rich__(self) -> RenderableType:
        parts: list[RenderableType] = [Text.assemble(
            ("run ", "bold"), inert(self.run["id"]), f"  {self.run['status']}  started {self.run['created_at']}",
            f"  finished {self.run['finished_at'] or '-'}"),
            Text(describe(recorded_choice(json.loads(self.run["config"] or "{}"))))]
        if self.causes:
            parts.append(Panel(plain("\n".join(self.causes)), title="why it failed", border_style="red"))
        for problem_id, text in self.problems.items():
            parts.append(Panel(plain(readable(text)[:1500]), title=plain(f"problem {problem_id}")))
        parts += [self._rounds(), self._lemmas()]
        if self.conjectures:
            parts.append(self._conjectures())
        parts.append(self._final())
        if self.critique_checks:
            parts.append(self._checks())
        if self.comparisons:
            parts.append(self._tournament())
        if self.selection_grades:
            parts.append(self._grades())
        parts.append(self._result())
        return Group(*parts)

    def _conjectures(self) -> Table:
        table = Table(title="conjectures (unproven lemmas of the reasoner; never counted as proven)")
        for column in ("shot", "round", "statement", "status"):
            table.add_column(column, overflow="fold")
        for row in self.conjectures:
            status = f"proved in round {row['proved_round']} (lemma id {row['lemma_id']})" if row["status"] == ConjectureStatus.PROVED \
                else "open"
            table.add_row(str(row["shot"]), str(row["round"]), plain(readable(row["statement"] or "")[:200]), status)
        return table

    def _checks(self) -> Table:
        table = Table(title="critique checks (meta-verification)")
        for column in ("shot", "target", "first wrong", "critique", "why"):
            table.add_column(column, overflow="fold")
        for row in self.critique_checks:
            table.add_row(str(row["shot"]), plain(row["target"]), plain(row["first_wrong"]),
                          "upheld" if row["upheld"] else "refuted, dropped", plain(readable(row["reason"] or "")[:300]))
        return table

    def _tournament(self) -> Table:
        table = Table(title="tournament (single elimination)")
        for column in ("stage", "A", "B", "judge", "winner", "reason"):
            table.add_column(column, overflow="fold")
        for row in self.comparisons:
            table.add_row(str(row["stage"]), f"shot {row['first_shot']}", f"shot {row['second_shot']}",
                          plain(row["outcome"]), f"shot {row['winner_shot']}", plain(readable(row["reason"] or "")[:300]))
        return table

    def _grades(self) -> Table:
        table = Table(title="selection grades (proof grader, 0-7)")
        for column in ("shot", "grade"):
            table.add_column(column)
        for row in self.selection_grades:
            table.add_row(str(row["shot"]), "failed" if row["score"] is None else f"{row['score']:g}/7")
        return table

    def _rounds(self) -> Table:
        table = Table(title="rounds")
        for column in ("shot", "round", "verdict", "new lemmas", "status", "parse error"):
            table.add_column(column)
        for row in self.rounds:
            status = Text("parse failed", style="red") if row["parse_error"] else plain(ROUND_STATUS.get(
                row["status"], row["status"] or ""))
            table.add_row(str(row["shot"]), str(row["round"]), plain(row["verdict"]), str(row["new_lemmas"] or 0),
                          status, plain(row["parse_error"], style="red"))
        return table

    def _lemmas(self) -> Table:
        table = Table(title="lemmas", caption=LEMMA_VOTE_LEGEND)
        for column in ("id", "#", "statement", "confidence", "votes (first wrong step)"):
            table.add_column(column, overflow="fold")
        for lemma in self.lemmas:
            votes = self.votes.get(lemma["id"], [])
            marks = " ".join("✓" if v["passed"] else f"✗{step_number(v['first_wrong_step'])}" for v in votes)
            confidence = "-" if lemma["confidence"] is None else f"{lemma['confidence']:.2f}"
            table.add_row(str(lemma["id"]), plain(lemma["number"]), plain(readable(lemma["statement"])[:200]), confidence,
                          plain(marks))
        return table

    def _final(self) -> Table:
        table = Table(title="final verification", caption=FINAL_VOTE_LEGEND)
        for column in ("shot", "loop", "passes", "answer", "verdicts"):
            table.add_column(column, overflow="fold")
        for revision in self.revisions:
            marks = " ".join(
                "✓" if v["passed"] else f"✗{v['first_wrong'] or '?'}" for v in self.verdicts
                if v["shot"] == revision["shot"] and v["loop"] == revision["loop"])
            table.add_row(str(revision["shot"]), str(revision["loop"]),
                          f"{revision['passes'] or 0}/{revision['votes'] or 0}", plain(revision["answer"]), plain(marks))
        return table

    def _result(self) -> RenderableType:
        if not self.selections:
            return Text("no selection yet", style="yellow")
        chosen = self.selections[-1]
        sample = next((s for s in self.samples if s["sample"] == chosen["shot"]), None)
        solution = readable(sample["solution"] or "") if sample else ""
        return Panel(plain(solution[:4000] or "(no solution)"),
                     title=plain(f"selected shot {chosen['shot']} ({chosen['method']}) · answer {chosen['answer']}"),
                     border_style="green")


def show_run(store: RunStore, run_id: str) -> RunView:
    """Load everything recorded for a run; raises RunNotFound when there is no such run."""
    records = run_records(store, run_id)
    problems = {s["problem_id"]: store.problem(s["problem_id"]).text for s in records.samples}
    votes: dict[int, list[dict]] = {}
    for vote in records.lemma_votes:
        votes.setdefault(vote["lemma_id"], []).append(vote)
    return RunView(records.run, problems, records.rounds, _lemmas_of_run(store, run_id, records.samples), votes,
                   records.verdicts, records.revisions, records.samples, records.selections,
                   failure_causes(store, records.run), records.comparisons, records.selection_grades,
                   records.critique_checks, records.conjectures)


def failure_causes(store: RunStore, run: dict) -> list[str]:
    """What a failed run, its failed samples and its failed model calls recorded as the cause."""
    causes = [f"run: {run['note']}"] if run.get("note") else []
    for sample in failed_samples(store, run["id"], CAUSES_SHOWN):
        causes.append(f"{sample['problem_id']} sample {sample['sample']}: {sample['error']}")
    errors = failed_calls(store, run["id"], CAUSES_SHOWN)
    causes += [f"{role} call failed{f' ({count}×)' if count > 1 else ''}: {error}" for role, error, count in errors]
    if run["status"] == RunStatus.FAILED and not causes:
        causes.append("no cause was recorded")
    return causes


def _lemmas_of_run(store: RunStore, run_id: str, samples: list[dict]) -> list[dict]:
    from lemmata.memory import LemmaLibrary

    lemmas = []
    shots = {(s["problem_id"], s["sample"]) for s in samples}
    for problem_id, shot in sorted(shots):
        for entry in LemmaLibrary(store, run_id=run_id, problem_id=problem_id, shot=shot).entries(include_rejected=True):
            lemmas.append({"id": entry.id, "number": entry.number, "statement": entry.statement,
                           "confidence": entry.confidence})
    return lemmas
