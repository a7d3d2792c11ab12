"""Answer checking: is this final answer the gold one? Rules first, a judge model second.

Public API: `grade` / `agrade` (full grading), `equivalent` (pure comparison),
`extract_final_answer`, the verifier computation tool `run_tool`, and the Lean adapter.
Names are imported on first use, so `from lemmata.engines.answers import grade` does not load sympy.
"""

from __future__ import annotations

import importlib
from typing import Any

# Light modules (no sympy) are imported here; `grade` must be bound to the function, not its module.
from lemmata.engines.answers.corrections import Correction
from lemmata.engines.answers.extract import Extraction, ExtractionMethod, extract_final_answer
from lemmata.engines.answers.grade import Grade, agrade, grade
from lemmata.engines.answers.verdicts import DecidedBy, EquivalenceStatus, Verdict

_EXPORTS = {
    "ToolCall": "compute", "ToolName": "compute", "ToolStatus": "compute", "arun_tool": "compute", "run_tool": "compute",
    "Equivalence": "equivalence", "equivalent": "equivalence", "EquivalenceStatus": "verdicts",
    "Extraction": "extract", "ExtractionMethod": "extract", "extract_final_answer": "extract",
    "Grade": "grade", "agrade": "grade", "grade": "grade",
    "FormalStatus": "lean", "FormalVerdict": "lean", "LeanRepl": "lean", "check_lean_proof": "lean",
    "DecidedBy": "verdicts", "Verdict": "verdicts", "Correction": "corrections",
    "answer_section": "response",
}
__all__ = sorted(_EXPORTS)
"""Heavy names (sympy, math-verify, Lean) load on first use through `__getattr__`."""


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'lemmata.engines.answers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"lemmata.engines.answers.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
