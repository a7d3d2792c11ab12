"""Errors from the model boundary; retryable ones are known by status code and exception type."""


class ModelCallError(Exception):
    """A model call failed after its retries; the message names endpoint, role and cause."""


class ModelNotServedError(ModelCallError):
    """The configured model name is not among those the server lists."""


class EndpointNotConfiguredError(ModelCallError):
    """A role has no base URL or model configured."""


class TruncatedCompletionError(ModelCallError):
    """The completion hit max_tokens; its text must not be used as if it were complete."""
