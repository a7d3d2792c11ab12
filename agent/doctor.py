"""Check each configured endpoint: reachable, model listed, limits within its context, a tiny chat
works, reasoning returned. `solve` and `batch` run the same checks, without the chat, before
their first call (`preflight`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from lemmata.agent.config import Config, updated
from lemmata.agent.loop.roles import Role
from lemmata.engines.llm import ClientSettings, LLMClient, ModelCallError, RoleSettings, public_url
from lemmata.engines.llm.errors import EndpointCheckError
from lemmata.engines.llm.wire import printable

PROBE_MESSAGES = [{"role": "user", "content": "Reply with the single word OK."}]
PROMPT_ALLOWANCE = 2000
"""Tokens a prompt takes besides the library and the problem: instructions and headers."""


@dataclass
class EndpointHealth:
    roles: list[str]
    endpoint: str
    model: str
    reachable: bool = False
    model_listed: bool = False
    chat_works: bool = False
    reasoning_field: bool = False
    context: int | None = None
    """The server's context length for the model (vLLM's max_model_len), when it says."""
    detail: str = ""
    advice: list[str] = field(default_factory=list)
    """Configured limits the server's context cannot hold, each with what to change."""

    @property
    def verdict(self) -> str:
        """One line: what is wrong with this endpoint, or that it is fine."""
        where = f"{self.endpoint} (model {self.model})"
        if not self.reachable:
            return f"{where}: not reachable: {self.detail}"
        if not self.model_listed:
            return f"{where}: the model is not served; {self.detail}"
        return f"{where}: ok" + (f"; {self.detail}" if self.detail else "")


@dataclass
class _PinnedConfig:
    """A role's settings with one of its endpoints pinned, so that a probe goes exactly there."""

    client: ClientSettings
    settings: RoleSettings

    def for_role(self, role: Role | str) -> RoleSettings:
        return self.settings


async def check_endpoints(config: Config, *, chat: bool = True) -> list[EndpointHealth]:
    """One row per distinct (endpoint, model) among the roles that have one configured;
    without `chat`, only the model list is asked (reachable, model listed, context)."""
    probe_client = config.client.model_copy(update={
        "max_retries": 0, "idle_timeout": min(config.client.idle_timeout, 60),
        "total_timeout": min(config.client.total_timeout, 120)})
    rows: dict[tuple[str, str], EndpointHealth] = {}
    for role in Role:
        settings = config.for_role(role)
        if not settings.base_url or not settings.model:
            continue
        for endpoint in settings.endpoints:
            key = (endpoint, settings.model)
            if key in rows:
                rows[key].roles.append(role.value)
                _advise(rows[key], role, settings, config)
                continue
            pinned = settings.model_copy(update={"base_url": endpoint})
            llm = LLMClient(_PinnedConfig(probe_client, pinned))
            try:
                rows[key] = await _check(llm, role, public_url(endpoint), settings.model, chat)
            finally:
                await llm.aclose()
            _advise(rows[key], role, settings, config)
    return list(rows.values())


class Preflight(NamedTuple):
    config: Config
    """The configuration to run with: the one given, or a copy with the library budget lowered."""
    notes: list[str]
    """For the user: limits lowered, and limits that each call will lower."""


async def preflight(config: Config) -> Preflight:
    """Before a run's first call: every configured endpoint is reachable and lists its model,
    else EndpointCheckError with doctor's one-line verdict. A library budget the smallest
    context cannot hold is lowered in the returned copy (a run started with it stores it)."""
    rows = await check_endpoints(config, chat=False)
    notes = []
    for row in rows:
        if row.reachable and not row.model_listed:
            raise EndpointCheckError(f"{row.verdict} (lemmata doctor checks every endpoint)")
        if not row.reachable:
            if not any(other.reachable for other in rows if set(other.roles) & set(row.roles)):
                raise EndpointCheckError(f"{row.verdict} (lemmata doctor checks every endpoint)")
            notes.append(f"{row.verdict}; its calls go to the other endpoints")
    notes += [line for row in rows for line in row.advice if not line.startswith("library:")]
    contexts = [row.context for row in rows if row.context]
    if contexts and config.loop.library_budget_tokens > library_budget_for(min(contexts)):
        budget = library_budget_for(min(contexts))
        notes.append(f"[loop] library_budget_tokens lowered from {config.loop.library_budget_tokens} to {budget} "
                     f"for this run, to fit the server's {min(contexts)}-token context")
        config = updated(config, "loop", library_budget_tokens=budget)
    return Preflight(config, notes)


def library_budget_for(context: int) -> int:
    """The largest library a context holds with room to spare for the prompt and the answer."""
    return max(context // 4, 100)


def _advise(row: EndpointHealth, role: Role, settings: RoleSettings, config: Config) -> None:
    if row.context is None:
        return
    section = f"[roles.{role.value}]" if role in config.roles else "[defaults]"
    if settings.max_tokens and settings.max_tokens > row.context:
        line = (f"{role.value}: max_tokens {settings.max_tokens} exceeds the {row.context}-token context at "
                f"{row.endpoint}; each call asks for what its prompt leaves; set {section} max_tokens below "
                f"{row.context}, or serve with a longer --max-model-len")
        if section == "[defaults]":
            line = line.replace(f"{role.value}: ", "all roles: ", 1)
        if line not in row.advice:
            row.advice.append(line)
    budget = config.loop.library_budget_tokens
    if budget > library_budget_for(row.context):
        line = (f"library: [loop] library_budget_tokens {budget} is too large for the {row.context}-token context "
                f"at {row.endpoint}; set it to at most {library_budget_for(row.context)} (solve and batch lower it)")
        if line not in row.advice:
            row.advice.append(line)


async def _check(llm: LLMClient, role: Role, endpoint: str, model: str, chat: bool) -> EndpointHealth:
    health = EndpointHealth([role.value], endpoint, model)
    try:
        served = await llm.served_models(role)
    except Exception as error:  # noqa: BLE001 - every failure is a row in the table
        status = getattr(error, "status_code", None)
        if status == 404:
            health.detail = f"GET {endpoint}/models answered HTTP 404; is /v1 missing from the base URL?"
        elif status is not None:
            health.detail = f"GET {endpoint}/models answered HTTP {status}"
        else:
            health.detail = f"GET {endpoint}/models failed: {type(error).__name__}: {printable(error, 200)[1:-1]}"
        return health
    health.reachable = True
    listed = {entry.id: entry for entry in served}
    health.model_listed = model in listed
    if not health.model_listed:
        shown = ", ".join(printable(name, 80)[1:-1] for name in list(listed)[:20])
        health.detail = f"server lists: {shown or 'nothing'}"
        return health
    health.context = listed[model].max_model_len
    if not chat:
        return health
    try:
        result = await llm.chat(role, PROBE_MESSAGES, max_tokens=32, temperature=0)
    except ModelCallError as error:
        health.detail = str(error)
        return health
    health.chat_works = True
    health.reasoning_field = bool(result.choices and result.choices[0].reasoning)
    if not health.reasoning_field:
        health.detail = "no reasoning field: start vLLM with --reasoning-parser to separate thinking"
    return health
