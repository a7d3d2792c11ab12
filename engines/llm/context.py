"""Keeping prompt + max_tokens within a server's context length (vLLM's `max_model_len`).

vLLM refuses with HTTP 400 a request whose prompt plus `max_tokens` exceeds the context, so a
call asks for at most the room its prompt leaves. Prompt tokens are estimated from characters,
at first cautiously, then at the rate the server's own usage counts showed for that endpoint.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from lemmata.engines.llm.errors import PromptTooLongError

FIRST_CHARS_PER_TOKEN = 2.5
"""Before the server has reported any usage: fewer characters per token than any common
tokenizer gives on mathematical English, so the estimate errs on the long side."""
SAFETY = 0.9
"""Learnt rates are scaled by this, since prompts differ in how densely they tokenize."""
TOKENS_PER_MESSAGE = 8
"""The chat template's own tokens around each message."""
MIN_ANSWER_TOKENS = 256
"""Less room than this (or than the asked max_tokens, if smaller) is no room for an answer."""


class Fitted(NamedTuple):
    max_tokens: int | None
    """What to send: the asked value, or less when the prompt leaves less room."""
    prompt_estimate: int


def prompt_chars(messages: list[dict]) -> int:
    return sum(len(str(message.get("content") or "")) for message in messages)


def estimate_prompt_tokens(messages: list[dict], chars_per_token: float) -> int:
    return math.ceil(prompt_chars(messages) / chars_per_token) + TOKENS_PER_MESSAGE * len(messages)


def fit_max_tokens(asked: int | None, messages: list[dict], context: int | None, chars_per_token: float,
                   where: str) -> Fitted:
    """The max_tokens to send so that prompt + answer fit in `context` (None: unknown, no cap).

    Raises PromptTooLongError, naming `where` (role and endpoint), when the prompt leaves no room."""
    estimate = estimate_prompt_tokens(messages, chars_per_token)
    if context is None:
        return Fitted(asked, estimate)
    room = context - estimate
    if room < min(asked or MIN_ANSWER_TOKENS, MIN_ANSWER_TOKENS):
        raise PromptTooLongError(
            f"{where}: the prompt (about {estimate} tokens) leaves no room for an answer in the server's "
            f"context of {context} tokens; lower [loop] library_budget_tokens or serve with a longer --max-model-len"
        )
    if asked is None or asked <= room:
        return Fitted(asked, estimate)
    return Fitted(room, estimate)


def learnt_rate(messages: list[dict], prompt_tokens: int, previous: float | None) -> float | None:
    """Characters per token seen in one answered call, kept at the most cautious seen so far."""
    overhead = TOKENS_PER_MESSAGE * len(messages)
    if prompt_tokens <= overhead:
        return previous
    rate = SAFETY * prompt_chars(messages) / (prompt_tokens - overhead)
    if rate <= 0:
        return previous
    return rate if previous is None else min(previous, rate)
