"""Answer checking: is this final answer the gold one? Rules first, a judge model second.

Public API: `grade` / `agrade` (full grading), `equivalent` (pure comparison),
`extract_final_answer`, the verifier computation tool `run_tool`, and the Lean adapter.
"""

from engines.answers.compute import ToolCall, ToolName, ToolStatus, arun_tool, run_tool
from engines.answers.equivalence import Equivalence, EquivalenceStatus, equivalent
from engines.answers.extract import Extraction, ExtractionMethod, extract_final_answer
from engines.answers.grade import Grade, agrade, grade
from engines.answers.lean import FormalStatus, FormalVerdict, LeanRepl, check_lean_proof
from engines.answers.verdicts import DecidedBy, Verdict

__all__ = [
    "DecidedBy",
    "FormalStatus",
    "FormalVerdict",
    "LeanRepl",
    "ToolCall",
    "ToolName",
    "ToolStatus",
    "Equivalence",
    "EquivalenceStatus",
    "Extraction",
    "ExtractionMethod",
    "Grade",
    "Verdict",
    "agrade",
    "arun_tool",
    "check_lean_proof",
    "equivalent",
    "extract_final_answer",
    "grade",
    "run_tool",
]
