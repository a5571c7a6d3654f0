"""The assistant's public face: what the CLI, the API, the UI and the evals call."""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from index.budget import cancellable, request_budget
from index.build import BuildProgress, build_progress, start_background_build
from index.diff import policy_diff, successor_diff
from index.embeddings import clip
from index.facts import load_facts
from index.search import get_searcher
from index.store import IndexVersion, current_version
from index.validity import is_outdated, reference_year, validity_notice
from inkoopwijzer.errors import BadRequestError, IndexBuildingError, IndexMissingError, InkoopwijzerError
from inkoopwijzer.settings import Settings, get_settings
from inkoopwijzer.types import Answer, DatedEvent, DocumentMeta, Filters, PolicyDiff, TextBoxes, Threshold, Turn

from .engine import Engine
from .planning import FactQuery, calendar_ics, outdated_documents, select_events, select_thresholds
from .versions import with_change_notices

__all__ = [
    "Assistant",
    "BuildProgress",
    "DocumentInfo",
    "DocumentLayout",
    "Health",
    "bounded_history",
    "build_index_in_background",
    "building_answer",
    "cancellable",
    "get_assistant",
    "has_lone_surrogate",
]


@dataclass
class DocumentInfo:
    meta: DocumentMeta
    chunks: int
    outdated: bool
    notice: str | None


# Layouts kept for the page view (least recently used dropped first), by their size (`DocumentLayout.nbytes`):
# the shipped corpus's five PDFs take about 2.5 MB (bench/bench_layout.py measures them).
LAYOUT_CACHE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class DocumentLayout:
    """What a page view needs of an indexed document: its text, the page each block starts
    on, the text boxes ingest recorded (PDF), and each passage's span."""

    version: str
    text: str
    pages: list[tuple[int, int]]  # (offset where a block starts, its page)
    boxes: TextBoxes  # (a list of `TextBox` given is held as `TextBoxes`)
    passages: dict[str, tuple[int, int]]  # passage id → (start, end)

    def __post_init__(self) -> None:
        if not isinstance(self.boxes, TextBoxes):
            object.__setattr__(self, "boxes", TextBoxes(self.boxes))

    @property
    def nbytes(self) -> int:
        """About the memory it holds (its text, boxes, page map and passage spans)."""
        return sys.getsizeof(self.text) + self.boxes.nbytes + 64 * len(self.pages) + 160 * len(self.passages)


@dataclass
class Health:
    index_present: bool
    documents: int
    model_loaded: bool
    store_ok: bool
    detail: str = ""
    build: BuildProgress | None = None  # a background build that runs (or failed) now


def building_answer(question: str, progress: BuildProgress) -> Answer:
    """"Nog even geduld": what a question gets while the first index is being built."""
    where = f" ({progress.done} van {progress.total} passages)" if progress.stage in ("embed", "index") and progress.total else ""
    return Answer(
        question=question,
        status="building",
        answer=(
            f"De index wordt nog gebouwd{where}; nog even geduld. "
            "Stel je vraag over een halve minuut opnieuw."
        ),
    )


class Assistant:
    """Answers questions over the current index. Safe for concurrent `ask` calls."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._engine_lock = threading.Lock()
        self._engine: Engine | None = None
        self._layouts: OrderedDict[tuple[str, str], DocumentLayout] = OrderedDict()

    def _get_engine(self) -> Engine:
        searcher = get_searcher(self.settings)
        with self._engine_lock:
            if self._engine is None or self._engine.searcher is not searcher:
                self._engine = Engine(searcher, self.settings)
            return self._engine

    def _version(self) -> IndexVersion:
        """The current index version; `IndexBuildingError` (with the progress) while the server
        builds the first one, `IndexMissingError` when there is none."""
        version = current_version(self.settings)
        if version is None:
            progress = self.build()
            if progress is not None and progress.running:
                raise IndexBuildingError(progress)
            raise IndexMissingError()
        return version

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        debug: bool = False,
        mode: str | None = None,
    ) -> Answer:
        """Answer one question; `retrieved` is filled when `debug` is true.

        What one question may cost is bounded here, whatever the caller sent: the question's
        length, the history it is resolved against (`bounded_history`), and the lexicon
        lookups it may make (`index.budget`); the embedder cuts what it embeds."""
        question = (question or "").strip()
        if not question:
            raise BadRequestError("The question is empty; type a question about a procurement policy.")
        if len(question) > self.settings.max_question_chars:
            raise BadRequestError(
                f"The question is {len(question)} characters; the limit is {self.settings.max_question_chars}."
            )
        if has_lone_surrogate(question):
            raise BadRequestError(INVALID_TEXT.format(what="The question"))
        history = bounded_history(history, self.settings)
        try:
            with request_budget(self.settings.max_lexicon_lookups):
                answer = self._get_engine().answer(question, history, filters, debug)
        except IndexMissingError:
            progress = self.build()
            if progress is not None and progress.running:
                return building_answer(question, progress)
            raise
        answer = self._with_change_notices(answer)
        wanted = mode or self.settings.answer_mode
        if wanted == "llm" and answer.status == "answered":
            from .llm import refine_with_llm

            answer = refine_with_llm(answer, self.settings)
        return answer

    def _with_change_notices(self, answer: Answer) -> Answer:
        """A quote from a superseded policy that the newer version changed says so, with both wordings."""
        version = current_version(self.settings)
        if version is None or not any(m.superseded_by for m in version.documents):
            return answer
        return with_change_notices(answer, version)

    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]:
        """Yield text pieces as they are produced, then the final `Answer`."""
        wanted = mode or self.settings.answer_mode
        answer = self.ask(question, history, filters, mode="extractive")
        if wanted == "llm" and answer.status == "answered":
            from .llm import stream_llm

            yield from stream_llm(answer, self.settings)
            return
        words = answer.answer.split(" ")
        for i in range(0, len(words), 8):
            yield " ".join(words[i : i + 8]) + (" " if i + 8 < len(words) else "")
        yield answer

    def documents(self) -> list[DocumentInfo]:
        version = current_version(self.settings)
        if version is None:
            return []
        counts: dict[str, int] = {}
        for c in version.chunks():
            counts[c.document] = counts.get(c.document, 0) + 1
        year = reference_year(self.settings.today)
        return [
            DocumentInfo(
                meta=m,
                chunks=counts.get(m.document, 0),
                outdated=is_outdated(m, year),
                notice=validity_notice(m, year),
            )
            for m in version.documents
        ]

    def document_text(self, document: str) -> str:
        """The full text of an indexed document (for showing a citation in context)."""
        version = self._version()
        try:
            return version.text(document)
        except KeyError as exc:
            raise BadRequestError(f"No document named {document!r} in the index.") from exc

    def document_layout(self, document: str) -> DocumentLayout:
        """Text, page map, recorded text boxes and passage spans of an indexed document
        (read once per index version and document)."""
        version = self._version()
        key = (version.name, document)
        with self._engine_lock:
            hit = self._layouts.get(key)
            if hit is not None:
                self._layouts.move_to_end(key)
                return hit
        try:
            text = version.text(document)
        except KeyError as exc:
            raise BadRequestError(f"No document named {document!r} in the index.") from exc
        # an index written before positions were kept has no boxes: the page view then searches the page
        passages = {c.id: (c.start, c.end) for c in version.chunks() if c.document == document}
        layout = DocumentLayout(version.name, text, version.page_map(document), version.boxes(document), passages)
        with self._engine_lock:
            self._layouts[key] = layout
            kept = sum(v.nbytes for v in self._layouts.values())
            while kept > LAYOUT_CACHE_BYTES and len(self._layouts) > 1:  # the newest is kept, whatever its size
                _, dropped = self._layouts.popitem(last=False)
                kept -= dropped.nbytes
        return layout

    def document_source(self, document: str) -> str | None:
        """Path of the indexed source file of a document, when known."""
        version = current_version(self.settings)
        return version.sources.get(document) if version else None

    # --- the planning calendar: facts extracted at ingest -----------------------------------

    def today(self) -> date:
        """The day 'time left' is counted from: `INKOOPWIJZER_TODAY`, or today."""
        return date.fromisoformat(self.settings.today) if self.settings.today else date.today()

    def events(self, query: FactQuery | None = None) -> list[DatedEvent]:
        """The dated events of the indexed policies (current ones unless asked), by date."""
        version = self._version()
        outdated = outdated_documents(version.documents, reference_year(self.settings.today))
        return select_events(load_facts(version).events, query or FactQuery(), outdated)

    def thresholds(self, query: FactQuery | None = None) -> list[Threshold]:
        """The thresholds of the indexed policies (current ones unless asked)."""
        version = self._version()
        outdated = outdated_documents(version.documents, reference_year(self.settings.today))
        return select_thresholds(load_facts(version).thresholds, query or FactQuery(), outdated)

    def calendar(self, query: FactQuery | None = None) -> bytes:
        """The events as an iCalendar feed, linking to the cited pages under the public base URL."""
        version = self._version()
        events = self.events(query)
        return calendar_ics(events, self.base_url(), stamp=_built_at(version))

    def base_url(self) -> str:
        """Where users reach this server: `INKOOPWIJZER_PUBLIC_BASE_URL`, else the address it serves
        on (`localhost` for a server bound to every interface, whose own address means nothing)."""
        if self.settings.public_base_url:
            return self.settings.public_base_url.rstrip("/")
        host = self.settings.host
        if host in ("0.0.0.0", "::", ""):
            host = "localhost"
        elif ":" in host:  # an IPv6 address
            host = f"[{host}]"
        return f"http://{host}:{self.settings.port}"

    def diff(self, old: str, new: str) -> PolicyDiff:
        """The sentences added, removed and changed from indexed document `old` to `new`."""
        version = self._version()
        names = {m.document for m in version.documents}
        unknown = [n for n in (old, new) if n not in names]
        if unknown:
            raise BadRequestError(f"No document named {', '.join(map(repr, unknown))} in the index.")
        stored = successor_diff(version, old)  # a superseded document and its successor: computed at ingest
        if stored is not None and stored.new == new:
            return stored
        return policy_diff(version, old, new)  # any other two the desk chose

    # --- the index built in the background -------------------------------------------------

    def build(self) -> BuildProgress | None:
        """The background build of this index (started by the server), if any."""
        return build_progress(self.settings)

    def health(self) -> Health:
        version = current_version(self.settings)
        build = self.build()
        if build is not None and build.state == "done":
            build = None
        if version is None:
            if build is not None and build.state == "failed":
                return Health(False, 0, False, False, f"building the index failed: {build.error}", build)
            if build is not None:
                return Health(False, 0, False, False, "the index is being built", build)
            return Health(False, 0, False, False, "no index: run `inkoopwijzer ingest`")
        try:
            searcher = get_searcher(self.settings)
            searcher.collection.count()
        except InkoopwijzerError as exc:
            return Health(True, len(version.documents), False, False, str(exc))
        except Exception as exc:  # noqa: BLE001 - any store failure means unhealthy
            return Health(True, len(version.documents), False, False, f"vector store: {exc.__class__.__name__}")
        return Health(True, len(version.documents), True, True, build=build)


def build_index_in_background(settings: Settings | None = None) -> BuildProgress:
    """Build the index from the shipped corpus when missing (upgrade an older one) in a
    background thread; questions asked meanwhile get a `building` answer."""
    return start_background_build(settings or get_settings())


def _built_at(version: IndexVersion) -> datetime:
    """When a version was written (its name is its UTC time): the feed's DTSTAMP, the same for every
    request to one version."""
    try:
        return datetime.strptime(version.name, "v-%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(version.path.stat().st_mtime, tz=UTC)


INVALID_TEXT = (
    "{what} holds an invalid character (a lone surrogate such as \\ud800, which is no Unicode text); "
    "send the text as valid UTF-8."
)


def has_lone_surrogate(text: str) -> bool:
    """True when `text` holds a code point of U+D800–U+DFFF on its own (JSON allows "\\ud800";
    it cannot be encoded, embedded or stored)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def bounded_history(history: Sequence[Turn], settings: Settings) -> list[Turn]:
    """The part of the conversation a question is resolved against, at a bounded cost.

    The newest `max_history_turns` exchanges; an answer cut to `max_turn_chars`, a user turn
    to `max_question_chars` (a question is never longer); and, newest first, only as many user
    turns as fit in `max_history_chars`. A follow-up ("en bij Salland?") copies earlier
    questions into the search query, so this bounds what that copy can cost. Turns with
    invalid text are refused (`BadRequestError`)."""
    kept: list[Turn] = []
    budget = settings.max_history_chars
    for turn in reversed(list(history)[-2 * max(1, settings.max_history_turns) :]):
        if has_lone_surrogate(turn.content):
            raise BadRequestError(INVALID_TEXT.format(what="A history turn"))
        if turn.role == "user":
            content = clip(turn.content, min(settings.max_question_chars, budget))
            budget -= len(content)
        else:
            content = clip(turn.content, settings.max_turn_chars)
        kept.append(turn if content == turn.content else turn.model_copy(update={"content": content}))
        if budget <= 0:
            break
    return kept[::-1]


_assistant: Assistant | None = None


def get_assistant() -> Assistant:
    """The process-wide assistant (created on first use, never at import)."""
    global _assistant
    if _assistant is None:
        _assistant = Assistant()
    return _assistant
