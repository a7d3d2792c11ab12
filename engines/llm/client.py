"""Every model call: role -> endpoint, model and sampling; streaming, timeouts, retries, usage."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import ssl
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import openai

from lemmata.engines.llm.context import FIRST_CHARS_PER_TOKEN, fit_max_tokens, learnt_rate
from lemmata.engines.llm.endpoints import EndpointHealthState, EndpointPool, Outcome
from lemmata.engines.llm import redaction
from lemmata.engines.llm.errors import EndpointNotConfiguredError, ModelCallError, ModelNotServedError, RequestRejectedError
from lemmata.engines.llm.result import CallResult, hash_messages
from lemmata.engines.llm.settings import ClientSettings, RoleSettings
from lemmata.engines.llm.wire import BrokenResponse, Completion, printable, read_response, read_stream

log = logging.getLogger(__name__)

RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
TRANSPORT_ERRORS = tuple(
    importlib.import_module(name).HTTPError for name in ("httpx", "httpx2") if importlib.util.find_spec(name)
)
"""A body that breaks mid-read raises the HTTP library's own error, not the SDK's: `httpx`, or
`httpx2` under the openai releases built on it."""
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


@dataclass(frozen=True)
class ServedModel:
    """One entry of an endpoint's /models list."""

    id: str
    max_model_len: int | None = None
    """The context length vLLM reports; None when the server does not say."""


class LLMClient:
    """The one boundary to models; nothing else in Lemmata imports `openai`."""

    def __init__(
        self,
        config: ModelConfig,
        *,
        on_call: CallObserver | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        """`clock` times endpoint cool-downs (tests pass one they move by hand)."""
        self.config = config
        self.on_call = on_call
        self._clients: dict[tuple[str, str], openai.AsyncOpenAI] = {}
        self._served: dict[str, list[ServedModel]] = {}
        """Each endpoint's model list, once it answered: asked once per client."""
        self._model_checks: dict[str, asyncio.Future] = {}
        self._rates: dict[str, float | None] = {}
        """Characters per prompt token each endpoint's usage counts showed (cautious)."""
        self._pool = EndpointPool(
            config.client.endpoint_cooldown_s, config.client.endpoint_cooldown_max_s, public=public_url, clock=clock
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
        """The names of the models served at `endpoint` (default: the role's first endpoint)."""
        return [model.id for model in await self.served_models(role, endpoint)]

    async def served_models(self, role: str, endpoint: str | None = None) -> list[ServedModel]:
        """The models served at `endpoint`, asked once per endpoint and cached; concurrent
        callers share one request, made under the idle timeout (a hanging /models is retried
        like a hanging stream). Raises the transport's error when the request fails."""
        settings = self._settings(role)
        endpoint = endpoint or settings.endpoints[0]
        if endpoint in self._served:
            return self._served[endpoint]
        check = self._model_checks.get(endpoint)
        if check is None or check.done():  # done and not cached: the last ask failed, ask again
            check = asyncio.ensure_future(self._fetch_models(settings, endpoint))
            self._model_checks[endpoint] = check
        return await asyncio.shield(check)  # one caller's cancellation must not cancel the others'

    async def _fetch_models(self, settings: RoleSettings, endpoint: str) -> list[ServedModel]:
        timeouts = self.config.client
        limit = openai.Timeout(min(timeouts.idle_timeout, timeouts.total_timeout), connect=timeouts.connect_timeout)
        page = await self._client(settings, endpoint).models.list(timeout=limit)
        models = [ServedModel(str(model.id), _context_length(model)) for model in page.data]
        self._served[endpoint] = models
        return models

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
                timeout=openai.Timeout(timeouts.total_timeout, connect=timeouts.connect_timeout),
                http_client=openai.DefaultAsyncHttpxClient(verify=_TLS),
            )
        return self._clients[cache_key]

    async def _check_model(self, role: str, settings: RoleSettings, endpoint: str) -> int | None:
        """The model's context length at `endpoint` (None: not reported); ModelNotServedError
        when the endpoint lists other models only."""
        try:
            served = await self.served_models(role, endpoint)
        except openai.APIStatusError as error:
            if error.status_code in RETRYABLE_STATUS:
                raise  # a busy server: a failed attempt, retried
            served = self._served[endpoint] = []  # no /models here; nothing to check against
        if served and settings.model not in {model.id for model in served}:
            raise ModelNotServedError(
                f"model '{settings.model}' is not served at {public_url(endpoint)}; "
                f"it lists: {', '.join(printable(model.id, 80)[1:-1] for model in served[:20])}"
            )
        return next((model.max_model_len for model in served if model.id == settings.model), None)

    async def _with_retries(self, role, settings, messages, n, on_token, sampling, result) -> Completion:
        """Attempts until one answers or the retries run out, each on an endpoint the pool picks.

        After a failure the endpoint is out for its cool-down and the retry goes to another
        one at once; only when every endpoint is out does the retry wait, at most the backoff.
        A refusal that retrying cannot fix (HTTP 400, 404 ...) ends the call at once.
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
                context = await self._check_model(role, settings, endpoint)
                max_tokens = self._fit(role, settings, endpoint, messages, sampling, context, result)
                answer = await asyncio.wait_for(
                    self._attempt(role, settings, endpoint, messages, n, on_token, {**sampling, "max_tokens": max_tokens}),
                    timeout=policy.total_timeout,
                )
                outcome = Outcome.ANSWERED
                self._rates[endpoint] = learnt_rate(messages, answer.prompt_tokens, self._rates.get(endpoint))
                return answer
            except ModelCallError:
                raise
            except Exception as error:  # noqa: BLE001 - classified just below
                cause, hold_off = _classify(error)
                if cause is None:
                    if isinstance(error, openai.APIStatusError):
                        raise _rejected(role, result.endpoint, error) from None
                    log.debug("%s call to %s failed unexpectedly", role, result.endpoint, exc_info=True)
                    raise ModelCallError(f"{role} call to {result.endpoint} failed: {type(error).__name__}: "
                                         f"{printable(redaction.redact(str(error)), 200)}") from error
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

    def _fit(self, role, settings, endpoint, messages, sampling, context, result) -> int | None:
        """max_tokens for this attempt: the asked value, lowered to what the prompt leaves of the
        server's context; a lowering is logged and recorded in the call's tags."""
        asked = sampling.get("max_tokens", settings.max_tokens)
        rate = self._rates.get(endpoint) or FIRST_CHARS_PER_TOKEN
        fitted = fit_max_tokens(asked, messages, context, rate, f"{role} call to {public_url(endpoint)}")
        if fitted.max_tokens != asked:
            log.info("%s call: max_tokens %s lowered to %d to fit the context of %s", role, asked, fitted.max_tokens, context)
            result.tags["max_tokens_fitted"] = {"asked": asked, "sent": fitted.max_tokens, "context": context,
                                                "prompt_estimate": fitted.prompt_estimate}
        return fitted.max_tokens

    async def _attempt(self, role, settings, endpoint, messages, n, on_token, sampling) -> Completion:
        request = _request_body(settings, messages, n, sampling)
        client = self._client(settings, endpoint)
        headers = {"X-Lemmata-Role": str(role)}
        if not self.config.client.stream:
            response = await client.chat.completions.with_raw_response.create(**request, extra_headers=headers)
            return read_response(response.text)
        return await self._stream(client, request, headers, on_token)

    async def _stream(self, client, request: dict, headers: dict, on_token: TokenCallbackType | None) -> Completion:
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
                    return await read_stream(response.iter_lines(),
                                             lambda: watchdog.reschedule(loop.time() + idle), on_token)
        except TimeoutError:
            raise _IdleTimeout(f"nothing received for {idle:g}s") from None

    async def _observe(self, result: CallResult) -> None:
        if self.on_call is None:
            return
        outcome = self.on_call(result)
        if asyncio.iscoroutine(outcome):
            await outcome

    async def aclose(self) -> None:
        for check in self._model_checks.values():
            check.cancel()
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


def _context_length(model: Any) -> int | None:
    value = getattr(model, "max_model_len", None)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _rejected(role: str, endpoint: str, error: openai.APIStatusError) -> RequestRejectedError:
    """A one-line error for a refusal: status and the server's own message, made printable."""
    body = error.body
    message = body.get("message") if isinstance(body, dict) else body
    hint = ""
    if error.status_code == 404 and not urlsplit(endpoint).path.rstrip("/").endswith("/v1"):
        hint = "; is /v1 missing from the base URL?"
    return RequestRejectedError(
        f"{role} call to {endpoint} was refused: HTTP {error.status_code}: "
        f"{printable(redaction.redact(str(message or error.message)), 300)}{hint}",
        error.status_code,
    )


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
    if isinstance(error, BrokenResponse):
        return str(error), None
    if isinstance(error, (openai.APIResponseValidationError, json.JSONDecodeError)):
        return f"malformed response ({type(error).__name__})", None
    if isinstance(error, TRANSPORT_ERRORS):
        return f"transport error ({type(error).__name__})", None
    return None, None


def _retry_after(response: Any) -> float | None:
    if response is None:
        return None
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _backoff(attempt: int, policy: ClientSettings) -> float:
    return policy.backoff_initial * (2**attempt) * (0.5 + random.random())
