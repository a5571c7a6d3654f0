"""Shared by the UI/API tests: a fake `Assistant`, an app factory over it, and a helper
that runs the real server as a subprocess on a free port and waits for `/healthz`.

`FakeAssistant` implements the real `Assistant` interface over three canned documents
(names of the shipped PDFs, so `/api/documents/{name}/file` serves real files). Run the
UI over it for development: `make`-free, no index needed:

    INKOOPWIJZER_DATA_DIR=/tmp/iw INKOOPWIJZER_DESK_TOKEN=geheim \\
      .venv/bin/python -m uvicorn --factory --app-dir tests conftest_server:create_fake_app --port 7861
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from assistant.planning import FactQuery, calendar_ics, select_events, select_thresholds
from assistant.service import Assistant, DocumentInfo, DocumentLayout, Health
from inkoopwijzer.errors import IndexMissingError
from inkoopwijzer.settings import REPO_ROOT, Settings
from inkoopwijzer.types import (
    Answer,
    Citation,
    DatedEvent,
    DocumentMeta,
    FactSource,
    Filters,
    RetrievedPassage,
    Threshold,
    Turn,
)

__all__ = ["FakeAssistant", "ServerProcess", "create_fake_app", "free_port", "start_server"]

ZK_MSZ = "000_2839806238769069.pdf"
ZZ_MSZ = "001_3ba7a5f8c5435087.pdf"
ZK_ZG_OLD = "003_2c4c2530db87d994.pdf"
SALLAND = "004_112e050678cf724a.pdf"

_TEXTS = {
    ZK_MSZ: (
        "Zilveren Kruis\nInkoopbeleid MSZ 2027\n\n3 Contracteerprocedure\n3.2 Planning\n"
        "Wij hanteren voor de contractering 2027 een vaste planning. Zorgaanbieders die nog geen "
        "overeenkomst met ons hebben, volgen de procedure voor nieuwe zorgaanbieders. "
        "Een nieuwe zorgaanbieder kan zich tot uiterlijk 1 april 2026 aanmelden via het "
        "aanmeldformulier op onze website. Na deze datum nemen wij aanmeldingen voor 2027 niet meer in "
        "behandeling. Wij beoordelen de aanmelding op de minimumeisen uit hoofdstuk 4 en laten binnen "
        "zes weken weten of u wordt uitgenodigd voor een gesprek. " * 1
    ),
    ZZ_MSZ: (
        "Zorg en Zekerheid\nZorginkoopbeleid 2027 Medisch-specialistische zorg\n\n5 Minimumeisen ZBC\n"
        "Voor zelfstandige behandelcentra (ZBC's) gelden aanvullende eisen. De ZBC beschikt over een "
        "geldig keurmerk van ZKN of een gelijkwaardig kwaliteitskeurmerk. Daarnaast levert de ZBC "
        "jaarlijks de gegevens aan voor de transparantiekalender. De ZBC heeft minimaal 100 "
        "behandelingen per jaar per aandoening om de kwaliteit te borgen."
    ),
    SALLAND: (
        "Salland Zorgverzekeraar\nZorginkoopbeleid 2027 Medisch-specialistische zorg\n\n2 Inkoopproces\n"
        "2.4 Offerte\nDe zorgaanbieder dient de offerte uiterlijk 1 juli 2026 in via VECOZO. "
        "Offertes die na deze datum binnenkomen, nemen wij niet in behandeling. Bij vragen kunt u "
        "contact opnemen met uw zorginkoper."
    ),
    ZK_ZG_OLD: (
        "Zilveren Kruis\nInkoopbeleid Zintuiglijk Gehandicaptenzorg 2024-2025\n\n"
        "Aanmelden als nieuwe zorgaanbieder kan tot 1 mei 2024."
    ),
}

_META = {
    ZK_MSZ: DocumentMeta(document=ZK_MSZ, doc_id=ZK_MSZ[:-4], title="Inkoopbeleid MSZ 2027", insurer="Zilveren Kruis",
                         care_types=["MSZ"], years=[2027], version="2.0", published="2026-06-15", content_hash="a", pages=36),
    ZZ_MSZ: DocumentMeta(document=ZZ_MSZ, doc_id=ZZ_MSZ[:-4], title="Zorginkoopbeleid 2027 Medisch-specialistische zorg",
                         insurer="Zorg en Zekerheid", care_types=["MSZ"], years=[2027], version="1.1",
                         published="2026-06-01", content_hash="b", pages=12),
    SALLAND: DocumentMeta(document=SALLAND, doc_id=SALLAND[:-4], title="Zorginkoopbeleid 2027 Medisch-specialistische zorg",
                          insurer="Salland", care_types=["MSZ"], years=[2027], content_hash="c", pages=33),
    ZK_ZG_OLD: DocumentMeta(document=ZK_ZG_OLD, doc_id=ZK_ZG_OLD[:-4], title="Inkoopbeleid Zintuiglijk Gehandicaptenzorg 2024-2025",
                            insurer="Zilveren Kruis", care_types=["ZG"], years=[2024, 2025], content_hash="d", pages=13),
}


def _cite(n: int, document: str, quote: str, section: str, page: int, outdated: bool = False) -> Citation:
    text = _TEXTS[document]
    start = text.index(quote)
    meta = _META[document]
    return Citation(n=n, document=document, title=meta.title, insurer=meta.insurer, section=section, page=page,
                    quote=quote, start=start, end=start + len(quote), chunk_id=f"{meta.doc_id}-{start}", outdated=outdated)


def _source(document: str, quote: str, section: str, page: int) -> FactSource:
    start = _TEXTS[document].index(quote)
    return FactSource(document=document, quote=quote, section=section, page=page, start=start, end=start + len(quote),
                      chunk_id=f"{_META[document].doc_id}-{start}")


def _event(uid: str, document: str, quote: str, page: int, **fields: Any) -> DatedEvent:
    meta = _META[document]
    return DatedEvent(uid=uid, insurer=meta.insurer, document=document, title=meta.title, care_types=meta.care_types,
                      years=meta.years, sources=[_source(document, quote, "Planning", page)], **fields)


FAKE_EVENTS = [
    _event("zk-aanmelden", ZK_MSZ, "Een nieuwe zorgaanbieder kan zich tot uiterlijk 1 april 2026 aanmelden via het aanmeldformulier op onze website.",
           7, kind="deadline", date="2026-04-01", who="nieuwe zorgaanbieders", what="Aanmelden als nieuwe zorgaanbieder"),
    _event("sal-offerte", SALLAND, "De zorgaanbieder dient de offerte uiterlijk 1 juli 2026 in via VECOZO.", 9,
           kind="deadline", date="2026-07-01", who="zorgaanbieders", what="De offerte indienen via VECOZO"),
    _event("sal-maand", SALLAND, "Bij vragen kunt u contact opnemen met uw zorginkoper.", 9,
           kind="event", month="2026-12", approximate=True, who="zorgaanbieders", what="Gesprekken met de zorginkoper"),
    _event("zg-oud", ZK_ZG_OLD, "Aanmelden als nieuwe zorgaanbieder kan tot 1 mei 2024.", 3,
           kind="deadline", date="2024-05-01", who="nieuwe zorgaanbieders", what="Aanmelden (oud beleid)"),
]
FAKE_THRESHOLDS = [
    Threshold(uid="zz-100", kind="count", value=100, unit="behandelingen", comparator="min", text="minimaal 100",
              subject="behandelingen per jaar per aandoening", insurer="Zorg en Zekerheid", document=ZZ_MSZ,
              title=_META[ZZ_MSZ].title, care_types=["MSZ"], years=[2027],
              sources=[_source(ZZ_MSZ, "De ZBC heeft minimaal 100 behandelingen per jaar per aandoening om de kwaliteit te borgen.", "Minimumeisen ZBC", 8)]),
]


def _retrieved(citations: Sequence[Citation]) -> list[RetrievedPassage]:
    return [
        RetrievedPassage(chunk_id=c.chunk_id, document=c.document, title=c.title, insurer=c.insurer, section=c.section,
                         page=c.page, text=c.quote, score=round(0.9 - 0.1 * i, 3), dense_rank=i + 1, keyword_rank=i + 2)
        for i, c in enumerate(citations)
    ]


@dataclass
class Call:
    question: str
    history: list[Turn]
    filters: Filters | None
    debug: bool
    mode: str | None


@dataclass
class FakeAssistant(Assistant):
    """Canned answers by keyword; records its calls; `error` is raised by the next ask."""

    calls: list[Call] = field(default_factory=list)
    error: Exception | None = None
    healthy: bool = True

    def __post_init__(self) -> None:
        self.settings = Settings()

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None,
            debug: bool = False, mode: str | None = None) -> Answer:
        self.calls.append(Call(question, list(history), filters, debug, mode))
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        answer = self._answer(question.lower())
        answer.question = question
        answer.retrieved = _retrieved(answer.citations or answer.related) if debug else None
        answer.mode = mode or "extractive"
        answer.timings = {"retrieve": 12.5, "answer": 3.0}
        return answer

    def stream(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None,
               mode: str | None = None) -> Iterator[str | Answer]:
        answer = self.ask(question, history, filters, mode=mode)
        words = answer.answer.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word
        yield answer

    def _answer(self, q: str) -> Answer:
        if "afbeelding" in q:  # a document whose text holds Markdown (issue 20: never rendered as Markdown)
            return Answer(question=q, status="answered", insurers=["Salland"],
                          answer="Volgens het beleid: “Zie ![t](https://evil.example/t.png) en **dit** voor de planning.”")
        if "zilveren" in q or "aanmelden" in q:
            c = _cite(1, ZK_MSZ, "Een nieuwe zorgaanbieder kan zich tot uiterlijk 1 april 2026 aanmelden via het aanmeldformulier op onze website.",
                      "Contracteerprocedure › Planning", 7)
            return Answer(question=q, status="answered", citations=[c], insurers=["Zilveren Kruis"],
                          answer="Een nieuwe zorgaanbieder kan zich bij Zilveren Kruis voor MSZ 2027 aanmelden tot uiterlijk 1 april 2026 [1].")
        if "salland" in q:
            c = _cite(1, SALLAND, "De zorgaanbieder dient de offerte uiterlijk 1 juli 2026 in via VECOZO.", "Inkoopproces › Offerte", 9)
            return Answer(question=q, status="answered", citations=[c], insurers=["Salland"],
                          answer="Bij Salland moet de offerte uiterlijk 1 juli 2026 via VECOZO binnen zijn [1].")
        if "zbc" in q:
            c1 = _cite(1, ZZ_MSZ, "De ZBC beschikt over een geldig keurmerk van ZKN of een gelijkwaardig kwaliteitskeurmerk.", "Minimumeisen ZBC", 8)
            c2 = _cite(2, ZZ_MSZ, "De ZBC heeft minimaal 100 behandelingen per jaar per aandoening om de kwaliteit te borgen.", "Minimumeisen ZBC", 8)
            return Answer(question=q, status="answered", citations=[c1, c2], insurers=["Zorg en Zekerheid"],
                          answer="Een ZBC moet een geldig ZKN-keurmerk (of gelijkwaardig) hebben [1] en minimaal 100 behandelingen per jaar per aandoening doen [2].")
        if "zintuig" in q:
            c = _cite(1, ZK_ZG_OLD, "Aanmelden als nieuwe zorgaanbieder kan tot 1 mei 2024.", "", 3, outdated=True)
            return Answer(question=q, status="answered", citations=[c], insurers=["Zilveren Kruis"],
                          notices=["Dit beleid (2024-2025) is verouderd; er kan nieuwer beleid zijn."],
                          answer="Volgens het beleid 2024-2025 kon dat tot 1 mei 2024 [1].")
        related = _cite(1, SALLAND, "Bij vragen kunt u contact opnemen met uw zorginkoper.", "Inkoopproces › Offerte", 9)
        return Answer(question=q, status="not_found", related=[related],
                      answer="Ik kan dit niet vinden in de beleidsdocumenten.")

    def documents(self) -> list[DocumentInfo]:
        return [
            DocumentInfo(meta=m, chunks=12, outdated=name == ZK_ZG_OLD,
                         notice="Verouderd: dit beleid gold voor 2024-2025." if name == ZK_ZG_OLD else None)
            for name, m in _META.items()
        ]

    def document_text(self, document: str) -> str:
        if document not in _TEXTS:
            raise KeyError(document)
        return _TEXTS[document]

    def today(self) -> date:
        return date(2026, 6, 19)

    def events(self, query: FactQuery | None = None) -> list[DatedEvent]:
        return select_events(FAKE_EVENTS, query or FactQuery(), [ZK_ZG_OLD])

    def thresholds(self, query: FactQuery | None = None) -> list[Threshold]:
        return select_thresholds(FAKE_THRESHOLDS, query or FactQuery(), [ZK_ZG_OLD])

    def calendar(self, query: FactQuery | None = None) -> bytes:
        base = self.settings.public_base_url or "http://127.0.0.1:7860"
        return calendar_ics(self.events(query), base, stamp=datetime(2026, 6, 1, tzinfo=UTC))

    def document_layout(self, document: str) -> DocumentLayout:
        raise IndexMissingError("FakeAssistant has no index: its citations get no page view")

    def health(self) -> Health:
        return Health(index_present=self.healthy, documents=len(_META) if self.healthy else 0,
                      model_loaded=True, store_ok=self.healthy, detail="" if self.healthy else "no index")


def create_fake_app() -> Any:
    """An app over `FakeAssistant` (uvicorn --factory); settings from the environment.

    `IW_FAKE_INGEST=1` ingests uploads with `fake_ingest` (no model), after sleeping
    `IW_FAKE_INGEST_DELAY` seconds; unset, uploads are parsed and indexed for real."""
    from ui.server import create_app

    fake = FakeAssistant()
    ingest = None
    if os.environ.get("IW_FAKE_INGEST"):
        delay = float(os.environ.get("IW_FAKE_INGEST_DELAY", "0"))

        def ingest(paths: Sequence[Path], settings: Settings, progress: Any = None, wait: float = 0.0) -> Any:
            time.sleep(delay)
            return fake_ingest(paths, settings, progress, wait)

    return create_app(lambda: fake, Settings(), ingest=ingest)


# --- running the real server as a subprocess -------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_server(args: Sequence[str], env: dict[str, str], log_path: Path, timeout: float = 180.0) -> ServerProcess:
    """Start `python <args>` (which must listen on env's INKOOPWIJZER_PORT) and wait for /healthz 200."""
    port = env["INKOOPWIJZER_PORT"]
    url = f"http://127.0.0.1:{port}"
    full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, *args], cwd=REPO_ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    server = ServerProcess(url=url, process=process, log_path=log_path)
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before it was healthy:\n{server.log_tail()}")
        try:
            r = httpx.get(f"{url}/healthz", timeout=5.0)
            if r.status_code == 200:
                return server
            last = f"{r.status_code} {r.text[:300]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"server not healthy after {timeout:.0f}s (last: {last}):\n{server.log_tail()}")


# --- in-process helpers for unit tests ---------------------------------------------------

DESK_TOKEN = "test-desk-token"


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for a test: state under tmp_path, a desk token, a generous rate limit."""
    values: dict[str, Any] = {
        "data_dir": tmp_path / "var",
        "desk_token": DESK_TOKEN,
        "rate_limit_per_minute": 10_000,
        "allowed_hosts": "testserver,localhost,127.0.0.1",  # TestClient's and schemathesis' Host
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def fake_ingest(paths: Sequence[Path], settings: Settings, progress: Any = None, wait: float = 0.0) -> Any:
    """Stands in for `index.store.ingest_paths`: files containing b'corrupt' fail."""
    from inkoopwijzer.types import IngestFailure, IngestReport

    report = IngestReport()
    for i, p in enumerate(paths):
        if progress:
            progress("parse", i, len(paths))
        if b"corrupt" in Path(p).read_bytes():
            report.failed.append(IngestFailure(path=str(p), error=f"{Path(p).name}: could not be read.", reason="corrupt"))
        else:
            report.added += 1
    report.documents = report.added
    report.chunks = 3 * report.added
    return report


# --- the real server over the shared test index (integration and browser tests) --------

LIVE_DESK_TOKEN = "integration-desk-token"


def live_server_for(data_dir: Path, log_path: Path) -> ServerProcess:
    """`python -m ui` on a free port over the index in `data_dir`, healthy when returned."""
    port = free_port()
    env = {
        "INKOOPWIJZER_DATA_DIR": str(data_dir),
        "INKOOPWIJZER_PORT": str(port),
        "INKOOPWIJZER_HOST": "127.0.0.1",
        "INKOOPWIJZER_DESK_TOKEN": LIVE_DESK_TOKEN,
        "INKOOPWIJZER_RATE_LIMIT_PER_MINUTE": "1000",
    }
    return start_server(["-m", "ui", "--port", str(port)], env, log_path)


# --- the page view's highlight, counted in a rendered image ---------------------------------


def highlight_pixels(png: bytes) -> int:
    """Pixels of the page view's highlight in an image: marker-yellow to orange (hue 15-60°),
    clearly coloured and light, whatever paper or table shading it was laid over and however
    the browser scaled it. A policy page without a highlight has (almost) none."""
    import io

    import numpy as np
    from PIL import Image

    hsv = np.asarray(Image.open(io.BytesIO(png)).convert("RGB").convert("HSV"), dtype=np.float32)
    hue, sat, val = hsv[..., 0] * 360 / 255, hsv[..., 1] / 255, hsv[..., 2] / 255
    return int(((hue >= 15) & (hue <= 60) & (sat >= 0.25) & (val >= 0.7)).sum())


if __name__ == "__main__":  # `python tests/conftest_server.py`: the fake app, served as `inkoopwijzer serve` serves
    from ui.server import serve

    serve(app=create_fake_app())
