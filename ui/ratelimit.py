"""Request guards: a per-client token bucket (429) and a request-body size cap (413).

Both are plain ASGI middleware so they also cover streaming responses and the mounted
Gradio apps, and both answer with the API's error shape `{"error": message}`.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["BodySizeLimitMiddleware", "RateLimitMiddleware", "TokenBucketLimiter"]


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """`per_minute` requests per client, refilled continuously; bursts up to `per_minute`."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        self._last_sweep = clock()

    def acquire(self, key: str) -> float:
        """Take one token for `key`: 0.0 when allowed, else the seconds to wait."""
        now = self._clock()
        with self._lock:
            self._sweep(now)
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(self.capacity, now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def _sweep(self, now: float) -> None:
        # A bucket idle long enough to be full again carries no state: drop it so the
        # table does not grow with every client ever seen.
        full_after = self.capacity / self.rate
        if now - self._last_sweep < full_after:
            return
        self._last_sweep = now
        for key in [k for k, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[key]


async def _send_error(send: Send, status: int, message: str, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _matches(path: str, prefixes: Sequence[str]) -> bool:
    return any(path == p or path.startswith(p) for p in prefixes)


class RateLimitMiddleware:
    """Answer 429 with `Retry-After` when a client (by IP) exceeds its bucket.

    Only requests whose path starts with one of `prefixes` count (the API and the
    chat's queue), so static assets and `/healthz` are never limited.
    """

    def __init__(self, app: ASGIApp, limiter: TokenBucketLimiter, prefixes: Sequence[str]) -> None:
        self.app = app
        self.limiter = limiter
        self.prefixes = tuple(prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _matches(scope["path"], self.prefixes):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        wait = self.limiter.acquire(key)
        if wait > 0:
            retry = str(max(1, math.ceil(wait))).encode()
            await _send_error(
                send, 429, "Too many requests: slow down and retry later.", [(b"retry-after", retry)]
            )
            return
        await self.app(scope, receive, send)


class BodySizeLimitMiddleware:
    """Refuse with 413 a request to one of `prefixes` whose declared body exceeds `max_bytes`.

    Checked on `Content-Length` before anything is read; the upload route also checks
    each file's real size after parsing, which covers chunked bodies.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, prefixes: Sequence[str]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.prefixes = tuple(prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _matches(scope["path"], self.prefixes):
            for name, value in scope.get("headers", []):
                if name == b"content-length":
                    try:
                        declared = int(value)
                    except ValueError:
                        declared = 0
                    if declared > self.max_bytes:
                        limit_mb = self.max_bytes / (1024 * 1024)
                        await _send_error(send, 413, f"Request too large: the limit is {limit_mb:g} MB.")
                        return
        await self.app(scope, receive, send)
