"""Every model call: role -> endpoint, model and sampling; streaming, timeouts, retries, usage."""

from __future__ import annotations

import asyncio
import json
import ssl
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx
import openai

from engines.llm.endpoints import EndpointHealthState, EndpointPool, Outcome
from engines.llm import redaction
from engines.llm.errors import EndpointNotConfiguredError, ModelCallError, ModelNotServedError
from engines.llm.result import CallResult, Choice, hash_messages
from engines.llm.settings import ClientSettings, RoleSettings

log = logging.getLogger(__name__)

RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
_SERVED_MODELS: set[tuple[str, str]] = set()
"""(endpoint, model) pairs seen listed in this process: a batch of many solves asks once."""
_TLS = ssl.create_default_context()
"""One TLS context for every client: building one loads the CA bundle (~0.1 s each time)."""
TokenCallbackType = Callable[[int, str, str], Any]
"""Called per streamed delta with (choice index, text delta, reasoning delta)."""
CallObserver = Callable[[CallResult], Awaitable[None] | None]


class ModelConfig(Protocol):
    client: ClientSettings

    def for_role(self, role: Any) -> RoleSettings: ...


class _IdleTimeout(Exception):
    pass


class _MalformedResponse(Exception):
    pass


@dataclass
class _Attempt:
    choices: list[Choice]
    prompt_tokens: int
    completion_tokens: int


class LLMClient:
    """The one boundary to models; nothing else in Lemmata imports `openai`."""

    def __init__(self, config: ModelConfig, *, on_call: CallObserver | None = None):
        self.config = config
        self.on_call = on_call
        self._clients: dict[tuple[str, str], openai.AsyncOpenAI] = {}
        self._pool = EndpointPool(
            config.client.endpoint_cooldown_s, config.client.endpoint_cooldown_max_s, public=public_url
        )

    async def chat(
        self,
        role: str,
        messages: list[dict],
        *,
        n: int = 1,
        on_token: TokenCallbackType | None = None,
        tags: dict | None = None,
        **sampling: Any,
    ) -> CallResult:
        """One chat completion with `n` choices; raises ModelCallError once retries run out.

        A truncated completion is returned with `truncated` set (its `.text` refuses it).
        """
        settings = self._settings(role)
        result = CallResult(
            role=str(role),
            model=settings.model or "",
            endpoint=public_url(settings.endpoints[0]),
            messages_hash=hash_messages(messages),
            messages=messages,
            tags=dict(tags or {}),
        )
        started = time.monotonic()
        try:
            attempt = await self._with_retries(role, settings, messages, n, on_token, sampling, result)
        except ModelCallError as error:
            result.error = str(error)
            result.latency_s = time.monotonic() - started
            await self._observe(result)
            raise
        result.choices = attempt.choices
        result.prompt_tokens = attempt.prompt_tokens
        result.completion_tokens = attempt.completion_tokens
        result.latency_s = time.monotonic() - started
        await self._observe(result)
        return result

    async def list_models(self, role: str, endpoint: str | None = None) -> list[str]:
        """The models served at `endpoint` (default: the role's first endpoint)."""
        settings = self._settings(role)
        page = await self._client(settings, endpoint or settings.endpoints[0]).models.list()
        return [model.id for model in page.data]

    def endpoint_health(self) -> list[EndpointHealthState]:
        """Every endpoint of every role used so far: in flight, failures, out or in."""
        return self._pool.health()

    def endpoints_out(self) -> int:
        """How many endpoints are out (cooling down after a failure) right now."""
        return self._pool.out_count()

    def _settings(self, role: str) -> RoleSettings:
        settings = self.config.for_role(role)
        if not settings.base_url or not settings.model:
            missing = "base_url" if not settings.base_url else "model"
            raise EndpointNotConfiguredError(
                f"role '{role}' has no {missing}: set LEMMATA_BASE_URL / LEMMATA_MODEL, "
                f"pass --base-url / --model, or set [defaults] {missing} in lemmata.toml"
            )
        redaction.remember(settings)
        self._pool.register(settings.endpoints)
        return settings

    def _client(self, settings: RoleSettings, endpoint: str) -> openai.AsyncOpenAI:
        key = settings.api_key.get_secret_value() if settings.api_key else "EMPTY"
        cache_key = (endpoint, key)
        if cache_key not in self._clients:
            timeouts = self.config.client
            self._clients[cache_key] = openai.AsyncOpenAI(
                # URL credentials would become Basic auth and replace the configured Bearer key
                base_url=public_url(endpoint) if settings.api_key else endpoint,
                api_key=key,
                max_retries=0,  # retries are ours, so that they are counted and recorded
                timeout=httpx.Timeout(
                    timeouts.total_timeout, connect=timeouts.connect_timeout
                ),
                http_client=openai.DefaultAsyncHttpxClient(verify=_TLS),
            )
        return self._clients[cache_key]

    async def _ensure_model_served(self, role: str, settings: RoleSettings, endpoint: str) -> None:
        """Once per (endpoint, model): the endpoint lists the model, else ModelNotServedError."""
        marker = (endpoint, settings.model or "")
        if marker in _SERVED_MODELS:
            return
        try:
            served = await self.list_models(role, endpoint)
        except openai.APIStatusError as error:
            if error.status_code in RETRYABLE_STATUS:
                return  # a busy server is the retry loop's business, not a naming problem
            served = []  # some servers do not implement /models; nothing to check against
        except (openai.APIConnectionError, openai.APITimeoutError):
            return
        if served and settings.model not in served:
            raise ModelNotServedError(
                f"model '{settings.model}' is not served at {public_url(endpoint)}; "
                f"it lists: {', '.join(served)}"
            )
        _SERVED_MODELS.add(marker)

    async def _with_retries(self, role, settings, messages, n, on_token, sampling, result) -> _Attempt:
        """Attempts until one answers or the retries run out, each on an endpoint the pool picks.

        After a failure the endpoint is out for its cool-down and the retry goes to another
        one at once; only when every endpoint is out does the retry wait, at most the backoff.
        """
        policy = self.config.client
        tried: list[str] = []
        max_wait = policy.backoff_initial
        for attempt in range(policy.max_retries + 1):
            endpoint = await self._pool.acquire(settings.endpoints, max_wait=max_wait)
            result.endpoint = public_url(endpoint)
            if result.endpoint not in tried:
                tried.append(result.endpoint)
            outcome, hold_off = Outcome.NEUTRAL, None
            try:
                await self._ensure_model_served(role, settings, endpoint)
                answer = await asyncio.wait_for(
                    self._attempt(role, settings, endpoint, messages, n, on_token, sampling),
                    timeout=policy.total_timeout,
                )
                outcome = Outcome.ANSWERED
                return answer
            except Exception as error:  # noqa: BLE001 - classified just below
                cause, hold_off = _classify(error)
                if cause is None and isinstance(error, openai.APIStatusError):
                    raise ModelCallError(f"{role} call to {result.endpoint} refused: HTTP {error.status_code} "
                                         f"({redaction.redact(str(error.message))[:300]})") from None
                if cause is None:
                    raise
                cause = redaction.redact(cause)
                outcome = Outcome.FAILED
                if attempt == policy.max_retries:
                    raise ModelCallError(
                        f"{role} call to {', '.join(tried)} failed after {attempt + 1} attempts: {cause}"
                    ) from error
                max_wait = min(hold_off if hold_off is not None else _backoff(attempt, policy), policy.backoff_max)
                log.warning("%s call to %s: %s; retrying", role, result.endpoint, cause)
                result.retries += 1
            finally:
                out_for = self._pool.release(endpoint, outcome, hold_off_s=hold_off)
                if outcome is Outcome.FAILED and len(settings.endpoints) > 1:
                    log.warning("endpoint %s taken out for %.1fs", result.endpoint, out_for)
        raise AssertionError("unreachable")

    async def _attempt(self, role, settings, endpoint, messages, n, on_token, sampling) -> _Attempt:
        request = _request_body(settings, messages, n, sampling)
        client = self._client(settings, endpoint)
        headers = {"X-Lemmata-Role": str(role)}
        if not self.config.client.stream:
            response = await client.chat.completions.create(**request, extra_headers=headers)
            return _from_response(response)
        return await self._stream(client, request, headers, on_token)

    async def _stream(self, client, request: dict, headers: dict, on_token: TokenCallbackType | None) -> _Attempt:
        """Read the SSE stream as raw lines: building the SDK's typed object for every chunk
        costs about a millisecond, and a long reasoning answer has tens of thousands of chunks.
        One watchdog, pushed forward on every line, is the idle timeout; waiting for the
        response head counts as idle too, since a server that never starts is as stuck as one
        that stops."""
        idle = self.config.client.idle_timeout
        loop = asyncio.get_running_loop()
        manager = client.chat.completions.with_streaming_response.create(
            **request, stream=True, stream_options={"include_usage": True}, extra_headers=headers
        )
        try:
            async with asyncio.timeout(idle) as watchdog:
                async with manager as response:
                    return await self._consume(response.iter_lines(), watchdog, loop, on_token)
        except TimeoutError:
            raise _IdleTimeout(f"nothing received for {idle:g}s") from None

    async def _consume(self, lines, watchdog, loop, on_token: TokenCallbackType | None) -> _Attempt:
        idle = self.config.client.idle_timeout
        texts: dict[int, list[str]] = {}
        thoughts: dict[int, list[str]] = {}
        finish: dict[int, str | None] = {}
        usage: dict = {}
        async for line in lines:
            watchdog.reschedule(loop.time() + idle)
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            chunk = json.loads(data)
            if not isinstance(chunk, dict):
                raise _MalformedResponse("a stream event is not a JSON object")
            if chunk.get("error"):
                raise _MalformedResponse(f"the server reported an error mid-stream: {str(chunk['error'])[:200]}")
            usage = chunk.get("usage") or usage
            for choice in chunk.get("choices") or []:
                index = choice.get("index", 0)
                delta = choice.get("delta") or {}
                text = delta.get("content") or ""
                thought = delta.get("reasoning") or delta.get("reasoning_content") or ""
                texts.setdefault(index, []).append(text)
                thoughts.setdefault(index, []).append(thought)
                if choice.get("finish_reason"):
                    finish[index] = choice["finish_reason"]
                if on_token and (text or thought):
                    on_token(index, text, thought)
        if not texts:
            raise _MalformedResponse("the server returned no choices")
        choices = [Choice("".join(texts[i]), "".join(thoughts.get(i, [])), finish.get(i)) for i in sorted(texts)]
        return _Attempt(choices, int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0))

    async def _observe(self, result: CallResult) -> None:
        if self.on_call is None:
            return
        outcome = self.on_call(result)
        if asyncio.iscoroutine(outcome):
            await outcome

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.close()
        self._clients.clear()


def public_url(url: str) -> str:
    """The URL without any user:password part, safe to record."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _request_body(settings: RoleSettings, messages: list[dict], n: int, sampling: dict) -> dict:
    body: dict[str, Any] = {"model": settings.model, "messages": messages}
    if n != 1:
        body["n"] = n
    for name in ("temperature", "top_p", "max_tokens"):
        value = sampling.get(name, getattr(settings, name))
        if value is not None:
            body[name] = value
    extra = dict(settings.extra_body or {})
    extra.update(sampling.get("extra_body") or {})
    if extra:
        body["extra_body"] = extra
    return body


def _reasoning_of(message: Any) -> str:
    return getattr(message, "reasoning", None) or getattr(message, "reasoning_content", None) or ""


def _from_response(response: Any) -> _Attempt:
    if not getattr(response, "choices", None):
        raise _MalformedResponse("the server returned no choices")
    choices = [
        Choice(choice.message.content or "", _reasoning_of(choice.message), choice.finish_reason)
        for choice in response.choices
    ]
    usage = response.usage
    return _Attempt(choices, usage.prompt_tokens if usage else 0, usage.completion_tokens if usage else 0)


def _classify(error: Exception) -> tuple[str | None, float | None]:
    """Why a failed attempt may be retried, and how long the server asked us to wait."""
    if isinstance(error, openai.APIStatusError):
        if error.status_code not in RETRYABLE_STATUS:
            return None, None
        return f"HTTP {error.status_code}", _retry_after(error.response)
    if isinstance(error, openai.APITimeoutError):
        return "request timed out", None
    if isinstance(error, openai.APIConnectionError):
        return "connection failed", None
    if isinstance(error, asyncio.TimeoutError):
        return "total timeout reached", None
    if isinstance(error, _IdleTimeout):
        return str(error), None
    if isinstance(error, (_MalformedResponse, openai.APIResponseValidationError, json.JSONDecodeError)):
        return f"malformed response ({error})", None
    if isinstance(error, httpx.HTTPError):
        return f"transport error ({type(error).__name__})", None
    return None, None


def _retry_after(response: httpx.Response | None) -> float | None:
    if response is None:
        return None
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _backoff(attempt: int, policy: ClientSettings) -> float:
    return policy.backoff_initial * (2**attempt) * (0.5 + random.random())
