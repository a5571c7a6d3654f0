"""Text of a scanned PDF page, by Tesseract OCR (Debian's `tesseract-ocr` with its Dutch model
`tesseract-ocr-nld`), with the box of every word in PDF points so it can be cited and shown
like any other text. Called by `ingest.pdf` for a page that has no text layer but an image.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from inkoopwijzer.errors import IngestError

from .textnorm import normalize_text

__all__ = ["DPI", "MAX_PIXELS", "has_images", "ocr_page", "tesseract_available"]

DPI = 300
# Most pixels a page is drawn in for OCR (A2 at 300 DPI is 35 million); a larger page (a poster, a plan)
# is drawn at a lower resolution instead. At 300 DPI a page of 200 × 200 inches, which a PDF may declare
# in a few bytes, would be 3.6 billion pixels: 14 GB, and the file refused as too large.
MAX_PIXELS = 40_000_000
TIMEOUT_S = 60.0  # a page's OCR, when the caller names no time (`Settings.ocr_page_timeout_s`)
# (char, x0, y0, x1, y1, baseline, size, bold): what `ingest.pdf` reads from a text layer
OcrChar = tuple[str, float, float, float, float, float, float, bool]


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def has_images(page: Any) -> bool:
    """Whether the page draws an image (a scan), rather than being empty."""
    import pypdfium2.raw as pdfium_c

    return any(obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))


@functools.cache
def _languages() -> str:
    try:
        done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return "eng"
    langs = set(done.stdout.split())
    return "nld+eng" if "nld" in langs else "eng"


def ocr_page(page: Any, page_no: int, timeout_s: float = TIMEOUT_S) -> list[OcrChar]:
    """The words Tesseract reads on the page, as characters spread over each word's box.

    The page image is written to a temporary folder (under `TMPDIR`: in the parser's child
    process a folder that `ingest.safety.ParseBudget` removes, whatever becomes of this one)."""
    if not tesseract_available():
        raise IngestError(
            f"page {page_no} is a scan without a text layer and Tesseract is not installed; "
            "install tesseract-ocr and tesseract-ocr-nld (make install does) or upload a PDF with text.",
            "no_text",
        )
    width, height = page.get_size()
    image = page.render(scale=_scale(width, height)).to_pil()
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        try:
            done = subprocess.run(
                ["tesseract", str(png), "stdout", "-l", _languages(), "--psm", "3", "tsv"],
                capture_output=True,
                text=True,
                timeout=timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise IngestError(
                f"page {page_no}: OCR took longer than {timeout_s:g} s (INKOOPWIJZER_OCR_PAGE_TIMEOUT_S); "
                "raise it on a slow machine, or upload a PDF with text.",
                "too_slow",
            ) from exc
    if done.returncode != 0:
        raise IngestError(f"page {page_no}: OCR failed ({done.stderr.strip()[:200]}).", "no_text")
    return _chars(done.stdout, width, height, image.width, image.height)


def _scale(width: float, height: float) -> float:
    """Pixels a point for OCR: `DPI`, or less where that would make more than `MAX_PIXELS`."""
    return min(DPI / 72, math.sqrt(MAX_PIXELS / max(1.0, width * height)))


def _chars(tsv: str, width: float, height: float, px_w: int, px_h: int) -> list[OcrChar]:
    sx, sy = width / px_w, height / px_h
    words: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        if float(row.get("conf") or -1) < 0:
            continue
        words.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    out: list[OcrChar] = []
    for line in words.values():
        bottom = max(int(w["top"]) + int(w["height"]) for w in line)
        top = min(int(w["top"]) for w in line)
        base = height - bottom * sy
        size = round((bottom - top) * sy * 0.75, 1)
        for i, w in enumerate(line):
            text = normalize_text(w["text"].strip())
            x0 = int(w["left"]) * sx
            x1 = (int(w["left"]) + int(w["width"])) * sx
            y1 = height - int(w["top"]) * sy
            y0 = height - (int(w["top"]) + int(w["height"])) * sy
            step = (x1 - x0) / max(1, len(text))
            if i:
                out.append((" ", out[-1][3], y0, x0, y1, base, size, False))
            for k, ch in enumerate(text):
                out.append((ch, x0 + k * step, y0, x0 + (k + 1) * step, y1, base, size, False))
    return out
