"""Request guards that need no state: the Host check, the security headers on every response,
and routes the public app does not offer at all.

Plain ASGI middleware, so they cover the JSON API, the mounted Gradio apps and the errors the
other guards send (`ratelimit`, `bodylimit`); refusals use the API's shape `{"error": message}`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "AllowedHostsMiddleware",
    "ClosedRoutesMiddleware",
    "SecurityHeadersMiddleware",
    "content_security_policy",
    "send_error",
]


async def send_error(send: Send, status: int, message: str, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """A complete JSON error response `{"error": message}`."""
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


def _host_name(host: str) -> str:
    """The name of a Host header without its port ("[::1]:7860" → "::1")."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class AllowedHostsMiddleware:
    """Refuse (400) a request whose Host is not one the server answers to.

    Gradio builds its page's root URL and FastAPI its redirects from the Host header; a
    request with a forged Host must not get that name back (cache poisoning, links to
    another site). `allowed` holds names without ports; "*" allows any.
    """

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = {h.strip().lower().strip("[]") for h in allowed if h.strip()}
        self.any = "*" in self.allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.any:
            await self.app(scope, receive, send)
            return
        host = _host_name(Headers(scope=scope).get("host", ""))
        if host not in self.allowed:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await send_error(
                send, 400,
                "Unknown host name: this server answers only to the names in INKOOPWIJZER_ALLOWED_HOSTS; "
                "add the name you use to reach it there.",
            )
            return
        await self.app(scope, receive, send)


def content_security_policy(path: str) -> str:
    """The CSP of a response: our own origin only (Gradio needs inline scripts and styles),
    images only from ourselves or inline data (no image a document names is fetched from
    another host), no framing. `/docs` (Swagger UI) loads its script from jsDelivr. A source
    file (`/api/documents/…/file`: a PDF opened in the browser's viewer, or a download) only
    may not be framed: a document policy could keep the viewer from showing it."""
    if path.startswith("/api/documents/") and path.endswith("/file"):
        return "frame-ancestors 'none'"
    cdn = " https://cdn.jsdelivr.net" if path == "/docs" else ""
    return (
        "default-src 'self'; "
        f"script-src 'self' 'unsafe-inline' 'unsafe-eval'{cdn}; "
        f"style-src 'self' 'unsafe-inline'{cdn}; "
        "img-src 'self' data: blob:" + (" https://fastapi.tiangolo.com" if cdn else "") + "; "
        "font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; worker-src 'self' blob:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


_STATIC_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
_REPLACED = {b"server", b"content-security-policy", *(name for name, _ in _STATIC_HEADERS)}


class SecurityHeadersMiddleware:
    """Security headers on every HTTP response, and no `server` header of ours."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = content_security_policy(scope["path"]).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED]
                message = {**message, "headers": [*headers, *_STATIC_HEADERS, (b"content-security-policy", csp)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ClosedRoutesMiddleware:
    """Answer `status` with `message` for requests to routes that are not offered, whatever
    the mounted apps would do: `routes` are (method or "*", path prefix)."""

    def __init__(self, app: ASGIApp, routes: Sequence[tuple[str, str]], status: int, message: str) -> None:
        self.app = app
        self.routes = [(m.upper(), p) for m, p in routes]
        self.status = status
        self.message = message

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            method, path = scope["method"], scope["path"]
            if any((m in ("*", method)) and (path == p or path.startswith(p)) for m, p in self.routes):
                await send_error(send, self.status, self.message)
                return
        await self.app(scope, receive, send)
