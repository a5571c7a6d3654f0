"""One server: the JSON API under `/api`, `/healthz`, the desk at `/desk` and the chat at `/`.

    create_app(assistant_factory=None, settings=None) -> FastAPI   (does no work at import)
    serve(host, port, app=None)                                    (runs uvicorn)

Every request passes the guards first (outermost first; docs/security.md has the limits):
trusted-proxy addresses → security headers → allowed Host names → per-client rate limit →
wrong-secret throttle → routes the public app does not offer → request-body size and time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from functools import partial
from typing import Any
from urllib.parse import urlparse

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount

from assistant.service import Assistant, build_index_in_background
from inkoopwijzer.settings import Settings, get_settings

from .api import api_router, health_router, install_error_handlers
from .bodylimit import BodyLimitMiddleware, BodyRule
from .exports import EXPORT_ROUTE
from .guards import AllowedHostsMiddleware, ClosedRoutesMiddleware, SecurityHeadersMiddleware
from .pages import pages_router
from .ratelimit import FailureThrottleMiddleware, RateLimitMiddleware, RateRule, TokenBucketLimiter
from .services import AssistantFactory, Services
from .uploads import IngestFn

__all__ = ["create_app", "serve"]

log = logging.getLogger(__name__)

_MULTIPART_SLACK = 64 * 1024  # form fields and part headers around the files of an upload
_SWEEP_EVERY_S = 300.0
_DESK_DISABLED = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Supportdesk uitgeschakeld</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Supportdesk-weergave uitgeschakeld</h1>
<p>Deze server heeft geen desk-token. Zet <code>INKOOPWIJZER_DESK_TOKEN</code> en start de server opnieuw
om de supportdesk-weergave (debugpaneel, documenten, uploads, exports) te openen.</p>
<p><a href="/">Naar de chat</a></p></body></html>"""
NO_PUBLIC_UPLOADS = "The chat takes no files. Policy documents are added by the support desk (/desk)."


def _lifespan(services: Services) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # uploads a stopped process left unfinished are resumed, and shown as such in the desk
        try:
            await asyncio.to_thread(services.uploads.recover)
        except Exception:  # noqa: BLE001 - the server must start; the desk shows the jobs it has
            log.exception("resuming unfinished uploads failed")

        async def sweep() -> None:
            while True:
                await asyncio.to_thread(services.exports.sweep)
                await asyncio.sleep(_SWEEP_EVERY_S)

        task = asyncio.create_task(sweep())
        try:
            yield
        finally:
            task.cancel()

    return lifespan


def _desk_user(gradio_app: Any, request: Request) -> str | None:
    """The user logged in to the desk's Gradio app, from its session cookie (as Gradio 6's
    own `get_current_user` reads it), or None."""
    cookie_id = getattr(gradio_app, "cookie_id", None)
    tokens = getattr(gradio_app, "tokens", {})
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(f"access-token-unsecure-{cookie_id}")
    return tokens.get(token) if token else None


def _install_exports(app: FastAPI, services: Services, desk_app: Any) -> None:
    @app.get(f"{EXPORT_ROUTE}/{{export_id}}/{{name}}", include_in_schema=False)
    def desk_export(export_id: str, name: str, request: Request) -> Any:
        if _desk_user(desk_app, request) is None:
            return JSONResponse({"error": "Log in to the support desk (/desk) to download its exports."}, status_code=401)
        content = services.exports.take(export_id, name)
        if content is None:
            return JSONResponse({"error": "No such export: it was downloaded already or has expired. Export again."},
                                status_code=404)
        return Response(content, media_type="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    # the route must come before the desk's mount, which takes every path under /desk
    app.router.routes.insert(0, app.router.routes.pop())


def _guard(app: FastAPI, settings: Settings) -> None:
    """The request guards, added innermost first (Starlette wraps each new one around the others)."""
    upload_limit = int(settings.max_upload_mb * 1024 * 1024) + _MULTIPART_SLACK
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_request_kb * 1024,
        rules=[BodyRule("/api/documents", upload_limit), BodyRule("/desk/gradio_api/upload", upload_limit)],
        timeout_s=settings.body_timeout_s,
    )
    app.add_middleware(
        ClosedRoutesMiddleware, routes=[("*", "/gradio_api/upload")], status=403, message=NO_PUBLIC_UPLOADS
    )
    app.add_middleware(
        FailureThrottleMiddleware,
        limiter=TokenBucketLimiter(settings.login_failures_per_minute),
        routes=[("POST", "/desk/login", frozenset({400, 401}), False), ("*", "/api/", frozenset({401}), True)],
    )
    post = frozenset({"POST", "PUT", "PATCH", "DELETE"})
    app.add_middleware(
        RateLimitMiddleware,
        limiter=TokenBucketLimiter(settings.rate_limit_per_minute),
        rules=[
            RateRule("/api/"),
            # every Gradio route that runs an event or takes data: queue/join, run/*, call/*, api/*, upload…
            RateRule("/gradio_api/", "public", post),
            RateRule("/desk/gradio_api/", "desk", post),
        ],
    )
    hosts = settings.allowed_host_list
    if settings.host not in ("0.0.0.0", "::", ""):
        hosts.append(settings.host.lower())
    if settings.public_base_url:  # the address users reach the server at is one it answers to
        hosts.append((urlparse(settings.public_base_url).hostname or "").lower())
    app.add_middleware(AllowedHostsMiddleware, allowed=hosts)
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.trusted_proxy_list:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)


def create_app(
    assistant_factory: AssistantFactory | None = None,
    settings: Settings | None = None,
    *,
    ingest: IngestFn | None = None,
) -> FastAPI:
    """Build the whole web application. The assistant is created on the first request (by
    default an `Assistant` over the same `settings`, so its feed links name the server's address)."""
    import gradio as gr  # heavy; only when an app is built
    from gradio.utils import get_upload_folder

    from .chat import build_chat_app
    from .desk import build_desk_app
    from .style import CSS, HEAD

    settings = settings or get_settings()
    services = Services(settings, assistant_factory or partial(Assistant, settings), ingest=ingest)
    app = FastAPI(
        title="Inkoopwijzer API",
        version="0.1.0",
        description=(
            "Grounded, cited answers about Dutch health insurers' procurement policies. "
            "Errors are `{\"error\": message}`. Upload, export and debug need `Authorization: Bearer <desk token>`."
        ),
        redoc_url=None,
        lifespan=_lifespan(services),
    )
    app.state.services = services
    install_error_handlers(app)
    app.include_router(health_router(services))
    app.include_router(pages_router(services.pages))  # before api_router, whose catch-all answers unknown /api paths
    app.include_router(api_router(services))
    _guard(app, settings)

    # System fonts: the page must not depend on fetching a web font.
    theme = gr.themes.Soft(
        font=["system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    )
    upload_limit = int(settings.max_upload_mb * 1024 * 1024)
    # show_error=False: an unexpected error reaches the browser as a generic message, not its text
    common = dict(css=CSS, head=HEAD, ssr_mode=False, theme=theme, show_error=False)
    if services.desk_enabled:
        gr.mount_gradio_app(
            app,
            build_desk_app(services),
            path="/desk",
            auth=lambda _user, password: services.desk_token_ok(password),
            auth_message="Supportdesk: log in met een willekeurige gebruikersnaam en het desk-token als wachtwoord.",
            footer_links=["api"],
            blocked_paths=[str(settings.data_dir)],
            max_file_size=upload_limit,
            **common,  # type: ignore[arg-type]
        )
        desk_app = next(r.app for r in app.routes if isinstance(r, Mount) and r.path == "/desk")
        _install_exports(app, services, desk_app)
    else:

        @app.get("/desk", include_in_schema=False, response_class=HTMLResponse)
        @app.get("/desk/{rest:path}", include_in_schema=False, response_class=HTMLResponse)
        def desk_disabled() -> HTMLResponse:
            return HTMLResponse(_DESK_DISABLED, status_code=403)

    gr.mount_gradio_app(
        app,
        build_chat_app(services),
        path="/",
        footer_links=[],
        # Gradio's upload folder holds the desk's uploads: the public app serves none of it
        blocked_paths=[str(settings.data_dir), get_upload_folder()],
        max_file_size=1,
        **common,  # type: ignore[arg-type]
    )
    return app


def serve(host: str | None = None, port: int | None = None, app: Any = None) -> None:
    """Run the server with uvicorn until interrupted (`app`: another app, for tests)."""
    import uvicorn

    from .http import limit_malloc_arenas, uvicorn_config

    limit_malloc_arenas()  # before the first threads: memory that levels off (docs/security.md)
    settings = get_settings()
    # the address given here is the one the Host check allows and the calendar feed links to
    settings = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    host, port = settings.host, settings.port
    if app is None:
        # up at once: a missing index is built (an old one upgraded) while the server already answers
        build_index_in_background(settings)
        app = create_app(settings=settings)
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    print(f"Inkoopwijzer: http://{shown}:{port}/  (API-documentatie: /docs, supportdesk: /desk)", flush=True)
    uvicorn.Server(uvicorn_config(app, settings, host, port)).run()
