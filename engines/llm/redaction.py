"""Known secrets (configured API keys, passwords in base URLs) cut out of any error text before
it is stored or printed: a server may echo the key in an error body."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from lemmata.engines.llm.settings import RoleSettings

MASK = "********"
MIN_SECRET_CHARS = 4
"""Shorter values ("EMPTY" aside, e.g. 'x') would mask ordinary words."""
_SECRETS: set[str] = set()


def remember(settings: RoleSettings) -> None:
    """Note the secrets of one role's settings: its API key and any base-URL credentials."""
    if settings.api_key is not None:
        _add(settings.api_key.get_secret_value())
    for url in settings.endpoints:
        parts = urlsplit(url)
        for value in (parts.password, parts.username if parts.password else None):
            if value:
                _add(value)
                _add(unquote(value))


def redact(text: str | None) -> str | None:
    """`text` with every known secret replaced by a mask."""
    if not text:
        return text
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def _add(secret: str) -> None:
    if len(secret) >= MIN_SECRET_CHARS and secret != "EMPTY":
        _SECRETS.add(secret)
