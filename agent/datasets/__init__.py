"""Competition sets shipped with Lemmata, and resolving a dataset argument to problems.

aime2025: AIME 2025 I and II; hmmt_feb2025: HMMT February 2025 — both from eth-sri/matharena
(MIT; problems (c) MAA and HMMT), as the `source` field of each row names.
imo_proofbench: IMO-ProofBench v2, 60 proof problems with reference solutions, grading
guidelines and a level, from google-deepmind/superhuman `imobench/proofbench_v2.csv`
(CC-BY 4.0; Luong et al., "Towards Robust Mathematical Reasoning", EMNLP 2025); every row
carries `kind = proof`.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from lemmata.agent.errors import ProblemInputError
from lemmata.agent.problems import TEXT_SUFFIXES, Problem, load_dataset, load_problem_file

SHIPPED = ("aime2025", "hmmt_feb2025", "imo_proofbench")


def resolve_dataset(spec: str) -> tuple[str, list[Problem]]:
    """(dataset name, problems) for a shipped set's name, a JSONL file, or a directory of problem files."""
    if spec in SHIPPED:
        with resources.as_file(resources.files(__name__).joinpath(f"{spec}.jsonl")) as path:
            return spec, load_dataset(path)
    path = Path(spec)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in TEXT_SUFFIXES - {""})
        if not files:
            raise ProblemInputError(f"{path}: no .md, .tex or .txt problem files")
        return path.name, [load_problem_file(file) for file in files]
    if path.suffix == ".jsonl" or path.exists():
        return path.stem, load_dataset(path)
    raise ProblemInputError(f"unknown dataset '{spec}': give one of {', '.join(SHIPPED)}, a .jsonl file or a directory")


def shard(problems: list[Problem], index: int, count: int) -> list[Problem]:
    """The deterministic share `index` of `count`: by a hash of the problem id, so every machine
    agrees whatever the order of the file. Indices count from 1 to N, or from 0 to N-1 as SLURM
    array ids do: 0 and N name the same share, so either numbering covers every problem once."""
    if count < 1 or not 0 <= index <= count:
        raise ProblemInputError(f"--shard {index}/{count}: the index must be between 0 and {count} (N at least 1)")
    return [p for p in problems if int(hashlib.sha256(p.id.encode()).hexdigest(), 16) % count == (index - 1) % count]
