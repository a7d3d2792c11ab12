"""The evaluation report of a batch run: what the runner hands over, the metrics per problem and overall.

`build_report(RunData)` is the one entry; `to_json` / `report_from_json` store and read it back.
The views depend on this module, never the reverse: the terminal and markdown renderings are in
`lemmata.agent.evaluation.report_text`, the HTML page in `report_html`, and two reports side by side
in `report_compare`.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction

from lemmata.agent.evaluation.metrics import (
    Ballot,
    MetricError,
    best_of_k,
    expected_maj_at_k_exact,
    g_pass_at_k_exact,
    mg_pass_at_k_exact,
    pass_at_k_exact,
    require_samples,
    verifier_vote_at_k,
)

REPORT_FORMAT = "lemmata-report/1"
"""Tag written into (and required from) report JSON, bumped when its keys change."""

DEFAULT_TAUS = (0.25, 0.5, 0.75, 1.0)


# --- what the batch runner hands over ------------------------------------------------------------

@dataclass(frozen=True)
class SampleOutcome:
    """One sampled solve of one problem, as the batch runner records it."""

    problem_id: str
    sample: int
    """Index of the sample within its problem; 'the first k samples' are the k lowest indices."""
    answer: str | None
    """Extracted final answer as written, or `None` if none was found."""
    answer_key: str | None
    """Equivalence-class key of the answer: equal keys are the same answer in a vote."""
    correct: bool | None
    """Grade against the gold answer; `None` (ungraded, failed run) counts as wrong."""
    verifier_pass_rate: float | None
    """Share of verifier runs that passed the solution, for verifier voting; `None` weighs nothing."""
    tokens_by_role: dict[str, int]
    """Tokens spent, by agent role."""
    wall_s: float
    """Wall-clock seconds of this sample."""
    status: str
    """How the sample ended (e.g. 'done', 'error', 'timeout'); counted, not interpreted."""


@dataclass(frozen=True)
class RunData:
    """Every sample of one batch run."""

    run_id: str
    dataset: str | None
    created_at: str
    model: str | None
    samples: list[SampleOutcome]
    reference_visible: bool | None = None
    """Whether the process verifier was shown the gold (`--reference-visible`); `None`: not recorded."""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RunData:
        samples = [SampleOutcome(**sample) for sample in data["samples"]]
        return cls(**{**data, "samples": samples})


# --- the report ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scores:
    """Accuracy metrics of one problem, or their mean over problems (all in [0, 1])."""

    pass_at_1: float
    """Share of samples that are correct."""
    pass_at_k: dict[int, float]
    """Unbiased pass@k by k."""
    maj_at_k: dict[int, float]
    """Majority vote over k samples, averaged over every k-subset (ties shared)."""
    verifier_vote_at_k: dict[int, float] | None
    """OPV verifier voting over the first k samples; `None` when the run has no verifier pass rates."""
    best_of_k: dict[int, float] | None
    """The first k samples' one with the highest verifier pass rate is correct; `None` without rates."""
    g_pass_at_k: dict[int, dict[float, float]]
    """G-Pass@k by k, then by tau."""
    mg_pass_at_k: dict[int, float]
    """mG-Pass@k by k; k = 1 is left out (the official sum is empty there)."""


@dataclass(frozen=True)
class ProblemReport:
    """Metrics, spend and answers of one problem."""

    problem_id: str
    n: int
    """Samples drawn."""
    c: int
    """Samples graded correct."""
    scores: Scores
    top_answer: str | None
    """The answer of the largest answer class (first seen on ties), as the model wrote it."""
    top_answer_votes: int
    tokens_by_role: dict[str, int]
    tokens: int
    wall_s: float
    """Wall-clock seconds summed over samples (samples may have run in parallel)."""
    statuses: dict[str, int]
    """How many samples ended with each status."""


@dataclass(frozen=True)
class OverallReport:
    """The run as a whole; scores are means over problems, so each problem weighs the same."""

    problems: int
    samples: int
    scores: Scores
    standard_error: Scores | None
    """Standard error of each mean over problems (sample standard deviation / sqrt(problems));
    `None` for a single problem."""
    tokens_by_role: dict[str, int]
    """Total tokens by role."""
    tokens: int
    tokens_per_problem: float
    wall_s: float
    """Wall-clock seconds summed over all samples."""
    statuses: dict[str, int]


@dataclass(frozen=True)
class Report:
    """The evaluation report of one batch run."""

    run_id: str
    dataset: str | None
    model: str | None
    created_at: str
    ks: list[int]
    taus: list[float]
    overall: OverallReport
    problems: list[ProblemReport]
    reference_visible: bool | None = None
    """Whether the process verifier was shown the gold (`--reference-visible`); `None`: not recorded."""

    def to_json(self) -> str:
        return to_json(self)


# --- building ------------------------------------------------------------------------------------

MetricKey = tuple
"""('pass', k), ('maj', k), ('vote', k), ('best', k), ('g', k, tau) or ('mg', k): one exact value each."""


def build_report(run: RunData, ks: Sequence[int] | None = None,
                 taus: Iterable[float] = DEFAULT_TAUS) -> Report:
    """Compute every metric per problem and overall (means over problems).

    `ks` defaults to the powers of two up to the smallest per-problem sample count n, plus n; a k
    above it raises `MetricError` naming the problem with fewest samples.
    """
    by_problem = _group(run)
    fewest = min(by_problem, key=lambda pid: len(by_problem[pid]))
    n_min = len(by_problem[fewest])
    ks = sorted(set(ks)) if ks is not None else default_ks(n_min)
    if not ks:
        raise MetricError("no k to report; give at least one k, or none for the default")
    for k in ks:
        require_samples(k, n_min, fewest)
    taus = sorted(set(float(tau) for tau in taus))
    with_votes = any(s.verifier_pass_rate is not None for s in run.samples)
    exact = {pid: _exact_scores(samples, ks, taus, with_votes) for pid, samples in by_problem.items()}
    problems = [_problem_report(pid, samples, _scores(exact[pid], ks, taus, with_votes))
                for pid, samples in by_problem.items()]
    columns = {key: [values[key] for values in exact.values()] for key in exact[fewest]}
    mean = _scores({key: sum(column) / len(column) for key, column in columns.items()}, ks, taus, with_votes)
    spread = (_scores({key: _standard_error(column) for key, column in columns.items()}, ks, taus, with_votes)
              if len(exact) > 1 else None)
    return Report(run.run_id, run.dataset, run.model, run.created_at, ks, taus,
                  _overall(problems, mean, spread), problems, run.reference_visible)


def default_ks(n: int) -> list[int]:
    """Powers of two up to n, plus n itself."""
    return sorted({2 ** i for i in range(n.bit_length()) if 2 ** i <= n} | {n})


def _group(run: RunData) -> dict[str, list[SampleOutcome]]:
    """Samples by problem (problems in order of first appearance), each sorted by sample index."""
    if not run.samples:
        raise MetricError(f"run {run.run_id} has no samples; there is nothing to report")
    groups: dict[str, list[SampleOutcome]] = {}
    for sample in run.samples:
        groups.setdefault(sample.problem_id, []).append(sample)
    for pid, samples in groups.items():
        samples.sort(key=lambda s: s.sample)
        indices = [s.sample for s in samples]
        if len(set(indices)) != len(indices):
            raise MetricError(f"problem {pid} of run {run.run_id} has a sample index twice ({indices}); "
                              f"each sample needs its own index")
    return groups


def _exact_scores(samples: list[SampleOutcome], ks: list[int], taus: list[float],
                  with_votes: bool) -> dict[MetricKey, Fraction]:
    n, c = len(samples), sum(s.correct is True for s in samples)
    ballots = [Ballot(s.answer_key, s.correct, s.verifier_pass_rate) for s in samples]
    values: dict[MetricKey, Fraction] = {("pass", 1): Fraction(c, n)}
    for k in ks:
        values[("pass", k)] = pass_at_k_exact(n, c, k)
        values[("maj", k)] = expected_maj_at_k_exact(ballots, k)
        if with_votes:
            values[("vote", k)] = Fraction(verifier_vote_at_k(ballots, k))
            values[("best", k)] = Fraction(best_of_k(ballots, k))
        for tau in taus:
            values[("g", k, tau)] = g_pass_at_k_exact(n, c, k, tau)
        if k > 1:
            values[("mg", k)] = mg_pass_at_k_exact(n, c, k)
    return values


def _standard_error(values: list[Fraction]) -> float:
    """Standard error of the mean: sample standard deviation over sqrt(len); exact until the root."""
    mean = sum(values) / len(values)
    variance = sum((value - mean) ** 2 for value in values) / (len(values) - 1)
    return math.sqrt(variance / len(values))


def _scores(values: dict[MetricKey, Fraction | float], ks: list[int], taus: list[float], with_votes: bool) -> Scores:
    """Exact values to floats, once."""
    def by_k(kind: str, keep=lambda k: True) -> dict[int, float]:
        return {k: float(values[(kind, k)]) for k in ks if keep(k)}
    return Scores(
        pass_at_1=float(values[("pass", 1)]),
        pass_at_k=by_k("pass"),
        maj_at_k=by_k("maj"),
        verifier_vote_at_k=by_k("vote") if with_votes else None,
        best_of_k=by_k("best") if with_votes else None,
        g_pass_at_k={k: {tau: float(values[("g", k, tau)]) for tau in taus} for k in ks},
        mg_pass_at_k=by_k("mg", lambda k: k > 1),
    )


def _problem_report(pid: str, samples: list[SampleOutcome], scores: Scores) -> ProblemReport:
    tokens = _add_counts(s.tokens_by_role for s in samples)
    top_answer, votes = _top_answer(samples)
    return ProblemReport(
        problem_id=pid, n=len(samples), c=sum(s.correct is True for s in samples), scores=scores,
        top_answer=top_answer, top_answer_votes=votes, tokens_by_role=tokens, tokens=sum(tokens.values()),
        wall_s=sum(s.wall_s for s in samples), statuses=_count(s.status for s in samples))


def _top_answer(samples: list[SampleOutcome]) -> tuple[str | None, int]:
    classes: dict[str, list[SampleOutcome]] = {}
    for sample in samples:
        if sample.answer_key is not None:
            classes.setdefault(sample.answer_key, []).append(sample)
    if not classes:
        return None, 0
    top = max(classes.values(), key=len)
    return top[0].answer, len(top)


def _overall(problems: list[ProblemReport], scores: Scores, spread: Scores | None) -> OverallReport:
    tokens = _add_counts(p.tokens_by_role for p in problems)
    statuses = _add_counts(p.statuses for p in problems)
    return OverallReport(
        problems=len(problems), samples=sum(p.n for p in problems), scores=scores, standard_error=spread,
        tokens_by_role=tokens,
        tokens=sum(tokens.values()), tokens_per_problem=sum(tokens.values()) / len(problems),
        wall_s=sum(p.wall_s for p in problems), statuses=statuses)


def _add_counts(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    """Counts by name (tokens by role, samples by status) added up, names sorted."""
    total: Counter[str] = Counter()
    for count in counts:
        total.update(count)
    return dict(sorted(total.items()))


def _count(values: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


# --- JSON ----------------------------------------------------------------------------------------

def to_json(report: Report) -> str:
    """The report as JSON with sorted keys; `report_from_json` reads it back."""
    return json.dumps({"format": REPORT_FORMAT, **asdict(report)}, sort_keys=True, indent=2)


def report_from_json(text: str) -> Report:
    """A report written by `to_json` (JSON turns the integer k and float tau keys into strings)."""
    data = json.loads(text)
    data.pop("proof", None)  # the proof section a proof run's JSON carries (lemmata.agent.evaluation.report_proof)
    if data.pop("format", None) != REPORT_FORMAT:
        raise MetricError(f"not a {REPORT_FORMAT} report; write it again with this version of lemmata")
    overall = data.pop("overall")
    problems = data.pop("problems")
    spread = overall["standard_error"] and _scores_from_json(overall["standard_error"])
    overall = OverallReport(**{**overall, "scores": _scores_from_json(overall["scores"]), "standard_error": spread})
    return Report(**data, overall=overall,
                  problems=[ProblemReport(**{**p, "scores": _scores_from_json(p["scores"])}) for p in problems])


def _scores_from_json(data: dict) -> Scores:
    def by_k(values: dict | None) -> dict[int, float] | None:
        return None if values is None else {int(k): v for k, v in values.items()}
    return Scores(
        pass_at_1=data["pass_at_1"], pass_at_k=by_k(data["pass_at_k"]), maj_at_k=by_k(data["maj_at_k"]),
        verifier_vote_at_k=by_k(data["verifier_vote_at_k"]), best_of_k=by_k(data["best_of_k"]),
        mg_pass_at_k=by_k(data["mg_pass_at_k"]),
        g_pass_at_k={int(k): {float(tau): v for tau, v in by_tau.items()}
                     for k, by_tau in data["g_pass_at_k"].items()})


__all__ = ["SampleOutcome", "RunData", "Scores", "ProblemReport", "OverallReport", "Report", "build_report",
           "default_ks", "to_json", "report_from_json", "MetricError"]
