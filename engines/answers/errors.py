"""Errors raised by answer checking, one class per condition."""

from __future__ import annotations


class AnswersError(Exception):
    """Base class for errors raised by lemmata.engines.answers."""


class WorkerTimeout(AnswersError):
    """A worker process did not finish within its wall-clock limit and was killed."""


class WorkerCrashed(AnswersError):
    """A worker process died (memory limit, segfault) before returning a result."""


class UnsafeExpression(AnswersError):
    """Input to the expression parser is not a plain mathematical expression."""


class ExpressionTooLarge(AnswersError):
    """Input exceeds a size limit (length, nesting depth, exponent, digits)."""


class JudgeRequiresAsync(AnswersError):
    """`grade` with a judge was called from inside a running event loop; use `agrade`."""


class LeanUnavailable(AnswersError):
    """No Lean 4 toolchain / REPL was found on this machine."""


class LeanProtocolError(AnswersError):
    """The Lean REPL answered with something that is not its JSON protocol."""
