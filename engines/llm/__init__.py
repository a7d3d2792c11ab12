"""The model boundary: one async client over the OpenAI-compatible chat API.

The client (and with it `openai`) loads on first use, so reading a run store, a report or a
config does not pay for the HTTP stack.
"""

from __future__ import annotations

import importlib
from typing import Any

from lemmata.engines.llm.endpoints import EndpointHealthState
from lemmata.engines.llm.errors import (
    EndpointCheckError,
    EndpointNotConfiguredError,
    ModelCallError,
    ModelNotServedError,
    PromptTooLongError,
    RequestRejectedError,
    TruncatedCompletionError,
)
from lemmata.engines.llm.result import CallResult, Choice, hash_messages
from lemmata.engines.llm.settings import ClientSettings, RoleSettings

_CLIENT_NAMES = {"LLMClient", "ServedModel", "TokenCallbackType", "public_url"}

__all__ = [
    "CallResult", "Choice", "ClientSettings", "EndpointCheckError", "EndpointHealthState", "EndpointNotConfiguredError",
    "LLMClient", "ModelCallError", "ModelNotServedError", "PromptTooLongError", "RequestRejectedError", "RoleSettings",
    "ServedModel", "TokenCallbackType", "TruncatedCompletionError", "hash_messages", "public_url",
]


def __getattr__(name: str) -> Any:
    if name not in _CLIENT_NAMES:
        raise AttributeError(f"module 'lemmata.engines.llm' has no attribute {name!r}")
    value = getattr(importlib.import_module("lemmata.engines.llm.client"), name)
    globals()[name] = value
    return value
