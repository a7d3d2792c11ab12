"""What a chat completion looks like on the wire, checked: streamed chunks, whole responses, and
whether each choice really finished. Anything else is a `BrokenResponse`, which is retried."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from lemmata.engines.llm.result import TRUNCATING_FINISH, Choice

FINISHED = frozenset({"stop", "tool_calls", "function_call"}) | TRUNCATING_FINISH
"""Finish reasons of a choice that ended on its own. vLLM ends a stream it aborts (shutdown,
preemption) with `abort` and an internal fault with `error`; those, and any reason not known
here, mean the answer is incomplete."""
MAX_CHOICES = 1024
"""Bound on a choice index, so that a hostile index cannot make us allocate."""


class BrokenResponse(Exception):
    """The server answered, but not with a complete, well-formed completion (retried)."""


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Delta(_Loose):
    content: StrictStr | None = None
    reasoning: StrictStr | None = None
    reasoning_content: StrictStr | None = None


class _ChunkChoice(_Loose):
    index: StrictInt = Field(default=0, ge=0, lt=MAX_CHOICES)
    delta: _Delta | None = None
    finish_reason: StrictStr | None = None


class _Usage(_Loose):
    prompt_tokens: StrictInt = Field(default=0, ge=0)
    completion_tokens: StrictInt = Field(default=0, ge=0)


class _Chunk(_Loose):
    choices: list[_ChunkChoice] | None = None
    usage: _Usage | None = None


class _Message(_Loose):
    content: StrictStr | None = None
    reasoning: StrictStr | None = None
    reasoning_content: StrictStr | None = None


class _ResponseChoice(_Loose):
    index: StrictInt = Field(default=0, ge=0, lt=MAX_CHOICES)
    message: _Message
    finish_reason: StrictStr | None = None


class _Response(_Loose):
    choices: list[_ResponseChoice]
    usage: _Usage | None = None


@dataclass
class Completion:
    """One attempt's choices and token usage."""

    choices: list[Choice]
    prompt_tokens: int
    completion_tokens: int


async def read_stream(lines: AsyncIterator[str], on_line: Callable[[], None],
                      on_token: Callable[[int, str, str], object] | None) -> Completion:
    """The completion an SSE stream carries; `on_line` is called for every line (the idle
    watchdog). Raises BrokenResponse for an error event, a malformed chunk, or a stream that
    ends before `[DONE]`."""
    texts: dict[int, list[str]] = {}
    thoughts: dict[int, list[str]] = {}
    finish: dict[int, str] = {}
    usage = _Usage()
    done = False
    async for line in lines:
        on_line()
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            done = True
            break
        chunk = _chunk(data)
        usage = chunk.usage or usage
        for choice in chunk.choices or []:
            delta = choice.delta or _Delta()
            text, thought = delta.content or "", delta.reasoning or delta.reasoning_content or ""
            texts.setdefault(choice.index, []).append(text)
            thoughts.setdefault(choice.index, []).append(thought)
            if choice.finish_reason:
                finish[choice.index] = choice.finish_reason
            if on_token and (text or thought):
                on_token(choice.index, text, thought)
    if not done:
        raise BrokenResponse("the stream ended before [DONE]")
    choices = [Choice("".join(texts[i]), "".join(thoughts[i]), finish.get(i)) for i in sorted(texts)]
    return finished(Completion(choices, usage.prompt_tokens, usage.completion_tokens))


def read_response(body: str) -> Completion:
    """The completion a non-streamed response carries."""
    try:
        response = _Response.model_validate_json(body)
    except ValidationError as error:
        raise BrokenResponse(f"malformed response ({_first_problem(error)})") from None
    choices = [Choice(c.message.content or "", c.message.reasoning or c.message.reasoning_content or "",
                      c.finish_reason) for c in sorted(response.choices, key=lambda c: c.index)]
    usage = response.usage or _Usage()
    return finished(Completion(choices, usage.prompt_tokens, usage.completion_tokens))


def finished(completion: Completion) -> Completion:
    """The completion, if every choice ended with a known finish reason; else BrokenResponse."""
    if not completion.choices:
        raise BrokenResponse("the server returned no choices")
    for index, choice in enumerate(completion.choices):
        if choice.finish_reason is None:
            raise BrokenResponse(f"choice {index} ended without a finish reason")
        if choice.finish_reason not in FINISHED:
            raise BrokenResponse(f"choice {index} ended with finish_reason {printable(choice.finish_reason)}")
    return completion


def _chunk(data: str) -> _Chunk:
    try:
        raw = json.loads(data)
    except json.JSONDecodeError:
        raise BrokenResponse("a stream event is not valid JSON") from None
    if not isinstance(raw, dict):
        raise BrokenResponse("a stream event is not a JSON object")
    if raw.get("error") or raw.get("object") == "error":
        error = raw.get("error") if isinstance(raw.get("error"), dict) else raw
        raise BrokenResponse(f"the server reported an error mid-stream: {printable(error.get('message', error))}")
    try:
        return _Chunk.model_validate(raw)
    except ValidationError as error:
        raise BrokenResponse(f"a malformed stream chunk ({_first_problem(error)})") from None


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    return f"{where}: {problem['msg']}"


def printable(value: object, limit: int = 200) -> str:
    """Server text made safe for a one-line message: printable, bounded, quoted."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return repr(text[:limit])
