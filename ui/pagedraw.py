"""A PDF page drawn as PNG for the page view, within limits.

Drawing a page costs what its content asks for, not what its file weighs: a 390 KB PDF whose one
page draws a 20,000 × 20,000 pixel image twenty times parses in 17 ms (ingest takes it) and took
8 s of PDFium to draw, holding the lock every page view waits for; a few more such drawings make
it minutes. So pages are drawn in a child process (`python -m ui.pagedraw`, an
`inkoopwijzer.child.Worker`), one at a time, within:

- size: the image is at most `PAGE_WIDTH_PX` wide and `MAX_HEIGHT_PX` high, whatever the page's
  size or rotation (a huge page is scaled down; a page without a drawable size is refused);
- time: a page not drawn within `timeout_s` (`INKOOPWIJZER_PAGE_RENDER_TIMEOUT_S`) is refused,
  and the child killed (a fresh one draws the next page);
- memory: the child's address space (`INKOOPWIJZER_PAGE_RENDER_MEMORY_MB`).

A refused page raises `PageRefused`, whose message says what to do instead; the route answers 422.
"""

from __future__ import annotations

import io
import logging
import math
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from inkoopwijzer.child import Worker, serve
from inkoopwijzer.errors import InkoopwijzerError

__all__ = ["HIGHLIGHT_EDGE", "HIGHLIGHT_FILL", "MAX_HEIGHT_PX", "PAGE_WIDTH_PX", "PageDrawer", "PageRefused", "draw_png"]

HIGHLIGHT_FILL = (255, 200, 0, 96)  # RGBA laid over the quote: a marker-pen yellow that keeps the text readable
HIGHLIGHT_EDGE = (232, 93, 4)  # a 2 px outline round each marked line, so the mark shows in any print
PAGE_WIDTH_PX = 1000  # drawn width; the height follows the page, at most MAX_HEIGHT_PX (then narrower)
MAX_HEIGHT_PX = 3000
STARTUP_S = 60.0  # for the child to start (not counted in a page's time)

log = logging.getLogger(__name__)

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points, origin bottom-left


class PageRefused(InkoopwijzerError):
    """A page that cannot be drawn within the limits; the message says what to do instead."""


def _scale(width: float, height: float) -> float:
    """Pixels a point: the page `PAGE_WIDTH_PX` wide, unless that makes it higher than `MAX_HEIGHT_PX`."""
    return min(PAGE_WIDTH_PX / width, MAX_HEIGHT_PX / height)


def draw_png(path: Path, page: int, rects: Sequence[Rect], warn: Callable[[str], None] = log.warning) -> bytes:
    """Page `page` (1-based) as PNG, at most `PAGE_WIDTH_PX` × `MAX_HEIGHT_PX`, with `rects` marked.
    In this process and without a time limit: `PageDrawer.draw` runs it in the child."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    pdf = pdfium.PdfDocument(str(path))
    try:
        pg = pdf[page - 1]
        # the size as drawn (the crop box, turned by the page's rotation), not the unturned box
        width, height = pg.get_size()
        if not (math.isfinite(width) and math.isfinite(height) and width >= 1 and height >= 1):
            raise PageRefused(f"Page {page} of {path.name} has no drawable size ({width:g} × {height:g} pt); open the PDF itself.")
        scale = _scale(width, height)
        left, bottom, right, top = pg.get_bbox()
        rotation = pg.get_rotation()
        image = pg.render(scale=scale, draw_annots=True).to_pil().convert("RGB")
    finally:
        pdf.close()
    if rects and rotation == 0:
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        pad = 2
        for x0, y0, x1, y1 in rects:
            box = ((x0 - left) * scale - pad, (top - y1) * scale - pad, (x1 - left) * scale + pad, (top - y0) * scale + pad)
            draw.rectangle(box, fill=HIGHLIGHT_FILL, outline=(*HIGHLIGHT_EDGE, 255), width=2)
        image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    elif rects:
        warn(f"page view of {path.name} p.{page}: page is rotated {rotation}°; shown unmarked")
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()


def _handle(request: tuple[str, int, list[Rect]], tell: Callable[[Any], None]) -> tuple[Any, ...]:
    path, page, rects = request
    warnings: list[str] = []  # logged by the parent, where the server's log is
    try:
        return ("ok", draw_png(Path(path), page, rects, warnings.append), warnings)
    except PageRefused as exc:
        return ("refused", str(exc))
    except MemoryError:
        return ("memory", "")
    except Exception as exc:  # noqa: BLE001 - a page PDFium cannot draw is refused; the server goes on
        return ("refused", f"Page {page} of {Path(path).name} could not be drawn ({exc.__class__.__name__}: {exc}); "
                           "open the PDF itself.")


class PageDrawer:
    """Draws pages in a child process, one at a time, within `timeout_s` and `memory_mb` each."""

    def __init__(self, timeout_s: float, memory_mb: int) -> None:
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self._worker = Worker("ui.pagedraw", memory_mb)
        self._lock = threading.Lock()

    def draw(self, path: Path, page: int, rects: Sequence[Rect]) -> bytes:
        """`draw_png(path, page, rects)` within the limits; `PageRefused` when they are exceeded."""
        where = f"Page {page} of {path.name}"
        with self._lock:
            if not self._worker.start(STARTUP_S):
                raise PageRefused(f"The page renderer (python -m ui.pagedraw) did not start within {STARTUP_S:g} s; "
                                  "see the server log, and try again.")
            try:
                self._worker.send((str(path), page, list(rects)))
                reply = self._worker.reply(self.timeout_s)
            except (EOFError, OSError):
                reply = ("memory", "")  # the child died: over its address space, most likely
            if reply is None or reply[0] == "memory":
                self._worker.stop()  # PDFium cannot be interrupted: the child goes, with what it was drawing
        if reply is None:
            raise PageRefused(f"{where} takes longer than {self.timeout_s:g} s to draw "
                              "(INKOOPWIJZER_PAGE_RENDER_TIMEOUT_S); it is not shown: open the PDF itself.")
        if reply[0] == "memory":
            raise PageRefused(f"{where} needs more memory to draw than INKOOPWIJZER_PAGE_RENDER_MEMORY_MB="
                              f"{self.memory_mb} allows; it is not shown: open the PDF itself.")
        if reply[0] == "ok":
            for warning in reply[2]:
                log.warning("%s", warning)
            return bytes(reply[1])
        raise PageRefused(str(reply[1]))

    def close(self) -> None:
        """Stop the child (a later `draw` starts a fresh one)."""
        with self._lock:
            self._worker.stop()


if __name__ == "__main__":
    import PIL.Image  # noqa: F401 - loaded before the child says it is ready: not in a page's time
    import pypdfium2  # noqa: F401

    serve(int(sys.argv[1]), _handle)
