"""What one model call returned, as recorded in the run store."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from lemmata.engines.llm.errors import TruncatedCompletionError

TRUNCATING_FINISH = frozenset({"length", "repetition"})
"""Finish reasons of an answer cut short: `length` at max_tokens, vLLM's `repetition` when it
stopped a looping generation. The call finished, but its text is not a whole answer."""


@dataclass
class Choice:
    text: str
    """The answer content ('' when the server sent none)."""
    reasoning: str = ""
    """The thinking text (vLLM's `reasoning`, or the older `reasoning_content`)."""
    finish_reason: str | None = None

    @property
    def truncated(self) -> bool:
        return self.finish_reason in TRUNCATING_FINISH


@dataclass
class CallResult:
    role: str
    model: str
    endpoint: str
    """The base URL, without credentials."""
    messages_hash: str
    choices: list[Choice] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    retries: int = 0
    error: str | None = None
    messages: list[dict] = field(default_factory=list, repr=False)
    """The exact messages sent, kept for the record and for export."""
    tags: dict = field(default_factory=dict)
    """Caller context for the record (run, problem, shot, round ...)."""

    @property
    def truncated(self) -> bool:
        return any(choice.truncated for choice in self.choices)

    @property
    def text(self) -> str:
        """The first choice's text; refuses a truncated completion."""
        choice = self.choices[0]
        if choice.truncated:
            raise TruncatedCompletionError(
                f"{self.role} completion from {self.model} was cut short ({choice.finish_reason}) after "
                f"{self.completion_tokens} tokens; raise max_tokens for this role"
            )
        return choice.text


def hash_messages(messages: list[dict]) -> str:
    """A stable content hash of a message list, used to recognise repeated calls."""
    canonical = json.dumps(messages, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
