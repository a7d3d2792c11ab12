"""Errors from the model boundary; retryable ones are known by status code and exception type."""


class ModelCallError(Exception):
    """A model call failed after its retries; the message names endpoint, role and cause."""


class ModelNotServedError(ModelCallError):
    """The configured model name is not among those the server lists."""


class EndpointNotConfiguredError(ModelCallError):
    """A role has no base URL or model configured."""


class TruncatedCompletionError(ModelCallError):
    """The completion hit max_tokens; its text must not be used as if it were complete."""


class RequestRejectedError(ModelCallError):
    """The server refused the request with a status that retrying cannot fix (400, 401, 404 ...)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class PromptTooLongError(ModelCallError):
    """The prompt leaves no room for an answer within the server's context length."""


class EndpointCheckError(ModelCallError):
    """An endpoint failed the checks made before the first call (reachable, model listed)."""
