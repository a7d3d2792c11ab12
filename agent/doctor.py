"""Check each configured endpoint: reachable, model listed, a tiny chat works, reasoning returned."""

from __future__ import annotations

from dataclasses import dataclass

from agent.config import Config
from agent.roles import Role
from engines.llm import ClientSettings, LLMClient, ModelCallError, RoleSettings, public_url

PROBE_MESSAGES = [{"role": "user", "content": "Reply with the single word OK."}]


@dataclass
class EndpointHealth:
    roles: list[str]
    endpoint: str
    model: str
    reachable: bool = False
    model_listed: bool = False
    chat_works: bool = False
    reasoning_field: bool = False
    detail: str = ""


@dataclass
class _PinnedConfig:
    """A role's settings with one of its endpoints pinned, so that a probe goes exactly there."""

    client: ClientSettings
    settings: RoleSettings

    def for_role(self, role: Role | str) -> RoleSettings:
        return self.settings


async def check_endpoints(config: Config) -> list[EndpointHealth]:
    """One row per distinct (endpoint, model) among the roles that have one configured."""
    probe_client = config.client.model_copy(deep=True)
    probe_client.max_retries = 0
    probe_client.idle_timeout = min(config.client.idle_timeout, 60)
    probe_client.total_timeout = min(config.client.total_timeout, 120)
    rows: dict[tuple[str, str], EndpointHealth] = {}
    for role in Role:
        settings = config.for_role(role)
        if not settings.base_url or not settings.model:
            continue
        for endpoint in settings.endpoints:
            key = (endpoint, settings.model)
            if key in rows:
                rows[key].roles.append(role.value)
                continue
            pinned = settings.model_copy(update={"base_url": endpoint})
            llm = LLMClient(_PinnedConfig(probe_client, pinned))
            try:
                rows[key] = await _check(llm, role, public_url(endpoint), settings.model)
            finally:
                await llm.aclose()
    return list(rows.values())


async def _check(llm: LLMClient, role: Role, endpoint: str, model: str) -> EndpointHealth:
    health = EndpointHealth([role.value], endpoint, model)
    try:
        served = await llm.list_models(role)
    except Exception as error:  # noqa: BLE001 - every failure is a row in the table
        health.detail = f"GET /models failed: {type(error).__name__}: {error}"
        return health
    health.reachable = True
    health.model_listed = model in served
    if not health.model_listed:
        health.detail = f"server lists: {', '.join(served) or 'nothing'}"
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
