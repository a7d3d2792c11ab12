"""Errors raised by the agent layer; each names the object, what went wrong and the way out."""


class LemmataError(Exception):
    """Base class for errors shown to users as one clear message."""


class ConfigError(LemmataError):
    """A configuration file, variable or flag has a bad value."""


class ProblemInputError(LemmataError):
    """A problem text, file or dataset could not be read."""


class MissingExtraError(LemmataError):
    """An optional dependency is needed but not installed."""

    def __init__(self, package: str, extra: str):
        super().__init__(f"{package} is not installed: pip install 'lemmata[{extra}]'")
