"""The page view of a citation: the cited PDF page as PNG with the quote marked.

    GET /api/documents/{document}/pages/{n}.png[?passage=ID&start=S&end=E&sig=HMAC]

Each `Citation` of a PDF source gets `page_images`: one URL per page its quote stands on
(two when it runs over a page break). The highlight is named by the passage id and the
quote's offsets in the document text, exactly as the server issued them, and signed with
the server's secret: a client can ask for a page of an indexed document, but never mark a
region (or open a file) the server did not cite.

Where the quote stands on the page comes from the text positions ingest recorded for the
document (`TextBox`: document text `[start:end)` is drawn in a box on a page), the quote's
offsets mapped through them. Until a document has recorded positions, or when they do not
cover the quote, the page's own characters are searched (pypdfium2 char boxes, matched on
letters and digits so ligatures, hyphenation and line breaks do not matter); each such
fallback is logged and counted. A quote that cannot be placed is shown on an unmarked page,
logged as a warning and counted: that is a bug.

Only a document whose source is a PDF the server serves (`/api/documents/{name}/file`) gets
page images. Pages are drawn by `ui.pagedraw.PageDrawer`: in a child process, within a size, a time
and a memory limit; a page it refuses is answered 422 (and remembered for the index version, so
that asking again costs nothing). The PNGs are kept in a bounded LRU per index version, looked in
before the document or its file is opened.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import logging
import os
import secrets
import threading
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from assistant.service import DocumentLayout
from inkoopwijzer.errors import BadRequestError, InkoopwijzerError
from inkoopwijzer.types import Answer, Citation, TextBox

from .pagedraw import HIGHLIGHT_EDGE, HIGHLIGHT_FILL, PageDrawer, PageRefused

__all__ = [
    "HIGHLIGHT_EDGE",
    "HIGHLIGHT_FILL",
    "Highlight",
    "PageViews",
    "pages_of",
    "pages_router",
    "recorded_rects",
    "search_rects",
]

log = logging.getLogger(__name__)

CACHE_BYTES = 48 * 1024 * 1024
# characters of page text kept, with their boxes, for the text search fallback (~190 bytes each: ~19 MB)
TEXT_CACHE_CHARS = 100_000
RENDER_SLOTS = 4
RENDER_WAIT_S = 5.0
RENDER_TIMEOUT_S = 10.0  # `Settings.page_render_timeout_s`, when no drawer is given
RENDER_MEMORY_MB = 1024  # `Settings.page_render_memory_mb`, likewise

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points, origin bottom-left


@dataclass(frozen=True)
class Highlight:
    """A quote as the server cited it: passage id and offsets in the document text."""

    passage: str
    start: int
    end: int


# --- where the quote stands -------------------------------------------------------------


def pages_of(page_map: Sequence[tuple[int, int]], start: int, end: int, fallback: int | None) -> list[int]:
    """The pages text `[start:end)` stands on, from the document's (block offset, page) map."""
    if not page_map:
        return [fallback] if fallback else []
    offsets = [o for o, _ in page_map]
    first = max(0, bisect.bisect_right(offsets, start) - 1)
    last = max(0, bisect.bisect_left(offsets, end) - 1)
    pages = sorted({p for _, p in page_map[first : last + 1]})
    return pages or ([fallback] if fallback else [])


def recorded_rects(boxes: Sequence[TextBox], start: int, end: int) -> dict[int, list[Rect]]:
    """The quote's rectangles per page from ingest's recorded text boxes. A box only partly
    inside the quote is cut in proportion to the characters inside (boxes are lines or words)."""
    out: dict[int, list[Rect]] = {}
    for b in boxes:
        lo, hi = max(start, b.start), min(end, b.end)
        if lo >= hi or b.end <= b.start:
            continue
        width = b.x1 - b.x0
        x0 = b.x0 + width * (lo - b.start) / (b.end - b.start)
        x1 = b.x0 + width * (hi - b.start) / (b.end - b.start)
        out.setdefault(b.page, []).append((x0, b.y0, x1, b.y1))
    return {page: _line_rects(rects) for page, rects in out.items()}  # word boxes drawn as one mark per line


def _folded(text: str) -> list[tuple[str, int]]:
    """(folded character, index) for each letter or digit: ligatures expanded (NFKC), case and
    accents folded; spaces, hyphens, punctuation and line breaks dropped."""
    out: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch).casefold()):
            if c.isalnum():
                out.append((c, i))
    return out


def _line_rects(charboxes: Sequence[Rect]) -> list[Rect]:
    """Character boxes merged into one rectangle per line (a new line where they stop overlapping)."""
    rects: list[list[float]] = []
    for x0, y0, x1, y1 in charboxes:
        if x1 <= x0 or y1 <= y0:
            continue
        last = rects[-1] if rects else None
        overlap = last is not None and min(last[3], y1) - max(last[1], y0) > 0.5 * min(last[3] - last[1], y1 - y0)
        if last is not None and overlap and x0 >= last[0] - 2:
            last[0], last[1], last[2], last[3] = min(last[0], x0), min(last[1], y0), max(last[2], x1), max(last[3], y1)
        else:
            rects.append([x0, y0, x1, y1])
    return [(r[0], r[1], r[2], r[3]) for r in rects]


@dataclass
class PageText:
    """A page's characters as PDFium reads them, with each character's box."""

    page: int
    chars: str
    boxes: list[Rect]


MIN_RUN = 8  # letters and digits: a shorter run of the quote is not looked for alone (it would match anywhere)
PLACED = 0.95  # share of the quote's letters and digits found on the page for it to count as placed


def _align(needle: str, hay: str) -> tuple[list[tuple[int, int]], int]:
    """Runs of `needle` found in `hay` in reading order, as (hay start, length), and how many
    of its characters were found. Greedy: the longest prefix of what is left that occurs at or
    after the last run (else anywhere: table cells are not always stored in reading order); a
    run shorter than `MIN_RUN` skips one character (unless it ends the needle right after the
    last run). Running headers and footers that the PDF
    stores in the middle of a sentence are so stepped over."""
    runs: list[tuple[int, int]] = []
    i = pos = found = 0
    shortest = min(MIN_RUN, len(needle))  # a quote shorter than MIN_RUN is looked for whole
    while i < len(needle):
        rest = needle[i:]
        if runs and len(rest) < MIN_RUN and hay.startswith(rest, pos):  # a short tail right after the last run
            runs.append((pos, len(rest)))
            found += len(rest)
            break
        best, at = 0, -1
        for origin in (pos, 0):
            lo, hi = 0, len(needle) - i
            while lo < hi:  # the longest prefix that occurs (a prefix of one that occurs occurs too)
                mid = (lo + hi + 1) // 2
                if hay.find(needle[i : i + mid], origin) >= 0:
                    lo = mid
                else:
                    hi = mid - 1
            if lo >= shortest and lo > best:
                best, at = lo, hay.find(needle[i : i + lo], origin)
            if best:
                break
        if best == 0:
            i += 1
            continue
        runs.append((at, best))
        found += best
        i += best
        pos = at + best
    return runs, found


def search_rects(pages: Sequence[PageText], quote: str) -> tuple[dict[int, list[Rect]], float]:
    """The quote found in the pages' own characters (read in order, across page breaks),
    matched on letters and digits only, and the share of it that was found (0.0 … 1.0)."""
    needle = "".join(c for c, _ in _folded(quote))
    if not needle:
        return {}, 0.0
    hay: list[tuple[str, int, int]] = []  # (char, page index, char index)
    for pi, p in enumerate(pages):
        hay.extend((c, pi, i) for c, i in _folded(p.chars))
    runs, found = _align(needle, "".join(c for c, _, _ in hay))
    chosen: dict[int, list[int]] = {}
    for at, length in sorted(runs):
        for _, pi, i in hay[at : at + length]:
            if not chosen.get(pi) or chosen[pi][-1] != i:
                chosen.setdefault(pi, []).append(i)
    out: dict[int, list[Rect]] = {}
    for pi, indices in chosen.items():
        rects = _line_rects([pages[pi].boxes[i] for i in indices])
        if rects:
            out[pages[pi].page] = rects
    return out, found / len(needle)


# --- rendering ----------------------------------------------------------------------------

_pdfium_lock = threading.Lock()  # PDFium is not thread-safe: one call at a time in the process


def _page_texts(path: Path, pages: Sequence[int]) -> list[PageText]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    out: list[PageText] = []
    with _pdfium_lock:
        pdf = pdfium.PdfDocument(str(path))
        try:
            for n in pages:
                if not 1 <= n <= len(pdf):
                    continue
                textpage = pdf[n - 1].get_textpage()
                count = textpage.count_chars()
                chars = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
                boxes = [textpage.get_charbox(i, loose=True) for i in range(count)]
                out.append(PageText(n, chars, boxes))
        finally:
            pdf.close()
    return out


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    with _pdfium_lock:
        pdf = pdfium.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()


# --- the service --------------------------------------------------------------------------


LayoutOf = Callable[[str], DocumentLayout]
FileOf = Callable[[str], Path | None]


def _secret(data_dir: Path) -> bytes:
    """The server's signing key: `data_dir/page-secret.key`, made once (readable by its owner only)."""
    path = data_dir / "page-secret.key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    try:
        os.link(tmp, path)  # first writer wins; a second process reads the winner's key
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


class PageViews:
    """Issues signed page-image URLs for citations and renders them (bounded LRU per version)."""

    def __init__(
        self, data_dir: Path, layout_of: LayoutOf, file_of: FileOf, cache_bytes: int = CACHE_BYTES,
        drawer: PageDrawer | None = None,
    ) -> None:
        self._data_dir = data_dir
        self._drawer = drawer or PageDrawer(RENDER_TIMEOUT_S, RENDER_MEMORY_MB)
        self._refused: dict[tuple[str, str, int], str] = {}  # pages the drawer refused, this index version
        self._key: bytes | None = None
        self._layout_of = layout_of
        self._file_of = file_of
        self._cache: OrderedDict[tuple[str, str, int, Highlight | None], bytes] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._version = ""
        self._lock = threading.Lock()
        self._places: OrderedDict[tuple[str, str, int, int], dict[int, list[Rect]]] = OrderedDict()
        self._texts: OrderedDict[tuple[str, int, int], PageText | None] = OrderedDict()
        self._pdfs: dict[tuple[str, str], Path | None] = {}  # (version, document) → its servable PDF
        self.counts: Counter[str] = Counter()  # recorded / search / partial / unplaced, per placement
        # renders wait for PDFium one at a time; at most this many requests wait for it, so page
        # views can never take all the server's worker threads from the questions
        self.slots = threading.BoundedSemaphore(RENDER_SLOTS)

    # signing

    def _sign(self, document: str, page: int, h: Highlight) -> str:
        if self._key is None:
            self._key = _secret(self._data_dir)
        msg = f"{document}\x00{page}\x00{h.passage}\x00{h.start}\x00{h.end}".encode()
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest()[:32]

    def url(self, document: str, page: int, h: Highlight) -> str:
        query = urlencode({"passage": h.passage, "start": h.start, "end": h.end, "sig": self._sign(document, page, h)})
        return f"/api/documents/{url_quote(document, safe='')}/pages/{page}.png?{query}"

    def verify(self, document: str, page: int, h: Highlight, sig: str) -> bool:
        return hmac.compare_digest(self._sign(document, page, h), sig)

    # citations

    def citation_pages(self, c: Citation) -> list[int]:
        layout = self._layout_of(c.document)
        return pages_of(layout.pages, c.start, c.end, c.page)

    def _pdf(self, document: str, version: str) -> Path | None:
        """The document's source file when it is a PDF the server may serve (else None), looked
        up once per index version: finding it lists the index's documents."""
        key = (version, document)
        with self._lock:
            known = key in self._pdfs
            path = self._pdfs.get(key)
        if not known:
            path = self._file_of(document)
            if path is not None and path.suffix.lower() != ".pdf":
                path = None
            with self._lock:
                if len(self._pdfs) >= 1024:
                    self._pdfs.clear()
                self._pdfs[key] = path
        return path if path is not None and path.is_file() else None

    def attach(self, answer: Answer) -> Answer:
        """Give each citation (and related passage) of a document whose source is a servable PDF
        the URLs of its page images. Never fails the answer: a citation whose layout cannot be
        read simply gets none."""
        for c in [*answer.citations, *answer.related]:
            if not c.document.lower().endswith(".pdf") or c.page_images:
                continue
            try:
                layout = self._layout_of(c.document)
                if self._pdf(c.document, layout.version) is None:
                    log.info("no page view for %s: its source is not a PDF the server serves", c.document)
                    continue
                pages = pages_of(layout.pages, c.start, c.end, c.page)
            except InkoopwijzerError as exc:
                log.info("no page view for %s: %s", c.document, exc)
                continue
            except Exception:  # noqa: BLE001 - a page view is a nicety; the answer always goes out
                log.exception("no page view for %s", c.document)
                continue
            h = Highlight(c.chunk_id, c.start, c.end)
            c.page_images = [self.url(c.document, p, h) for p in pages]
        return answer

    # placing and rendering

    def place(self, document: str, start: int, end: int, path: Path | None = None) -> dict[int, list[Rect]]:
        """The quote's rectangles per page: recorded positions first, the page's text as fallback."""
        layout = self._layout_of(document)
        key = (layout.version, document, start, end)
        with self._lock:
            hit = self._places.get(key)
        if hit is not None:
            return hit
        pages = pages_of(layout.pages, start, end, None)
        rects = recorded_rects(layout.boxes, start, end)
        how = "recorded"
        if not rects or (pages and not set(pages) <= set(rects)):
            path = path or self._file_of(document)
            found, share = search_rects(self._page_texts(path, self._search_pages(pages)), layout.text[start:end]) if path else ({}, 0.0)
            where = f"page view of {document} [{start}:{end}]"
            if found and share >= PLACED:
                how = "search"
                log.info("%s: no recorded positions; found by text search on p.%s", where, ",".join(map(str, sorted(found))))
                rects = found
            elif found and not rects:
                how = "partial"
                log.warning("%s: only %.0f%% of the quote found on p.%s; marked as far as found",
                            where, 100 * share, ",".join(map(str, sorted(found))))
                rects = found
            elif not rects:
                how = "unplaced"
                log.warning("%s: the quote could not be placed on p.%s; shown unmarked", where, ",".join(map(str, pages)) or "?")
        self.counts[how] += 1
        with self._lock:
            self._places[key] = rects
            while len(self._places) > 2048:
                self._places.popitem(last=False)
        return rects

    def _page_texts(self, path: Path, pages: list[int]) -> list[PageText]:
        out = []
        for n in pages:
            key = (str(path), path.stat().st_mtime_ns, n)
            with self._lock:
                hit = self._texts.get(key)
            if hit is None:
                hit = next(iter(_page_texts(path, [n])), None)
                with self._lock:
                    self._texts[key] = hit
                    kept = sum(len(t.chars) for t in self._texts.values() if t is not None)
                    while kept > TEXT_CACHE_CHARS and len(self._texts) > 1:  # the newest is kept, whatever its size
                        _, dropped = self._texts.popitem(last=False)
                        kept -= len(dropped.chars) if dropped is not None else 0
            if hit is not None:
                out.append(hit)
        return out

    @staticmethod
    def _search_pages(pages: list[int]) -> list[int]:
        # the block map gives the block's page; the quote may sit one page on (a block cut by a page break)
        if not pages:
            return []
        return list(range(max(1, pages[0] - 1), pages[-1] + 2))

    def png(self, document: str, page: int, h: Highlight | None) -> bytes:
        """The page as PNG, marked where `h` stands on it (unmarked when `h` is None). The image
        cache is looked in first: a page shown before opens no file."""
        no_pdf = f"No PDF document named {document!r} in the index."
        try:
            layout = self._layout_of(document)
        except BadRequestError as exc:
            raise HTTPException(404, no_pdf) from exc
        key = (layout.version, document, page, h)
        with self._lock:
            if self._version != layout.version:  # a new index version: the old images may be stale
                self._cache.clear()
                self._places.clear()
                self._pdfs.clear()
                self._refused.clear()
                self._version = layout.version
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            refused = self._refused.get((layout.version, document, page))
        if refused is not None:  # marked or not, it would be refused again
            raise HTTPException(422, refused)
        path = self._pdf(document, layout.version)
        if path is None:
            raise HTTPException(404, no_pdf)
        count = page_count(path)
        if not 1 <= page <= count:
            raise HTTPException(404, f"{document} has pages 1 to {count}; there is no page {page}.")
        rects: list[Rect] = []
        if h is not None:
            # the quote may run on past its passage (a list continued in the next one), but the
            # passage must still be in this document: otherwise the index changed under the link
            if h.passage not in layout.passages or not 0 <= h.start < h.end <= len(layout.text):
                log.warning("page view of %s: passage %s [%d:%d] is not in the current index; shown unmarked",
                            document, h.passage, h.start, h.end)
            else:
                rects = self.place(document, h.start, h.end, path).get(page, [])
        try:
            png = self._drawer.draw(path, page, rects)
        except PageRefused as exc:
            log.warning("page view of %s p.%d refused: %s", document, page, exc)
            with self._lock:
                if len(self._refused) < 10_000:
                    self._refused[(layout.version, document, page)] = str(exc)
            raise HTTPException(422, str(exc)) from exc
        with self._lock:
            self._cache[key] = png
            while sum(len(v) for v in self._cache.values()) > self._cache_bytes and len(self._cache) > 1:
                self._cache.popitem(last=False)
        return png


def pages_router(views: PageViews) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["documents"])

    @router.get(
        "/documents/{name}/pages/{n}.png",
        response_class=Response,
        responses={200: {"content": {"image/png": {}}}, 403: {"description": "A highlight the server did not issue"},
                   404: {"description": "No such document or page"},
                   422: {"description": "A page that cannot be drawn within the limits (size, time, memory)"}},
    )
    def page_image(
        name: str,
        n: int,
        passage: Annotated[str | None, Query(max_length=64)] = None,
        start: Annotated[int | None, Query(ge=0)] = None,
        end: Annotated[int | None, Query(ge=0)] = None,
        sig: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Response:
        """A page of an indexed PDF as PNG; with the signed highlight of a citation's `page_images`
        URL, the cited quote is marked on it."""
        given = [v is not None for v in (passage, start, end, sig)]
        if any(given) and not all(given):
            raise HTTPException(400, "A highlight needs passage, start, end and sig together: use a citation's page_images URL.")
        highlight = None
        if passage is not None and start is not None and end is not None and sig is not None:
            highlight = Highlight(passage, start, end)
            if end <= start or not views.verify(name, n, highlight, sig):
                raise HTTPException(403, "This highlight was not issued by the server: use a citation's page_images URL.")
        if not views.slots.acquire(timeout=RENDER_WAIT_S):
            raise HTTPException(503, "Busy rendering pages; try again in a few seconds.", headers={"Retry-After": "5"})
        try:
            png = views.png(name, n, highlight)
        finally:
            views.slots.release()
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    return router
