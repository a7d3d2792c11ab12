"""Per-role endpoint and sampling settings, and how calls are made (timeouts, retries)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoleSettings(Strict):
    """Endpoint, model and sampling for one role; unset fields inherit the defaults."""

    base_url: str | list[str] | None = None
    """OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1, or a list of roots serving
    the same model: calls are spread over them and a failing one is taken out for a while."""
    model: str | None = None
    """Served model name as the server lists it under /v1/models."""
    api_key: SecretStr | None = None
    """Bearer key; never stored, logged or exported."""
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    max_tokens: int | None = Field(default=None, gt=0)
    extra_body: dict[str, Any] | None = None
    """Sent as-is in the request body, e.g. {chat_template_kwargs = {enable_thinking = true}}."""

    @field_validator("base_url")
    @classmethod
    def _no_empty_urls(cls, value: str | list[str] | None) -> str | list[str] | None:
        urls = [value] if isinstance(value, str) else value or []
        if isinstance(value, list) and not value:
            raise ValueError("give at least one URL, or leave base_url unset")
        if any(not url.strip() for url in urls):
            raise ValueError("an endpoint URL is empty")
        return value

    @property
    def endpoints(self) -> list[str]:
        """The base URLs as a list (one or several, duplicates dropped, order kept)."""
        urls = [self.base_url] if isinstance(self.base_url, str) else self.base_url or []
        return list(dict.fromkeys(urls))


class ClientSettings(Strict):
    """How calls are made: streaming, timeouts and retries."""

    stream: bool = True
    """Stream completions; needed for the idle timeout and live displays."""
    idle_timeout: float = Field(default=300.0, gt=0)
    """Seconds without a streamed token before the call is abandoned and retried."""
    total_timeout: float = Field(default=7200.0, gt=0)
    """Seconds one call may take in all."""
    connect_timeout: float = Field(default=10.0, gt=0)
    max_retries: int = Field(default=5, ge=0)
    backoff_initial: float = Field(default=1.0, ge=0)
    backoff_max: float = Field(default=60.0, ge=0)
    endpoint_cooldown_s: float = Field(default=30.0, ge=0)
    """Seconds an endpoint is left out after a retryable failure; doubled per failure in a row."""
    endpoint_cooldown_max_s: float = Field(default=300.0, ge=0)
    """The cap on that doubling."""


