"""The model boundary: one async client over the OpenAI-compatible chat API."""

from engines.llm.client import LLMClient, TokenCallbackType, public_url
from engines.llm.endpoints import EndpointHealthState
from engines.llm.errors import (
    EndpointNotConfiguredError,
    ModelCallError,
    ModelNotServedError,
    TruncatedCompletionError,
)
from engines.llm.result import CallResult, Choice, hash_messages
from engines.llm.settings import ClientSettings, RoleSettings

__all__ = [
    "CallResult", "Choice", "ClientSettings", "EndpointHealthState", "EndpointNotConfiguredError", "LLMClient",
    "ModelCallError", "ModelNotServedError", "RoleSettings", "TokenCallbackType", "TruncatedCompletionError",
    "hash_messages", "public_url",
]
