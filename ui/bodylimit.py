"""The request-body guard: bytes are counted as they are read (413 as soon as a body passes
its cap, declared or chunked), and a body must arrive in time (408), on every route, the
mounted Gradio apps' included; headers over 16 KB get 431.

`Content-Length` alone is not enough: a chunked body has none, and a client may send more
than it declared. So `receive` is wrapped: each chunk the application reads is counted, and
when the count passes the cap the guard answers 413 itself, tells the application the client
is gone, and drops whatever the application still tries to send. A slow sender gets
`timeout_s` of silence at most, and the whole body must come within `timeout_s` or at
`MIN_RATE` bytes a second, whichever allows longer (a large upload on a slow line still
fits); after that 408.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .guards import send_error

__all__ = ["HEADER_BYTES", "MIN_RATE", "BodyLimitMiddleware", "BodyRule"]

MIN_RATE = 64 * 1024  # bytes a second a body may not stay below (for the whole-body deadline)
HEADER_BYTES = 16 * 1024  # all request headers together


@dataclass(frozen=True)
class BodyRule:
    """Bodies of requests to paths starting with `prefix` may be `max_bytes` long."""

    prefix: str
    max_bytes: int


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.3g} MB" if n >= 1024 * 1024 else f"{n / 1024:.3g} KB"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, rules: Sequence[BodyRule] = (), timeout_s: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.rules = tuple(rules)
        self.timeout_s = timeout_s

    def limit(self, path: str) -> int:
        return next((r.max_bytes for r in self.rules if path == r.prefix or path.startswith(r.prefix)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header_bytes = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", []))
        if header_bytes > HEADER_BYTES:  # h11 caps headers that arrive in pieces, not those sent at once
            await send_error(send, 431, f"Request headers too large: at most {_mb(HEADER_BYTES)}.")
            return
        limit = self.limit(scope["path"])
        too_large = f"Request too large: the limit for this route is {_mb(limit)}."
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await send_error(send, 413, too_large)
                    return
        await _GuardedRequest(self.app, scope, receive, send, limit, too_large, self.timeout_s).run()


class _GuardedRequest:
    """One request's body, counted and timed."""

    def __init__(
        self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, limit: int, too_large: str, timeout_s: float
    ) -> None:
        self.app, self.scope, self._receive, self._send = app, scope, receive, send
        self.limit, self.too_large, self.idle_s = limit, too_large, timeout_s
        self.deadline = anyio.current_time() + max(timeout_s, limit / MIN_RATE)
        self.received = 0
        self.body_done = False
        self.started = False  # the application has begun its response
        self.refused = False  # we answered in its place

    async def run(self) -> None:
        try:
            await self.app(self.scope, self.receive, self.send)
        except Exception:
            if not self.refused:
                raise
            # the application saw the client "disconnect" when we refused its body; its
            # error about that is expected and its response has been dropped

    async def refuse(self, status: int, message: str) -> Message:
        if not self.started:
            self.refused = True
            await send_error(self._send, status, message, [(b"connection", b"close")])
        return {"type": "http.disconnect"}

    async def receive(self) -> Message:
        if self.refused:
            return {"type": "http.disconnect"}
        if self.body_done:  # after the body: e.g. a streaming response waiting for a disconnect
            return await self._receive()
        wait = min(self.idle_s, self.deadline - anyio.current_time())
        message: Message | None = None
        with anyio.move_on_after(max(0.0, wait)):
            message = await self._receive()
        if message is None:
            return await self.refuse(408, "Request body not received in time: send it without pausing.")
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                return await self.refuse(413, self.too_large)
            if not message.get("more_body", False):
                self.body_done = True
        return message

    async def send(self, message: Message) -> None:
        if self.refused:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)
