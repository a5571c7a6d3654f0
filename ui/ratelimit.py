"""Per-client limits: a token bucket per client (429), over the routes that run the assistant
or take data, and a throttle on wrong secrets (desk logins, desk tokens).

A client is the connecting address (`client_key`). Forwarded headers are believed only from
the proxies named in `INKOOPWIJZER_TRUSTED_PROXIES` (uvicorn's `ProxyHeadersMiddleware` then
puts the forwarded address in the scope before these run); from anyone else, a new
`X-Forwarded-For` on every request buys no new allowance.

Plain ASGI middleware, so they also cover streaming responses and the mounted Gradio apps;
they answer with the API's error shape `{"error": message}` and a `Retry-After`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .guards import send_error

__all__ = ["FailureThrottleMiddleware", "RateLimitMiddleware", "RateRule", "TokenBucketLimiter", "client_key"]


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """`per_minute` tokens per client, refilled continuously; bursts up to `per_minute`."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        self._last_sweep = clock()

    def _bucket(self, key: str, now: float) -> _Bucket:
        self._sweep(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        return bucket

    def acquire(self, key: str) -> float:
        """Take one token for `key`: 0.0 when allowed, else the seconds to wait."""
        now = self._clock()
        with self._lock:
            bucket = self._bucket(key, now)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def refund(self, key: str) -> None:
        """Give back a token taken for a request that turned out not to count."""
        now = self._clock()
        with self._lock:
            bucket = self._bucket(key, now)
            bucket.tokens = min(self.capacity, bucket.tokens + 1.0)

    def _sweep(self, now: float) -> None:
        # A bucket idle long enough to be full again carries no state: drop it so the
        # table does not grow with every client ever seen.
        full_after = self.capacity / self.rate
        if now - self._last_sweep < full_after:
            return
        self._last_sweep = now
        for key in [k for k, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[key]


def client_key(scope: Scope) -> str:
    """Who sent a request: the connecting address (a trusted proxy's forwarded one, see above)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _retry_after(wait: float) -> list[tuple[bytes, bytes]]:
    return [(b"retry-after", str(max(1, math.ceil(wait))).encode())]


@dataclass(frozen=True)
class RateRule:
    """Requests to paths starting with `prefix` (with one of `methods`, or any) count against
    the client's bucket of `group`: the public chat and the desk have separate ones."""

    prefix: str
    group: str = "public"
    methods: frozenset[str] | None = None

    def matches(self, method: str, path: str) -> bool:
        return (path == self.prefix or path.startswith(self.prefix)) and (
            self.methods is None or method in self.methods
        )


class RateLimitMiddleware:
    """Answer 429 with `Retry-After` when a client exceeds its bucket.

    Only requests matching a rule count (the API, and the Gradio routes that run an event:
    `queue/join`, `run/*`, `call/*`, `api/*`, uploads), so static assets, the page, its
    polling of results and `/healthz` are never limited.
    """

    def __init__(self, app: ASGIApp, limiter: TokenBucketLimiter, rules: Sequence[RateRule]) -> None:
        self.app = app
        self.limiter = limiter
        self.rules = tuple(rules)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rule = next((r for r in self.rules if r.matches(scope["method"], scope["path"])), None)
        if rule is None:
            await self.app(scope, receive, send)
            return
        wait = self.limiter.acquire(f"{rule.group}|{client_key(scope)}")
        if wait > 0:
            await send_error(send, 429, "Too many requests: slow down and retry later.", _retry_after(wait))
            return
        await self.app(scope, receive, send)


class FailureThrottleMiddleware:
    """Throttle guessing: a client whose requests to a secret-checking route failed
    `per_minute` times (its bucket is empty) gets 429 on that route, right or wrong, until
    the bucket refills. Only failures cost a token: each attempt takes one up front (so a
    burst of parallel guesses is bounded too) and a request that did not fail gives it back,
    so a desk user who types the token right is never slowed down.

    `routes` are (method, path prefix, failure statuses, whether only requests that carry an
    `Authorization` header count): Gradio's `POST /desk/login` answers 400 to a wrong
    password; the API's desk routes answer 401 to a wrong bearer token.
    """

    def __init__(
        self, app: ASGIApp, limiter: TokenBucketLimiter, routes: Sequence[tuple[str, str, frozenset[int], bool]]
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.routes = tuple(routes)

    def _route(self, scope: Scope) -> tuple[str, str, frozenset[int], bool] | None:
        method, path = scope["method"], scope["path"]
        for route in self.routes:
            m, prefix, _, needs_auth = route
            if m in ("*", method) and (path == prefix or path.startswith(prefix)):
                if needs_auth and not any(k == b"authorization" for k, _ in scope.get("headers", [])):
                    continue
                return route
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._route(scope) if scope["type"] == "http" else None
        if route is None:
            await self.app(scope, receive, send)
            return
        key = client_key(scope)
        wait = self.limiter.acquire(key)
        if wait > 0:
            await send_error(
                send, 429, "Too many failed attempts with a wrong desk token: wait and try again.", _retry_after(wait)
            )
            return
        failures = route[2]
        failed = [False]

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                failed[0] = message["status"] in failures
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        finally:
            if not failed[0]:
                self.limiter.refund(key)
