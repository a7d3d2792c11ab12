"""The model boundary: one async client over the OpenAI-compatible chat API."""

from lemmata.engines.llm.client import LLMClient, ServedModel, TokenCallbackType, public_url
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

__all__ = [
    "CallResult", "Choice", "ClientSettings", "EndpointCheckError", "EndpointHealthState", "EndpointNotConfiguredError",
    "LLMClient", "ModelCallError", "ModelNotServedError", "PromptTooLongError", "RequestRejectedError", "RoleSettings",
    "ServedModel", "TokenCallbackType", "TruncatedCompletionError", "hash_messages", "public_url",
]
