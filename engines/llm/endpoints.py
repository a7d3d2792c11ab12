"""Spreading attempts over a role's endpoints, and taking a failing endpoint out for a cool-down."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum


class Outcome(Enum):
    """What one attempt says about the endpoint it went to."""

    ANSWERED = "answered"
    """The endpoint answered: it is healthy again, its failure streak is forgotten."""
    FAILED = "failed"
    """A retryable fault (connection, timeout, 5xx, 429, broken stream): take it out."""
    NEUTRAL = "neutral"
    """The request's own fault or a cancellation: nothing learnt about the endpoint."""


@dataclass(frozen=True)
class EndpointHealthState:
    """One endpoint as a display shows it (a snapshot; the URL carries no credentials)."""

    url: str
    in_flight: int
    """Attempts currently sent to it."""
    failures: int
    """Retryable failures in a row; reset by an answer."""
    answered: int
    """Attempts it answered since the client started."""
    is_out: bool
    """Taken out after a failure and still cooling down."""
    back_in_s: float
    """Seconds until it is tried again (0 when it is in)."""


@dataclass
class _Endpoint:
    in_flight: int = 0
    failures: int = 0
    answered: int = 0
    out_until: float = 0.0


class EndpointPool:
    """Picks the endpoint for each attempt: the least busy healthy one, ties taken in turn.

    Health is per URL, shared by every role that uses it. An endpoint that fails is out for
    `cooldown_s`, doubled per failure in a row up to `cooldown_max_s`; when all of a role's
    endpoints are out the attempt waits for the first to come back, at most `max_wait`, and
    then goes to that one anyway (a lone endpoint is thus retried on the ordinary backoff).
    """

    def __init__(
        self,
        cooldown_s: float,
        cooldown_max_s: float,
        *,
        public: Callable[[str], str] = str,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.cooldown_s = cooldown_s
        self.cooldown_max_s = cooldown_max_s
        self._public = public
        self._clock = clock
        self._endpoints: dict[str, _Endpoint] = {}
        self._turn = 0

    def register(self, urls: Sequence[str]) -> None:
        """Make endpoints known (and visible in `health`) before their first attempt."""
        for url in urls:
            self._endpoints.setdefault(url, _Endpoint())

    async def acquire(self, urls: Sequence[str], *, max_wait: float) -> str:
        """The endpoint for the next attempt, counted in flight until `release`."""
        self.register(urls)
        if not self._healthy(urls):
            now = self._clock()
            earliest = min(self._endpoints[url].out_until for url in urls)
            wait = min(max(earliest - now, 0.0), max_wait)
            if wait > 0:
                await asyncio.sleep(wait)
        candidates = self._healthy(urls) or [min(urls, key=lambda url: self._endpoints[url].out_until)]
        least = min(self._endpoints[url].in_flight for url in candidates)
        tied = [url for url in candidates if self._endpoints[url].in_flight == least]
        chosen = tied[self._turn % len(tied)]
        self._turn += 1
        self._endpoints[chosen].in_flight += 1
        return chosen

    def release(self, url: str, outcome: Outcome, *, hold_off_s: float | None = None) -> float:
        """End an attempt; returns how long the endpoint is now out (0 when it is in).

        `hold_off_s` is the server's own Retry-After, which the cool-down never undercuts.
        """
        endpoint = self._endpoints[url]
        endpoint.in_flight -= 1
        if outcome is Outcome.ANSWERED:
            endpoint.failures = 0
            endpoint.answered += 1
            endpoint.out_until = 0.0
        elif outcome is Outcome.FAILED:
            endpoint.failures += 1
            cooldown = min(self.cooldown_s * 2 ** (endpoint.failures - 1), self.cooldown_max_s)
            cooldown = max(cooldown, hold_off_s or 0.0)
            endpoint.out_until = max(endpoint.out_until, self._clock() + cooldown)
        return max(endpoint.out_until - self._clock(), 0.0)

    def health(self) -> list[EndpointHealthState]:
        """Every known endpoint, in the order first seen."""
        now = self._clock()
        return [
            EndpointHealthState(
                url=self._public(url),
                in_flight=endpoint.in_flight,
                failures=endpoint.failures,
                answered=endpoint.answered,
                is_out=endpoint.out_until > now,
                back_in_s=max(endpoint.out_until - now, 0.0),
            )
            for url, endpoint in self._endpoints.items()
        ]

    def out_count(self) -> int:
        """How many known endpoints are out right now."""
        now = self._clock()
        return sum(1 for endpoint in self._endpoints.values() if endpoint.out_until > now)

    def _healthy(self, urls: Sequence[str]) -> list[str]:
        now = self._clock()
        return [url for url in urls if self._endpoints[url].out_until <= now]
