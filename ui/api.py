"""The JSON API under `/api` (documented at `/docs`), `/healthz`, and the error translation.

Every error reaches the client as `{"error": message}` with a fitting status code; domain
errors are translated here (`BadRequestError` → 400, `IndexBusyError` → 409,
`IndexMissingError`/`StoreUnavailableError` → 503; `IndexBuildingError` → 503 with Retry-After
and the build's progress, `ui.building`) and nothing unexpected leaks a trace.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

import anyio
from fastapi import APIRouter, Depends, FastAPI, File, Header, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.service import cancellable, has_lone_surrogate
from inkoopwijzer.errors import (
    BadRequestError,
    ConfigError,
    IndexBuildingError,
    IndexBusyError,
    IndexMissingError,
    IngestError,
    InkoopwijzerError,
    RequestCancelledError,
    StoreUnavailableError,
)
from inkoopwijzer.types import Answer, DocumentMeta, Filters, Turn

from .building import BUILDING_RETRY_AFTER, BuildOut, build_out, building_response
from .feedback import Rating, Review
from .planning_api import add_planning_routes
from .render import document_url
from .services import Services
from .uploads import IngestJob, UploadedFile

__all__ = ["AskRequest", "FeedbackRequest", "api_router", "health_router", "install_error_handlers"]

log = logging.getLogger(__name__)

_STATUS: list[tuple[type[InkoopwijzerError], int]] = [
    (BadRequestError, 400),
    (IngestError, 400),
    (IndexBusyError, 409),
    (RequestCancelledError, 499),  # nobody reads it: the client has gone
    (IndexMissingError, 503),
    (StoreUnavailableError, 503),
    (ConfigError, 500),
]
INTERNAL_ERROR = "Internal server error; the problem has been logged. Please try again later."


T = TypeVar("T")


async def until_disconnected(request: Request, work: Callable[[], T]) -> T:
    """Run `work` in a worker thread; when the client disconnects first, tell its request
    budget (`index.budget`), so it starts no new embedding: a request whose client left
    neither waits for the embedder nor holds it."""
    cancelled = threading.Event()

    def run() -> T:
        with cancellable(cancelled):
            return work()

    async def watch() -> None:
        while True:
            message = await request.receive()
            if message["type"] == "http.disconnect":
                cancelled.set()
                return

    outcome: list[Any] = []

    async def work_then_stop(group: anyio.abc.TaskGroup) -> None:
        try:
            outcome.append(await run_in_threadpool(run))
        except BaseException as exc:  # noqa: BLE001 - re-raised below, outside the task group
            outcome.append(exc)
        group.cancel_scope.cancel()

    # (the work's error is carried out of the task group: raised inside, it would come out
    # wrapped in an ExceptionGroup and miss the API's error handlers)
    async with anyio.create_task_group() as group:
        group.start_soon(watch)
        await work_then_stop(group)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]  # type: ignore[no-any-return]


def error_status(exc: InkoopwijzerError) -> int:
    return next((code for cls, code in _STATUS if isinstance(exc, cls)), 500)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        if err.get("type") == "json_invalid":
            return "Invalid request: the body is not valid JSON."
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path", "header"))
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "Invalid request: " + "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    """Translate every failure into `{"error": message}`; log (never send) unexpected ones."""

    @app.exception_handler(InkoopwijzerError)
    async def _domain(request: Request, exc: InkoopwijzerError) -> JSONResponse:
        if isinstance(exc, IndexBuildingError):
            return building_response(exc)
        status = error_status(exc)
        if status >= 500 and not isinstance(exc, (IndexMissingError, StoreUnavailableError)):
            log.error("%s on %s: %s", exc.__class__.__name__, request.url.path, exc)
            return _error(status, INTERNAL_ERROR)
        return _error(status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(500, INTERNAL_ERROR)


# --- request and response models -------------------------------------------------------


def _surrogates_at(value: Any, where: str = "") -> str | None:
    """Where in a request body a string holds a lone surrogate ("\\ud800" is valid JSON but
    no Unicode text: it cannot be encoded, embedded or stored), or None."""
    if isinstance(value, str):
        return where or "body" if has_lone_surrogate(value) else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _surrogates_at(item, f"{where}.{key}" if where else str(key))
        if found:
            return found
    return None


class _TextBody(BaseModel):
    """A request body whose every string must be valid Unicode text (422 otherwise)."""

    @model_validator(mode="before")
    @classmethod
    def _valid_text(cls, data: Any) -> Any:
        where = _surrogates_at(data)
        if where:
            raise ValueError(f"{where} holds an invalid character (a lone surrogate such as \\ud800); send valid UTF-8 text")
        return data


class AskRequest(_TextBody):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The question, as a provider would type it", examples=["deadline offerte salland?"])
    history: list[Turn] = Field(default_factory=list, description="Earlier turns, oldest first")
    filters: Filters = Field(default_factory=Filters)
    debug: bool = Field(default=False, description="Include the retrieved passages with scores")
    mode: Literal["extractive", "llm"] | None = Field(default=None, description="Answerer; default from settings")

    @field_validator("question")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v.strip()


class FeedbackRequest(_TextBody):
    model_config = ConfigDict(extra="forbid")

    rating: Rating
    question: str = Field(min_length=1)
    answer: Answer = Field(description="The Answer as /api/ask returned it")
    comment: str = Field(default="", max_length=4000)
    history: list[Turn] = Field(default_factory=list)
    filters: Filters | None = None


class FeedbackCreated(BaseModel):
    id: int


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    review: Review = Field(description="approved: goes into the gold export; rejected; pending: not yet judged")


class ReviewOut(BaseModel):
    id: int
    review: Review


class DocumentOut(DocumentMeta):
    chunks: int
    outdated: bool
    notice: str | None = None
    url: str | None = Field(default=None, description="Where the source file is served (PDF only)")


class UploadAccepted(BaseModel):
    job: str = Field(description="Poll GET /api/documents/jobs/{job}")
    files: list[UploadedFile]


class HealthOut(BaseModel):
    status: Literal["ok", "building", "unhealthy"]
    index_present: bool
    documents: int
    model_loaded: bool
    detail: str = ""
    build: BuildOut | None = Field(default=None, description="The background index build, while it runs or when it failed")


# --- routes ------------------------------------------------------------------------------


def health_router(services: Services) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", response_model=HealthOut, responses={503: {"model": HealthOut}}, tags=["health"])
    def healthz() -> JSONResponse:
        """Ready when an index is present and the store answers; 503 otherwise."""
        try:
            h = services.assistant().health()
        except Exception as exc:  # noqa: BLE001 - a health check reports, it does not fail
            log.warning("health check failed: %s", exc)
            detail = str(exc) if isinstance(exc, InkoopwijzerError) else exc.__class__.__name__
            out = HealthOut(status="unhealthy", index_present=False, documents=0, model_loaded=False, detail=detail)
            return JSONResponse(out.model_dump(), status_code=503)
        ok = h.index_present and h.store_ok
        building = not h.index_present and h.build is not None and h.build.running
        out = HealthOut(
            status="ok" if ok else "building" if building else "unhealthy",
            index_present=h.index_present,
            documents=h.documents,
            model_loaded=h.model_loaded,
            detail=h.detail,
            build=build_out(h.build) if h.build is not None else None,
        )
        headers = {"Retry-After": str(BUILDING_RETRY_AFTER)} if building else None
        return JSONResponse(out.model_dump(), status_code=200 if ok else 503, headers=headers)

    return router


def api_router(services: Services) -> APIRouter:
    settings = services.settings
    router = APIRouter(prefix="/api", responses={429: {"description": "Too many requests"}})

    def require_desk(authorization: Annotated[str | None, Header()] = None) -> None:
        if not services.desk_enabled:
            raise HTTPException(403, "Desk routes are disabled: set INKOOPWIJZER_DESK_TOKEN on the server.")
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not services.desk_token_ok(token.strip()):
            raise HTTPException(401, "Missing or wrong desk token: send 'Authorization: Bearer <token>'.",
                                headers={"WWW-Authenticate": "Bearer"})

    desk = [Depends(require_desk)]

    def check_sizes(question: str, history: list[Turn]) -> None:
        if len(question) > settings.max_question_chars:
            raise HTTPException(413, f"Question too long: at most {settings.max_question_chars} characters.")
        if len(history) > settings.max_history_turns:
            raise HTTPException(413, f"History too long: at most {settings.max_history_turns} turns.")
        for i, turn in enumerate(history):
            limit = settings.max_question_chars if turn.role == "user" else settings.max_turn_chars
            if len(turn.content) > limit:
                raise HTTPException(413, f"History turn {i} too long: a {turn.role} turn has at most {limit} characters.")

    @router.post("/ask", response_model=Answer, tags=["ask"], responses={
        403: {"description": "debug without the desk token"},
        413: {"description": "Question or history too long"},
        503: {"model": Answer, "description": "The index is still being built: an Answer with status 'building' and Retry-After"},
    })
    async def ask(body: AskRequest, request: Request, authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
        """Answer one question with citations; `retrieved` (passages and scores) only with
        `debug`, which needs the desk token (`Authorization: Bearer <token>`)."""
        check_sizes(body.question, body.history)
        if body.debug:
            if authorization is None:
                raise HTTPException(403, "debug shows retrieved passages and scores to the desk only: "
                                         "send 'Authorization: Bearer <desk token>', or leave debug off.")
            require_desk(authorization)
        answer = await until_disconnected(
            request,
            lambda: services.assistant().ask(body.question, body.history, body.filters, debug=body.debug, mode=body.mode),
        )
        exclude = None if body.debug else {"retrieved", "explained", "refusal"}
        if answer.status == "building":  # no index yet: the Answer says "nog even geduld"
            return JSONResponse(answer.model_dump(mode="json", exclude=exclude), status_code=503,
                                headers={"Retry-After": str(BUILDING_RETRY_AFTER)})
        services.pages.attach(answer)
        return JSONResponse(answer.model_dump(mode="json", exclude=exclude))

    @router.get("/documents", response_model=list[DocumentOut], tags=["documents"])
    def documents() -> list[DocumentOut]:
        """The indexed policy documents with metadata and validity."""
        return [
            DocumentOut(
                **d.meta.model_dump(),
                chunks=d.chunks,
                outdated=d.outdated,
                notice=d.notice,
                url=document_url(d.meta.document),
            )
            for d in services.assistant().documents()
        ]

    @router.get("/documents/{name}/file", tags=["documents"], response_class=FileResponse)
    def document_file(name: str) -> FileResponse:
        """The source file of an indexed document (PDFs inline, so `#page=N` works)."""
        path = services.document_file(name)
        if path is None:
            raise HTTPException(404, f"No such document: {name}")
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            return FileResponse(path, media_type="application/pdf", content_disposition_type="inline", filename=path.name)
        if suffix in (".txt", ".md"):
            return FileResponse(path, media_type="text/plain; charset=utf-8", content_disposition_type="inline", filename=path.name)
        # anything else (HTML, DOCX) only as a download: never rendered on our origin
        return FileResponse(path, media_type="application/octet-stream", filename=path.name)

    max_upload = int(settings.max_upload_mb * 1024 * 1024)

    # max_body_size also stops a chunked body (no Content-Length) once it passes the limit
    @router.post("/documents", status_code=202, response_model=UploadAccepted, dependencies=desk, tags=["documents"],
                 max_body_size=max_upload + 64 * 1024,
                 responses={401: {"description": "No or wrong desk token"}, 413: {"description": "Upload too large"}})
    def upload(files: Annotated[list[UploadFile], File(description="Policy documents (PDF, TXT, MD, DOCX, HTML)")]) -> UploadAccepted:
        """Add policy documents; they are ingested in the background (poll the job)."""
        if not files:
            raise BadRequestError("No files in the upload.")
        saved: list[UploadedFile] = []
        try:
            for f in files:
                if f.size is not None and f.size > max_upload:
                    raise HTTPException(413, f"{f.filename}: too large; the limit is {settings.max_upload_mb:g} MB.")
                saved.append(services.uploads.save(f.filename or "", f.file))
        except Exception:
            services.uploads.discard(saved)
            raise
        job = services.uploads.start(saved)
        return UploadAccepted(job=job.id, files=job.files)

    @router.get("/documents/jobs", response_model=list[IngestJob], dependencies=desk, tags=["documents"])
    def upload_jobs() -> list[IngestJob]:
        """All upload jobs, newest first (also those resumed after a restart: see `note`)."""
        return services.uploads.jobs()

    @router.get("/documents/jobs/{job_id}", response_model=IngestJob, dependencies=desk, tags=["documents"])
    def upload_job(job_id: str) -> IngestJob:
        """Progress and per-file result of an upload."""
        job = services.uploads.job(job_id)
        if job is None:
            raise HTTPException(404, f"No such job: {job_id}")
        return job

    @router.post("/feedback", status_code=201, response_model=FeedbackCreated, tags=["feedback"])
    def feedback(body: FeedbackRequest) -> FeedbackCreated:
        """Store a 👍/👎 (and optional comment) on an answer; it reaches the gold export only
        once the desk approves it."""
        check_sizes(body.question, body.history)
        fid = services.feedback.add(
            body.rating, body.question, body.answer, comment=body.comment, history=body.history,
            filters=body.filters, channel="api",
        )
        return FeedbackCreated(id=fid)

    @router.get("/feedback/export", dependencies=desk, tags=["feedback"], response_class=PlainTextResponse,
                responses={200: {"content": {"application/x-ndjson": {}}}})
    def feedback_export(
        rating: Annotated[Rating | None, Query()] = None, review: Annotated[Review, Query()] = "approved"
    ) -> PlainTextResponse:
        """Feedback as gold questions (JSON Lines, eval format): the entries the desk approved
        (`review=pending` or `rejected` for the others)."""
        return PlainTextResponse(
            services.feedback.export_jsonl(rating, review),
            media_type="application/x-ndjson",
            headers={"Content-Disposition": 'attachment; filename="feedback-gold.jsonl"'},
        )

    @router.post("/feedback/{feedback_id}/review", response_model=ReviewOut, dependencies=desk, tags=["feedback"])
    def feedback_review(feedback_id: int, body: ReviewRequest) -> ReviewOut:
        """Approve (into the gold export) or reject one feedback entry."""
        if not services.feedback.set_review(feedback_id, body.review):
            raise HTTPException(404, f"No feedback with id {feedback_id}.")
        return ReviewOut(id=feedback_id, review=body.review)

    add_planning_routes(router, services)  # /api/deadlines, /api/deadlines.ics, /api/thresholds

    known = [(r.path_regex, r.methods or set()) for r in router.routes if isinstance(r, APIRoute)]

    @router.api_route("/{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def not_found(rest: str) -> Any:
        # Without this, unknown /api paths would fall through to the chat app mounted at "/".
        allowed = sorted({m for regex, methods in known if regex.match(f"/api/{rest}") for m in methods})
        if allowed:
            raise HTTPException(405, f"Method not allowed on /api/{rest}; use {', '.join(allowed)}.",
                                headers={"Allow": ", ".join(allowed)})
        raise HTTPException(404, f"No such API route: /api/{rest}")

    return router
