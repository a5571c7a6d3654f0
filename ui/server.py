"""One server: the JSON API under `/api`, `/healthz`, the desk at `/desk` and the chat at `/`.

    create_app(assistant_factory=get_assistant, settings=None) -> FastAPI   (does no work at import)
    serve(host, port)                                                       (runs uvicorn)
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from assistant.service import build_index_in_background, get_assistant
from inkoopwijzer.settings import Settings, get_settings

from .api import api_router, health_router, install_error_handlers
from .pages import pages_router
from .ratelimit import BodySizeLimitMiddleware, RateLimitMiddleware, TokenBucketLimiter
from .services import AssistantFactory, Services
from .uploads import IngestFn

__all__ = ["create_app", "serve"]

_JSON_BODY_LIMIT = 1024 * 1024  # /api/ask and /api/feedback: questions, not documents
_DESK_DISABLED = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Supportdesk uitgeschakeld</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Supportdesk-weergave uitgeschakeld</h1>
<p>Deze server heeft geen desk-token. Zet <code>INKOOPWIJZER_DESK_TOKEN</code> en start de server opnieuw
om de supportdesk-weergave (debugpaneel, documenten, uploads, exports) te openen.</p>
<p><a href="/">Naar de chat</a></p></body></html>"""


def create_app(
    assistant_factory: AssistantFactory = get_assistant,
    settings: Settings | None = None,
    *,
    ingest: IngestFn | None = None,
) -> FastAPI:
    """Build the whole web application. The assistant is created on the first request."""
    import gradio as gr  # heavy; only when an app is built

    from .chat import build_chat_app
    from .desk import build_desk_app
    from .style import CSS, HEAD

    settings = settings or get_settings()
    services = Services(settings, assistant_factory, ingest=ingest)
    app = FastAPI(
        title="Inkoopwijzer API",
        version="0.1.0",
        description=(
            "Grounded, cited answers about Dutch health insurers' procurement policies. "
            "Errors are `{\"error\": message}`. Upload and export routes need `Authorization: Bearer <desk token>`."
        ),
        redoc_url=None,
    )
    app.state.services = services
    install_error_handlers(app)
    app.include_router(health_router(services))
    app.include_router(pages_router(services.pages))  # before api_router, whose catch-all answers unknown /api paths
    app.include_router(api_router(services))

    upload_limit = int(settings.max_upload_mb * 1024 * 1024)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=_JSON_BODY_LIMIT, prefixes=["/api/ask", "/api/feedback"])
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=upload_limit, prefixes=["/api/documents"])
    app.add_middleware(
        RateLimitMiddleware,
        limiter=TokenBucketLimiter(settings.rate_limit_per_minute),
        prefixes=["/api/", "/gradio_api/queue/join", "/desk/gradio_api/queue/join"],
    )

    # System fonts: the page must not depend on fetching a web font.
    theme = gr.themes.Soft(
        font=["system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    )
    common = dict(css=CSS, head=HEAD, ssr_mode=False, theme=theme, max_file_size=upload_limit)
    if services.desk_enabled:
        gr.mount_gradio_app(
            app,
            build_desk_app(services),
            path="/desk",
            auth=lambda _user, password: services.desk_token_ok(password),
            auth_message="Supportdesk: log in met een willekeurige gebruikersnaam en het desk-token als wachtwoord.",
            footer_links=["api"],
            blocked_paths=[str(settings.data_dir)],
            **common,  # type: ignore[arg-type]
        )
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
        blocked_paths=[str(settings.data_dir)],
        **common,  # type: ignore[arg-type]
    )
    return app


def serve(host: str | None = None, port: int | None = None) -> None:
    """Run the server with uvicorn until interrupted."""
    import uvicorn

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    # up at once: a missing index is built (an old one upgraded) while the server already answers
    build_index_in_background(settings)
    app = create_app(settings=settings)
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    print(f"Inkoopwijzer: http://{shown}:{port}/  (API-documentatie: /docs, supportdesk: /desk)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=5)
